"""The website: download links to the PDF handouts and the e-book on every page.

The PDFs and the EPUB are built first (see the Makefile); after the HTML build their
files are copied into ``_downloads/`` of the site, which is what Read the Docs serves.
A missing file is a warning, so a strict build fails instead of publishing a dead link.

A bibliography's entries are items of its list: docutils gives each citation the role
``doc-biblioentry`` inside a ``role="list"`` citation list, a role DPUB-ARIA 1.1 deprecates,
and axe fails the list (aria-required-children, critical); the e-book does the same in
``epub.py``.
"""

import shutil
from pathlib import Path

from docutils import nodes
from sphinx.util import logging

from . import chapters

logger = logging.getLogger(__name__)

DOWNLOAD_DIR = "_downloads"


def _downloads(app, docname):
    """(path, label) of each download offered on ``docname``: the PDFs that
    ``handout_products`` makes (a page in a chapter handout, that handout), then the e-book."""
    cfg = app.config
    base = cfg.handout_basename
    products = cfg.handout_products
    items = []
    chapter = chapters.Guide(app.env, cfg, "chapters" in products).handout_of(docname)
    if chapter:
        items.append((chapters.pdf_name(chapter), "Printable handout of this chapter only (PDF)"
                      if chapter == docname else "Printable handout of this page's chapter (PDF)"))
    if "book" in products:
        items.append((f"{base}.pdf", "Printable handout, whole guide (PDF)"))
    if "large-print" in products:
        items.append((f"{base}-large-print.pdf", "Large-print edition (PDF, 18 point)"))
    items.append((f"{cfg.epub_basename}.epub", "E-book for reading apps (EPUB)"))
    return items


def _add_download_links(app, doctree, docname):
    if app.builder.name not in ("html", "dirhtml"):
        return
    depth = docname.count("/")
    prefix = "../" * depth + DOWNLOAD_DIR + "/"
    box = nodes.container(classes=["downloads"])
    box += nodes.paragraph("", "Download and print:", classes=["downloads-title"])
    items = nodes.bullet_list()
    for path, label in _downloads(app, docname):
        ref = nodes.reference("", label, refuri=prefix + path, internal=False,
                              classes=["download-link"])
        items += nodes.list_item("", nodes.paragraph("", "", ref))
    box += items
    section = next(iter(doctree.findall(nodes.section)), None)
    if section is not None:
        section.insert(1, box)  # right under the title, where a reader looks first


def _copy_downloads(app, exception):
    if exception or app.builder.name not in ("html", "dirhtml"):
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
    if app.builder.name in ("html", "dirhtml") and "body" in context:
        context["body"] = context["body"].replace('role="doc-biblioentry"', 'role="listitem"')


def setup(app):
    app.add_config_value("web_handout_dir", "", "html", types=(str,))
    app.add_config_value("web_epub_dir", "", "html", types=(str,))
    app.connect("doctree-resolved", _add_download_links)
    app.connect("build-finished", _copy_downloads)
    app.connect("html-page-context", _citations_as_list_items)
