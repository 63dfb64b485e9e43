"""The ``clinic-editions`` builder: the handouts again, once per clinic, with the clinic's
details in the print theme's clinic boxes.

It is the ``handout`` builder with more print documents per page: for each clinic, the
book, its large print and its booklet (for the root document) and each chapter's handout,
each rendered from ``page.html`` with the clinic as template context
(:func:`clinic_context`) and the stylesheets :func:`patientpress.paper.stylesheets` picks
for its paper and kind. Nothing is edited after the template wrote it.

The command line (:mod:`patientpress.clinics`) reads the clinic files, sets
:attr:`ClinicEditionsBuilder.editions` and runs the build; each PDF goes to its clinic's
staging folder, and one clinic's failure is reported for that clinic alone.
"""

from __future__ import annotations

import dataclasses
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING

from sphinx.util import logging

from ..print import caches, fonts, paper, pool, qr, render
from ..book import chapters
from ..print.builder import HandoutBuilder, PrintDoc

if TYPE_CHECKING:
    import os
    from typing import Any

    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata

    from weasyprint.document import Document

    from .schema import Clinic

logger = logging.getLogger(__name__)

@dataclasses.dataclass
class Edition:
    """One clinic's edition: what to make and where its PDFs go."""

    clinic: object           # a clinicfile.Clinic
    staging: Path            # the clinic's PDFs are written here
    products: tuple = ("book", "large-print", "booklet")
    name: str = ""           # its folder and its PDFs' first part (default: the slug)
    language: str = ""       # the language it is built in ("": the book's own)

    def __post_init__(self):
        self.name = self.name or self.clinic.slug


def direction(text: str) -> str:
    """"rtl" when the first strongly directional character of ``text`` is right-to-left."""
    for c in text:
        kind = unicodedata.bidirectional(c)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return ""
    return ""


#: A logo this many times wider than high is printed across the clinic box, not in its
#: corner: a 6:1 logo in the corner box came out 30 x 5 mm, its lettering 3-4 pt.
WIDE_LOGO = 3


def logo_ratio(path: Path) -> float:
    """A logo's width over its height (an SVG's viewBox or size, a PNG's pixels); 1 when
    it cannot be told."""
    import re

    try:
        if path.suffix.lower() == ".svg":
            head = path.read_text(encoding="utf-8", errors="replace")[:4000]
            box = re.search(r'viewBox="\s*[-\d.]+[\s,]+[-\d.]+[\s,]+([\d.]+)[\s,]+([\d.]+)', head)
            size = box.groups() if box else (
                re.search(r'<svg[^>]*\swidth="([\d.]+)', head).group(1),
                re.search(r'<svg[^>]*\sheight="([\d.]+)', head).group(1))
            width, height = map(float, size)
        else:
            from PIL import Image

            with Image.open(path) as image:
                width, height = image.size
        return width / height if height else 1
    except (AttributeError, OSError, ValueError):
        return 1


def clinic_context(clinic: Clinic) -> dict[str, Any]:
    """The template context of a clinic's details (``handout_clinic`` in page.html)."""
    return {
        "name": clinic.name, "name_dir": direction(clinic.name),
        "address": clinic.address, "address_dir": direction(" ".join(clinic.address)),
        "phone": clinic.phone, "web": clinic.web, "hours": clinic.hours,
        "logo": clinic.logo.as_uri() if clinic.logo else "",
        "logo_wide": bool(clinic.logo) and logo_ratio(clinic.logo) >= WIDE_LOGO,
        "reviewed_by": clinic.reviewed_by, "feedback": clinic.feedback,
    }


def render_edition(job: tuple[str, str, str, list[str], str | None, str, list[str],
                              list[str], tuple[str, str]]) -> str | None:
    """Render one PDF of a clinic edition (a booklet is then imposed on sheets); return the
    problem in words, or None. A :class:`pool.Job` for a render worker.

    A cover or a back page that runs onto a second page is never a silent spill: the
    document is set again from each of ``fallbacks`` in turn (:data:`FALLBACKS`: tighter,
    then with the clinic's details on a page of their own inside the cover), and if none
    fits, the clinic fails, with ``advice`` on what to shorten. The preflight's findings
    on the PDF kept fail it too, and the PDF is removed. ``layouts`` (a folder and the
    salt) is the :class:`caches.LayoutMemo` the editions share."""
    html_text, target, base_url, roots, booklet_paper, advice, fallbacks, expect, layouts = job
    target = Path(target)
    pages = target.with_name(f".{target.stem}-pages.pdf") if booklet_paper else target
    memo = caches.LayoutMemo(*layouts) if layouts else None
    try:
        for html in (html_text, *fallbacks):
            # A variant whose cover or back page runs over is given up after its first
            # layout, before its figures, tails and notes pages are decided.
            try:
                warnings = render.render_and_finish(
                    (html, str(pages), base_url, roots, [], None, expect), memo=memo,
                    check=spill_of if advice else None)
            except render.Rejected as rejected:
                spills, warnings = rejected.problems, [(m, "", None) for m in rejected.warnings]
            else:
                spills = []
            problems = [m for m, subtype, _ in warnings if not subtype.startswith("preflight.")]
            if problems:
                pages.unlink(missing_ok=True)
                return "the PDF renderer reported: " + "; ".join(dict.fromkeys(problems))
            if not spills:
                break
        if spills:
            pages.unlink(missing_ok=True)
            return f"{' and '.join(spills)}. Fix: {advice}"
        # What the preflight finds is never handed out: the PDF is removed, the clinic fails.
        found = [m for m, subtype, _ in warnings if subtype.startswith("preflight.")]
        if found:
            pages.unlink(missing_ok=True)
            return "; ".join(found)
        if booklet_paper:
            from ..print import booklet   # pypdf: for the booklets alone, in the worker

            booklet.impose(pages, target, booklet_paper)
    finally:
        if booklet_paper:
            pages.unlink(missing_ok=True)
    return None


def spill(pdf: str | os.PathLike[str]) -> list[str]:
    """How the cover and the back page of a print product with both run over, from the
    PDF's outline: the book's first heading must be on page 2 (the cover is page 1), and
    the back page's heading, the last entry, on the last page. [] when both fit."""
    from pypdf import PdfReader

    reader = PdfReader(pdf)
    return _spill([reader.get_destination_page_number(item) + 1 for item in reader.outline
                   if not isinstance(item, list)], len(reader.pages))


def spill_of(document: Document) -> list[str]:
    """:func:`spill` read from a laid-out document's bookmarks, which become the PDF's
    outline: the cover and the back page are the same in every layout of it."""
    return _spill([target[0] + 1 for _label, target, _children, _state
                   in document.make_bookmark_tree()], len(document.pages))


def _spill(tops, last):
    """The words for the spills: ``tops``, the pages of the outline's top entries."""
    if len(tops) < 2:
        return []
    found = []
    if tops[0] > 2:
        found.append(f"the cover runs onto {tops[0] - 2} more page(s)")
    if tops[-1] < last:
        found.append(f"the back page runs onto {last - tops[-1]} more page(s)")
    return found


def printed_details(clinic: Clinic) -> list[str]:
    """Every detail of ``clinic`` that each of its PDFs must print (the preflight checks)."""
    return [clinic.name, clinic.phone, clinic.web, *clinic.address, *clinic.hours,
            *(d for d in (clinic.reviewed_by, clinic.feedback) if d)]


#: The print documents tried, in turn, when a clinic's details do not fit: (name, sheets).
FALLBACKS = (("tight", ["tight.css"]), ("roomy", ["tight.css", "roomy.css"]))


def _variant(html, name):
    return html.with_name(f"{html.stem}-{name}.html")


def advice(clinic: Clinic) -> str:
    """What to shorten when a clinic's details do not fit a cover or a back page."""
    sizes = {"address": len(clinic.address), "hours": len(clinic.hours)}
    longest = [f"{field} ({n} lines)" for field, n in sorted(sizes.items(), key=lambda i: -i[1])
               if n]
    return ("shorten the clinic file's " + " or ".join(longest)
            + (", or choose a smaller logo" if clinic.logo else "")
            + " so that the clinic's details fit one cover and one back page")


class ClinicEditionsBuilder(HandoutBuilder):
    """Builds the clinic editions of :attr:`editions` (set before the build)."""

    name = "clinic-editions"
    epilog = "The clinic editions are in their clinics' folders."
    editions = ()
    #: Called as ``on_rendered(doc, problem)`` when each PDF is done (problem: None or words).
    on_rendered = None
    progress = None   # a tqdm bar, or None
    jobs = 0          # render workers (0: one per core)
    timeout = pool.DEFAULT_TIMEOUT
    #: The layout decisions the editions share (caches.LayoutMemo), set by render_products.
    memo = None

    def wants(self, product: str) -> bool:
        return any(product in edition.products for edition in self.editions)

    def print_documents(self, pagename: str) -> list[PrintDoc]:
        docs = []
        for edition in self.editions:
            clinic = edition.clinic
            context = {"handout_clinic": clinic_context(clinic)}
            if clinic.qr:
                context.update(handout_online_url=clinic.qr, handout_guide_url=clinic.qr,
                               handout_qr=qr.svg_data_uri(clinic.qr))
            folder = Path(self.outdir) / ".editions" / edition.name
            for kind, html_name, pdf_name in self._products(edition, pagename):
                sheets = paper.stylesheets(clinic.paper, kind, clinic=True,
                                           fallback_font=clinic.needs_fallback)
                docs.append(PrintDoc(folder / html_name, edition.staging / pdf_name,
                                     {**context, "handout_stylesheets": sheets}, kind, edition))
                if pagename == self.config.root_doc:
                    # The same, set tighter (tight.css), then with a clinic page inside the
                    # cover (roomy.css): rendered only when the one before does not fit.
                    for name, more in FALLBACKS:
                        docs.append(PrintDoc(_variant(folder / html_name, name), None, {
                            **context, "handout_stylesheets": [*sheets, *more]}, kind, edition))
        return docs

    def _products(self, edition, pagename):
        """(kind, print document, PDF) of ``edition`` for page ``pagename``."""
        slug, products = edition.name, edition.products
        if pagename != self.config.root_doc:
            name = Path(chapters.pdf_name(pagename)).stem
            if "chapters" in products:
                yield "book", f"{pagename}.html", f"chapters/{slug}-{name}.pdf"
            return
        if "book" in products:
            yield "book", "index.html", f"{slug}-handout.pdf"
        if "large-print" in products and edition.clinic.large_print:
            yield "large", "index-large-print.html", f"{slug}-large-print.pdf"
        if "booklet" in products:
            yield "booklet", "index-booklet.html", f"{slug}-booklet.pdf"

    def finish(self) -> None:
        if any(e.clinic.needs_fallback for e in self.editions):
            fonts.copy_fallback_into(Path(self.outdir) / "_static" / "fonts")
        super().finish()

    def render_job(self, doc: PrintDoc, html_text: str) -> pool.Job:
        out = Path(self.outdir)
        clinic = doc.owner.clinic
        roots = [str(p) for p in (self.srcdir, self.confdir / "_static", out,
                                  clinic.path.parent.resolve())]
        booklet_paper = clinic.paper if doc.kind == "booklet" else None
        # A chapter handout has a title band, not a cover and a back page of its own.
        fit, fallbacks = "", []
        if doc.page == self.config.root_doc:
            fit = advice(clinic)
            fallbacks = [_variant(doc.html, name).read_text(encoding="utf-8")
                         for name, _sheets in FALLBACKS]
        return pool.Job(render_edition,
                        ((html_text, str(doc.pdf), out.as_uri() + "/", roots, booklet_paper,
                          fit, fallbacks, printed_details(clinic),
                          (str(self.memo.folder), self.memo.salt) if self.memo else None),),
                        timeout=self.timeout, what=doc.pdf.name, target=doc.pdf)

    def render_products(self) -> None:
        """Render every edition's PDFs, largest first; each outcome goes to on_rendered."""
        from ..print.builder import RENDER_ORDER

        out = Path(self.outdir)
        self.memo = caches.LayoutMemo(Path(self.doctreedir) / "handout-layouts",
                                      caches.RenderCache(out, out).shared)
        docs = sorted(self._print_docs, key=lambda d: RENDER_ORDER[d.kind])
        jobs, keys = [], set()
        for doc in docs:
            doc.pdf.parent.mkdir(parents=True, exist_ok=True)
            html_text = doc.html.read_text(encoding="utf-8")
            jobs.append(self.render_job(doc, html_text))
            keys |= {self.memo.key(html) for html in (html_text, *jobs[-1].args[0][6])}
        if self.progress is not None:
            self.progress.reset(total=len(jobs))
        for index, outcome in pool.workers(self.jobs).run(jobs):
            if isinstance(outcome, BaseException):
                outcome = f"rendering failed: {outcome}"
            if self.on_rendered:
                self.on_rendered(docs[index], outcome)
            if self.progress is not None:
                self.progress.update()
        self.memo.keep_only(keys)


def note_without_online_address(app: Sphinx) -> None:
    """Say once, at the start of a print build, that the book has no online address: its
    PDFs then carry no QR code and no written address. A note, not a warning: a book not
    yet online (a new book, a test book) is no fault, and a strict build must pass."""
    if isinstance(app.builder, HandoutBuilder) and not app.builder.online_url:
        logger.info("handout: the book names no online address (html_baseurl or "
                    "handout_online_url in conf.py; Read the Docs gives its own), so no "
                    "printed product carries a QR code or a 'read it online' address")


def setup(app: Sphinx) -> ExtensionMetadata:
    app.add_builder(ClinicEditionsBuilder)
    app.connect("builder-inited", note_without_online_address)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
