"""The website: download links to the PDF handouts and the e-book on every page.

The PDFs and the EPUB are built first (see the Makefile); after the HTML build their
files are copied into ``_downloads/`` of the site, which is what Read the Docs serves.
A missing file is a warning, so a strict build fails instead of publishing a dead link.

A bibliography's entries are items of its list: docutils gives each citation the role
``doc-biblioentry`` inside a ``role="list"`` citation list, a role DPUB-ARIA 1.1 deprecates,
and axe fails the list (aria-required-children, critical); the e-book does the same in
``epub/builder.py``.

The stylesheets come with patientpress (``web/static/``, ``epub/static/``), so every book wears them:
the website links ``patientpress.css`` (7:1 contrast, focus rings, reflow, the download box)
after the theme's and the extensions' stylesheets and before the book's own
``html_css_files``; the e-book's ``epub.css`` takes the place of the epub theme's file of
that name, and a book's own ``_static/epub.css``, copied after it, takes its place in turn.
The handout builders link neither.

A book's website does not publish its Markdown: ``html_copy_source`` is False (and with it
``html_show_sourcelink``) unless conf.py says otherwise, since a chapter's comments are for
its authors and appear in no output (issue 15).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from docutils import nodes
from sphinx.util import logging

from .. import builders, confread
from ..book import chapters
from ..i18n import N_, gettext

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata

logger = logging.getLogger(__name__)

DOWNLOAD_DIR = "_downloads"
# Each medium's stylesheets beside its code: the website's here, the e-book's in epub/.
STATIC_DIRS = {"web": Path(__file__).resolve().parent / "static",
               "epub": Path(__file__).resolve().parent.parent / "epub" / "static"}
WEB_CSS = "patientpress.css"
# After the theme's (200) and the extensions' (500) stylesheets, before the book's own
# html_css_files (800), so a book can still change any rule of ours.
WEB_CSS_PRIORITY = 700
# The download box's words, translated when used (i18n.py).
DOWNLOADS_TITLE = N_("Download and print:")
THIS_CHAPTER = N_("Printable handout of this chapter only (PDF)")
PAGES_CHAPTER = N_("Printable handout of this page's chapter (PDF)")
WHOLE_BOOK = N_("Printable handout, whole guide (PDF)")
LARGE_PRINT = N_("Large-print edition (PDF, 18 point)")
EBOOK = N_("E-book for reading apps (EPUB)")
# sphinx-book-theme's download menu entries that link a page's source in _sources/.
SOURCE_BUTTONS = {"download-source-button", "download-notebook-button"}


def _downloads(app, docname):
    """(path, label) of each download offered on ``docname``: the PDFs that
    ``handout_products`` makes (a page in a chapter handout, that handout), then the e-book."""
    cfg = app.config
    base = cfg.handout_basename
    products = cfg.handout_products
    items = []
    chapter = chapters.Guide(app.env, cfg, "chapters" in products).handout_of(docname)
    if chapter:
        items.append((chapters.pdf_name(chapter), THIS_CHAPTER
                      if chapter == docname else PAGES_CHAPTER))
    if "book" in products:
        items.append((f"{base}.pdf", WHOLE_BOOK))
    if "large-print" in products:
        items.append((f"{base}-large-print.pdf", LARGE_PRINT))
    items.append((f"{cfg.epub_basename}.epub", EBOOK))
    return items


def _add_download_links(app, doctree, docname):
    if app.builder.name not in builders.WEB:
        return
    depth = docname.count("/")
    prefix = "../" * depth + DOWNLOAD_DIR + "/"
    box = nodes.container(classes=["downloads"])
    lang = app.config.language
    box += nodes.paragraph("", gettext(lang, DOWNLOADS_TITLE), classes=["downloads-title"])
    items = nodes.bullet_list()
    for path, label in _downloads(app, docname):
        ref = nodes.reference("", gettext(lang, label), refuri=prefix + path, internal=False,
                              classes=["download-link"])
        items += nodes.list_item("", nodes.paragraph("", "", ref))
    box += items
    section = next(iter(doctree.findall(nodes.section)), None)
    if section is not None:
        section.insert(1, box)  # right under the title, where a reader looks first


def _copy_downloads(app, exception):
    if exception or app.builder.name not in builders.WEB:
        return
    confdir = Path(app.confdir)
    sources = {"pdf": confdir / (app.config.web_handout_dir or app.outdir.parent / "handout"),
               "epub": confdir / (app.config.web_epub_dir or app.outdir.parent / "epub")}
    target = Path(app.outdir) / DOWNLOAD_DIR
    wanted = {path for doc in app.env.found_docs for path, _ in _downloads(app, doc)}
    for rel in sorted(wanted):
        src = sources["epub" if rel.endswith(".epub") else "pdf"] / rel
        if not src.is_file():
            logger.warning(
                "download %s is missing from %s: build the PDF handouts and the e-book first "
                "(make all), or set web_handout_dir / web_epub_dir", rel, src.parent,
                type="patientpress", subtype="download")
            continue
        dest = target / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dest)


def _citations_as_list_items(app, pagename, templatename, context, doctree):
    if app.builder.name in builders.WEB and "body" in context:
        context["body"] = context["body"].replace('role="doc-biblioentry"', 'role="listitem"')


def _add_stylesheets(app):
    """Our static folder first in html_static_path (a book's own files of the same name,
    copied after, win), and our website stylesheet linked on every page."""
    name = app.builder.name
    folder = "web" if name in builders.WEB else "epub" if name in builders.EBOOK else None
    if folder is None:
        return
    app.config.html_static_path = [str(STATIC_DIRS[folder]), *app.config.html_static_path]
    if folder == "web":
        app.builder.add_css_file(WEB_CSS, priority=WEB_CSS_PRIORITY)


def _publish_no_sources(app, config):
    """html_copy_source defaults to False, and html_show_sourcelink to html_copy_source,
    unless conf.py or the command line sets them."""
    def unset(name):
        return not confread.set_by_book(app, name)

    if unset("html_copy_source"):
        config.html_copy_source = False
    if unset("html_show_sourcelink"):
        config.html_show_sourcelink = config.html_copy_source


def _drop_source_buttons(app, pagename, templatename, context, doctree):
    """sphinx-book-theme's download menu links the page's copy in _sources/ whether there is
    one or not (it reads no html_copy_source): without a copy, no link."""
    if app.config.html_copy_source:
        return
    for button in context.get("header_buttons", []):
        if button.get("type") == "group":
            button["buttons"] = [b for b in button.get("buttons", [])
                                 if b.get("label") not in SOURCE_BUTTONS]


def setup(app: Sphinx) -> ExtensionMetadata:
    app.connect("config-inited", _publish_no_sources)
    app.connect("builder-inited", _add_stylesheets)
    # After sphinx-book-theme fills its header buttons (501).
    app.connect("html-page-context", _drop_source_buttons, priority=502)
    app.add_config_value("web_handout_dir", "", "html", types=(str,))
    app.add_config_value("web_epub_dir", "", "html", types=(str,))
    app.connect("doctree-resolved", _add_download_links)
    app.connect("build-finished", _copy_downloads)
    app.connect("html-page-context", _citations_as_list_items)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
