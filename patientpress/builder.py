"""The ``handout`` builder: the book as one print document, rendered to PDF in-process.

It is Sphinx's single-file HTML builder with a print theme of its own (no web theme CSS,
scripts, sidebars or buttons), unique ids and live cross-chapter links
(:mod:`patientpress.singlefile`), and a ``finish()`` that renders the print document
with WeasyPrint (:mod:`patientpress.render`). Products: the whole-book handout, one
handout per chapter and a large-print edition.
"""

import html
import os
import re
import shutil
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.builders.singlehtml import SingleFileHTMLBuilder
from sphinx.util import logging
from sphinx.util.nodes import inline_all_toctrees
from sphinx.writers.html5 import HTML5Translator

from . import fonts, qr, render, singlefile

logger = logging.getLogger(__name__)

PAPER_SIZES = {"letter": "letter", "a4": "A4"}


class PrintTranslator(HTML5Translator):
    """HTML for paper: no pilcrow permalinks (they would print and pollute running heads)."""

    def add_permalink_ref(self, node, title):
        pass

    def visit_start_of_file(self, node):
        # No empty marker span: links to a document point at its first heading instead,
        # and an empty inline box would start a blank page before each chapter.
        self.docnames.append(node["docname"])


def slugify(text):
    text = re.sub(r"[^\w\s-]", "", text.lower(), flags=re.UNICODE)
    return re.sub(r"[\s_-]+", "-", text).strip("-") or "handout"


def _section_title(section):
    title = next(iter(section.findall(nodes.title)), None)
    return title.astext() if title is not None else ""


class HandoutBuilder(SingleFileHTMLBuilder):
    """Builds the PDF handouts: whole book, one per chapter, large print."""

    name = "handout"
    format = "html"
    epilog = "The PDF handouts are in %(outdir)s."
    default_translator_class = PrintTranslator
    supported_image_types = ["image/svg+xml", "image/png", "image/jpeg", "image/gif"]
    search = False
    copysource = False

    # -- theme ---------------------------------------------------------------

    def get_theme_config(self):
        return "patientpress_print", {}

    def init_js_files(self):
        # No script ever reaches the print document.
        pass

    def init_css_files(self):
        # Only the print theme's stylesheet; the web theme's CSS costs minutes in WeasyPrint.
        pass

    def create_pygments_style_file(self):
        pass

    # -- assembly ------------------------------------------------------------

    def _assemble(self, docnames_root, tree):
        """Inline, resolve, then make ids unique and links live; return the tree."""
        known = set(self.env.all_docs)
        tree = inline_all_toctrees(self, set(), docnames_root, tree, str, [docnames_root])
        tree["docname"] = docnames_root
        self.env.resolve_references(tree, docnames_root, self)
        mapping = singlefile.prefix_ids(tree, docnames_root)
        in_file = {d for d, _ in mapping} | {docnames_root}
        in_file |= {n["docname"] for n in tree.findall(addnodes.start_of_file)}
        broken = singlefile.fix_references(tree, docnames_root, mapping, known, in_file,
                                           self.online_url)
        for docname, uri in broken:
            logger.warning("handout: internal link %r has no target in the print document",
                           uri, type="handout", subtype="link", location=docname)
        self._mark_external_links(tree)
        return tree

    def _mark_external_links(self, tree):
        """Links print as text a reader can type: show the address when the text is not it."""
        for ref in tree.findall(nodes.reference):
            uri = ref.get("refuri", "")
            if uri.startswith(("http://", "https://", "mailto:")):
                shown = uri.removeprefix("mailto:")
                text = ref.astext().strip()
                if text.rstrip("/") not in (shown.rstrip("/"), shown.split("://", 1)[-1].rstrip("/")):
                    ref["classes"].append("show-url")

    def _chapter_entries(self, tree):
        """Table-of-contents entries: (id, title) of each document's top section."""
        entries = []
        for start in tree.findall(addnodes.start_of_file):
            section = next((c for c in start.children if isinstance(c, nodes.section)), None)
            if section is not None and section["ids"]:
                entries.append((section["ids"][0], _section_title(section)))
        return entries

    def assemble_doctree(self):
        root = self.config.root_doc
        tree = self._assemble(root, self.env.get_doctree(root))
        self._toc = self._chapter_entries(tree)
        self._product = {"kind": "book", "title": self.config.project}
        # The contents page goes where the toctree was: after the opening page.
        first = next(iter(tree.findall(addnodes.start_of_file)), None)
        if first is not None:
            first.parent.insert(first.parent.index(first),
                                nodes.raw("", self._toc_html(self._toc), format="html"))
        return tree

    def _toc_html(self, entries):
        items = "".join(
            f'<li><a href="#{html.escape(i)}">{html.escape(t)}</a></li>' for i, t in entries)
        return ('<nav class="print-toc" aria-labelledby="print-toc-title">'
                '<h2 id="print-toc-title" class="print-toc-title">Contents</h2>'
                f'<ol class="print-toc-list">{items}</ol></nav>')

    # -- context -------------------------------------------------------------

    @property
    def online_url(self):
        return (self.config.handout_online_url or "").strip()

    def get_doc_context(self, docname, body, metatags):
        ctx = super().get_doc_context(docname, body, metatags)
        cfg = self.config
        product = getattr(self, "_product", {"kind": "book", "title": cfg.project})
        url = self.online_url
        if product.get("page") and url:
            url = url.rstrip("/") + "/" + product["page"]
        ctx.update(
            handout_product=product,
            handout_subtitle=cfg.handout_subtitle,
            handout_review_date=cfg.handout_review_date,
            handout_author=cfg.author,
            handout_online_url=url,
            handout_qr=qr.svg_data_uri(url) if url else "",
            handout_clinic=None,
            title=product["title"],
            # Every print document (chapter handouts too) is rendered with the output
            # folder as its base URL, as Sphinx's single-file image paths assume.
            handout_static="_static/",
        )
        return ctx

    # -- output --------------------------------------------------------------

    def chapter_docnames(self):
        prefix = self.config.handout_chapter_prefix
        return sorted(d for d in self.env.found_docs if d.startswith(prefix))

    def write_documents(self, _docnames):
        super().write_documents(_docnames)
        if "chapters" not in self.config.handout_products:
            return
        for docname in self.chapter_docnames():
            tree = self.env.get_doctree(docname)
            wrapper = nodes.document(tree.settings, tree.reporter)
            start = addnodes.start_of_file(docname=docname)
            start.extend(tree.children)
            wrapper.append(start)
            wrapper = self._assemble(docname, wrapper)
            self._product = {"kind": "chapter", "docname": docname,
                             "title": _section_title(next(iter(wrapper.findall(nodes.section)))),
                             "page": docname + ".html"}
            self.write_doc_serialized(docname, wrapper)
            self.write_doc(docname, wrapper)

    def get_target_uri(self, docname, typ=None):
        return super().get_target_uri(docname, typ)

    def finish(self):
        super().finish()
        fonts.copy_into(self.outdir / "_static" / "fonts")
        self.render_products()

    def _stylesheets(self, large=False):
        paper = PAPER_SIZES[self.config.handout_paper]
        sheets = [f"@page {{ size: {paper}; }}"]
        if large:
            # Extra stylesheets are user stylesheets: author rules beat them without !important.
            sheets.append(":root { --body-size: 18pt !important; --small-size: 16pt !important; }")
        return sheets

    def render_products(self):
        base = self.config.handout_basename
        out = Path(self.outdir)
        root = self.config.root_doc
        jobs = [(root, out / "index.html", out / f"{base}.pdf", False)]
        if "large-print" in self.config.handout_products:
            jobs.append((root, out / "index.html", out / f"{base}-large-print.pdf", True))
        if "chapters" in self.config.handout_products:
            for docname in self.chapter_docnames():
                jobs.append((docname, out / f"{docname}.html",
                             out / "chapters" / f"{Path(docname).name}.pdf", False))
        roots = [self.srcdir, self.confdir / "_static", self.outdir]
        for docname, html_path, pdf_path, large in jobs:
            logger.info("rendering %s", pdf_path.relative_to(out))
            try:
                render.render_pdf(
                    html_path.read_text(encoding="utf-8"), pdf_path,
                    base_url=out.as_uri() + "/", allowed_roots=roots,
                    stylesheets=self._stylesheets(large), timeout=self.config.handout_timeout,
                    location=docname)
            except render.RenderTimeout as exc:
                logger.error("%s", exc, type="handout", subtype="timeout")
                raise


def _default_online_url(config):
    return os.environ.get("READTHEDOCS_CANONICAL_URL") or config.html_baseurl or ""


def _check_config(app, config):
    if config.handout_paper not in PAPER_SIZES:
        from sphinx.errors import ConfigError
        raise ConfigError(f"handout_paper must be one of {sorted(PAPER_SIZES)}, "
                          f"not {config.handout_paper!r} (set it in conf.py or with "
                          "-D handout_paper=a4)")
    unknown = set(config.handout_products) - {"book", "chapters", "large-print"}
    if unknown:
        from sphinx.errors import ConfigError
        raise ConfigError(f"handout_products: unknown product(s) {sorted(unknown)}")


def setup(app):
    app.add_builder(HandoutBuilder)
    app.add_config_value("handout_basename", lambda c: slugify(c.project), "env", types=(str,))
    app.add_config_value("handout_subtitle", "", "env", types=(str,))
    app.add_config_value("handout_review_date", "", "env", types=(str,))
    # Letter for the en_US default; a4 is one -D (or make PAPER=a4) away.
    app.add_config_value("handout_paper", "letter", "env", types=(str,))
    app.add_config_value("handout_online_url", _default_online_url, "env", types=(str,))
    app.add_config_value("handout_products", ["book", "chapters", "large-print"], "env",
                         types=(list, tuple))
    app.add_config_value("handout_chapter_prefix", "chapters/", "env", types=(str,))
    app.add_config_value("handout_timeout", 300, "env", types=(int,))
    app.connect("config-inited", _check_config)
