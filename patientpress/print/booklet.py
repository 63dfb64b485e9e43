"""Saddle-stitch booklets: a PDF of small pages imposed two-up on sheets, in fold order.

Print the result double-sided, flipping on the short edge, stack the sheets in order,
fold the stack in half and staple on the fold: the pages then read 1, 2, 3, ...

A booklet's print document comes with its page count already a multiple of four: the
renderer makes it up with ruled notes pages before the back page (page.html, render.py).
Should a source PDF still fall short, blank pages are added before its last page, so
that the book's back page (with the clinic's details) stays on the back cover.

The booklet keeps what a reader's PDF viewer shows of the source: its language (``/Lang``),
its title, marked as the booklet in that language, and its bookmarks, each leading to the
sheet side that holds its page.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pypdf import PageObject, PdfReader, PdfWriter, Transformation
from pypdf.generic import NameObject

from ..files import atomic_write
from ..i18n import N_, gettext

if TYPE_CHECKING:
    import os
    from collections.abc import Sequence

BOOKLET = N_("booklet")

MM = 72 / 25.4
#: Sheet (landscape) and the page size that fits two-up on it, in PDF points.
SHEETS = {
    "a4": {"sheet": (297 * MM, 210 * MM)},        # pages: A5 (booklet-a4.css)
    "letter": {"sheet": (11 * 72, 8.5 * 72)},     # pages: 5.5 x 8.5 in (booklet-letter.css)
}


def padded_order(count: int) -> list[int | None]:
    """Source page indices (0-based) in reading order, with ``None`` for blank pages.

    Blanks go before the last page so that the back page stays the back cover.
    """
    blanks = -count % 4
    if count < 2:
        return list(range(count)) + [None] * blanks
    return list(range(count - 1)) + [None] * blanks + [count - 1]


def fold_order(total: int) -> list[tuple[int, int]]:
    """(left, right) positions, 0-based, of each sheet side: front of sheet 1, back of
    sheet 1, front of sheet 2, ... for a booklet of ``total`` pages (a multiple of 4)."""
    if total % 4:
        raise ValueError(f"a saddle-stitched booklet needs a multiple of 4 pages, not {total}")
    sides = []
    for i in range(total // 4):
        sides.append((total - 1 - 2 * i, 2 * i))          # front: last-but-i, first-plus-i
        sides.append((2 * i + 1, total - 2 - 2 * i))      # back
    return sides


def _place(sheet, page, x0, cell_w, cell_h):
    """Scale ``page`` to fit a cell of the sheet (never up) and centre it there."""
    box = page.mediabox
    w, h = float(box.width), float(box.height)
    scale = min(cell_w / w, cell_h / h, 1.0)
    dx = x0 + (cell_w - w * scale) / 2 - float(box.left) * scale
    dy = (cell_h - h * scale) / 2 - float(box.bottom) * scale
    sheet.merge_transformed_page(page, Transformation().scale(scale).translate(dx, dy))


def impose(source_pdf: str | os.PathLike[str], booklet_pdf: str | os.PathLike[str],
           paper: str = "a4") -> int:
    """Write ``booklet_pdf``: the pages of ``source_pdf`` two per sheet side, in fold order,
    on landscape A4 (``paper="a4"``) or Letter (``"letter"``) sheets. Returns the number
    of sheet sides written."""
    sheet_w, sheet_h = SHEETS[paper]["sheet"]
    reader = PdfReader(source_pdf)
    pages = list(reader.pages)
    order = padded_order(len(pages))
    writer = PdfWriter()
    for left, right in fold_order(len(order)):
        side = PageObject.create_blank_page(width=sheet_w, height=sheet_h)
        for x0, position in ((0, left), (sheet_w / 2, right)):
            index = order[position]
            if index is not None:
                _place(side, pages[index], x0, sheet_w / 2, sheet_h)
        writer.add_page(side)
    _keep_reader_facing(reader, writer, order)
    atomic_write(booklet_pdf, writer.write)
    return len(writer.pages)


def sheet_side(order: Sequence[int | None], index: int) -> int:
    """The sheet side (0-based, as written) that shows source page ``index``."""
    position = order.index(index)
    return next(side for side, pair in enumerate(fold_order(len(order))) if position in pair)


def _keep_reader_facing(reader, writer, order):
    """The source's language, its title (marked as the booklet, in that language) and its
    bookmarks, pointing at the sheet sides."""
    language = str(reader.trailer["/Root"].get("/Lang", ""))
    if language:
        writer.root_object[NameObject("/Lang")] = reader.trailer["/Root"]["/Lang"]
    title = (reader.metadata or {}).get("/Title")
    if title:
        label = gettext(language.replace("-", "_"), BOOKLET)
        writer.add_metadata({"/Title": f"{title} ({label})"})

    def copy(items, parent):
        last = None
        for item in items:
            if isinstance(item, list):
                copy(item, last)
                continue
            page = reader.get_destination_page_number(item)
            last = writer.add_outline_item(title=item.title, page_number=sheet_side(order, page),
                                           parent=parent)

    copy(reader.outline, None)
