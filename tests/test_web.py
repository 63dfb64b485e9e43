"""The website's download box (patientpress/web.py) on a tiny book."""

from pathlib import Path

import pytest
from bs4 import BeautifulSoup


def download_links(outdir, page):
    soup = BeautifulSoup((Path(outdir) / page).read_text(encoding="utf-8"), "lxml")
    return [a["href"] for a in soup.select("a.download-link")]


@pytest.mark.sphinx("html", testroot="book", freshenv=True,
                    confoverrides={"handout_products": ["book"]})
def test_downloads_list_only_the_configured_products(app):
    app.build()
    assert download_links(app.outdir, "index.html") == [
        "_downloads/tiny-book.pdf", "_downloads/TinyBook.epub"]
    assert download_links(app.outdir, "chapters/01-first.html") == [
        "../_downloads/tiny-book.pdf", "../_downloads/TinyBook.epub"]
    # Nothing is looked for that the site does not link.
    assert "large-print" not in app.warning.getvalue()
    assert "chapters/" not in app.warning.getvalue()


@pytest.mark.sphinx("html", testroot="book", freshenv=True,
                    confoverrides={"handout_products": ["book", "chapters", "large-print"]})
def test_downloads_list_every_product(app):
    app.build()
    assert download_links(app.outdir, "index.html") == [
        "_downloads/tiny-book.pdf", "_downloads/tiny-book-large-print.pdf",
        "_downloads/TinyBook.epub"]
    assert download_links(app.outdir, "chapters/01-first.html") == [
        "../_downloads/chapters/01-first.pdf", "../_downloads/tiny-book.pdf",
        "../_downloads/tiny-book-large-print.pdf", "../_downloads/TinyBook.epub"]
