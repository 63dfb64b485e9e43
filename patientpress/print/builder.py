"""The ``handout`` builder: the book as one print document, rendered to PDF in-process.

It is Sphinx's single-file HTML builder with a print theme of its own (no web theme CSS,
scripts, sidebars or buttons), unique ids and live cross-chapter links
(:mod:`patientpress.singlefile`), and a ``finish()`` that renders the print document
with WeasyPrint (:mod:`patientpress.render`). Products: the whole-book handout, one
handout per chapter and a large-print edition.
"""

import dataclasses
import html
from collections.abc import Set
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.builders.singlehtml import SingleFileHTMLBuilder
from sphinx.errors import SphinxError
from sphinx.util import logging
from sphinx.util.nodes import inline_all_toctrees

from ..book import chapters, words
from . import caches, citations, fonts, numbers, paper, pool, qr, render, singlefile, tables
from .translator import PrintTranslator
from .. import files, i18n
from ..markup import mathsvg, notice

logger = logging.getLogger(__name__)



@dataclasses.dataclass
class PrintDoc:
    """One print document of a page, and the PDF rendered from it."""

    html: Path
    pdf: Path | None     # None: written, but no product asks for its PDF
    context: dict        # what the template gets on top of the page's context
    kind: str = "book"   # "book", "large" (large print) or "booklet" (paper.stylesheets)
    owner: object = None  # a clinic edition's clinic
    page: str = ""        # the document it prints (messages name it)


# Largest first, so the render workers finish together.
RENDER_ORDER = {"large": 0, "booklet": 1, "book": 2}


def _section_title(section):
    if section is None:   # an empty chapter: reported by checks.py, built without a title
        return ""
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
    # A scaled figure is not wrapped in a link to its own file: on paper that link is
    # noise, and in the PDF it would point at a path on the build machine.
    html_scaled_image_link = False
    math_renderer_name = mathsvg.NAME   # formulas as SVG: WeasyPrint runs no MathJax

    # -- theme ---------------------------------------------------------------

    def get_theme_config(self) -> tuple[str, dict[str, str | int | bool]]:
        return "patientpress_print", {}

    def init_js_files(self) -> None:
        # No script ever reaches the print document.
        pass

    def init_css_files(self) -> None:
        # Only the print theme's stylesheet; the web theme's CSS costs minutes in WeasyPrint.
        pass

    def create_pygments_style_file(self) -> None:
        pass

    # -- assembly ------------------------------------------------------------

    def _assemble(self, docnames_root, tree, outside=()):
        """Inline (all but the documents ``outside``), resolve, then make ids unique and
        links live; return the tree."""
        known = set(self.env.all_docs)
        tree = inline_all_toctrees(self, set(), docnames_root, tree, str,
                                   [docnames_root, *outside])
        tree["docname"] = docnames_root
        self._bibliographies.refresh(self.env)
        self.env.resolve_references(tree, docnames_root, self)
        chapters.add_checklist(self, tree)
        citations.add_cited_works(self, tree, docnames_root, self._bibliographies)
        mapping = singlefile.prefix_ids(tree, docnames_root)
        printed = numbers.for_print(self.env, mapping,
                                    singlefile.first_section_ids(tree, docnames_root))
        in_file = {d for d, _ in mapping} | {docnames_root}
        in_file |= {n["docname"] for n in tree.findall(addnodes.start_of_file)}
        # A translation's section labels are still the source language's words: its reader
        # is given the page's address to type, and the section by its name.
        broken = singlefile.fix_references(tree, docnames_root, mapping, known, in_file,
                                           self.online_url, self._guide.where,
                                           typed_fragment=not i18n.is_translation(self.config))
        for docname, uri in broken:
            logger.warning("handout: internal link %r has no target in the print document",
                           uri, type="handout", subtype="link", location=docname)
        singlefile.drop_empty_sections(tree)
        singlefile.mark_external_links(tree)
        singlefile.mark_short_lists(tree)
        tables.mark_wide_tables(tree)
        singlefile.mark_page_refs(tree)
        singlefile.name_shared_headings(tree, words.words(self.config)["in_chapter"])
        return tree, printed

    def _chapter_entries(self, tree):
        """Table-of-contents entries: (docname, id, title) of each document's top section.

        Each of those sections is marked as a chapter (it starts a new page in print), and
        the questions page as a checklist (a box to tick before each question).
        """
        entries = []
        for start in tree.findall(addnodes.start_of_file):
            section = next((c for c in start.children if isinstance(c, nodes.section)), None)
            if (section is not None and section["ids"]
                    and citations.CITED_WORKS not in section["classes"]):
                section["classes"].append("chapter")
                if start["docname"] == self.config.handout_questions_doc:
                    section["classes"].append("checklist")
                entries.append((start["docname"], section["ids"][0], _section_title(section)))
        return entries

    def _book_document(self):
        """The whole book's print document: (tree, its numbers)."""
        root = self.config.root_doc
        tree, printed = self._assemble(root, self.env.get_doctree(root))
        singlefile.lift_chapters(tree)
        self._parts = chapters.group_parts(tree, self.env, root)   # a book in parts
        entries = self._chapter_entries(tree)
        self._toc = [(i, t) for _, i, t in entries]
        self._targets = {d: i for d, i, _ in entries}
        self._product = {"kind": "book", "title": self.config.project}
        # The contents go on the book's opening page: after its title and the text before
        # its first section (subtitle, notices), before that section.
        section = next(iter(tree.findall(nodes.section)), None)
        if section is not None and self._toc:
            at = next((i for i, c in enumerate(section.children)
                       if isinstance(c, (nodes.section, addnodes.start_of_file))),
                      len(section.children))
            section.insert(at, nodes.raw("", self._toc_html(entries), format="html"))
        return tree, printed

    def _toc_html(self, entries):
        items = chapters.contents_items(entries, self._parts)
        return ('<nav class="print-toc" aria-labelledby="print-toc-title">'
                '<h2 id="print-toc-title" class="print-toc-title">'
                f'{html.escape(words.words(self.config)["contents"])}</h2>'
                f'<ol class="print-toc-list">{items}</ol></nav>')

    # -- context -------------------------------------------------------------

    @property
    def online_url(self) -> str:
        return (self.config.handout_online_url or "").strip()

    def get_doc_context(self, docname: str, body: str, metatags: str) -> dict[str, Any]:
        ctx = super().get_doc_context(docname, body, metatags)
        cfg = self.config
        product = getattr(self, "_product", {"kind": "book", "title": cfg.project})
        base = self.online_url
        url = base
        if product.get("page") and url:
            url = url.rstrip("/") + "/" + product["page"]
        ctx.update(
            handout_product=product,
            handout_back=self._back_links(product, base),
            handout_subtitle=cfg.handout_subtitle,
            handout_review_date=cfg.handout_review_date,
            handout_back_notice=cfg.handout_back_notice,
            handout_notice=cfg.patient_notice,
            handout_feedback=cfg.patient_feedback,
            handout_reviewed_by=notice.reviewed_by(cfg),
            handout_author=cfg.author,
            handout_online_url=url,
            handout_guide_url=base,   # the back page's "learn more": the guide's short address
            handout_qr=qr.svg_data_uri(url) if url else "",
            handout_typeable=singlefile.typeable_url,
            handout_clinic=None,
            handout_stylesheets=paper.stylesheets(cfg.handout_paper, "book"),
            handout_css_files=list(cfg.handout_css_files),
            title=product["title"],
            # Every print document (chapter handouts too) is rendered with the output
            # folder as its base URL, as Sphinx's single-file image paths assume.
            handout_static="_static/",
        )
        return ctx

    def _back_links(self, product, base):
        """Where the back page sends the reader: the questions checklist, as a page of this
        document when it holds it, else as its online address."""
        links = {}
        targets = product.get("targets") or (
            getattr(self, "_targets", {}) if product["kind"] == "book" else {})
        for key, doc in (("questions", self.config.handout_questions_doc),):
            if not doc or doc not in self.env.all_docs:
                continue
            title = self.env.titles[doc].astext()
            if doc in targets:
                links[key] = {"title": title, "href": "#" + targets[doc]}
            elif base:
                links[key] = {"title": title, "url": base.rstrip("/") + "/" + doc + ".html"}
        return links

    # -- output --------------------------------------------------------------

    def chapter_docnames(self) -> list[str]:
        """The documents with a handout of their own, in reading order (chapters.py)."""
        return self._guide.chapters

    def wants(self, product: str) -> bool:
        """Whether this build makes ``product`` ("book", "large-print", "chapters", ...)."""
        return product in self.config.handout_products

    def print_documents(self, pagename: str) -> list[PrintDoc]:
        """The print documents (:class:`PrintDoc`) written for page ``pagename``: the
        whole book and its large-print edition for the root document, one handout for a
        chapter."""
        cfg, out = self.config, Path(self.outdir)

        def sheets(kind):
            return {"handout_stylesheets": paper.stylesheets(cfg.handout_paper, kind)}

        if pagename != cfg.root_doc:
            return [PrintDoc(self.get_output_path(pagename),
                             out / chapters.pdf_name(pagename), sheets("book"))]
        base = cfg.handout_basename
        docs = [PrintDoc(out / "index.html", out / f"{base}.pdf" if self.wants("book") else None,
                         sheets("book"))]
        if self.wants("large-print"):
            docs.append(PrintDoc(out / "index-large-print.html", out / f"{base}-large-print.pdf",
                                 sheets("large"), "large"))
        return docs

    def handle_page(self, pagename: str, addctx: dict[str, Any], templatename: str = "page.html",
                    *, outfilename: Path | None = None, event_arg: Any = None) -> None:
        """Write each print document of a page: the page's context with the document's own
        on top (its stylesheets; a clinic edition's details)."""
        if templatename != "page.html":
            return super().handle_page(pagename, addctx, templatename,
                                       outfilename=outfilename, event_arg=event_arg)
        for doc in self.print_documents(pagename):
            super().handle_page(pagename, {**addctx, "handout_kind": doc.kind, **doc.context},
                                templatename, outfilename=doc.html, event_arg=event_arg)
            if doc.pdf is not None:
                self._print_docs.append(dataclasses.replace(doc, page=pagename))

    def write_documents(self, _docnames: Set[str]) -> None:
        """The print documents: the whole book (with its large print), then each chapter's.

        Not Sphinx's single-file assembly (one document, its numbers written over the
        environment's): each print document is assembled here and written with numbers of
        its own (:meth:`create_translator`), and the environment is only read.
        """
        self._print_docs = []
        self._bibliographies = citations.Bibliographies(self.env)
        self._guide = chapters.Guide(self.env, self.config, self.wants("chapters"))
        self.prepare_writing(self.env.all_docs.keys())
        try:
            tree, printed = self._book_document()
            self._write_print_document(self.config.root_doc, tree, printed)
            self._write_chapters()
        finally:
            self._bibliographies.refresh(self.env)

    def _write_print_document(self, docname, tree, printed):
        self._printed_numbers = printed
        self.write_doc_serialized(docname, tree)
        self.write_doc(docname, tree)

    def create_translator(self, *args: Any) -> nodes.NodeVisitor:
        # The numbers a print document prints are its own, keyed by its prefixed ids: the
        # environment's table for the page, which write_doc took, is set aside here.
        self.secnumbers, self.fignumbers = self._printed_numbers
        return super().create_translator(*args)

    def get_target_uri(self, docname: str, typ: str | None = None) -> str:
        """A document's address inside a print document (singlefile.document_uri), which
        the assembly points at its prefixed ids; another page's, as Sphinx writes it."""
        if docname in self.env.all_docs:
            return singlefile.document_uri(docname)
        return super().get_target_uri(docname, typ)

    def _write_chapters(self):
        for docname in self.chapter_docnames():
            tree = self.env.get_doctree(docname)
            wrapper = nodes.document(tree.settings, tree.reporter)
            start = addnodes.start_of_file(docname=docname)
            start.extend(tree.children)
            wrapper.append(start)
            held = set(self._guide.held_by(docname))   # never the rest of the book
            wrapper, printed = self._assemble(docname, wrapper, [d for d in self.env.all_docs
                                                                 if d not in held])
            targets = {d: i for d, i, _ in self._chapter_entries(wrapper)}
            self._product = {"kind": "chapter", "docname": docname, "targets": targets,
                             "title": (_section_title(next(iter(wrapper.findall(nodes.section)), None))
                                       or docname),
                             "page": docname + ".html"}
            self._write_print_document(docname, wrapper, printed)

    def finish(self) -> None:
        super().finish()
        fonts.copy_into(self.outdir / "_static" / "fonts")
        self.render_products()

    def render_job(self, doc: PrintDoc, html_text: str) -> pool.Job:
        """The :class:`pool.Job` that renders ``doc`` (a worker runs it)."""
        out = Path(self.outdir)
        roots = [str(p) for p in (self.srcdir, self.confdir / "_static", out)]
        rel = doc.pdf.relative_to(out).as_posix()
        return pool.Job(render.render_and_finish,
                        ((html_text, str(doc.pdf), out.as_uri() + "/", roots, [], doc.page),),
                        timeout=self.config.handout_timeout, what=rel, target=doc.pdf)

    def render_products(self) -> None:
        """Render every product's print document to PDF, in the render worker processes.

        A PDF whose inputs (its print document, the stylesheets, pictures and fonts of the
        output folder, this package and the renderer) were rendered before is taken from
        the render cache beside the doctrees: after editing one chapter, only the
        whole-book PDFs and that chapter's handout are rendered again.
        """
        out = Path(self.outdir)
        cache = caches.RenderCache(Path(self.doctreedir) / "handout-renders", out)
        todo, keys = [], []
        for doc in sorted(self._print_docs, key=lambda d: RENDER_ORDER[d.kind]):
            rel = doc.pdf.relative_to(out).as_posix()
            html_text = doc.html.read_text(encoding="utf-8")
            key = cache.key(html_text, [])
            keys.append(key)
            if cache.restore(key, doc.pdf):
                logger.info("unchanged, kept: %s", rel)
                for message, subtype, location in cache.findings(key):
                    render.log_warning(self._shown(message), subtype, location)
                continue
            todo.append((rel, key, doc.pdf, self.render_job(doc, html_text)))
        failure = None
        workers = pool.workers(self.config.handout_workers)
        outcomes = dict(workers.run([job for *_, job in todo]))
        for index, (rel, key, pdf_path, _job) in enumerate(todo):
            outcome = outcomes[index]
            if isinstance(outcome, BaseException):
                logger.error("%s", self._shown(str(outcome)), type="handout",
                             subtype="render", location=rel)
                failure = failure or outcome
                continue
            for message, subtype, location in outcome:
                render.log_warning(self._shown(message), subtype, location)
            logger.info("rendered %s", rel)
            cache.store(key, pdf_path, outcome)
        cache.keep_only(keys)
        self._preflight_summary(cache, keys)
        if failure is not None:
            raise failure if isinstance(failure, SphinxError) else SphinxError(str(failure))

    def _preflight_summary(self, cache, keys):
        found = sum(len(cache.findings(key)) for key in keys)
        logger.info("preflight: %d PDF(s) read back as printed, %d finding(s)%s", len(keys),
                    found, "" if not found else " (see the warnings above)")

    def _shown(self, message):
        """``message`` naming files a reader can find: a picture by its source file, not its
        copy in ``_images``; anything else in the output folder by the folder ``scripts/build``
        renames it to after the build (PATIENTPRESS_OUTDIR), not the staging folder."""
        out = Path(self.outdir)
        for source, name in self.images.items():
            copy = out / self.imagedir / name
            shown = str(Path(self.srcdir, source))
            message = message.replace(copy.as_uri(), shown).replace(str(copy), shown)
        final = files.final_outdir()
        if final:
            message = (message.replace(out.as_uri(), Path(final).as_uri())
                       .replace(str(out), final))
        return message
