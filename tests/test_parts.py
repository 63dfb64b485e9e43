"""A book in parts (patientpress/chapters.py: parts, group_parts, contents_items), on the
Jupyter Book root (tests/roots/test-toc-book), whose _toc.yml has two parts, "Getting going"
and "Going further": each part's title heads its chapters in the whole-book PDF (a band on its
first chapter's page, an H2 over the chapters' H3, a level of the outline) and groups them in
the printed contents, with their page numbers as before; the e-book's navigation lists each
part over its chapters. Ordinary toctrees with a :caption: are parts too; a single one is not."""

import re
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from lxml import etree

import epubread
import pdfread
from conftest import build_in_process

PARTS = {"Getting going": ["Getting Started", "First Steps", "Next Steps", "Caring for Yourself"],
         "Going further": ["Going Further", "Questions to Ask"]}
# Where each chapter starts, as before the book had its parts printed: the band over a
# part's first chapter takes no page of its own.
PAGES = {"Getting Started": 3, "First Steps": 4, "Next Steps": 5, "Caring for Yourself": 6,
         "Going Further": 7, "Questions to Ask": 8}
NCX = {"n": "http://www.daisy.org/z3986/2005/ncx/"}
CONTENTS_LINE = re.compile(r"^(.*?)\s*(?:\.\s*)+(\d+)$")


def strict(result):
    assert result.warnings == "", result.warnings
    return result.outdir


@pytest.fixture
def book(built_root):
    return strict(built_root("handout", "toc-book")) / "toc-book.pdf"


@pytest.fixture
def epub(built_root):
    return epubread.find(strict(built_root("epub", "toc-book")))


def printed_contents(pdf):
    """The contents page read back: ``[(part title, None)]`` or ``[(chapter, page)]``."""
    lines = [" ".join(line.split()) for line in pdfread.text(pdf, 2, 2).splitlines()]
    lines = [line for line in lines[lines.index("Contents") + 1:] if line]
    found = []
    for line in lines:
        if line.startswith("Toc Book"):   # the running foot
            break
        match = CONTENTS_LINE.match(line)
        found.append((match[1], int(match[2])) if match else (line, None))
    return found


def test_each_part_heads_its_chapters_in_the_structure_and_the_outline(book):
    headings = pdfread.headings(book)
    assert headings[:3] == [(1, "Toc Book"), (2, "Contents"), (2, "Getting going")]
    for part, titles in PARTS.items():
        at = headings.index((2, part))
        # Every chapter of the part one level below it, before the next H2.
        end = next(i for i, (level, _) in enumerate(headings) if i > at and level <= 2)
        assert [h for h in headings[at + 1:end] if h[0] == 3] == [(3, t) for t in titles]
    outline = [(level, title) for level, title, _ in pdfread.outline(book)]
    assert outline[:7] == [(1, "Toc Book"), (1, "Getting going"), (2, "Getting Started"),
                           (2, "First Steps"), (2, "Next Steps"), (3, "Keep going"),
                           (2, "Caring for Yourself")]
    assert outline[7:10] == [(1, "Going further"), (2, "Going Further"), (2, "Questions to Ask")]
    assert pdfread.accessibility_problems(book) == []
    page = BeautifulSoup(book.with_name("index.html").read_text("utf-8"), "lxml")
    assert pdfread.headings(book) == [(int(h.name[1]), " ".join(h.get_text().split()))
                                      for h in page.find_all(re.compile(r"^h[1-6]$"))]


def test_a_part_title_is_a_band_over_its_first_chapter_on_that_page(book):
    pages = [" ".join(t.split()) for t in pdfread.page_texts(book)]
    assert pages[PAGES["Getting Started"] - 1].startswith("Getting going Getting Started ")
    assert pages[PAGES["Going Further"] - 1].startswith("Going further Going Further ")
    # Printed once: the part's other chapters start with their own heading.
    assert pages[PAGES["Caring for Yourself"] - 1].startswith("Caring for Yourself ")
    assert sum(p.count("Getting going") for p in pages) == 2   # the band and the contents


def test_the_contents_list_each_parts_chapters_under_its_title(book):
    expected = []
    for part, titles in PARTS.items():
        expected += [(part, None), *((t, PAGES[t]) for t in titles)]
    assert printed_contents(book) == expected
    # The numbers are the pages the chapters start on, as the outline has them.
    starts = {title: page for level, title, page in pdfread.outline(book) if title in PAGES}
    assert starts == PAGES
    page = BeautifulSoup(book.with_name("index.html").read_text("utf-8"), "lxml")
    groups = {li.select_one(".print-toc-part-title").get_text():
              [a.get_text() for a in li.select("a")] for li in page.select(".print-toc-part")}
    assert groups == PARTS


def test_chapter_handouts_have_no_part_titles(book):
    for pdf in sorted((book.parent / "chapters").glob("*.pdf")):
        assert not {t for _, t in pdfread.headings(pdf)} & PARTS.keys(), pdf.name
        text = " ".join(pdfread.text(pdf).split())
        assert "Getting going" not in text and "Going further" not in text, pdf.name


def test_the_e_book_navigation_lists_each_part_over_its_chapters(epub):
    import zipfile
    with zipfile.ZipFile(epub) as z:
        nav, ncx = etree.fromstring(z.read("nav.xhtml")), etree.fromstring(z.read("toc.ncx"))
    top = nav.findall("x:body/x:nav/x:ol/x:li", epubread.NS)
    entries = []
    for li in top:
        label = li[0]
        tag = etree.QName(label).localname
        chapters = [a.text for a in li.findall("x:ol/x:li/x:a", epubread.NS)]
        entries.append((tag, label.text, chapters))
    assert entries == [("a", "Toc Book", []),
                       ("span", "Getting going", PARTS["Getting going"][:1] + ["Caring for Yourself"]),
                       ("span", "Going further", PARTS["Going further"])]
    # The sub-pages stay under their chapter.
    assert [a.text for a in top[1].findall("x:ol/x:li/x:ol/x:li/x:a", epubread.NS)] == \
        ["First Steps", "Next Steps"]
    # toc.ncx: a part's navPoint goes to its first chapter, its chapters inside it.
    points = ncx.findall("n:navMap/n:navPoint", NCX)
    assert [p.findtext("n:navLabel/n:text", namespaces=NCX) for p in points] == \
        ["Toc Book", "Getting going", "Going further"]
    assert points[2].find("n:content", NCX).get("src") == "part2/intro.xhtml"
    assert [p.findtext("n:navLabel/n:text", namespaces=NCX)
            for p in points[2].findall("n:navPoint", NCX)] == PARTS["Going further"]


@pytest.mark.slow
def test_the_e_book_in_parts_passes_epubcheck(epub):
    assert epubread.epubcheck(epub) == []


def toctree_book(tmp_path, rootdir, captions):
    """The root's book with its parts as ordinary toctrees in index.md, one per caption
    (None: no caption); a single toctree lists every chapter."""
    src = shutil.copytree(rootdir / "test-toc-book", tmp_path / "src")
    (src / "_toc.yml").unlink()
    conf = src / "conf.py"
    conf.write_text(conf.read_text("utf-8").replace('"sphinx_external_toc", ', "")
                    .replace('external_toc_path = "_toc.yml"\n', ""), encoding="utf-8")
    (src / "part1" / "intro.md").write_text(
        (src / "part1" / "intro.md").read_text("utf-8")
        + "\n```{toctree}\n:hidden:\n\nfirst-steps\nnext-steps\n```\n", encoding="utf-8")
    lists = [["part1/intro", "chapters/care"], ["part2/intro", "questions"]]
    if len(captions) == 1:
        lists = [lists[0] + lists[1]]
    index = src / "index.md"
    for caption, docs in zip(captions, lists):
        option = f":caption: {caption}\n" if caption else ""
        index.write_text(index.read_text("utf-8") + "\n```{toctree}\n" + option + "\n"
                         + "\n".join(docs) + "\n```\n", encoding="utf-8")
    out = strict(build_in_process("handout", src, tmp_path / "_build",
                                  {"handout_products": ["book"]}))
    return out / "toc-book.pdf"


def test_toctree_directives_with_a_caption_are_parts_too(tmp_path, rootdir):
    pdf = toctree_book(tmp_path, rootdir, [None, "Going further"])
    headings = pdfread.headings(pdf)
    # The first toctree has no caption: its chapters are in no part.
    assert (2, "Getting going") not in headings and (2, "Getting Started") in headings
    at = headings.index((2, "Going further"))
    assert headings[at + 1:at + 3] == [(3, "Going Further"), (3, "Questions to Ask")]
    assert printed_contents(pdf)[-3:] == [("Going further", None), ("Going Further", 7),
                                          ("Questions to Ask", 8)]


def test_a_single_toctree_caption_is_no_part(tmp_path, rootdir):
    pdf = toctree_book(tmp_path, rootdir, ["Contents"])
    assert [level for level, _ in pdfread.headings(pdf)] == [1, 2, 2, 2, 2, 3, 2, 2, 2, 2]
    page = BeautifulSoup(pdf.with_name("index.html").read_text("utf-8"), "lxml")
    assert page.select(".part, .print-toc-part") == []
    assert printed_contents(pdf) == list(PAGES.items())
