"""Chapter handouts for any book (patientpress/chapters.py), on a book laid out as Jupyter
Book lays one out (tests/roots/test-toc-book): a _toc.yml with two parts, chapters in
part1/, part2/ and chapters/, two documents named intro.md, a chapter with sub-pages, links
between chapters and to the questions checklist. Each format is built strictly."""

import re
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from sphinx.errors import SphinxError

import epubread
import pdfread
from conftest import build_in_process
from patientpress.book import chapters

ONLINE = "https://toc-book.example.org/en/latest/"
# The three chapter handouts (questions is left out in the root's conf.py), by document.
CHAPTERS = {"part1/intro": "chapters/part1-intro.pdf", "chapters/care": "chapters/care.pdf",
            "part2/intro": "chapters/part2-intro.pdf"}
# A sentence of each document's text, and whose handout holds it.
TEXT = {"part1/intro": "Text of getting started", "part1/first-steps": "Text of the first steps",
        "part1/next-steps": "Text about keeping going", "chapters/care": "Text of caring",
        "part2/intro": "Text of going further"}
HELD_BY = {"part1/intro": "part1/intro", "part1/first-steps": "part1/intro",
           "part1/next-steps": "part1/intro", "chapters/care": "chapters/care",
           "part2/intro": "part2/intro"}
QUESTION = "Who do I call if my feet get worse?"


def strict(result):
    assert result.warnings == "", result.warnings
    return result.outdir


def pdfs(out):
    return sorted(p.relative_to(out).as_posix() for p in out.rglob("*.pdf"))


def flat(pdf):
    """The PDF's text with every run of white space one space (lines rejoined)."""
    return " ".join(pdfread.text(pdf).split())


@pytest.fixture
def handouts(built_root):
    return strict(built_root("handout", "toc-book"))


def test_every_format_builds_strictly(built_root, handouts):
    epub = strict(built_root("epub", "toc-book"))
    site = strict(built_root("html", "toc-book", web_handout_dir=str(handouts),
                             web_epub_dir=str(epub)))
    # Reading order is the _toc.yml's in all three: parts, chapters, then sections.
    order = ["Getting Started", "First Steps", "Next Steps", "Caring for Yourself",
             "Going Further", "Questions to Ask"]
    titles = [t for t in epubread.nav_titles(epubread.find(epub)) if t in order]
    assert titles == order
    outline = [t for _, t, _ in pdfread.outline(handouts / "toc-book.pdf") if t in order]
    assert outline == order
    page, pages = "index", []
    while page:   # the website's "next" links
        soup = BeautifulSoup((site / f"{page}.html").read_text("utf-8"), "lxml")
        pages.append(soup.find("h1").get_text(strip=True).rstrip("¶#"))
        link = soup.find("link", rel="next")
        page = (Path(page).parent / link["href"]).as_posix().removesuffix(".html") if link else ""
    assert [p for p in pages if p in order] == order


def test_one_handout_per_chapter_named_from_its_path(handouts):
    assert pdfs(handouts) == sorted(["toc-book.pdf", *CHAPTERS.values()])


def test_a_parent_handout_holds_its_sub_pages_and_nothing_else(handouts):
    for doc, pdf in CHAPTERS.items():
        text = flat(handouts / pdf)
        for page, words in TEXT.items():
            assert (words in text) == (HELD_BY[page] == doc), (pdf, page)
        assert "The opening page of a book" not in text


def test_a_link_out_of_a_handout_says_where_to_find_it(handouts):
    # Compared without white space: the address breaks over lines, as it may.
    text = "".join(pdfread.text(handouts / "chapters" / "care.pdf").split())
    url = ONLINE + "part1/next-steps.html#keep-going"
    # The link goes to the section; the words give the guide's own short address.
    assert f"seeKeepgoing(inthefullguide:“GettingStarted”,“NextSteps”,onlineat{ONLINE})." in text
    # The opening page is in the full guide too, before its first chapter.
    assert f"Theopeningpage(inthefullguide,onlineat{ONLINE})says" in text
    page = BeautifulSoup((handouts / "chapters" / "care.html").read_text("utf-8"), "lxml")
    assert [a["href"] for a in page.select("a.elsewhere")] == [url, ONLINE + "index.html"]
    # A link whose words are the chapter's title is not followed by that title again.
    further = flat(handouts / "chapters" / "part2-intro.pdf")
    assert "read Caring for Yourself (in the full guide, online at" in further


def test_without_an_online_address_a_link_out_is_named_in_words(built_root):
    out = strict(built_root("handout", "toc-book", handout_online_url="",
                            handout_products=["chapters"]))
    text = flat(out / "chapters" / "care.pdf")
    assert "see Keep going (in the full guide: “Getting Started”, “Next Steps”)." in text
    page = BeautifulSoup((out / "chapters" / "care.html").read_text("utf-8"), "lxml")
    assert [a for a in page.find_all("a") if "Keep going" in a.get_text()] == []


def test_the_checklist_travels_with_the_chapter_that_points_to_it(handouts):
    further = flat(handouts / "chapters" / "part2-intro.pdf")
    assert "Questions to Ask" in further and QUESTION in further
    # The back page then points into the handout, not to the website.
    assert "The checklist “Questions to Ask” (page 1)" in further
    for pdf in ("chapters/part1-intro.pdf", "chapters/care.pdf"):
        assert QUESTION not in flat(handouts / pdf), pdf


def test_a_deeper_level_gives_one_handout_per_section(built_root):
    out = strict(built_root("handout", "toc-book", handout_chapter_level=2,
                            handout_products=["chapters"]))
    # The parent's sub-pages each get one; chapters without sub-pages keep theirs.
    assert pdfs(out) == ["chapters/care.pdf", "chapters/part1-first-steps.pdf",
                         "chapters/part1-next-steps.pdf", "chapters/part2-intro.pdf"]
    text = flat(out / "chapters" / "part1-first-steps.pdf")
    assert TEXT["part1/first-steps"] in text and TEXT["part1/next-steps"] not in text


def test_the_website_links_each_page_to_the_handout_that_holds_it(built_root, handouts):
    epub = strict(built_root("epub", "toc-book"))
    site = strict(built_root("html", "toc-book", web_handout_dir=str(handouts),
                             web_epub_dir=str(epub)))
    for page, holder in HELD_BY.items():
        soup = BeautifulSoup((site / f"{page}.html").read_text("utf-8"), "lxml")
        links = [(a["href"], a.get_text()) for a in soup.select("a.download-link")]
        label = ("this chapter only" if page == holder else "this page's chapter")
        assert (f"../_downloads/{CHAPTERS[holder]}", f"Printable handout of {label} (PDF)") \
            in links, page
        assert (site / "_downloads" / CHAPTERS[holder]).is_file()
    questions = BeautifulSoup((site / "questions.html").read_text("utf-8"), "lxml")
    assert not [a for a in questions.select("a.download-link") if "/chapters/" in a["href"]]


def test_two_documents_one_file_name_is_an_error_naming_both(tmp_path, rootdir):
    src = shutil.copytree(rootdir / "test-toc-book", tmp_path / "src")
    (src / "chapters" / "part1-intro.md").write_text("# Clash\n\nText.\n", encoding="utf-8")
    toc = src / "_toc.yml"
    toc.write_text(toc.read_text(encoding="utf-8").replace(
        "      - file: chapters/care\n",
        "      - file: chapters/care\n      - file: chapters/part1-intro\n"), encoding="utf-8")
    with pytest.raises(SphinxError, match=re.escape(
            "chapter handouts: part1/intro and chapters/part1-intro would both be written to "
            "chapters/part1-intro.pdf; rename one of the two files, or leave one out with "
            "handout_chapter_exclude in conf.py")):
        build_in_process("handout", src, tmp_path / "_build")
    assert list((tmp_path / "_build").rglob("*.pdf")) == []


@pytest.mark.parametrize(("docname", "name"), [
    ("chapters/01-what-is-neuropathy", "chapters/01-what-is-neuropathy.pdf"),
    ("chapters/sub/page", "chapters/sub-page.pdf"),
    ("part1/intro", "chapters/part1-intro.pdf"),
    ("questions", "chapters/questions.pdf"),
])
def test_file_names_come_from_the_whole_path(docname, name):
    assert chapters.pdf_name(docname) == name


def test_levels_and_exclusions_pick_from_the_reading_order():
    includes = {"index": ["a/intro", "b", "back/glossary"], "a/intro": ["a/one", "a/two"],
                "a/two": ["a/two-more"], "b": ["a/intro"]}    # a repeat is read once
    order = chapters.reading_order(includes, "index")
    assert order == [("a/intro", 1), ("a/one", 2), ("a/two", 2), ("a/two-more", 3), ("b", 1),
                     ("back/glossary", 1)]
    assert chapters.pick(order, 1) == ["a/intro", "b", "back/glossary"]
    assert chapters.pick(order, 2, ["back/*"]) == ["a/one", "a/two", "b"]
    assert chapters.pick(order, 3) == ["a/one", "a/two-more", "b", "back/glossary"]


def test_a_top_level_document_holding_most_of_the_book_is_split_into_its_chapters():
    """Issue 27, point 8: one handout of 110 pages out of 157 was no chapter handout."""
    order = [("guide", 1), ("guide/one", 2), ("guide/one/a", 3), ("guide/two", 2),
             ("guide/three", 2), ("guide/four", 2), ("about", 1), ("glossary", 1)]
    assert chapters.holding_most(order) == {"guide"}
    assert chapters.pick(order, 1) == ["guide/one", "guide/two", "guide/three",
                                       "guide/four", "about", "glossary"]
    # A book whose chapters share it out stays as it was; so does a level asked for.
    even = [("a", 1), ("a/1", 2), ("b", 1), ("b/1", 2), ("c", 1)]
    assert chapters.holding_most(even) == set()
    assert chapters.pick(even, 1) == ["a", "b", "c"]
    assert chapters.pick(order, 2) == ["guide/one", "guide/two", "guide/three",
                                       "guide/four", "about", "glossary"]
    assert chapters.holding_most(order[:5] + order[6:]) == set()   # four under it: kept
