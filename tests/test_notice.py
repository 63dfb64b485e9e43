"""The notice on every page (patientpress/notice.py): not medical advice, and the review
date, from one configuration value for every format, and a clinic's own reviewer and
feedback line on its back page."""

import zipfile

import pytest
from bs4 import BeautifulSoup

from patientpress.markup import notice

DATE = "November 2026"   # handout_review_date of tests/roots/test-book
# The website alone: its download links are tested with the whole pipeline.
WEB = {"suppress_warnings": ["patientpress.download"]}


def strict(result):
    assert result.warnings == "", result.warnings
    return result


def page_notices(html):
    return [" ".join(div.get_text(" ").split())
            for div in BeautifulSoup(html, "lxml").find_all(class_="page-notice")]


def expected(text=notice.DEFAULT_NOTICE):
    return f"{text} Last reviewed: {DATE}."


def test_every_website_page_but_the_opening_page_carries_the_notice(built_root):
    out = strict(built_root("html", "book", **WEB)).outdir
    pages = {p.relative_to(out).as_posix(): p.read_text(encoding="utf-8")
             for p in out.rglob("*.html")
             if p.name not in ("genindex.html", "search.html", "404.html")}
    assert "chapters/01-first.html" in pages and "chapters/02-second.html" in pages
    for name, html in pages.items():
        assert page_notices(html) == ([] if name == "index.html" else [expected()]), name


def test_every_ebook_chapter_carries_the_notice(built_root):
    out = strict(built_root("epub", "book")).outdir
    epub = next(out.glob("*.epub"))
    with zipfile.ZipFile(epub) as z:
        chapters = [n for n in z.namelist() if n.startswith("EPUB/chapters/")
                    and n.endswith(".xhtml")] or [n for n in z.namelist() if "chapters/" in n
                                                  and n.endswith(".xhtml")]
        assert len(chapters) == 2, z.namelist()
        for name in chapters:
            assert page_notices(z.read(name).decode("utf-8")) == [expected()], name


def test_the_notice_comes_from_configuration_for_every_format(built_root):
    words = "Read this with your nurse. It is not advice for you alone."
    web = strict(built_root("html", "book", patient_notice=words, **WEB)).outdir
    assert page_notices((web / "chapters" / "01-first.html").read_text()) == [expected(words)]
    handout = strict(built_root("handout", "book", patient_notice=words,
                                handout_products=["chapters"])).outdir
    back = BeautifulSoup((handout / "chapters" / "01-first.html").read_text(), "lxml")
    text = " ".join(back.find(class_="back-page").get_text(" ").split())
    assert words in text and notice.DEFAULT_NOTICE not in text
    assert f"Last reviewed: {DATE}." in text


@pytest.mark.parametrize("feedback", ["", "Write to the writers at the address on page 2."])
def test_the_back_page_says_how_to_send_feedback(built_root, feedback):
    out = strict(built_root("handout", "book", patient_feedback=feedback)).outdir
    back = BeautifulSoup((out / "index.html").read_text(), "lxml").find(class_="back-page")
    lines = back.find_all(class_="back-feedback")
    if feedback:
        assert [" ".join(p.get_text(" ").split()) for p in lines] == [
            f"Questions or comments about this guide? {feedback}"]
    else:
        assert lines == []


# -- the book's reviewer -------------------------------------------------------------------

REVIEWER = {"name": "Dr Ana Ruiz", "role": "neurologist", "date": "March 2027"}
REVIEWED = "Reviewed by Dr Ana Ruiz, neurologist (March 2027)."


def test_a_book_reviewer_prints_on_every_page_and_every_back_page(built_root):
    web = strict(built_root("html", "book", patient_reviewed_by=REVIEWER, **WEB)).outdir
    assert page_notices((web / "chapters" / "01-first.html").read_text()) == [
        f"{expected()} {REVIEWED}"]
    epub = next(strict(built_root("epub", "book", patient_reviewed_by=REVIEWER)).outdir
                .glob("*.epub"))
    with zipfile.ZipFile(epub) as z:
        chapter = next(n for n in z.namelist() if n.endswith("01-first.xhtml"))
        assert page_notices(z.read(chapter).decode("utf-8")) == [f"{expected()} {REVIEWED}"]
    handout = strict(built_root("handout", "book", patient_reviewed_by=REVIEWER,
                                handout_products=["chapters"])).outdir
    back = BeautifulSoup((handout / "chapters" / "01-first.html").read_text(), "lxml")
    assert back.select_one(".back-page .back-book-reviewer").get_text() == REVIEWED


def test_a_book_nobody_reviewed_names_no_reviewer(built_root):
    """The default: no line about a reviewer anywhere, rather than a made-up one."""
    web = strict(built_root("html", "book", **WEB)).outdir
    assert "Reviewed by" not in (web / "chapters" / "01-first.html").read_text()
    handout = strict(built_root("handout", "book", handout_products=["chapters"])).outdir
    back = BeautifulSoup((handout / "chapters" / "01-first.html").read_text(), "lxml")
    assert back.select_one(".back-book-reviewer") is None


@pytest.mark.parametrize("who, says", [
    ({"name": "Dr Ana Ruiz", "role": "neurologist"}, "patient_reviewed_by: no date."),
    ({"name": "Dr Ana Ruiz", "role": " ", "date": "2027"}, "patient_reviewed_by: no role."),
    ({**REVIEWER, "email": "x"}, "patient_reviewed_by: unknown key(s) ['email']."),
])
def test_half_a_reviewer_is_a_configuration_error(who, says):
    from types import SimpleNamespace
    from sphinx.errors import ConfigError
    with pytest.raises(ConfigError) as caught:
        notice.check_reviewer(None, SimpleNamespace(patient_reviewed_by=who))
    assert says in str(caught.value) and notice.REVIEWER_EXAMPLE in str(caught.value)
