"""The e-book: Sphinx's EPUB 3 builder, plus accessibility metadata and reproducible bytes.

- ``content.opf`` carries the EPUB Accessibility 1.1 metadata (schema.org access modes,
  features, hazards, summary, conformance and certifier) from ``epub_a11y_*`` options:
  ``content_metadata()`` puts them in the context of our ``theme/content.opf.jinja``.
- The navigation document (and toc.ncx) list the opening page's own sections too, so
  the book's whole heading structure is navigable (Sphinx lists only the toctree), and a
  book in parts lists each part's chapters under its title (:func:`chapters.parts`).
- Every XHTML document carries ``lang`` and ``xml:lang``; before zipping, every
  ``epub:type`` gets its matching DPUB-ARIA role and every ``role="heading"`` (Sphinx's
  toctree caption) an ``aria-level``, as EPUB Accessibility 1.1 and Ace by DAISY expect.
- A "Footnotes" rubric heads a document's footnotes only where it has some (Sphinx's
  ``epub_show_urls = "footnote"`` puts an empty one at the end of every other document),
  and the head holds one viewport ``<meta>``, not two (sphinx-doc/sphinx#11699).
- The archive is written with ``mimetype`` first and stored, every entry in a fixed order
  with a fixed time (from ``SOURCE_DATE_EPOCH``), so two builds give the same bytes.
"""

import os
import re
import time
from html import escape, unescape
from pathlib import Path
from zipfile import ZIP_DEFLATED, ZIP_STORED, ZipFile, ZipInfo

from docutils import nodes
from docutils.utils import smartquotes
from lxml import etree
from sphinx import addnodes
from sphinx.builders import epub3
from sphinx.builders.epub3 import Epub3Builder
from sphinx.highlighting import PygmentsBridge
from sphinx.util import logging
from sphinx.writers.html5 import HTML5Translator

from ..book import chapters
from ..markup import alttext, code, mathsvg
from ..print import fonts
from ..files import ZIP_EPOCH_MIN, atomic_write, source_date_epoch
from ..i18n import N_, gettext

# The heading Sphinx's EPUB builder gives the footnotes it makes of link addresses
# (epub_show_urls = "footnote"): its SPHINX_FOOTNOTES_RUBRIC, not exported by a public module.
# Proven on Sphinx 9.0.4; tests/test_epub_polish.py builds an e-book with those footnotes
# and fails when the heading changes.
SPHINX_FOOTNOTES_RUBRIC = "Footnotes"
PROVEN_ON = {"sphinx": "9.0.4"}   # tests/test_private_apis.py


def smart_text(text, language="en"):
    """Quotes and dashes as Sphinx's EPUB navigation writes them (docutils' smartquotes)."""
    text = smartquotes.educateDashesOldSchool(text.replace("&quot;", '"'))
    return smartquotes.educateQuotes(text, language).replace('"', "&quot;")

# EPUB 3 structural semantics and the DPUB-ARIA role each one must carry
# (the table Ace by DAISY checks in its epub-type-has-matching-role rule).
EPUB_TYPE_ROLES = {
    "abstract": "doc-abstract", "acknowledgments": "doc-acknowledgments",
    "afterword": "doc-afterword", "appendix": "doc-appendix", "backlink": "doc-backlink",
    "bibliography": "doc-bibliography",
    "biblioref": "doc-biblioref", "chapter": "doc-chapter", "colophon": "doc-colophon",
    "conclusion": "doc-conclusion", "credit": "doc-credit", "credits": "doc-credits",
    "dedication": "doc-dedication", "endnote": "doc-endnote", "endnotes": "doc-endnotes",
    "epigraph": "doc-epigraph", "epilogue": "doc-epilogue", "errata": "doc-errata",
    "figure": "figure", "footnote": "doc-footnote", "foreword": "doc-foreword",
    "glossary": "doc-glossary", "glossdef": "definition", "glossref": "doc-glossref",
    "glossterm": "term", "help": "doc-tip", "index": "doc-index",
    "introduction": "doc-introduction", "noteref": "doc-noteref", "notice": "doc-notice",
    "page-list": "doc-pagelist", "pagebreak": "doc-pagebreak", "part": "doc-part",
    "preface": "doc-preface", "prologue": "doc-prologue", "pullquote": "doc-pullquote",
    "qna": "doc-qna", "referrer": "doc-backlink", "subtitle": "doc-subtitle", "tip": "doc-tip",
    "toc": "doc-toc",
}
# DPUB-ARIA 1.1 deprecates doc-biblioentry (EPUBCheck warns RSC-017), which docutils puts
# on every citation, inside its role="list" citation list: each is a list item instead.
DEPRECATED_ROLES = {"doc-biblioentry": "listitem"}
# Sphinx's default epub_description and epub_contributor.
UNKNOWN = "unknown"
A11Y_SUMMARY = N_("Text with headings, a table of contents and alternative text for every "
                  "figure. The figures are also described in the text. Text can be resized "
                  "and recolored.")
A11Y_CERTIFIER = N_("The Patient Press project (self-assessed)")
TOC_TITLE = N_("Table of Contents")
COVER_TITLE = N_("Cover")
XHTML = "http://www.w3.org/1999/xhtml"
OPS = "http://www.idpf.org/2007/ops"
EPUB_TYPE = f"{{{OPS}}}type"


logger = logging.getLogger(__name__)

TEMPLATE_DIR = Path(__file__).resolve().parent / "theme"

CONFORMS_TO = "EPUB Accessibility 1.1 - WCAG 2.2 Level AA"
# docutils' HTML5 writer adds this tag and Sphinx passes it on, beside the basic theme's
# own (sphinx-doc/sphinx#11699): reading systems need only one.
DOCUTILS_VIEWPORT = re.compile(r'<meta name="viewport"[^>]*>\n?')


def fixed_time():
    epoch = source_date_epoch() or ZIP_EPOCH_MIN
    return time.gmtime(max(epoch, ZIP_EPOCH_MIN))[:6]


def add_aria(root):
    """Give every epub:type its DPUB-ARIA role and every role="heading" an aria-level.

    Returns True when the document changed. A heading role without a level takes the
    level of the heading before it (Sphinx's toctree caption sits beside that heading).
    A bibliography entry (a citation) is a ``listitem`` of its list, not ``doc-biblioentry``.
    """
    changed, level = False, 1
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        tag = el.tag.removeprefix(f"{{{XHTML}}}")
        if len(tag) == 2 and tag[0] == "h" and tag[1] in "123456":
            level = int(tag[1])
        roles = (el.get("role") or "").split()
        if DEPRECATED_ROLES.keys() & set(roles):
            roles = [DEPRECATED_ROLES.get(role, role) for role in roles]
            el.set("role", " ".join(roles))
            changed = True
        if "heading" in roles and not el.get("aria-level"):
            el.set("aria-level", str(level))
            changed = True
        inside_landmarks = any("landmarks" in (a.get(EPUB_TYPE) or "").split()
                               for a in el.iterancestors())
        for kind in (el.get(EPUB_TYPE) or "").split():
            wanted = EPUB_TYPE_ROLES.get(kind)
            if wanted and not inside_landmarks and wanted not in roles:
                roles.append(wanted)
                el.set("role", " ".join(roles))
                changed = True
    return changed


def head_footnotes(tree):
    """One "Footnotes" rubric over a document's footnotes, and none over nothing.

    With ``epub_show_urls = "footnote"`` Sphinx appends a "Footnotes" rubric to every
    document that has no footnote before it knows whether a link will need one, so most
    chapters ended on an empty heading; and the writers' own footnotes had no heading.
    Returns True when the tree changed.
    """
    changed = False
    for rubric in list(tree.findall(nodes.rubric)):
        if rubric.astext() != SPHINX_FOOTNOTES_RUBRIC:
            continue
        after = rubric.findall(nodes.footnote, include_self=False, descend=False,
                               siblings=True, ascend=True)
        if next(after, None) is None:
            rubric.parent.remove(rubric)
            changed = True
    first = next(tree.findall(nodes.footnote), None)
    headed = any(r.astext() == SPHINX_FOOTNOTES_RUBRIC for r in tree.findall(nodes.rubric))
    if first is not None and not headed:
        first.parent.insert(first.parent.index(first), nodes.rubric("", SPHINX_FOOTNOTES_RUBRIC))
        changed = True
    return changed


class EpubTranslator(code.WrapsCode, HTML5Translator):
    """Sphinx's XHTML, with long code lines wrapped after a mark (markup/code.py)."""


#: Code colours that keep 7:1 on their own light box (accessible-pygments, with the theme).
CODE_STYLE = "a11y-high-contrast-light"
#: The code font's faces the e-book carries (epub.css): code is rarely italic.
CODE_FACES = ("Regular", "Bold")


class AccessibleEpubBuilder(Epub3Builder):
    """EPUB 3 with accessibility metadata and reproducible archive bytes."""

    default_translator_class = EpubTranslator

    name = "epub"
    # Sphinx renders content.opf (and the other package files) from the builder's
    # template_dir, not from the theme: ours is Sphinx's epub3 folder with our content.opf.
    template_dir = TEMPLATE_DIR
    # Formulas as SVG pictures: a reading app may run no MathJax (Sphinx's default).
    math_renderer_name = mathsvg.NAME

    def init_highlighter(self):
        super().init_highlighter()
        if self.config.pygments_style is None:   # the book's own choice stands
            self.highlighter = PygmentsBridge("html", CODE_STYLE)
        self.dark_highlighter = None   # a reading app has no dark-mode media query for it

    def copy_static_files(self):
        super().copy_static_files()
        folder = Path(self.outdir, "_static", "fonts")
        folder.mkdir(parents=True, exist_ok=True)
        for path in fonts.mono_font_files():
            if path.stem.rpartition("-")[2] in CODE_FACES:
                (folder / path.name).write_bytes(path.read_bytes())

    def handle_finish(self):
        # Before the package files are written from what the folder holds: a file no
        # reading system takes (a favicon's .ico, a book's .yml, myst-nb's
        # reports/*.err.log) is left out of the e-book without a warning: it is no fault of
        # the book's. Sphinx's own files (mimetype, .buildinfo, content.opf...) stay.
        kept = {*self.media_types, ".js", ".xml", ".opf", ".ncx", ".epub", ""}
        for path in sorted(Path(self.outdir).rglob("*")):
            if path.is_file() and path.suffix not in kept:
                path.unlink()
        super().handle_finish()

    @property
    def guide_titles(self):
        """The navigation's title and the guide's, in the book's language (Sphinx's are
        English strings)."""
        return {"toc": gettext(self.config.language, TOC_TITLE),
                "cover": gettext(self.config.language, COVER_TITLE)}

    @property
    def html_tag(self):
        lang = escape(self.config.epub_language)
        return ('<html xmlns="http://www.w3.org/1999/xhtml" '
                f'xmlns:epub="http://www.idpf.org/2007/ops" lang="{lang}" xml:lang="{lang}">')

    def add_visible_links(self, tree, show_urls="inline"):
        super().add_visible_links(tree, show_urls)
        head_footnotes(tree)

    def get_doc_context(self, docname, body, metatags):
        return super().get_doc_context(docname, body, DOCUTILS_VIEWPORT.sub("", metatags))

    def content_metadata(self):
        """Sphinx's context for content.opf, plus the accessibility metadata of our template."""
        metadata = super().content_metadata()
        cfg = self.config
        metadata.update({
            "a11y_access_modes": [escape(mode) for mode in cfg.epub_a11y_access_modes],
            "a11y_access_modes_sufficient": [
                escape(modes) for modes in cfg.epub_a11y_access_modes_sufficient],
            "a11y_features": [escape(feature) for feature in self._a11y_features()],
            "a11y_hazards": [escape(hazard) for hazard in cfg.epub_a11y_hazards],
            "a11y_summary": escape(cfg.epub_a11y_summary),
            "a11y_conforms_to": escape(CONFORMS_TO),
            "a11y_certifier": escape(cfg.epub_a11y_certifier),
        })
        # Sphinx writes "unknown" for a description or contributor conf.py does not give: a
        # reading app shows it, in English, in any language. The subtitle says what the book
        # is; the book's reviewer, if someone reviewed it, contributed; else nothing is said.
        if cfg.epub_description == UNKNOWN:
            metadata["description"] = escape(cfg.handout_subtitle or "")
        if cfg.epub_contributor == UNKNOWN:
            who = cfg.patient_reviewed_by
            metadata["contributor"] = escape(f"{who['name']}, {who['role']}" if who else "")
        return metadata

    def _a11y_features(self):
        """The features the book has: no ``alternativeText`` while a picture lacks it
        (markup/alttext.py warns about each), ``describedMath`` with formulas."""
        features = mathsvg.a11y_features(self, self.config.epub_a11y_features)
        if not alttext.all_described(self.env):
            features = [f for f in features if f != "alternativeText"]
        return features

    def toc_add_files(self, refnodes):
        super().toc_add_files(refnodes)
        root = self.config.root_doc
        uri = root + self.out_suffix
        at = next(i for i, node in enumerate(refnodes) if node["refuri"] == escape(uri)) + 1
        refnodes[at:at] = list(self._own_sections(self.env.tocs[root], uri, 1))

    def navigation_doc_metadata(self, navlist):
        # A book in parts: each part an entry with no address over its chapters' list.
        return super().navigation_doc_metadata(self._in_parts(
            navlist, lambda part, items: epub3.NavPoint(escape(part[1]), "", items)))

    def toc_metadata(self, level, navpoints):
        # toc.ncx: a navPoint must point somewhere; a part's points to its first chapter.
        parted = self._in_parts(navpoints, lambda part, items: items[0]._replace(
            navpoint=f"navPoint-part{part[0]}", text=escape(part[1]), children=items))
        return super().toc_metadata(level + (parted is not navpoints), parted)

    def _in_parts(self, points, make_part):
        """The top-level ``points`` with each part's chapters under an entry of its own
        (``make_part(part, chapters)``); unchanged for a book not in parts."""
        part_of = chapters.parts(self.env, self.config.root_doc)
        if not part_of:
            return points

        def part(point):
            return part_of.get(unescape(point.refuri).split("#")[0].removesuffix(self.out_suffix))

        return [items[0] if found is None else make_part(found, items)
                for found, items in chapters.grouped(points, part)]

    def _own_sections(self, node, uri, level):
        """The root document's sections below its title, as refnodes (its toctree left out)."""
        for item in node.children:
            if isinstance(item, addnodes.toctree):
                continue
            if isinstance(item, nodes.list_item):
                ref = next(iter(item.findall(nodes.reference)), None)
                if level > 1 and ref is not None:
                    yield {"level": level, "refuri": escape(uri + ref["anchorname"]),
                           "text": smart_text(escape(ref.astext()))}
                for sub in item.children:
                    if isinstance(sub, nodes.bullet_list):
                        yield from self._own_sections(sub, uri, level + 1)

    def add_aria_roles(self):
        for name in self.files:
            if not name.endswith(".xhtml"):
                continue
            path = Path(self.outdir, name)
            tree = etree.parse(path)
            if add_aria(tree.getroot()):
                path.write_bytes(etree.tostring(tree, encoding="utf-8", xml_declaration=True))

    def build_epub(self):
        self.add_aria_roles()
        outname = self.config.epub_basename + ".epub"
        logger.info("writing %s file (reproducible)...", outname)
        stamp = fixed_time()

        def entry(zf, name, compress):
            info = ZipInfo(name, date_time=stamp)
            info.compress_type = compress
            info.external_attr = 0o644 << 16
            zf.writestr(info, (self.outdir / name).read_bytes())

        def write(tmp):
            with ZipFile(tmp, "w") as epub:
                entry(epub, "mimetype", ZIP_STORED)
                for name in ("META-INF/container.xml", "content.opf", "toc.ncx"):
                    entry(epub, name, ZIP_DEFLATED)
                for name in sorted(self.files):
                    entry(epub, name, ZIP_DEFLATED)

        atomic_write(self.outdir / outname, write)


def _navigation_lists_hidden_toctrees(app, config):
    """A hidden toctree still lists chapters (a Jupyter Book's ``_toc.yml`` makes only
    hidden ones, which the website's sidebar shows): the e-book's navigation lists them too."""
    if config.epub_tocscope == "default":
        config.epub_tocscope = "includehidden"


def _no_web_notebook_css(app, pagename, templatename, context, doctree):
    """myst-nb links its web stylesheet from every page but writes the file only when the
    build has finished, after the e-book is zipped: a link to a missing file (EPUBCheck
    RSC-007). The e-book leaves it out; epub.css styles a notebook's cells."""
    if app.builder.name == "epub":
        context["favicon_url"] = None   # a reading app shows no favicon (an .ico is left out)
    if app.builder.name == "epub" and "css_files" in context:
        context["css_files"] = [css for css in context["css_files"]
                                if "mystnb." not in getattr(css, "filename", str(css))]


def setup(app):
    app.setup_extension("sphinx.builders.epub3")
    app.connect("html-page-context", _no_web_notebook_css)
    app.connect("config-inited", _navigation_lists_hidden_toctrees)
    app.add_builder(AccessibleEpubBuilder, override=True)
    app.add_config_value("epub_a11y_access_modes", ["textual", "visual"], "epub")
    app.add_config_value("epub_a11y_access_modes_sufficient", ["textual"], "epub")
    app.add_config_value("epub_a11y_features", [
        "structuralNavigation", "alternativeText", "tableOfContents", "readingOrder",
        "displayTransformability"], "epub")
    app.add_config_value("epub_a11y_hazards", ["none"], "epub")
    # In the book's language: a reading app shows them to the reader.
    app.add_config_value("epub_a11y_summary",
                         lambda config: gettext(config.language, A11Y_SUMMARY), "epub")
    app.add_config_value("epub_a11y_certifier",
                         lambda config: gettext(config.language, A11Y_CERTIFIER), "epub")
