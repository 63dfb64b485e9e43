"""The book in another language: Patient Press's own words from its message catalog, the
book's settings from the book's, and a build that stops on a message left in the source
language.

A translated book is the same sources built with another ``language`` (``-D language=es``).
Sphinx translates the chapters from the book's catalogs (``locale_dirs``, one ``.po`` per
document). This module adds what Sphinx leaves out:

* **Our own words** (the print theme's phrases, the website's download labels, the e-book's
  accessibility summary, the notice) are English in the code, marked with ``N_``, and
  translated from ``patientpress/locale/<language>/LC_MESSAGES/patientpress.po``.
* **The book's settings** (its title, subtitle, review date, back-page notice, front-matter
  checks: ``translated_settings``) come from the book's own catalog ``conf.po``, beside the
  documents' catalogs. The gettext builder writes ``conf.pot`` with the documents' ``.pot``
  files, so ``sphinx-intl update`` keeps it current the same way.
* **Nothing stale ships.** The source language is the one ``conf.py`` sets. In a build in
  any other language, a message with no current translation (missing, empty or fuzzy: an
  English sentence edited since it was translated) is a warning naming the document, its
  catalog and the fix, so the strict build fails instead of printing English in the middle
  of a Spanish page.
* **A draft for review** (``translation_draft = True``, ``make DRAFT=1``): the same build
  leaves each such message in the source language, marked as that language (``lang``) and
  flagged where it stands ("Sin traducir:"), with a box at the top of the page counting
  them. For a translator's or reviewer's eyes only: Read the Docs refuses it.

Catalogs are read with Babel (a Sphinx dependency) straight from the ``.po`` files: no
compiled ``.mo`` to keep in step, and fuzzy or empty entries count as missing.
"""

from __future__ import annotations

import functools
import os
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from babel.messages import Catalog, pofile
from docutils import nodes
from sphinx import addnodes
from sphinx.errors import ConfigError
from sphinx.util import logging
from sphinx.util.i18n import docname_to_domain
from sphinx.util.nodes import extract_messages

from . import builders, confread

if TYPE_CHECKING:
    from collections.abc import Iterable

    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.util.typing import ExtensionMetadata

logger = logging.getLogger(__name__)

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "patientpress"
#: The language Patient Press's own words are written in.
OUR_LANGUAGE = "en"
#: Every phrase marked with N_, in the order marked: the template of our catalog.
PHRASES = []
CONF_DOMAIN = "conf"


def _fix(app):
    """The whole fix for a missing translation, with this book's own folders: make the
    templates, bring the catalogs up to date, translate."""
    def shown(path):
        try:
            return os.path.relpath(path) or "."
        except ValueError:
            return str(path)
    locales = shown(Path(app.srcdir, app.config.locale_dirs[0])) if app.config.locale_dirs \
        else "locales"
    return (f"fix: make the templates (python -m sphinx -b gettext -c {shown(app.confdir)} "
            f"{shown(app.srcdir)} _build/gettext), update the catalogs (sphinx-intl update "
            f"-p _build/gettext -l {app.config.language} -d {locales}), then translate the "
            "entry and remove its '#, fuzzy' line")


def N_(text: str) -> str:
    """Mark ``text`` as one of our phrases (translated when used, by ``gettext``)."""
    if text not in PHRASES:
        PHRASES.append(text)
    return text


@functools.cache
def _read(path, stamp):
    with open(path, "rb") as f:
        catalog = pofile.read_po(f)
    return {m.id: m.string for m in catalog
            if m.id and isinstance(m.id, str) and m.string and not m.fuzzy}


def read_catalog(path: str | os.PathLike[str]) -> dict[str, str] | None:
    """``{msgid: msgstr}`` of a ``.po`` file, fuzzy and empty entries left out; None when
    there is no such file."""
    path = Path(path)
    if not path.is_file():
        return None
    stat = path.stat()
    return _read(path, (stat.st_mtime_ns, stat.st_size))


def ours(language: str | None) -> dict[str, str]:
    """Our catalog for ``language``: ``{}`` for English or a language we have no words in."""
    if not language or language == OUR_LANGUAGE:
        return {}
    return read_catalog(LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po") or {}


def gettext(language: str | None, text: str) -> str:
    """``text`` (one of our phrases) in ``language``; the English when it has no translation."""
    return ours(language).get(text, text) if text else text


def source_language(config: Config) -> str:
    """The language the book is written in: the one its ``conf.py`` sets (a ``-D language``
    override makes a translation), kept in ``book_source_language``."""
    return config.book_source_language or OUR_LANGUAGE


def note_source_language(app: Sphinx, config: Config) -> None:
    """``book_source_language``, unless the book sets it: the language conf.py writes."""
    if not config.book_source_language:
        config.book_source_language = confread.as_written(app).get("language") or OUR_LANGUAGE


def is_translation(config: Config) -> bool:
    return bool(config.language) and config.language != source_language(config)


def book_catalog_dirs(app: Sphinx) -> list[Path]:
    return [Path(app.srcdir, d) / app.config.language / "LC_MESSAGES"
            for d in app.config.locale_dirs]


# -- the book's settings -------------------------------------------------------------


def _strings(value):
    """Every string in a setting (a string, or lists, tuples and dict values of them)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)


def _translate(value, table, missing):
    if isinstance(value, str):
        if value and value not in table:
            missing.append(value)
        return table.get(value, value)
    if isinstance(value, (list, tuple)):
        return type(value)(_translate(v, table, missing) for v in value)
    if isinstance(value, dict):
        return {k: _translate(v, table, missing) for k, v in value.items()}
    return value


def _set_settings(app):
    """The names in ``translated_settings`` that conf.py sets (a default made from another
    setting, such as ``epub_title`` from ``html_title``, follows that one)."""
    written = confread.as_written(app)
    return [name for name in app.config.translated_settings if name in written]


def translate_settings(app: Sphinx, config: Config) -> None:
    if not is_translation(config):
        return
    table, where = {}, []
    for folder in book_catalog_dirs(app):
        found = read_catalog(folder / f"{CONF_DOMAIN}.po")
        if found is not None:
            table = {**found, **table}
            where.append(folder / f"{CONF_DOMAIN}.po")
    missing = []
    for name in _set_settings(app):
        config[name] = _translate(config[name], table, missing)
    if missing and not config.translation_draft:   # a draft keeps them in the source language
        catalog = where[0] if where else book_catalog_dirs(app)[0] / f"{CONF_DOMAIN}.po"
        for text in dict.fromkeys(missing):
            logger.warning("conf.py: setting not translated into %r in %s: %r; %s",
                           config.language, catalog, text[:70],
                           _fix(app), type="patientpress", subtype="untranslated")


def online_address(config: Config) -> None:
    """The translation's own ``html_baseurl``: Read the Docs serves a translation project at
    the main project's address with its language in place of the main one
    (``…/en/latest/`` -> ``…/es/latest/``); its own build passes that address already."""
    base, source = config.html_baseurl, source_language(config)
    if base and is_translation(config) and f"/{source}/" in base:
        head, _, tail = base.rpartition(f"/{source}/")
        config.html_baseurl = f"{head}/{config.language}/{tail}"


def write_settings_template(app: Sphinx, exception: Exception | None) -> None:
    """The gettext builder's ``conf.pot``: the strings of ``translated_settings``."""
    if exception or app.builder.name != "gettext":
        return
    catalog = Catalog(project=app.config.project, version=app.config.version,
                      fuzzy=False, creation_date=None)
    # The settings as conf.py wrote them: Sphinx turns the copyright's current year into
    # SOURCE_DATE_EPOCH's, so the template would ask for a new translation whenever the last
    # commit is from an earlier year.
    written = confread.as_written(app)
    for name in _set_settings(app):
        for text in _strings(written[name]):
            if text:
                catalog.add(text, locations=[("conf.py", 0)], auto_comments=[name])
    with open(Path(app.outdir) / f"{CONF_DOMAIN}.pot", "wb") as f:
        pofile.write_po(f, catalog, omit_header=False, include_lineno=False, sort_output=False)


# -- the documents ---------------------------------------------------------------------


def _translated_anyway(node, translations):
    """Sphinx leaves ``translated`` False on a picture whose alternative text it translated,
    and on a toctree whose caption it translated: judge those by the text they now hold."""
    if isinstance(node, nodes.image):
        return node.get("alt", "") in translations
    if isinstance(node, addnodes.toctree):
        return not node.get("caption") or node["caption"] in translations
    return False


def _source_line(node):
    """The node's line in the source: a node of a translated message says its line in the
    message, so take the first ancestor's that is not."""
    while node is not None:
        if node.line and "<translated>" not in (node.source or ""):
            return node.line
        node = node.parent
    return None


def _quoted(msgid, limit=90):
    """A msgid as a .po file writes it, cut to ``limit`` characters."""
    text = msgid.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{text[:limit]}…"' if len(text) > limit else f'"{text}"'


def check_translated(app: Sphinx, doctree: nodes.document) -> None:
    """Warn about every message of the document Sphinx found no current translation for."""
    config = app.config
    if app.builder.name == "gettext" or not is_translation(config):
        return
    docname = app.env.docname
    domain = docname_to_domain(docname, config.gettext_compact)
    places = [folder / f"{domain}.po" for folder in book_catalog_dirs(app)]
    catalog = next((p for p in places if p.is_file()), places[0])
    marked = [n for n in doctree.findall(nodes.Element) if "translated" in n]
    # Without its .po, a document is not translated, whatever an old compiled .mo still says.
    if not marked or not catalog.is_file():
        if config.translation_draft:
            flag_draft(app, doctree, [node for node, _ in extract_messages(doctree)])
        elif doctree.astext().strip():
            logger.warning("no %r catalog for this document: %s is missing; %s",
                           config.language, catalog, _fix(app), location=docname, type="patientpress", subtype="untranslated")
        return
    translations = set((read_catalog(catalog) or {}).values())
    # The message as the catalog writes it (its msgid: MyST markup and all), to search for.
    msgids = {id(node): msg for node, msg in extract_messages(doctree)}
    missing = [node for node in marked
               if not node["translated"] and not _translated_anyway(node, translations)]
    if config.translation_draft:
        flag_draft(app, doctree, missing)
        return
    for node in missing:
        msgid = msgids.get(id(node), node.astext())
        logger.warning("not translated into %r (missing, empty or fuzzy in %s): msgid %s; %s",
                       config.language, catalog, _quoted(msgid), _fix(app),
                       location=(docname, _source_line(node)),
                       type="patientpress", subtype="untranslated")


# -- a draft for review ----------------------------------------------------------------

DRAFT_LABEL = N_("Not translated yet:")
DRAFT_NOTICE = N_("Draft for review, not for readers. Passages of this page not translated "
                  "yet: {count}. They are shown in the original language, each marked "
                  "“{label}”.")


def flag_draft(app: Sphinx, doctree: nodes.document,
               untranslated: Iterable[nodes.Element]) -> None:
    """Mark each passage left in the source language as that language (a screen reader
    switches voice), label it in the book's language, and say so at the top of the page."""
    config = app.config
    source, label = source_language(config), gettext(config.language, DRAFT_LABEL)
    passages = [n for n in untranslated if isinstance(n, nodes.TextElement)]
    for node in passages:
        node["classes"] += ["untranslated", f"language-{source}"]
        if not isinstance(node, nodes.title):   # a heading is named in the navigation too
            node.insert(0, nodes.strong("", label + " ",
                                        classes=["untranslated-label", f"language-{config.language}"]))
    section = next(iter(doctree.findall(nodes.section)), None)
    if passages and section is not None:
        text = gettext(config.language, DRAFT_NOTICE).format(count=len(passages), label=label)
        section.insert(1, nodes.warning("", nodes.paragraph(text, text), classes=["draft-notice"]))
        logger.info("draft: %d passages of %s left in %r", len(passages), app.env.docname, source)


def refuse_draft_release(app: Sphinx, config: Config) -> None:
    if config.translation_draft and os.environ.get("READTHEDOCS") == "True":
        raise ConfigError("translation_draft builds a draft for review, with untranslated "
                          "passages left in the source language; Read the Docs publishes, so it "
                          "is refused there. Fix: translate the catalogs (README: Languages), "
                          "or build the draft on your own machine (make DRAFT=1)")


# -- the website's language switch ---------------------------------------------------


def page_address(config: Config, language: str, pagename: str, depth: int) -> str:
    """Where ``pagename`` is in ``language``'s website, from a page ``depth`` folders down.

    On Read the Docs (``READTHEDOCS``), the translation's project address
    (``online_address``). Elsewhere, the Makefile's layout: the book's own language in
    ``_build/html``, each translation in ``_build/<language>/html``."""
    page = f"{pagename}.html"
    base, here = config.html_baseurl, config.language
    if os.environ.get("READTHEDOCS") == "True" and f"/{here}/" in base:
        head, _, tail = base.rpartition(f"/{here}/")
        return f"{head}/{language}/{tail}{'/' if tail and not tail.endswith('/') else ''}{page}"
    up = "../" * depth + ("../../" if is_translation(config) else "../")
    folder = "html" if language == source_language(config) else f"{language}/html"
    return f"{up}{folder}/{page}"


def add_language_switch(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """A link to this page in each other language of ``book_languages``, named in that
    language and marked with it, so a screen reader says it in the right voice."""
    config = app.config
    if app.builder.name not in builders.WEB or config.language not in config.book_languages:
        return
    links = []
    for language, label in config.book_languages.items():
        if language != config.language:
            href = page_address(config, language, docname, docname.count("/"))
            links.append(f'<a class="language-link" href="{escape(href)}" hreflang="{language}"'
                         f' lang="{language}">{escape(label)}</a>')
    if links:
        html = f'<p class="language-switch">{" · ".join(links)}</p>\n'
        section = next(iter(doctree.findall(nodes.section)), None)
        if section is not None:
            section.insert(1, nodes.raw("", html, format="html"))


def setup(app: Sphinx) -> ExtensionMetadata:
    # The settings a translation takes from the book's conf.po.
    app.add_config_value("translated_settings", [
        "project", "html_title", "epub_title", "author", "copyright", "epub_publisher",
        "epub_description", "handout_subtitle", "handout_review_date", "handout_back_notice",
        "patient_notice", "patient_feedback", "patient_reviewed_by", "myst_substitutions",
        "bookcheck_front_matter",
    ], "env", types=(list,))
    app.add_config_value("book_source_language", "", "env", types=(str,))
    app.connect("config-inited", note_source_language, priority=90)
    app.connect("config-inited", translate_settings, priority=100)
    app.connect("config-inited", lambda app, config: online_address(config), priority=100)
    app.connect("doctree-read", check_translated)
    # A lagging translation as a draft for review (make DRAFT=1), never on Read the Docs.
    app.add_config_value("translation_draft", False, "env", types=(bool,))
    app.connect("config-inited", refuse_draft_release)
    # The languages the book is published in: {language: "this page in <language>", written
    # in that language}. Each website page links to itself in the others.
    app.add_config_value("book_languages", {}, "html", types=(dict,))
    app.connect("doctree-resolved", add_language_switch)
    app.connect("build-finished", write_settings_template)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
