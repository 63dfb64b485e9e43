"""Numbered figures and tables ({numref}) and citations (sphinxcontrib-bibtex), in all three
formats, on a book shaped like an academic one (tests/roots/test-citations): two chapters
with figures, a table and citations, and a bibliography page; ``numfig = True``.

Each format is read back: the website through selectors, the e-book through its XHTML and
EPUBCheck, the PDFs through their text and their link annotations.
"""

import re
import shutil
import zipfile

import pikepdf
import pytest
from bs4 import BeautifulSoup
from lxml import etree

import epubread
import pdfread
from conftest import build_in_process, sphinx_build

FORMATS = ["handout", "epub", "html"]
CHAPTERS = ["chapters/01-walking", "chapters/02-feet"]
# The works of refs.bib by title, and the ones each chapter cites.
WORKS = {"walker2019": "Walking and nerve health", "okafor2021": "Living well with numb feet",
         "lindqvist2018": "Foot checks at home"}
CITED = {"chapters/01-walking": {"walker2019", "okafor2021"},
         "chapters/02-feet": {"lindqvist2018"}}
# Each numbered thing: its label and the caption text it carries.
NUMBERED = {"walk-figure": "A box that stands for a walk.", "walk-table": "Days to walk",
            "feet-figure": "A box that stands for a foot."}
# What a link to each lands beside (a table's caption may end a page, its rows start the next).
LANDS_ON = {"walk-figure": "A box that stands for a walk.", "walk-table": "Monday 10"}
NUMBER = re.compile(r"(?:Fig\.|Table) \d+")


@pytest.fixture(scope="module")
def built(tmp_path_factory, rootdir):
    """The root built strictly in-process into the three formats (the website last, as it
    links the other two)."""
    base = tmp_path_factory.mktemp("citations")
    src = shutil.copytree(rootdir / "test-citations", base / "src")
    out = {}
    for builder in FORMATS:
        links = {"web_handout_dir": str(out["handout"].outdir),
                 "web_epub_dir": str(out["epub"].outdir)} if builder == "html" else {}
        out[builder] = build_in_process(builder, src, base / f"build-{builder}", links)
        assert out[builder].warnings == "", f"{builder}:\n{out[builder].warnings}"
    return out


def _xhtml(built, docname):
    with zipfile.ZipFile(epubread.find(built["epub"].outdir)) as z:
        return BeautifulSoup(z.read(f"{docname}.xhtml"), "xml")


def _html(built, docname):
    return BeautifulSoup((built["html"].outdir / f"{docname}.html").read_text("utf-8"), "lxml")


def _numbers(soup):
    """{label: (caption number, [numbers of the {numref} links to it])} of a page."""
    found = {}
    for label in NUMBERED:
        target = soup.find(id=label)
        if target is None:
            continue
        caption = target.find(class_="caption-number").get_text().strip()
        refs = [a.get_text().strip() for a in soup.select(f'a[href$="#{label}"]')
                if "headerlink" not in a.get("class", [])]
        found[label] = (caption, refs)
    return found


def _pdf_numbers(pdf):
    """{label: (caption number, [numbers of the {numref} links])} read from a PDF's text."""
    text = " ".join(pdfread.text(pdf).split())
    found = {}
    for label, caption in NUMBERED.items():
        at = re.search(rf"({NUMBER.pattern}) {re.escape(caption)}", text)
        if at:
            refs = re.findall(rf"({NUMBER.pattern}) \(page \d+\) (?:shows|lists)", text)
            found[label] = (at.group(1), refs)
    return found


def _pdf_links(pdf):
    """{destination name: page number it lands on, or None} of a PDF's named links."""
    found = {}
    with pikepdf.open(pdf) as doc:
        pages = {p.objgen: i for i, p in enumerate(doc.pages, 1)}
        names = doc.Root.get("/Names")
        tree = pikepdf.NameTree(names.Dests) if names is not None and "/Dests" in names else {}
        for page in doc.pages:
            for annot in page.get("/Annots", []):
                dest = annot.get("/Dest")
                if annot.get("/Subtype") != "/Link" or not isinstance(dest, pikepdf.String):
                    continue
                target = tree[str(dest)] if str(dest) in tree else None
                found[str(dest)] = pages.get(target[0].objgen) if target is not None else None
    return found


def _pdf(built, name):
    return built["handout"].outdir / name


# -- numbered figures and tables ----------------------------------------------------

def test_figure_and_table_numbers_are_the_same_in_the_three_formats(built):
    web = {**_numbers(_html(built, CHAPTERS[0])), **_numbers(_html(built, CHAPTERS[1]))}
    # Numbered across the book, as Sphinx numbers them: the second chapter's figure is 2.
    assert web == {"walk-figure": ("Fig. 1", ["Fig. 1"]), "walk-table": ("Table 1", ["Table 1"]),
                   "feet-figure": ("Fig. 2", ["Fig. 2"])}
    ebook = {**_numbers(_xhtml(built, CHAPTERS[0])), **_numbers(_xhtml(built, CHAPTERS[1]))}
    assert ebook == web
    book = _pdf_numbers(_pdf(built, "cited-book.pdf"))
    assert {k: v[0] for k, v in book.items()} == {k: v[0] for k, v in web.items()}
    assert book["walk-figure"][1] == ["Fig. 1", "Table 1", "Fig. 2"]
    # A chapter handout keeps the book's numbers: the feet figure is still Fig. 2.
    feet = _pdf_numbers(_pdf(built, "chapters/02-feet.pdf"))
    assert feet == {"feet-figure": ("Fig. 2", ["Fig. 2"])}
    walking = _pdf_numbers(_pdf(built, "chapters/01-walking.pdf"))
    assert {k: v[0] for k, v in walking.items()} == {"walk-figure": "Fig. 1",
                                                    "walk-table": "Table 1"}


@pytest.mark.parametrize("pdf, prefix", [("cited-book.pdf", "chapters-01-walking--"),
                                         ("chapters/01-walking.pdf", "chapters-01-walking--")])
def test_numref_links_are_live_in_the_pdf(built, pdf, prefix):
    path = _pdf(built, pdf)
    links = _pdf_links(path)
    pages = pdfread.page_texts(path)
    for label in ("walk-figure", "walk-table"):
        page = links.get(prefix + label)
        assert page is not None, (label, links)
        assert LANDS_ON[label] in " ".join(pages[page - 1].split())
    assert all(links.values()), links


# -- citations and bibliographies ---------------------------------------------------

def test_the_whole_book_pdf_lists_the_references(built):
    text = " ".join(pdfread.text(_pdf(built, "cited-book.pdf")).split())
    references = text[text.rindex("References [") :]
    for title in WORKS.values():
        assert title in references
    assert not re.search(r"\[\w+\]\s*\[\w+\]", references)   # each label printed once


def test_the_ebook_lists_the_references_as_a_list(built):
    page = _xhtml(built, "references")
    entries = page.select('[role="list"] > [role="listitem"].citation')
    assert [e.find(class_="label").get_text() for e in entries] == ["[Lin18]", "[Oka21]", "[WB19]"]
    assert {title for title in WORKS.values() if title in page.get_text()} == set(WORKS.values())
    # Every citation in a chapter links to its entry.
    chapter = _xhtml(built, CHAPTERS[0])
    refs = [a["href"] for a in chapter.select(".bibtex-citation a")]
    assert len(refs) == 2 and all(r.startswith("../references.xhtml#") for r in refs)
    assert all(page.find(class_="citation", id=r.split("#")[1]) is not None for r in refs)


@pytest.mark.parametrize("docname", CHAPTERS)
def test_a_chapter_handout_lists_exactly_the_works_it_cites(built, docname):
    path = _pdf(built, f"{docname}.pdf")
    text = " ".join(pdfread.text(path).split())
    listed = {key for key, title in WORKS.items() if title in text}
    assert listed == CITED[docname]
    assert "References" in text and "references.html" not in text
    # Its citations are live links to the entries it prints, not bare labels.
    links = {name: page for name, page in _pdf_links(path).items()
             if name.startswith("references--")}
    assert len(links) == len(CITED[docname]) and all(links.values()), links


@pytest.mark.slow
def test_the_ebook_passes_epubcheck_with_no_message(built):
    epub = epubread.find(built["epub"].outdir)
    assert epubread.epubcheck(epub) == []
    with zipfile.ZipFile(epub) as z:
        page = etree.fromstring(z.read("references.xhtml"))
    assert not page.xpath('//*[contains(@role, "doc-biblioentry")]')


def test_a_bib_file_in_the_sources_is_named_when_conf_py_sits_outside_them(tmp_path, rootdir):
    """A new book's layout: conf.py at the top, the chapters and refs.bib in docs/.
    sphinxcontrib-bibtex reads bibtex_bibfiles beside conf.py, so "refs.bib" (as a Jupyter
    Book's _config.yml writes it) would be one warning per citation; the build stops at
    once with what to write instead, and builds with it."""
    src = shutil.copytree(rootdir / "test-citations", tmp_path / "book" / "docs")
    conf = (src / "conf.py").rename(tmp_path / "book" / "conf.py")
    proc = sphinx_build("epub", tmp_path / "out" / "epub", srcdir=src, confdir=conf.parent)
    assert proc.returncode != 0
    assert ("bibtex_bibfiles: refs.bib is read from beside conf.py, where there is no such "
            "file; it is in the book's sources: write 'docs/refs.bib' in bibtex_bibfiles"
            in proc.stderr), proc.stderr
    assert "could not find bibtex key" not in proc.stderr
    conf.write_text(conf.read_text().replace('["refs.bib"]', '["docs/refs.bib"]'))
    proc = sphinx_build("epub", tmp_path / "out" / "epub", srcdir=src, confdir=conf.parent)
    assert proc.returncode == 0, proc.stderr
