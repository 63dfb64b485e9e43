"""Render a print document to PDF with WeasyPrint, safely, and remember what was rendered.

- WeasyPrint's log is bridged into Sphinx's, so its warnings fail a strict build.
- Only files under the allowed folders can be read; every network address is refused.
- The PDF is written to a temporary name and renamed, so no half-written file is left.
- :class:`caches.RenderCache` keeps each PDF under a hash of its inputs, beside the doctrees.
- :func:`render_and_finish` is the job a worker of :mod:`patientpress.pool` runs (the time
  limit is the pool's).
- A print document that asks for a page count in multiples (a booklet: four; a chapter
  handout: two, for double-sided printing) gets as many of its ruled notes pages as make
  the count up, never a blank page. A chapter handout's one notes page, its last page, is
  decided in its one layout (:mod:`lastnotes`).
- A figure that just misses the page of the sentence leading into it, leaving that page
  mostly empty, is laid out again a little smaller (:func:`figure_fits`).
- :class:`caches.LayoutMemo` keeps those decisions (figures fitted, chapter tails pulled
  back, notes pages) by what they depend on: a clinic edition whose text is another's is
  laid out once.
"""

from __future__ import annotations

import contextlib
import logging as pylogging
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from sphinx.util import logging

from . import counters, lastnotes, pagerefs, paper, pdfua, preflight, tails
from .caches import PREFLIGHT, LayoutMemo
from ..files import atomic_write

if TYPE_CHECKING:
    from collections.abc import Callable, Container, Iterable, Sequence

    from weasyprint.document import Document
    from weasyprint.urls import URLFetcher

logger = logging.getLogger(__name__)


class RefusedResource(Exception):
    """The print document asked for a resource outside the sandbox."""


class Rejected(Exception):
    """The first layout failed the render's ``check`` (a clinic's cover or back page ran
    over): nothing was decided or written. ``problems``: the check's words; ``warnings``:
    the renderer's, as render_pdf would have returned them."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems, self.warnings = problems, []


def _refusal(url, roots):
    """Why ``url`` may not be read, or ``None`` when it may."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "data":
        return None
    if scheme != "file":
        return (f"refused to fetch {url}: the PDF never reads from the network; save the "
                "file into the book's folder and link it by a relative path")
    if parts.netloc not in ("", "localhost"):
        return f"refused to read {url}: a file address must not name another machine"
    # resolve() follows links and climbs out of "..", so both are judged by where they
    # really lead.
    path = Path(unquote(parts.path)).resolve()
    if any(path.is_relative_to(root) for root in roots):
        return None
    return (f"refused to read {path}: it is outside the book's source and build folders; "
            "copy the file into the book's folder (docs/ or _static/) and link the copy")


def make_fetcher(allowed_roots: Iterable[str | os.PathLike[str]],
                 on_refuse: Callable[[str], object]) -> URLFetcher:
    """A WeasyPrint URL fetcher that reads only files inside ``allowed_roots``."""
    from weasyprint.urls import URLFetcher

    roots = [Path(r).resolve() for r in allowed_roots]

    class SandboxFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            reason = _refusal(url, roots)
            if reason is None:
                return super().fetch(url, headers)
            on_refuse(reason)
            raise RefusedResource(reason)

    return SandboxFetcher(allowed_protocols={"file", "data"}, timeout=5)


class _Bridge(pylogging.Handler):
    """Forward WeasyPrint's warnings and errors to ``warn`` (Sphinx's logger by default)."""

    def __init__(self, warn):
        super().__init__(level=pylogging.WARNING)
        self.warn = warn
        self.messages = []

    def emit(self, record):
        message = record.getMessage()
        if "RefusedResource" in message:
            return  # reported once, by the fetcher, in plain words
        self.messages.append(message)
        self.warn(f"WeasyPrint: {message}", "weasyprint")


@contextlib.contextmanager
def _bridged(warn):
    wlog = pylogging.getLogger("weasyprint")
    bridge = _Bridge(warn)
    old_propagate = wlog.propagate
    wlog.addHandler(bridge)
    wlog.propagate = False  # one message, through Sphinx, not twice
    try:
        yield bridge
    finally:
        wlog.removeHandler(bridge)
        wlog.propagate = old_propagate


def log_warning(message: str, subtype: str, location: str | None) -> None:
    """Report a render problem through Sphinx's log (a strict build then fails); a
    preflight finding as type ``patientpress``, subtype ``preflight.<check>``."""
    kind = "patientpress" if subtype.startswith(PREFLIGHT) else "handout"
    logger.warning("%s", message, type=kind, subtype=subtype, location=location)



def render_pdf(html: str, pdf_path: str | os.PathLike[str], *, base_url: str,
               allowed_roots: Iterable[str | os.PathLike[str]], stylesheets: Iterable[str] = (),
               location: str | None = None, variant: str = "pdf/ua-1",
               warn: Callable[[str, str], object] | None = None,
               memo: LayoutMemo | None = None,
               check: Callable[[Document], list[str]] | None = None) -> list[str]:
    """Render ``html`` (a string) to ``pdf_path``; return the list of warnings raised.

    No time limit here: run it as a :class:`Job` of a :class:`Pool` for one. WeasyPrint's own
    warnings (missing image, refused resource, bad CSS) go to ``warn(message, subtype)``,
    by default Sphinx's log; a worker process passes its own and reports them back.
    With a ``memo`` the layout decisions another PDF with the same text made are taken
    from it (the PDF is byte for byte what deciding again gives), and new ones kept in it.
    ``check(document)`` is given the first layout; problems it names raise
    :class:`Rejected` before anything more is laid out or written.
    """
    import weasyprint

    pagerefs.install()   # the same PDF, without pydyf's time growing with pages × tags
    lastnotes.install()  # a chapter handout's notes page in its one layout
    counters.install()   # the same PDF, without a third pass for every page reference
    what = Path(pdf_path).name
    if warn is None:
        def warn(message, subtype):
            log_warning(message, subtype, location or what)
    warn = _once(warn)   # a document laid out twice (notes pages) warns once
    refused = []

    def refuse(reason):
        if reason not in refused:
            refused.append(reason)
            warn(reason, "sandbox")

    fetcher = make_fetcher(allowed_roots, refuse)
    options = {"pdf_variant": variant, "pdf_tags": True, "uncompressed_pdf": False,
               "custom_metadata": False}
    key = memo.key(html, stylesheets) if memo is not None else None
    with _bridged(warn) as bridge:
        source = weasyprint.HTML(string=html, base_url=str(base_url), url_fetcher=fetcher)
        css = [weasyprint.CSS(string=s, base_url=str(base_url), url_fetcher=fetcher)
               for s in stylesheets]
        known = memo.recall(key) if key else None
        try:
            document, rules, notes = _lay_out(source, css, options, pages_multiple_of(html),
                                              known, check, notes_last(html),
                                              memo.pages(key) if known is not None else None)
        except Rejected as rejected:
            rejected.warnings = list(dict.fromkeys(bridge.messages)) + refused
            raise
        if key:
            memo.keep(key, rules, notes, _pages(document))
        atomic_write(pdf_path, lambda tmp: document.write_pdf(tmp, **options))
    return list(dict.fromkeys(bridge.messages)) + refused


def _render(source, sheets, options, seeds=None):
    """One layout of ``source``, its page references built from ``seeds`` (the pages of
    the anchors in a layout of the same text, :func:`counters.seed`), remembering its own."""
    counters.seed(source, seeds)
    document = source.render(stylesheets=sheets, **options)
    document.__dict__[_PAGES] = counters.pages_of(source)
    return document


_PAGES = "_patientpress_pages"   # on a laid-out Document: its anchors' pages


def _pages(document):
    return document.__dict__.get(_PAGES)


def _lay_out(source, css, options, multiple, known, check=None, last=False, seeds=None):
    """The layout to print, its decisions' CSS rules and its notes pages: (document, rules,
    notes). ``known``: the decisions of a PDF with the same text (LayoutMemo), or None;
    ``seeds``: its anchors' pages. ``last``: the one notes page is the document's last page
    (a chapter handout): it is laid out shown, and dropped in that layout when the count
    would be odd (lastnotes). Each layout after the first takes the page numbers of its
    references from the layout kept before it (counters.seed): a trial moves few pages."""
    import weasyprint

    def notes_sheet(count):
        return [weasyprint.CSS(filename=paper.STATIC / f"notes-{count}.css")] if count else []

    def text_pages(document):   # the pages before a notes page laid out last
        return len(document.pages) - (lastnotes.shown(document) if last else 0)

    def checked(document):
        text = document if not last else document.copy(document.pages[:text_pages(document)])
        if check is not None and (problems := check(text)):
            raise Rejected(problems)
        return document

    if last:
        lastnotes.mark(source)
        css = [*css, *notes_sheet(1)]
    if known is not None:
        # Laid out with them and as many notes pages as that PDF had (a chapter handout:
        # its one, decided in the layout); again only when this one's cover and back pages
        # make up another count.
        rules, guess = known
        css += [weasyprint.CSS(string=rule) for rule in rules]
        if last:
            document = checked(_render(source, css, options, seeds))
            return document, rules, lastnotes.shown(document)
        document = checked(_render(source, [*css, *notes_sheet(guess)], options, seeds))
        notes = -(len(document.pages) - guess) % multiple
        if notes != guess:
            document = _render(source, [*css, *notes_sheet(notes)], options, _pages(document))
        return document, rules, notes
    rules = []
    document = _fit_figures(source, css, options, checked(_render(source, css, options)),
                            rules, text_pages)
    document = _pull_back_tails(source, css, options, document, rules, text_pages)
    if last:
        return document, rules, lastnotes.shown(document)
    notes = -len(document.pages) % multiple
    if notes:
        # A second layout, with that many notes pages shown: page numbers ("Page 3 of 8")
        # and the tags are then those of the pages printed.
        document = _render(source, [*css, *notes_sheet(notes)], options, _pages(document))
    return document, rules, notes


def _fit_figures(source, css, options, document, kept, count):
    """The layout with each figure that left its lead-in's page mostly empty a little
    smaller (:func:`figure_fits`): a second layout, kept only if each of them is now on the
    page before (the estimate can fall short) and no page is added (``count``: a layout's
    pages, a notes page laid out last aside); adds the rule kept to ``css`` and its text to
    ``kept``."""
    import weasyprint

    fits = figure_fits(document)
    if not fits:
        return document
    fit = "\n".join(fits.values())
    refit = _render(source, [*css, weasyprint.CSS(string=fit)], options, _pages(document))
    before, after = figure_pages(document, fits), figure_pages(refit, fits)
    if (all(after.get(name, 0) < before[name] for name in before)
            and count(refit) <= count(document)):
        kept.append(fit)
        css.append(weasyprint.CSS(string=fit))
        return refit
    return document


def _pull_back_tails(source, css, options, document, kept, count=lambda d: len(d.pages)):
    """The layout with each chapter tail of a few lines pulled back (:mod:`tails`), each
    try kept only when it saves pages (``count``: a layout's pages, a notes page laid out
    last aside); adds the rules kept to ``css`` and their text to ``kept``."""
    import weasyprint

    for share in tails.TIGHTER:   # a tail left at the first share gets the second
        rules = tails.tail_rules(document, share)
        if not rules:
            break
        tighter = weasyprint.CSS(string=rules)
        again = _render(source, [*css, tighter], options, _pages(document))
        if count(again) < count(document):
            css.append(tighter)
            kept.append(rules)
            document = again
    return document


#: A figure is made smaller to stay on the page before only when that page would otherwise
#: be left at least this share empty (a stranded lead-in, not the usual gap before a figure:
#: at half empty, the book x10 was laid out twice for nine such figures, 2x its PDF time),
#: and by at most this share of its picture's height: a fifth (the Spanish A4 book's research
#: road, with an eight-line caption, missed its lead-in's page by 16% and left it 80% empty;
#: the caption keeps its size, only the drawing is smaller).
FIT_EMPTY, FIT_SHRINK = 0.7, 0.2


def _boxes(box):
    yield box
    for child in getattr(box, "children", None) or ():
        yield from _boxes(child)


def figure_pages(document: Document, names: Container[str]) -> dict[str, int]:
    """{figure id: the index of the page it starts on} of the figures named."""
    from weasyprint.formatting_structure import boxes

    found = {}
    for index, page in enumerate(document.pages):
        for box in _boxes(page._page_box):
            if (isinstance(box, boxes.BlockBox) and box.element_tag == "figure"
                    and box.element is not None and box.element.get("id") in names):
                found.setdefault(box.element.get("id"), index)
    return found


def figure_fits(document: Document) -> dict[str, str]:
    """{figure id: CSS} that makes each figure that went over to the next page, leaving the
    page before it at least FIT_EMPTY empty, just small enough to fit there (by at most
    FIT_SHRINK): a figure with a long caption left its lead-in sentence alone on a page
    (the Spanish chapter 3 handout's page 5). Empty when no figure needs it."""
    from weasyprint.formatting_structure import boxes

    rules = {}
    for before, page in zip(document.pages, document.pages[1:]):
        area = page._page_box
        top, height = area.content_box_y(), area.height
        used = max((b.position_y + b.margin_height() for b in _boxes(before._page_box.children[0])
                    if isinstance(b, (boxes.LineBox, boxes.ReplacedBox))), default=top)
        free = top + height - used
        if free < FIT_EMPTY * height:
            continue
        figure = next((b for b in _boxes(area.children[0]) if isinstance(b, boxes.BlockBox)
                       and b.element_tag == "figure" and b.element is not None
                       and b.element.get("id") and b.position_y <= top + 1), None)
        picture = figure and next((b for b in _boxes(figure)
                                   if isinstance(b, boxes.ReplacedBox)), None)
        if picture is None or not picture.height:
            continue
        # On the page before it keeps its top margin (1.2em; truncated at a page's top).
        deficit = figure.margin_height() + 1.5 * figure.style["font_size"] - free
        if 0 < deficit <= FIT_SHRINK * picture.height:
            scale = (picture.height - deficit) / picture.height
            name = figure.element.get("id")
            quoted = name.replace("\\", "\\\\").replace('"', '\\"')
            rules[name] = (f'figure[id="{quoted}"] img {{ width: {picture.width * scale:.2f}px '
                           "!important; height: auto !important; max-height: none !important }")
    return rules


def _once(warn):
    said = set()

    def once(message, subtype):
        if (message, subtype) not in said:
            said.add((message, subtype))
            warn(message, subtype)
    return once


def notes_last(html: str) -> bool:
    """Whether the print document ends with its one notes page (page.html's chapter
    handout: two pages a sheet, the notes page after the back page)."""
    return pages_multiple_of(html) == 2 and bool(re.search(
        r'<section class="notes-page notes-page-1" hidden>(?:(?!<section).)*</section>\s*'
        r'</body>', html, re.S))


def pages_multiple_of(html: str) -> int:
    """The page count the print document asks for a multiple of (page.html's meta), or 1."""
    found = re.search(r'<meta name="patientpress-pages-multiple-of" content="(\d+)">', html)
    return int(found.group(1)) if found else 1


def render_and_finish(job: tuple[str, str, str, list[str], list[str], str | None]
                      | tuple[str, str, str, list[str], list[str], str | None, Sequence[str]],
                      memo: LayoutMemo | None = None,
                      check: Callable[[Document], list[str]] | None = None
                      ) -> list[tuple[str, str, str | None]]:
    """Render and finish one PDF, then preflight it; return its warnings (message, subtype,
    location), the preflight's findings among them — a :class:`pool.Job` for a worker.
    ``job`` may end with the words the PDF must print (a clinic's details)."""
    html_text, pdf_path, base_url, roots, sheets, location, *expect = job
    warnings = []
    render_pdf(html_text, pdf_path, base_url=base_url,
                      allowed_roots=[Path(r) for r in roots], stylesheets=sheets,
                      location=location, memo=memo, check=check,
                      warn=lambda message, subtype: warnings.append(
                          (message, subtype, location)))
    pdfua.finish_pdf(pdf_path, html_text)
    whole = '<body class="product-chapter ' not in html_text   # a book: a cover, a back page
    design = preflight.Design(chapters_on_new_pages=whole, cover_and_back=whole,
                              expect=tuple(expect[0]) if expect else (),
                              words=preflight.words_of(html_text))
    name = Path(pdf_path).name
    warnings += [(f"preflight of {name}, {finding}", PREFLIGHT + finding.check, location)
                 for finding in preflight.check(pdf_path, design)]
    return warnings
