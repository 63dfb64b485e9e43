"""Raw HTML, opt-in and safe (issue 27, point 4): tests/roots/test-raw-html sets
``book_raw_html = True``; its HTML (a substitution's <span class="circ">, a block with a
handler and a script, a javascript: link) reaches the website, the e-book and the PDF
through nh3, and each thing taken out is a warning. Without the setting, the message names
it. tests/roots/test-hostile-markup (test_sandbox.py) keeps the default: refused."""

import zipfile

import pytest
from bs4 import BeautifulSoup

import epubread
import pdfread
from patientpress.markup import rawhtml

FORMATS = ["html", "epub", "handout"]


@pytest.fixture(scope="module")
def built(built_root):
    return {b: built_root(b, "raw-html") for b in FORMATS}


def _page(built, fmt):
    out = built[fmt].outdir
    if fmt == "epub":
        with zipfile.ZipFile(epubread.find(out)) as z:
            return BeautifulSoup(z.read("index.xhtml"), "xml")
    return BeautifulSoup((out / "index.html").read_bytes(), "lxml")


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_books_html_reaches_every_format_sanitized(built, fmt):
    page = _page(built, fmt)
    span = page.select_one("span.circ")
    assert span is not None and span.get_text() == "P"   # the element whole, its text inside
    box = page.select_one("div.note-box")
    assert box is not None and len(box.find_all("br")) == 1
    assert not page.select("div.note-box script, [onclick]")
    assert "alert(" not in str(page)
    links = {a.get_text(): a.get("href") for a in page.select("a[rel]")}
    assert links == {"bad link": None, "good one": "https://example.org/"}


def test_the_pdf_prints_the_html_as_text_never_as_markup(built):
    text = " ".join(pdfread.text(built["handout"].outdir / "raw-html.pdf").split())
    assert "The price P rises with demand." in text
    assert "<span" not in text and "onclick" not in text


@pytest.mark.parametrize("fmt", FORMATS)
def test_what_the_sanitizer_takes_out_is_a_warning(built, fmt):
    warnings = built[fmt].warnings
    assert ("index.md:5: WARNING: raw HTML: <script>, onclick= removed by the sanitizer "
            "(book_raw_html lets only inert HTML through)") in warnings
    assert "index.md:7: WARNING: raw HTML: javascript: addresses removed" in warnings


def test_refused_html_names_the_setting(built_root):
    result = built_root("html", "raw-html", book_raw_html=False)
    assert ("WARNING: raw html in a chapter is not allowed and was removed: write it as "
            "Markdown instead, or set book_raw_html = True in conf.py") in result.warnings
    page = BeautifulSoup((result.outdir / "index.html").read_bytes(), "lxml")
    assert not page.select("span.circ, div.note-box")


@pytest.mark.parametrize("html, kept, gone", [
    ('<b onclick="x()">b</b>', "<b>b</b>", "onclick"),
    ('<img src="file:///etc/passwd" alt="a">', '<img alt="a" />', "file:"),
    ('<p>a<br>b&nbsp;c</p>', "<p>a<br />b&#160;c</p>", "&nbsp;"),
    ('<iframe src="https://x.org"></iframe><style>p{}</style>x', "x", "iframe"),
])
def test_the_sanitizer_keeps_inert_xhtml(html, kept, gone):
    out = rawhtml.sanitize(html)
    assert out == kept and gone not in out


def test_the_checks_above_can_fail():
    """A page that still held a script or a handler fails the selectors used above."""
    page = BeautifulSoup('<div class="note-box" onclick="f()"><script>alert(1)</script></div>',
                         "lxml")
    assert page.select("div.note-box script, [onclick]")


def test_the_books_own_css_reaches_the_print_after_the_theme(built):
    """handout_css_files links the book's stylesheet after the print theme's, so its rules
    win, and the PDF draws them: the circle's and the box's rules are in the PDF's colours."""
    out = built["handout"].outdir
    page = BeautifulSoup((out / "index.html").read_bytes(), "lxml")
    sheets = [link["href"] for link in page.select('link[rel="stylesheet"]')]
    assert sheets[-1] == "_static/raw.css" and "_static/print.css" in sheets[:-1]
    assert (out / "_static" / "raw.css").is_file()
    import pikepdf
    with pikepdf.open(out / "raw-html.pdf") as pdf:
        drawn = b"".join(pikepdf.unparse_content_stream(pikepdf.parse_content_stream(p))
                         for p in pdf.pages)
    assert b"0.101961 0.309804 0.545098" in drawn   # #1a4f8b, the circle's
    assert b"0.478431 0.290196 0" in drawn           # #7a4a00, the box's rule


def test_a_print_stylesheet_that_is_not_there_names_the_setting(tmp_path, rootdir):
    import shutil
    import subprocess
    import sys

    src = shutil.copytree(rootdir / "test-raw-html", tmp_path / "src")
    proc = subprocess.run([sys.executable, "-m", "sphinx", "-b", "handout", "-q",
                           "-D", "handout_css_files=print-only.css", str(src),
                           str(tmp_path / "out")], capture_output=True, text=True)
    assert proc.returncode != 0
    assert ("handout_css_files: 'print-only.css' is not a file in html_static_path (_static): "
            "put the stylesheet in the book's _static/ folder") in proc.stderr
    assert not (tmp_path / "out" / "raw-html.pdf").exists()
