"""Every string a reader meets is in the book's language, in every format (issue 28, point 3).

The Spanish edition, built in every format, is read the way its readers meet it: every
visible string, tooltip, ``aria-label`` and ``alt`` of every website page (the 404 page and
the search page with its results included, the results as a browser shows them), the
e-book's documents and metadata, and every PDF's text, title, bookmarks, link descriptions
(``/Contents``) and figure descriptions; a clinic's Spanish booklet too. ``english_left.py``
says what English is (and which names a Spanish reader is meant to see). Then the pieces:
our copies of sphinx-book-theme's templates are the theme's own but for the words, the 404
page is in each language, and the checker itself catches English.
"""

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

import english_left
from conftest import ROOT, build_in_process
from patientpress.web import chrome
from test_clinics import folder_with, run
from test_clinics_es import RIO, SLUG, guide  # noqa: F401  (a fixture)


def test_the_checker_finds_english_and_spares_names_addresses_and_marked_english():
    html = """<html lang="es"><body><main>
      <p>Lea la guía de Patient Press en https://example.org/the-page-of-this-book.</p>
      <p lang="en"><a hreflang="en">Read this page in English</a></p>
      <button title="Toggle primary sidebar">☰</button>
      <nav aria-label="Main"></nav><img alt="Dibujo de un nervio" src="x.svg">
    </main></body></html>"""
    found = english_left.problems(english_left.markup_strings(html, "page.html"))
    assert found == ["page.html @title: 'Toggle primary sidebar' (Toggle, sidebar)",
                     "page.html @aria-label: 'Main' (Main)"]
    assert english_left.english_words("Go to “Glosario”, page 38") == ["Go", "to", "page"]
    assert english_left.english_words("Ir a “Glosario”, página 38") == []


# -- the whole Spanish book ---------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.book
def test_no_english_on_the_spanish_website(built_html_es):
    strings = english_left.website_strings(built_html_es)
    assert any(where.startswith("404.html") for where, _ in strings)
    assert any(where.startswith("search.html") for where, _ in strings)
    assert english_left.problems(strings) == []


@pytest.mark.slow
@pytest.mark.book
def test_no_english_in_the_spanish_ebook(built_epub_es):
    (epub,) = Path(built_epub_es).glob("*.epub")
    strings = english_left.ebook_strings(epub)
    metadata = {where.split("<")[-1].rstrip(">"): text for where, text in strings if "<" in where}
    assert metadata["description"] == "Qué podría ofrecer la investigación y qué no: una guía sencilla"
    assert "contributor" not in metadata   # nobody reviewed it: no "unknown" either
    assert english_left.problems(strings) == []


@pytest.mark.slow
@pytest.mark.book
def test_no_english_in_any_spanish_pdf(built_handout_es):
    pdfs = sorted(Path(built_handout_es).rglob("*.pdf"))
    assert len(pdfs) >= 6
    strings = [s for pdf in pdfs
               for s in english_left.pdf_strings(pdf, pdf.relative_to(built_handout_es))]
    links = [text for where, text in strings if "/Contents" in where]
    assert any(text.startswith("Ir a “") and ", página " in text for text in links), links[:5]
    assert any(text.startswith("Dirección web https://") for text in links), links[:5]
    assert english_left.problems(strings) == []


@pytest.mark.slow
@pytest.mark.book
def test_spanish_chapter_handouts_print_addresses_without_english_labels(built_handout_es):
    """A link out of a chapter handout prints where the section is in the full guide, in
    the guide's words, and the guide's short address: never the section's #label, which is
    the English source's word (#cidp-transplant); the link itself still follows it."""
    text = english_left.pdfread.text(Path(built_handout_es) / "chapters"
                                     / "04-safety-and-choosing-care.pdf")
    squashed = "".join(text.split())
    assert ("(enlaguíacompleta:“Enquépuntoestálainvestigación”,“Untrasplantequeseusaparaun"
            "tiporaro”,eninternetenhttps://patient-press.readthedocs.io/es/latest/)") in squashed
    assert "#cidp-transplant" not in squashed and "03-where-research-stands" not in squashed


def test_a_spanish_clinic_booklet_is_spanish_with_its_language_and_bookmarks(tmp_path, capsys,
                                                                              guide):  # noqa: F811
    folder = folder_with(tmp_path, {"rio.yaml": RIO + "language: es\n"})
    code, _, stderr = run(capsys, folder, guide, tmp_path / "out")
    assert code == 0, stderr
    booklet = tmp_path / "out" / f"{SLUG}-es" / f"{SLUG}-es-booklet.pdf"
    strings = english_left.pdf_strings(booklet, booklet.name)
    titles = [text for where, text in strings if where.endswith("/Title")]
    assert titles == ["Guía pequeña (cuadernillo)"], titles
    assert [text for where, text in strings if where.endswith("bookmark")], "no bookmarks"
    import pikepdf
    with pikepdf.open(booklet) as doc:
        assert str(doc.Root.Lang) == "es"
    assert english_left.problems(strings) == []


# -- the search page, in a browser ---------------------------------------------------------

@pytest.mark.slow
@pytest.mark.book
@pytest.mark.parametrize("query, expected", [
    ("nervios", r"Búsqueda terminada: \d+ páginas tienen esas palabras\."),
    ("xqzvw", r"No encontramos ninguna página con esas palabras\."),
])
def test_the_spanish_search_page_says_what_it_found_in_spanish(built_html_es, query, expected):
    from tools import a11y

    with a11y.serve(built_html_es) as base, a11y.chromium() as browser:
        page = browser.new_page()
        try:
            page.goto(f"{base}search.html?q={query}")
            page.wait_for_function("() => { const s = document.querySelector("
                                   "'#search-results .search-summary'); "
                                   "return s && s.innerText.trim().length > 0; }")
            results = page.inner_text("#search-results")
        finally:
            page.close()
    assert re.search(expected, results), results
    assert english_left.english_words(results) == [], results


# -- the pieces -----------------------------------------------------------------------------

THEME_DIR = Path(__import__("sphinx_book_theme").__file__).parent / "theme" / "sphinx_book_theme"
#: Our copies: each theme template, and the words in it that ours take from our catalog.
COPIES = {
    "toggle-primary-sidebar.html": [('"Toggle primary sidebar"',
                                     '"{{ patientpress_words.toggle_primary }}"')],
    "toggle-secondary-sidebar.html": [('"Toggle secondary sidebar"',
                                       '"{{ patientpress_words.toggle_secondary }}"')],
    "sbt-sidebar-nav.html": [('"Main"', '"{{ patientpress_words.main }}"')],
}


@pytest.mark.parametrize("name", COPIES)
def test_our_copy_of_a_theme_template_is_the_themes_but_for_its_words(name):
    """A new sphinx-book-theme that changes one of these templates fails here: copy it again
    into patientpress/web/templates/sphinx_book_theme/ and put our words back in."""
    theirs = (THEME_DIR / "components" / name).read_text(encoding="utf-8")
    for english, ours in COPIES[name]:
        assert english in theirs, f"{name}: the theme no longer says {english}"
        theirs = theirs.replace(english, ours)
    assert (chrome.TEMPLATES / chrome.THEME / name).read_text(encoding="utf-8") == theirs


def test_the_words_our_layout_replaces_are_still_the_themes():
    assert '<nav aria-label="Page">' in (THEME_DIR / "layout.html").read_text(encoding="utf-8")
    pydata = Path(__import__("pydata_sphinx_theme").__file__).parent
    copyright_ = (pydata / "theme" / "pydata_sphinx_theme" / "components" /
                  "copyright.html").read_text(encoding="utf-8")
    assert "{% trans copyright=copyright|e %}© Copyright {{ copyright }}.{% endtrans %}" in copyright_


@pytest.mark.parametrize("language, title, home", [
    ("en", "Page not found", "Go to the start of the guide"),
    ("es", "No encontramos esta página", "Ir al inicio de la guía"),
])
def test_a_404_page_in_each_language(tmp_path, rootdir, language, title, home):
    import shutil
    src = shutil.copytree(rootdir / "test-i18n", tmp_path / "src")
    result = build_in_process("html", src, tmp_path / "_build",
                              {"language": language, "html_baseurl": "https://example.org/en/",
                               "suppress_warnings": ["patientpress.download"]})
    assert result.warnings == "", result.warnings
    page = BeautifulSoup((result.outdir / "404.html").read_text(encoding="utf-8"), "lxml")
    assert page.html["lang"] == language and page.h1.get_text() == title
    link = page.select_one("main a")
    assert link.get_text().startswith(home)
    # Served at any depth: nothing relative, the home page by its whole address.
    assert link["href"].startswith("https://example.org/")
    assert not [el for el in page.select("[href], [src]")
                if not re.match(r"https://|#", el.get("href") or el.get("src"))]
