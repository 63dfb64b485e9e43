"""The Spanish edition where only a translation can go wrong (issue 18, point 6).

The Spanish book is the same sources built with ``language=es`` (conftest's ``*_es``
fixtures). Besides the whole-book checks every language gets, it must rebuild byte for
byte, and be Spanish where a reader meets it: the page language, the search, the fixed
words of every format, and a way to the same page in English (and back).
"""

import os
import time
import zipfile
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

import epubread
import pdfread
from conftest import sphinx_build
from patientpress.clinics import editions
from test_a11y_pdf import all_pdfs
from test_fit import book_problems, chapter_handout_problems
from test_reproducible import differences, tree_bytes

pytestmark = [pytest.mark.slow, pytest.mark.book]

# Words of the English print theme, website and e-book that must not be left in Spanish.
ENGLISH_FIXED = ["Patient information", "Before you go", "Last reviewed", "Contents",
                 "Given to you by", "Download and print", "Printable handout", "Page 2 of",
                 "Questions or comments", "November 2026", "Written by"]


@pytest.fixture(scope="module")
def outputs(built_handout_es, built_epub_es, built_html_es):
    return {"handout": built_handout_es, "epub": built_epub_es, "html": built_html_es}


# axe on every page, EPUBCheck and Ace, PDF/UA on every PDF, nothing lost and no broken
# internal link: the whole-book tests of test_a11y_web.py, test_a11y_epub.py,
# test_a11y_pdf.py and test_lossless.py run once per language (conftest's LANGUAGES).
# Here: what only a translation needs.


def test_the_books_own_spanish_products_fit(built_handout_es):
    """Spanish runs longer than English: every PDF still has one back page, no blank or
    spilled page, the contents on one page, chapter handouts even with their title band."""
    for name in ("handout.pdf", "handout-large-print.pdf"):
        pdf = built_handout_es / name
        assert editions.spill(pdf) == [], name
        assert book_problems(pdf) == [], name
    for pdf in sorted((built_handout_es / "chapters").glob("*.pdf")):
        assert chapter_handout_problems(pdf) == [], pdf.name


def test_a_second_spanish_build_is_byte_identical(tmp_path, outputs):
    """Built again in another folder, hash seed and time zone, a second later."""
    time.sleep(1.1)
    env = {"PYTHONHASHSEED": "4242", "TZ": "Pacific/Kiritimati"}
    if os.environ.get("SOURCE_DATE_EPOCH"):
        env["SOURCE_DATE_EPOCH"] = os.environ["SOURCE_DATE_EPOCH"]
    again = {}
    for builder in ("epub", "handout", "html"):
        extra = ["-D", "language=es"]
        if builder == "html":
            extra += ["-D", f"web_handout_dir={tmp_path / 'handout'}",
                      "-D", f"web_epub_dir={tmp_path / 'epub'}"]
        proc = sphinx_build(builder, tmp_path / builder, *extra, env=env)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        again[builder] = tree_bytes(tmp_path / builder)
    for builder, first in outputs.items():
        # .buildinfo hashes the settings, web_handout_dir's folder among them: the session's
        # website took its downloads from other folders. Every file a reader gets is compared.
        found = differences(tree_bytes(first), again[builder])
        assert [name for name in found if name != ".buildinfo"] == [], builder


# -- Spanish where a reader meets it ----------------------------------------------------


def _pages(site):
    return sorted(p for p in site.rglob("*.html") if "_static" not in p.parts)


def test_every_spanish_page_is_spanish_and_links_to_itself_in_english(built_html_es, built_html):
    for page in _pages(built_html_es):
        name = page.relative_to(built_html_es).as_posix()
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "lxml")
        assert soup.html["lang"] == "es", name
        if name in ("genindex.html", "search.html", "404.html"):
            continue   # pages with no document behind them: Sphinx's own, and the 404 page
        switch = soup.select("p.language-switch a")
        assert len(switch) == 1, name
        link = switch[0]
        assert link["lang"] == link["hreflang"] == "en"
        # The Makefile's layout: _build/es/html/<page> -> _build/html/<page>.
        target = (Path("_build/es/html") / name).parent / link["href"]
        assert os.path.normpath(target) == os.path.normpath(Path("_build/html") / name), name
        assert (built_html / name).is_file()
        text = soup.get_text(" ")
        assert [w for w in ENGLISH_FIXED if w in text] == [], name


def test_every_english_page_links_to_itself_in_spanish(built_html, built_html_es):
    for page in _pages(built_html):
        name = page.relative_to(built_html).as_posix()
        if name in ("genindex.html", "search.html", "404.html"):
            continue
        link = BeautifulSoup(page.read_text(encoding="utf-8"), "lxml").select_one(
            "p.language-switch a")
        assert link is not None and link["lang"] == "es", name
        target = (Path("_build/html") / name).parent / link["href"]
        assert os.path.normpath(target) == os.path.normpath(Path("_build/es/html") / name), name
        assert (built_html_es / name).is_file()


def test_the_spanish_search_stems_spanish_words(built_html_es):
    index = (built_html_es / "searchindex.js").read_text(encoding="utf-8")
    assert '"nervio"' in index or '"nervi"' in index      # nervios, nervioso -> one stem
    assert '"nerve"' not in index
    assert "stopwords" in (built_html_es / "_static" / "language_data.js").read_text()


def test_the_spanish_pdfs_and_ebook_have_no_english_fixed_words(built_handout_es, built_epub_es):
    for pdf in all_pdfs(built_handout_es):
        text = pdfread.text(pdf)
        assert [w for w in ENGLISH_FIXED if w in text] == [], pdf.name
        assert "Página 2 de" in text, pdf.name
    with zipfile.ZipFile(epubread.find(built_epub_es)) as z:
        for name in z.namelist():
            if name.endswith(".xhtml"):
                text = BeautifulSoup(z.read(name), "lxml").get_text(" ")
                assert [w for w in ENGLISH_FIXED if w in text] == [], name

