"""A book in another language (patientpress/i18n.py): our own words from our catalog, the
book's settings from its conf.po, no stale or missing message shipped, the website's
language switch, and the translation's online address.

The tiny root ``test-i18n`` is an English book with its Spanish catalogs; each test builds
a copy of it in Spanish, in-process, and edits the copy to break one thing.
"""

import gettext
import re
import shutil
import time
import zipfile
from pathlib import Path

import pikepdf
import pytest
from babel.messages.pofile import read_po
from bs4 import BeautifulSoup

from conftest import ROOT, build_in_process
from patientpress.epub import builder as epub  # noqa: F401  (their N_)
from patientpress import i18n
from patientpress.markup import notice, pictures
from patientpress.web import chrome, site as web  # noqa: F401  (chrome's N_)
from patientpress.book import words
from patientpress.print import booklet, pdfua  # noqa: F401  (their N_)

OUR_CATALOG = ROOT / "patientpress" / "locale" / "es" / "LC_MESSAGES" / "patientpress.po"


# -- our own words -------------------------------------------------------------------


def test_every_phrase_of_ours_has_a_current_spanish_translation():
    with OUR_CATALOG.open("rb") as f:
        catalog = read_po(f)
    entries = {m.id: m for m in catalog if m.id}
    missing = [p for p in i18n.PHRASES if p not in entries or not entries[p].string
               or entries[p].fuzzy]
    obsolete = sorted(set(entries) - set(i18n.PHRASES))
    assert i18n.PHRASES and missing == [] and obsolete == []
    for phrase in i18n.PHRASES:   # placeholders ({clinic}) survive translation
        assert re.findall(r"{\w+}", entries[phrase].string) == re.findall(r"{\w+}", phrase)


def test_gettext_translates_ours_and_leaves_english_alone():
    assert i18n.gettext("es", "Before you go") == "Antes de irse"
    assert i18n.gettext("en", "Before you go") == "Before you go"
    assert i18n.gettext("xx", "Before you go") == "Before you go"   # no words in that language


def test_a_fuzzy_phrase_of_ours_counts_as_missing(tmp_path):
    text = OUR_CATALOG.read_text(encoding="utf-8")
    fuzzy = text.replace('msgid "Before you go"', '#, fuzzy\nmsgid "Before you go"')
    assert fuzzy != text
    (tmp_path / "patientpress.po").write_text(fuzzy, encoding="utf-8")
    found = i18n.read_catalog(tmp_path / "patientpress.po")
    assert "Before you go" not in found and found["Notes"] == "Notas"


# -- a Spanish build of the tiny root ------------------------------------------------


@pytest.fixture
def root(tmp_path, rootdir):
    # Without compiled catalogs: Sphinx makes them from the .po files as it builds.
    return Path(shutil.copytree(rootdir / "test-i18n", tmp_path / "src",
                                ignore=shutil.ignore_patterns("*.mo")))


def build(root, builder, language="es", **overrides):
    return build_in_process(builder, root, root.parent / "_build",
                            {"language": language, **overrides})


def untranslated(built):
    return [line for line in built.warnings.splitlines() if "untranslated" in line
            or "not translated" in line]


@pytest.mark.slow
def test_the_spanish_book_in_every_format(root):
    handout = build(root, "handout")
    built_epub = build(root, "epub")
    html = build(root, "html")
    for built in (handout, built_epub, html):
        assert built.warnings == "", built.warnings
    # Website: Spanish text, lang, the Spanish figure, Sphinx's Spanish search, the switch.
    page = BeautifulSoup((html.outdir / "care.html").read_text(encoding="utf-8"), "html.parser")
    assert page.html["lang"] == "es"
    assert "Mire sus pies todos los días." in page.get_text()
    link = page.select_one("p.language-switch a")
    assert link["href"] == "../../html/care.html" and link["lang"] == link["hreflang"] == "en"
    assert link.get_text() == "Read this page in English"
    index = (html.outdir / "index.html").read_text(encoding="utf-8")
    assert "leaf.es.svg" in index and "Descargar e imprimir:" in index
    assert '"algunos"' in (html.outdir / "_static" / "language_data.js").read_text()
    # E-book: its language and the accessibility summary in Spanish.
    with zipfile.ZipFile(next(built_epub.outdir.glob("*.epub"))) as book:
        opf = book.read("content.opf").decode()
    assert "<dc:language>es</dc:language>" in opf and "Guía pequeña" in opf
    assert "Texto con títulos" in opf and "Text with headings" not in opf
    # Print: /Lang, the running foot, the settings and fixed words from the catalogs.
    pdf = handout.outdir / "guia-pequena.pdf"   # named from the Spanish title
    with pikepdf.open(pdf) as doc:
        assert str(doc.Root.Lang) == "es"
        assert str(doc.docinfo["/Title"]) == "Guía pequeña"
    page_html = (handout.outdir / "index.html").read_text(encoding="utf-8")
    assert '"Página" " " counter(page) " " "de"' in page_html
    for english in ("Before you go", "Last reviewed", "Patient information", "November"):
        assert english not in page_html, english
    for spanish in ("Antes de irse", "Última revisión:", "noviembre de 2026", "Una guía corta"):
        assert spanish in page_html, spanish


@pytest.mark.parametrize("break_it, expected", [
    # An English sentence edited since it was translated: its old translation is stale.
    (lambda root: _edit(root / "care.md", "any sore.", "any sore or cut."),
     "care.md:3: WARNING: not translated into 'es'"),
    # A translation marked fuzzy (sphinx-intl update does this to a changed message).
    (lambda root: _edit(root / "locales/es/LC_MESSAGES/care.po",
                        'msgid "Look at', '#, fuzzy\nmsgid "Look at'),
     "care.md:3: WARNING: not translated into 'es'"),
    # A document with no catalog at all.
    (lambda root: (root / "locales/es/LC_MESSAGES/care.po").unlink(),
     "no 'es' catalog for this document"),
    # A picture's text left in English.
    (lambda root: [_edit(root / "locales/es/LC_MESSAGES/index.po", old, 'msgstr ""')
                   for old in ('msgstr "![Una hoja verde sobre una página blanca.](figures/leaf.svg)"',
                               'msgstr "Una hoja verde sobre una página blanca."')],
     "index.md:5: WARNING: not translated into 'es' (missing, empty or fuzzy in"),
    # A setting of conf.py with no translation.
    (lambda root: _edit(root / "conf.py", '"A short guide"', '"A shorter guide"'),
     "conf.py: setting not translated into 'es'"),
])
def test_a_stale_or_missing_translation_fails_the_build_naming_the_file(root, break_it,
                                                                        expected):
    break_it(root)
    built = build(root, "epub")
    found = untranslated(built)
    assert found and expected in "\n".join(found), built.warnings
    assert "sphinx-intl update" in found[0] and "locales/es/LC_MESSAGES" in found[0]
    assert "-b gettext" in found[0] and "then translate" in found[0]   # the whole fix


def test_an_untranslated_message_is_quoted_as_its_catalog_writes_it(root):
    """The msgid with its markup, as the .po file has it, so the author can search for it."""
    _edit(root / "care.md", "Tell your nurse about any sore.",
          'Tell your **nurse** about any "sore".')
    found = untranslated(build(root, "epub"))
    assert any('msgid "Look at your feet every day. Tell your **nurse** about any \\"sore\\"."'
               in line for line in found), found


@pytest.mark.parametrize("edit", [
    lambda root: _edit(root / "locales/es/LC_MESSAGES/care.po",
                       'msgid "Look at', '#, fuzzy\nmsgid "Look at'),
    lambda root: _edit(root / "care.md", "any sore.", "any sore or cut."),
], ids=["catalog-made-fuzzy", "english-edited"])
def test_an_edit_after_a_good_build_fails_the_next_build(root, edit):
    """Incremental, as make rebuilds: the edited document is read again and caught."""
    assert untranslated(build(root, "epub")) == []
    time.sleep(0.05)
    edit(root)
    # Python's gettext keeps every .mo it loaded for the life of the process; a second build
    # in this process would read the old one. make builds in a new process each time.
    gettext._translations.clear()
    built = build_in_process("epub", root, root.parent / "_build", {"language": "es"},
                             freshenv=False)
    found = untranslated(built)
    assert found and "care.md:3" in found[0], built.warnings


def test_an_old_compiled_catalog_without_its_po_is_not_trusted(root):
    assert untranslated(build(root, "epub")) == []   # Sphinx compiles care.mo beside care.po
    assert (root / "locales/es/LC_MESSAGES/care.mo").is_file()
    (root / "locales/es/LC_MESSAGES/care.po").unlink()
    found = untranslated(build(root, "epub"))
    assert found and "no 'es' catalog for this document" in found[0]


def _edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_the_source_language_is_never_checked(root):
    (root / "locales/es/LC_MESSAGES/care.po").unlink()
    built = build(root, "epub", language="en")
    assert built.warnings == ""


def test_the_gettext_builder_writes_the_settings_template(root):
    built = build_in_process("gettext", root, root.parent / "_build")
    with (built.outdir / "conf.pot").open("rb") as f:
        ids = {m.id for m in read_po(f) if m.id}
    assert {"Tiny Guide", "A short guide", "November 2026", "Test Writers"} <= ids


def test_the_template_keeps_the_copyright_year_as_written(root, monkeypatch):
    """Sphinx changes a copyright of the current year to SOURCE_DATE_EPOCH's year (a book
    whose last commit is from an earlier year, or outside git: 1980). The template and the
    check take the year as conf.py wrote it, so the translation stays current."""
    year = time.localtime().tm_year
    conf = root / "conf.py"
    conf.write_text(conf.read_text().replace('"2026, Test Writers"', f'"{year}, Test Writers"'))
    po = root / "locales/es/LC_MESSAGES/conf.po"
    po.write_text(po.read_text().replace('"2026, Test Writers"', f'"{year}, Test Writers"'))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")   # 2023
    built = build_in_process("gettext", root, root.parent / "_build")
    with (built.outdir / "conf.pot").open("rb") as f:
        ids = {m.id for m in read_po(f) if m.id}
    assert f"{year}, Test Writers" in ids and "2023, Test Writers" not in ids
    built = build(root, "epub")
    assert untranslated(built) == []
    opf = (built.outdir / "content.opf").read_text()
    assert "2023, los autores de prueba" in opf


# -- addresses ---------------------------------------------------------------------


class Config:
    def __init__(self, language, base="https://guide.example.org/en/latest/"):
        self.language, self.html_baseurl, self.book_source_language = language, base, "en"


@pytest.mark.parametrize("language, other, page, depth, expected", [
    ("en", "es", "index", 0, "../es/html/index.html"),
    ("en", "es", "chapters/01", 1, "../../es/html/chapters/01.html"),
    ("es", "en", "index", 0, "../../html/index.html"),
    ("es", "en", "a/b/c", 2, "../../../../html/a/b/c.html"),
])
def test_the_switch_follows_the_makefile_layout(language, other, page, depth, expected,
                                                monkeypatch):
    monkeypatch.delenv("READTHEDOCS", raising=False)
    assert i18n.page_address(Config(language), other, page, depth) == expected


def test_on_read_the_docs_the_switch_goes_to_the_translation_project(monkeypatch):
    monkeypatch.setenv("READTHEDOCS", "True")
    config = Config("es", "https://guide.readthedocs.io/es/latest/")
    assert (i18n.page_address(config, "en", "chapters/01", 1)
            == "https://guide.readthedocs.io/en/latest/chapters/01.html")


def test_a_translation_is_online_at_its_own_address():
    config = Config("es")
    i18n.online_address(config)
    assert config.html_baseurl == "https://guide.example.org/es/latest/"
    english = Config("en")
    i18n.online_address(english)
    assert english.html_baseurl == "https://guide.example.org/en/latest/"
