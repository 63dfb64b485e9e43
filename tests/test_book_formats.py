"""The whole book in all three formats, read back as a reader's tools would read it."""

import re
import zipfile
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

import epubread
import pdfread

ROOT = Path(__file__).resolve().parent.parent
pytestmark = [pytest.mark.slow, pytest.mark.book]


def chapter_titles():
    """{docname: title} from the chapter sources' first heading, in reading order."""
    titles = {}
    for path in sorted((ROOT / "docs" / "chapters").glob("*.md")):
        heading = next(line for line in path.read_text(encoding="utf-8").splitlines()
                       if line.startswith("# "))
        titles[f"chapters/{path.stem}"] = heading[2:].strip()
    assert titles, "the book has chapters"
    return titles


def page(path):
    return BeautifulSoup(Path(path).read_text(encoding="utf-8"), "lxml")


# -- website -----------------------------------------------------------------

def test_website_titles_and_navigation(built_html):
    index = page(built_html / "index.html")
    assert "Peripheral Neuropathy and Stem Cells" in index.title.get_text()
    nav_links = {a["href"] for a in index.select("nav a[href]")}
    for docname in chapter_titles():
        assert f"{docname}.html" in nav_links, docname
    for docname, title in chapter_titles().items():
        chapter = page(built_html / f"{docname}.html")
        assert title in chapter.title.get_text()
        assert chapter.find("h1").get_text(" ", strip=True).startswith(title)


def test_every_page_offers_the_downloads_and_they_exist(built_html):
    pages = [p for p in built_html.rglob("*.html")
             if not p.relative_to(built_html).parts[0].startswith("_")
             and p.name not in ("search.html", "genindex.html", "404.html")]
    assert len(pages) >= 1 + len(chapter_titles())
    for html in pages:
        links = [a["href"] for a in page(html).select("a.download-link")]
        assert any(h.endswith("/handout.pdf") or h == "_downloads/handout.pdf" for h in links), html
        assert any(h.endswith(".epub") for h in links), html
        for href in links:
            assert (html.parent / href).resolve().is_file(), (html, href)
    chapter = next(iter(chapter_titles()))
    links = [a["href"] for a in page(built_html / f"{chapter}.html").select("a.download-link")]
    assert f"../_downloads/chapters/{Path(chapter).name}.pdf" in links


# -- e-book ------------------------------------------------------------------

def test_epub_package_and_navigation(built_epub):
    epub = epubread.find(built_epub)
    with zipfile.ZipFile(epub) as z:
        first = z.infolist()[0]
        assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
    opf = epubread.package(epub)
    assert opf.findtext(".//dc:title", namespaces=epubread.NS) == "Peripheral Neuropathy and Stem Cells"
    assert opf.findtext(".//dc:language", namespaces=epubread.NS) == "en"
    spine = [i.get("idref") for i in opf.iterfind(".//opf:spine/opf:itemref", epubread.NS)]
    manifest = {i.get("id"): i.get("href") for i in opf.iterfind(".//opf:manifest/opf:item", epubread.NS)}
    hrefs = [manifest[i] for i in spine]
    for docname in chapter_titles():
        assert f"{docname}.xhtml" in hrefs
    nav = epubread.nav_titles(epub)
    for title in chapter_titles().values():
        assert title in nav


# EPUBCheck on this e-book: tests/test_a11y_epub.py (with Ace, in each language), once.


# -- PDF handout -------------------------------------------------------------

def test_pdf_metadata_outline_and_text(built_handout):
    pdf = built_handout / "handout.pdf"
    meta = pdfread.info(pdf)
    assert meta["title"] == "Peripheral Neuropathy and Stem Cells"
    assert meta["author"] == "The Patient Press writers"
    assert meta["lang"] == "en"
    assert meta["pages"] >= 2 + len(chapter_titles())     # cover, contents, one page per chapter at least
    outline = pdfread.outline(pdf)
    titles = [t for _, t, _ in outline]
    positions = [titles.index(t) for t in chapter_titles().values()]
    assert positions == sorted(positions), titles
    assert all(page for _, _, page in outline), outline
    text = re.sub(r"\s+", " ", pdfread.text(pdf))
    for title in chapter_titles().values():
        assert title in text


def test_pdf_links_resolve_and_fonts_are_embedded(built_handout):
    for pdf in [built_handout / "handout.pdf", *sorted((built_handout / "chapters").glob("*.pdf"))]:
        links = pdfread.internal_links(pdf)
        assert all(dest is not None for _, dest in links), (pdf, links)
        fonts = pdfread.fonts(pdf)
        assert fonts and all(fonts.values()), (pdf, fonts)
    assert len(pdfread.internal_links(built_handout / "handout.pdf")) > len(chapter_titles())


def test_every_print_product_is_built(built_handout):
    assert (built_handout / "handout.pdf").is_file()
    assert (built_handout / "handout-large-print.pdf").is_file()
    for docname in chapter_titles():
        assert (built_handout / "chapters" / f"{Path(docname).name}.pdf").is_file()
