"""PDF/UA-1 of every print product, read back with pikepdf (our checks) and PyPI's `pdfua`.

`pdfua` 0.1.3 covers 16 of the 106 PDF/UA-1 rules. On WeasyPrint's output its heading rule
UA-14-001 is skipped with a pikepdf error (it reads a /Pg-less array as a dictionary): that
is a tool bug, not a finding, so our own checks cover headings (order, no skipped level,
same words as the book's headings) together with alt text, link descriptions, page
furniture as artifacts, language, title, fonts and the PDF/UA identification.
"""

import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

import pdfread
from conftest import LANGUAGES, built_in

PDFUA = Path(sys.executable).with_name("pdfua")


@pytest.fixture
def printed(built_root):
    """The print test book's handouts, built strictly once per test run (test_print.py too)."""
    result = built_root("handout", "print-book")
    assert result.warnings == "", result.warnings
    return result.outdir


def all_pdfs(folder):
    return sorted(Path(folder).glob("*.pdf")) + sorted(Path(folder).glob("chapters/*.pdf"))


def html_headings(path):
    """[(level, words)] of the print document's headings, as the PDF must read them."""
    page = BeautifulSoup(Path(path).read_text(encoding="utf-8"), "lxml")
    return [(int(h.name[1]), " ".join(h.get_text().split()))
            for h in page.find_all(["h1", "h2", "h3", "h4", "h5", "h6"])]


def pdfua_findings(pdf):
    proc = subprocess.run([str(PDFUA), "check", str(pdf)], capture_output=True, text=True)
    return proc.returncode, proc.stdout + proc.stderr


def test_every_product_is_tagged_pdf_ua(printed):
    pdfs = all_pdfs(printed)
    assert len(pdfs) == 2 + 2                     # book, large print, two chapters
    for pdf in pdfs:
        meta = pdfread.info(pdf)
        assert meta["struct_tree"] and meta["marked"] and meta["display_title"], pdf.name
        assert meta["lang"] == "en" and meta["pdfua"] == "1", pdf.name
        # The large-print edition says so in its title, as on its cover.
        large = " (large print)" if pdf.name.endswith("-large-print.pdf") else ""
        assert meta["title"] in (f"Print Test Book{large}", "The Short Chapter",
                                 "The Long Chapter Title")
        assert pdfread.accessibility_problems(pdf) == [], pdf.name


def test_structure_headings_read_like_the_book(printed):
    for pdf, html in ((printed / "print-test-book.pdf", printed / "index.html"),
                      (printed / "chapters" / "02-long.pdf", printed / "chapters" / "02-long.html")):
        assert pdfread.headings(pdf) == html_headings(html), pdf.name
    levels = [level for level, _ in pdfread.headings(printed / "print-test-book.pdf")]
    assert levels[0] == 1 and levels.count(1) == 1   # one H1: the book; chapters are H2


def test_figures_carry_their_alt_text_and_links_their_descriptions(printed):
    pdf = printed / "print-test-book.pdf"
    alts = [alt for _, tag, _, alt in pdfread.structure(pdf) if tag == "Figure"]
    assert "A dark blue square with the word Box in it." in alts
    assert any(alt.startswith("QR code that opens the online edition") for alt in alts)
    with pdfread.pikepdf.open(pdf) as doc:
        links = [(n, tuple(round(float(v)) for v in a.Rect), str(a.Contents))
                 for n, p in enumerate(doc.pages) for a in p.get("/Annots", [])]
    described = [words for _, _, words in links]
    assert "Go to “The Long Chapter Title”, page 5" in described
    assert "Web address https://example.org/more" in described
    # One link, one annotation (WeasyPrint makes one per inline box inside the link).
    assert len(links) == len(set(links))


def test_page_furniture_is_artifact(printed):
    runs = pdfread.text_sizes(printed / "print-test-book.pdf")
    furniture = {text for _, _, text, is_artifact in runs if is_artifact}
    assert "Page 5 of 11" in furniture and "Print Test Book" in furniture
    assert "The Long Chapter Title" in furniture           # the running head


@pytest.mark.a11y
def test_pdfua_checker_finds_nothing(printed):
    for pdf in all_pdfs(printed):
        code, report = pdfua_findings(pdf)
        assert code == 0 and "errors=0 warnings=0" in report, report


@pytest.mark.sphinx("handout", testroot="a11y-pdf-broken", freshenv=True)
def test_broken_pdf_is_caught(app):
    app.build()
    warnings = app.warning.getvalue()
    assert 'Image "_images/box.svg" has no required alt description' in warnings
    pdf = Path(app.outdir) / "broken-book.pdf"
    assert "a figure has no alternative text" in pdfread.accessibility_problems(pdf)


def test_checker_catches_skipped_levels_and_untagged_furniture(tmp_path):
    """A PDF straight from WeasyPrint (no finishing step) with H1 then H3."""
    from patientpress.print import render

    html = ('<html lang="en"><head><title>T</title><style>@page { @bottom-right { '
            'content: "Page " counter(page) } }</style></head><body><h1>Top</h1>'
            '<h3>Too deep</h3><p>Text.</p></body></html>')
    pdf = tmp_path / "bad.pdf"
    render.render_pdf(html, pdf, base_url=tmp_path.as_uri() + "/", allowed_roots=[tmp_path])
    problems = pdfread.accessibility_problems(pdf)
    assert "heading level skipped: H1 to H3 at 'Too deep'" in problems
    assert any("outside the tree" in p for p in problems), problems


@pytest.mark.slow
@pytest.mark.book
@pytest.mark.a11y
@pytest.mark.parametrize("language", LANGUAGES)
def test_whole_book_pdfs_pass(request, language):
    """Every PDF of the book, in each of its languages, with that language as its /Lang."""
    built_handout = built_in(request, "handout", language)
    pdfs = all_pdfs(built_handout)
    assert {p.name for p in pdfs} >= {"handout.pdf", "handout-large-print.pdf"}
    for pdf in pdfs:
        problems = pdfread.accessibility_problems(pdf)
        code, text = pdfua_findings(pdf)
        assert problems == [] and code == 0, (pdf.name, problems, text)
        assert pdfread.info(pdf)["lang"] == language, pdf.name
    assert pdfread.headings(built_handout / "handout.pdf") == html_headings(
        built_handout / "index.html")
