"""The website's own words in the book's language: the theme's and Sphinx's, not the book's.

A Spanish reader met English around every page: the search box's "Search...", the buttons
"Toggle primary sidebar" and "Toggle secondary sidebar", the navigation labels "Main" and
"Page" that a screen reader announces, "© Copyright", the tooltips "Link to this heading"
(term, image...), the search page's count of results (an empty line) and its message when
nothing is found (broken Spanish), and no 404 page at all, so Read the Docs showed its own,
in English. Each comes from where it is written, and takes its words from the catalogs that
have them, ours (``patientpress/locale``, i18n.py) where theirs have none:

* **Sphinx's words** (``sphinx`` domain: the permalinks' tooltips): Sphinx's catalog for
  the language, then the theme's, then ours, added behind them with
  ``Sphinx.add_message_catalog`` (compiled into the doctree folder, never the package).
* **Words in the themes' templates** that no catalog can reach (sphinx-book-theme 1.4.0
  writes them as plain text, and pydata-sphinx-theme 0.20's Spanish "translation" of the
  copyright line is the English one): our copies of those templates
  (``web/templates/sphinx_book_theme/``, after the book's own ``templates_path``), identical to the theme's
  but for the words (``tests/test_theme_words.py`` fails when a theme release changes them).
* **The search box**: the theme's ``theme_search_bar_text``, unless the book sets its own.
* **The search page's messages** (Sphinx's ``searchtools.js``): our translations, given to
  Sphinx's own ``Documentation.TRANSLATIONS`` after ``translations.js`` has loaded.
* **A 404 page** (``404.html``, which Read the Docs serves for a missing address), in the
  book's language, linking only by absolute address when the book has one.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING

from babel.messages import Catalog
from babel.messages.mofile import write_mo

from .. import i18n
from ..builders import WEB
from ..i18n import N_, gettext

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata

TEMPLATES = Path(__file__).resolve().parent / "templates"
#: The theme whose templates ours copy (1.4.0), in a folder of that name beside ours.
THEME = "sphinx_book_theme"

#: Words our copies of the theme's templates print (``patientpress_words`` in templates).
THEME_WORDS = {
    "toggle_primary": N_("Toggle primary sidebar"),
    "toggle_secondary": N_("Toggle secondary sidebar"),
    "main": N_("Main"),
    "page": N_("Page"),
    "copyright": N_("© Copyright {copyright}."),
    "copyright_linked": N_("Copyright {copyright}"),
    "search": N_("Search..."),
}
#: Sphinx's own words its catalogs may lack (sphinx/writers/html5.py, Sphinx 9.0).
SPHINX_WORDS = [N_("Link to this heading"), N_("Link to this term"), N_("Link to this image"),
                N_("Link to this table"), N_("Link to this code"),
                N_("Link to this definition"), N_("Link to this toctree")]
#: sphinx/themes/basic/static/searchtools.js (Sphinx 9.0): what the search page says when it
#: is done. Its plural message is looked up by its singular, and Sphinx indexes the forms with
#: the language's plural expression: ours gives the singular for one and the plural for any
#: other index.
NO_RESULTS = N_("Your search did not match any documents. Please make sure that all words "
                "are spelled correctly and that you've selected enough categories.")
ONE_RESULT = N_("Search finished, found one page matching the search query.")
SOME_RESULTS = N_("Search finished, found ${resultCount} pages matching the search query.")
#: The 404 page's words.
NOT_FOUND = {
    "title": N_("Page not found"),
    "text": N_("There is no page at this address. It may have moved, or the address may "
               "have a typing mistake."),
    "home_link": N_("Go to the start of the guide"),
    "skip": N_("Skip to main content"),
}


def words(language: str | None) -> dict[str, str]:
    return {key: gettext(language, text) for key, text in THEME_WORDS.items()}


def _use_our_templates(app, config):
    """Our templates (the 404 page; with sphinx-book-theme, our copies of its templates):
    after the book's own (which win), before the themes' component folders (which
    sphinx-book-theme and pydata-sphinx-theme add)."""
    confdir = Path(app.confdir).resolve()
    paths = list(config.templates_path)
    at = next((i for i, p in enumerate(paths)
               if Path(p).is_absolute() and confdir not in Path(p).resolve().parents), len(paths))
    ours = [str(TEMPLATES / THEME)] if config.html_theme == THEME else []
    config.templates_path = [*paths[:at], *ours, str(TEMPLATES), *paths[at:]]


def _sphinx_catalog(app):
    """Our translations of Sphinx's words, behind Sphinx's and the theme's catalogs."""
    language = app.config.language
    table = {text: gettext(language, text) for text in SPHINX_WORDS}
    table = {k: v for k, v in table.items() if v != k}
    if app.builder.name not in WEB or not table:
        return
    catalog = Catalog(locale=language, domain="sphinx")
    for msgid, msgstr in table.items():
        catalog.add(msgid, msgstr)
    # gettext caches a catalog by its path: a new path for new words.
    stamp = hashlib.sha256(json.dumps(table, sort_keys=True).encode()).hexdigest()[:16]
    folder = Path(app.doctreedir) / "patientpress-locale" / stamp
    mo = folder / language / "LC_MESSAGES" / "sphinx.mo"
    if not mo.is_file():
        mo.parent.mkdir(parents=True, exist_ok=True)
        with open(mo, "wb") as f:
            write_mo(f, catalog)
    app.add_message_catalog("sphinx", folder)


def _search_messages(app):
    """The search page's words, in the language, after Sphinx's translations.js."""
    language = app.config.language
    if app.builder.name not in WEB or not i18n.ours(language):
        return
    one, some = gettext(language, ONE_RESULT), gettext(language, SOME_RESULTS)
    messages = {NO_RESULTS: gettext(language, NO_RESULTS), ONE_RESULT: [one] + [some] * 5}
    script = (f"Object.assign(Documentation.TRANSLATIONS, "
              f"{json.dumps(messages, ensure_ascii=False)});")
    app.add_js_file(None, body=script, priority=900)


def _page_words(app, pagename, templatename, context, doctree):
    if app.builder.name in WEB:
        context["patientpress_words"] = words(app.config.language)


def _search_box_words(app, pagename, templatename, context, doctree):
    # sphinx-book-theme sets its own "Search..." (untranslated) unless the book gives one.
    if app.builder.name in WEB and \
            "search_bar_text" not in (app.config.html_theme_options or {}):
        context["theme_search_bar_text"] = gettext(app.config.language, THEME_WORDS["search"])


def _not_found_page(app):
    """404.html: the page a server shows for an address the site does not have."""
    if app.builder.name != "html":
        return []
    language = app.config.language
    base = app.config.html_baseurl
    home = (base.rstrip("/") + "/" if base else "") + f"{app.config.root_doc}.html"
    context = {"patientpress_404": {
        "lang": (language or "en").replace("_", "-"), "home": home,
        **{key: gettext(language, text) for key, text in NOT_FOUND.items()}}}
    return [("404", context, "patientpress-404.html")]


def setup(app: Sphinx) -> ExtensionMetadata:
    app.connect("config-inited", _use_our_templates)
    app.connect("builder-inited", _sphinx_catalog)
    app.connect("builder-inited", _search_messages)
    # Before pydata-sphinx-theme renders the components (500), which use the words...
    app.connect("html-page-context", _page_words, priority=400)
    # ...and after sphinx-book-theme's page context (500), which sets the search box's.
    app.connect("html-page-context", _search_box_words, priority=503)
    app.connect("html-collect-pages", _not_found_page)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
