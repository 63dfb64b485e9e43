"""A chapter handout's notes page, decided in the handout's one layout.

A chapter handout is printed on both sides, so its page count must be even: page.html ends
it with a ruled notes page, written ``[hidden]``. Showing that page only once the text's
page count was known took a second full layout of every handout whose text took an odd
number of pages. Now the handout is laid out once with the notes page shown; when that makes
the count odd (the text took an even number), the notes page is dropped between WeasyPrint's
pagination and its margin boxes, so "Page 3 of 6" counts the pages printed and the PDF's
outline, tags and links hold no trace of it.

WeasyPrint has no public hook there. :func:`install` wraps ``weasyprint.layout.
make_all_pages``, which ``layout_document`` calls once per pagination pass (a pass more
when a ``target-counter`` page number changed): for an ``HTML`` marked with :func:`mark`,
an odd count whose last page is the notes page loses that page and its ``page_maker``
entry; both are put back before the next pass, so WeasyPrint's re-pagination sees its own
state. Every other document passes through untouched.

Measured on, and written for, WeasyPrint 70.0, pinned in requirements.txt;
tests/test_private_apis.py fails when another version is installed, and
tests/test_lastnotes.py checks the result against laying the handout out twice.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from weasyprint import HTML
    from weasyprint.document import Document

# The private parts this module relies on were proven on these versions; tests/
# test_private_apis.py fails when another is installed, so they are checked again.
PROVEN_ON = {"weasyprint": "70.0"}

_MARK = "_patientpress_notes_last"       # on a weasyprint.HTML: its last page is a notes page
_DROPPED = "_patientpress_notes_dropped"  # on a LayoutContext: (page, page_maker entry)
NOTES = "notes-page"                     # page.html's class for a ruled notes page


def mark(source: HTML) -> None:
    """Lay ``source`` out with its trailing notes page shown only when it evens the count
    (its stylesheets must show the page: notes-1.css)."""
    setattr(source, _MARK, True)


def _notes_section(box) -> bool:
    element = getattr(box, "element", None)
    return (box.element_tag == "section" and element is not None
            and NOTES in (element.get("class") or "").split())


def _opens_notes(page_box) -> bool:
    """Whether a laid-out page starts a notes page (its first section below the root)."""
    from weasyprint.formatting_structure import boxes

    stack = [page_box]
    while stack:
        box = stack.pop()
        if _notes_section(box):
            return True
        if isinstance(box, boxes.ParentBox):
            stack.extend(reversed(box.children))
    return False


def shown(document: Document) -> int:
    """1 when the laid-out ``document`` ends with a notes page, else 0."""
    return int(bool(document.pages) and _opens_notes(document.pages[-1]._page_box))


def _make_all_pages(context, root_box, html, pages):
    original = _ORIGINAL[0]
    if not getattr(html, _MARK, False):
        return original(context, root_box, html, pages)
    dropped = context.__dict__.pop(_DROPPED, None)
    if dropped is not None:   # the pass before dropped it: WeasyPrint's own state back
        pages = [*pages, dropped[0]]
        context.page_maker.append(dropped[1])
    made = list(original(context, root_box, html, pages))
    if len(made) % 2 and len(made) > 1 and _opens_notes(made[-1]):
        context.__dict__[_DROPPED] = (made.pop(), context.page_maker.pop())
    return made


def install() -> None:
    """Wrap WeasyPrint's pagination (once; again does nothing)."""
    import weasyprint.layout

    if not installed():
        _ORIGINAL.append(weasyprint.layout.make_all_pages)
        weasyprint.layout.make_all_pages = _make_all_pages


def installed() -> bool:
    import weasyprint.layout

    return weasyprint.layout.make_all_pages is _make_all_pages


_ORIGINAL = []   # WeasyPrint's own make_all_pages, while ours is installed
