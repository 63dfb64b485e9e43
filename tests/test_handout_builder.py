"""The handout builder on a tiny book: one print document, live links, a real PDF."""

from collections import Counter
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

import pdfread


def soup(path):
    return BeautifulSoup(Path(path).read_text(encoding="utf-8"), "lxml")


def strict(result):
    assert result.warnings == "", result.warnings
    return result.outdir


@pytest.fixture
def built(built_root):
    """The tiny book's handout, built once per test run (shared with test_clinics.py)."""
    return strict(built_root("handout", "book"))


@pytest.fixture
def built_a4(built_root):
    return strict(built_root("handout", "book", handout_paper="a4"))


def test_print_document_has_unique_ids_and_every_link_lands(built):
    page = soup(built / "index.html")
    ids = [el["id"] for el in page.find_all(id=True)]
    assert [i for i, n in Counter(ids).items() if n > 1] == []
    internal = [a["href"][1:] for a in page.find_all("a", href=True) if a["href"].startswith("#")]
    assert internal, "the tiny book links between its chapters"
    assert all("#" not in href for href in internal), internal   # no #document-x#label
    assert set(internal) <= set(ids)


def test_print_document_carries_no_web_theme(built):
    page = soup(built / "index.html")
    assert page.find("script") is None
    sheets = [link["href"] for link in page.find_all("link", rel="stylesheet")]
    # The print theme, its sheet for extensions' components (sphinx-design: dropdowns open,
    # every tab shown) and the stylesheet of the paper it is set for (letter by default).
    assert sheets == ["_static/print.css", "_static/components.css",
                      "_static/paper-letter.css"]
    assert page.find(class_="headerlink") is None
    assert page.find(class_="bd-sidebar") is None and page.find("button") is None


def test_pdf_outline_metadata_links_and_fonts(built):
    pdf = built / "tiny-book.pdf"
    meta = pdfread.info(pdf)
    assert meta["title"] == "Tiny Book"
    assert meta["author"] == "Test Writers"
    assert meta["lang"] == "en"
    assert meta["struct_tree"] and meta["marked"]
    titles = [t for _, t, _ in pdfread.outline(pdf)]
    assert "First Chapter Title" in titles and "Second Chapter Title" in titles
    assert titles.index("First Chapter Title") < titles.index("Second Chapter Title")
    links = pdfread.internal_links(pdf)
    assert len(links) >= 4                        # 2 cross-chapter, 1 doc link, 1 from the opening page, TOC
    assert all(dest is not None for _, dest in links), links
    fonts = pdfread.fonts(pdf)
    assert fonts and all(fonts.values()), fonts
    assert all("AtkinsonHyperlegible" in name.replace("-", "") for name in fonts), fonts
    text = pdfread.text(pdf)
    for words in ("Text of the first chapter", "Text of the second chapter", "Before you go"):
        assert words in text


def test_chapter_handouts_link_other_chapters_to_the_online_edition(built):
    chapter = soup(built / "chapters" / "02-second.html")
    hrefs = [a["href"] for a in chapter.find_all("a", href=True)]
    assert "https://tiny-book.example.org/en/latest/chapters/01-first.html#first-next" in hrefs
    assert (built / "chapters" / "01-first.pdf").is_file()
    text = pdfread.text(built / "chapters" / "02-second.pdf")
    assert "Second Chapter Title" in text and "Text of the first chapter" not in text


def test_paper_size_is_one_setting(built_a4):
    width, height = pdfread.info(built_a4 / "tiny-book.pdf")["mediabox"][2:]
    assert (round(width), round(height)) == (595, 842)


def test_letter_is_the_default(built):
    width, height = pdfread.info(built / "tiny-book.pdf")["mediabox"][2:]
    assert (round(width), round(height)) == (612, 792)


def test_only_the_products_asked_for_are_rendered(built_root):
    out = strict(built_root("handout", "book", handout_products=["chapters"]))
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.pdf")) == [
        "chapters/01-first.pdf", "chapters/02-second.pdf"]


def test_the_closing_line_names_the_folder_the_pdfs_end_up_in(tmp_path, rootdir):
    """scripts/build renders into a staging folder and renames it: Sphinx's last line names
    the final folder (PATIENTPRESS_OUTDIR), which is where the reader will look."""
    import shutil

    from conftest import build_in_process

    src = shutil.copytree(rootdir / "test-book", tmp_path / "src")
    final = tmp_path / "_build" / "handout"
    result = build_in_process("handout", src, tmp_path / "staging",
                              {"handout_products": ["book"]},
                              env={"PATIENTPRESS_OUTDIR": str(final)})
    assert result.warnings == "", result.warnings
    assert f"The PDF handouts are in {final}." in result.status
    assert "staging" not in result.status.split("The PDF handouts are in")[-1]
