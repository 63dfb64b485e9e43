"""A PDF read back as printed: every line of text with its place, size and structure
element, the structure tree's elements, the links and where they land, the outline.

Geometry comes from the PDF's own text positions (pypdf's text visitor, or the same runs
read faster from WeasyPrint's content streams, :mod:`.content`) and tagging from its
structure tree (pikepdf): no page is rendered again. Lengths are in points, measured from
each page's top-left corner.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import os
    from collections.abc import Iterator

    import pikepdf


@dataclasses.dataclass
class Line:
    """One printed line of one structure element (or of page furniture)."""

    page: int            # 1-based
    seq: int             # its place in the order the page draws its text (reading order)
    top: float
    bottom: float
    x: float
    text: str
    size: float          # the largest type on the line, in pt
    element: object      # the owning structure element's key, None for furniture
    artifact: bool = False


@dataclasses.dataclass
class Element:
    """A structure element: its tag, its parent's key and the pages its content is on."""

    tag: str
    parent: object
    kids: list = dataclasses.field(default_factory=list)
    pages: set = dataclasses.field(default_factory=set)
    dest: tuple = None   # a Link's landing place: (page, y from the top), or None


@dataclasses.dataclass
class Document:
    path: Path
    sizes: list          # [(width, height)] of each page
    lines: list          # [Line] in reading order, page by page
    elements: dict       # {key: Element}
    order: list          # element keys in the structure tree's reading order
    outline: list        # [(level, title, page)]
    opens: set = dataclasses.field(default_factory=set)   # pages an outline entry opens

    # Where each page's and each element's lines are in ``lines`` (made on first use: the
    # checks ask for every page and element, and a scan of every line for each made the
    # preflight of a 350-page book take seconds).
    _places: tuple = dataclasses.field(default=None, init=False, repr=False, compare=False)

    def _index(self):
        if self._places is None:
            pages, owners = {}, {}
            for at, ln in enumerate(self.lines):
                pages.setdefault(ln.page, []).append(ln)
                owners.setdefault(ln.element, []).append(at)
            self._places = pages, owners
        return self._places

    def on(self, page: int, furniture: bool = False) -> list[Line]:
        return [ln for ln in self._index()[0].get(page, ()) if furniture or not ln.artifact]

    def lines_of(self, key: tuple[int, int]) -> list[Line]:
        """The lines of element ``key`` and its descendants, in reading order."""
        owners = self._index()[1]
        return [self.lines[at] for at in sorted(at for k in set(self.descendants(key))
                                                 for at in owners.get(k, ()))]

    def descendants(self, key: tuple[int, int]) -> Iterator[tuple[int, int]]:
        yield key
        for kid in self.elements[key].kids:
            yield from self.descendants(kid)

    def ancestors(self, key: tuple[int, int]) -> Iterator[tuple[int, int]]:
        key = self.elements[key].parent if key in self.elements else None
        while key is not None:
            yield key
            key = self.elements[key].parent

    def text_of(self, key: tuple[int, int]) -> str:
        return " ".join(" ".join(ln.text for ln in self.lines_of(key)).split())

    def pages_of(self, key: tuple[int, int]) -> list[int]:
        return sorted(set().union(*(self.elements[k].pages for k in self.descendants(key))))

    @property
    def pages(self) -> int:
        return len(self.sizes)


def read(path: str | os.PathLike[str]) -> Document:
    """The :class:`Document` of the PDF at ``path``."""
    import pikepdf

    with pikepdf.open(path) as pdf:
        sizes = [(float(p.mediabox[2]) - float(p.mediabox[0]),
                  float(p.mediabox[3]) - float(p.mediabox[1])) for p in pdf.pages]
        elements, order, owners = _structure(pdf, sizes)
        _join_fragments(elements, order, owners)
        outline, marks = _outline(pdf, sizes)
        lines = _lines(path, owners, pdf)
    return Document(Path(path), sizes, lines, elements, order, outline,
                    _opened(lines, marks))


#: How far under a part's title (its band) a chapter's heading may start, in points.
BAND = 80


def _opened(lines, marks):
    """The pages whose text starts with an outline entry's heading (nothing printed above
    its place but a part's band, the entry before it): a new chapter or part. (A section's
    heading that the flow takes to a page's top follows a full page: the page-fill and
    chapter-tail checks, which this exempts, concern pages left short.)"""
    tops = {}
    for ln in lines:
        if not ln.artifact:
            tops[ln.page] = min(tops.get(ln.page, ln.top), ln.top)
    opened, last = set(), None
    for level, page, y in marks:
        if page in tops and (y <= tops[page] + 2 or last is not None and last[1] == page
                             and last[0] < level and y - last[2] < BAND):
            opened.add(page)
            last = (level, page, y)
    return opened


def _structure(pdf, sizes):
    """({key: Element}, [keys in reading order], {(page index, mcid): key})."""
    import pikepdf

    pages = {p.objgen: i for i, p in enumerate(pdf.pages)}
    dests = _named_destinations(pdf, pages, sizes)
    elements, order, owners = {}, [], {}
    root = pdf.Root.get("/StructTreeRoot")
    if root is None:
        return elements, order, owners

    def walk(elem, parent, page):
        if isinstance(elem, pikepdf.Array):
            for kid in elem:
                walk(kid, parent, page)
        elif isinstance(elem, pikepdf.Dictionary) and "/S" in elem:
            key = elem.objgen
            page = pages.get(elem.Pg.objgen, page) if "/Pg" in elem else page
            elements[key] = Element(str(elem.S)[1:], parent)
            order.append(key)
            if parent is not None:
                elements[parent].kids.append(key)
            if "/K" in elem:
                walk(elem.K, key, page)
        elif isinstance(elem, pikepdf.Dictionary) and elem.get("/Type") == "/MCR":
            kp = pages.get(elem.Pg.objgen, page) if "/Pg" in elem else page
            owners[(kp, int(elem.MCID))] = parent
            elements[parent].pages.add(kp + 1)
        elif isinstance(elem, pikepdf.Dictionary) and elem.get("/Type") == "/OBJR":
            dest = elem.Obj.get("/Dest")
            if dest is not None and parent is not None:
                elements[parent].dest = dests.get(str(dest))
        elif isinstance(elem, int) and parent is not None:
            owners[(page, int(elem))] = parent
            elements[parent].pages.add(page + 1)

    walk(root.K, None, 0)
    return elements, order, owners


#: The elements whose parts on two pages are joined again (two items of a list are two).
SPLIT = ("L", "Div", "Table")


def _join_fragments(elements, order, owners):
    """One element for each part of a box split over pages: WeasyPrint tags each page's part
    of a list or a box as an element of its own, side by side. Two neighbours with the same
    tag, the first ending on the page before the one the second starts on, are taken as
    one."""
    def pages(key):
        found = set(elements[key].pages)
        for kid in elements[key].kids:
            found |= pages(kid)
        return found

    merged = {}
    for key in list(order):
        kids = elements[key].kids
        index = 1
        while index < len(kids):
            first, second = kids[index - 1], kids[index]
            a, b = pages(first), pages(second)
            if (elements[first].tag == elements[second].tag in SPLIT and a and b
                    and max(a) + 1 == min(b)):
                elements[first].kids += elements[second].kids
                for kid in elements[second].kids:
                    elements[kid].parent = first
                elements[first].pages |= elements[second].pages
                merged[second] = first
                del kids[index]
                order.remove(second)
            else:
                index += 1
    for slot, owner in owners.items():
        while owner in merged:
            owner = merged[owner]
        owners[slot] = owner


def _named_destinations(pdf, pages, sizes):
    """{name: (page, y from the top)} of the PDF's named destinations."""
    import pikepdf

    names = pdf.Root.get("/Names")
    tree = names.get("/Dests") if names is not None else None
    found = {}
    if tree is None:
        return found
    for name, dest in pikepdf.NameTree(tree).items():
        dest = dest.get("/D", dest) if isinstance(dest, pikepdf.Dictionary) else dest
        if not isinstance(dest, pikepdf.Array) or not len(dest):
            continue
        index = pages.get(dest[0].objgen)
        if index is None:
            continue
        y = float(dest[3]) if len(dest) > 3 and dest[1] == "/XYZ" else sizes[index][1]
        found[str(name)] = (index + 1, sizes[index][1] - y)
    return found


def _outline(pdf, sizes):
    """([(level, title, page)], [(level, page, y from the top)]) of its outline entries."""
    import pikepdf

    pages = {p.objgen: i + 1 for i, p in enumerate(pdf.pages)}
    found, marks = [], []

    def walk(items, level):
        for item in items:
            dest = item.destination
            page = None
            if isinstance(dest, pikepdf.Array) and len(dest):
                page = pages.get(dest[0].objgen)
                if page and len(dest) > 3 and dest[1] == "/XYZ":
                    marks.append((level, page, sizes[page - 1][1] - float(dest[3])))
            found.append((level, item.title, page))
            walk(item.children, level + 1)

    with pdf.open_outline() as outline:
        walk(outline.root, 1)
    return found, marks


def _lines(path, owners, pdf=None):
    """Every run of text, by its marked content's owner, gathered into lines."""
    lines = []
    for index, runs in enumerate(page_runs(path, pdf)):
        lines += _gather(index, runs, owners)
    return lines


def page_runs(path: str | os.PathLike[str], pdf: pikepdf.Pdf | None = None
              ) -> list[list[tuple[float, float, str, float, int | str | None]]]:
    """For each page, its runs of text in the order it draws them: [(baseline from the top,
    x, text, size in pt, owner)], the owner being the marked content's MCID, "artifact"
    (page furniture) or None (untagged). ``pdf``: the file, open in pikepdf already.

    Read from the content streams directly (:mod:`.content`); a PDF with anything that
    reader does not follow is read by pypdf's text visitor, which gives the same runs."""
    import pikepdf

    from . import content

    try:
        if pdf is None:
            with pikepdf.open(path) as opened:
                return _content_runs(opened, content)
        return _content_runs(pdf, content)
    except content.Unsupported:
        return list(pypdf_runs(path))


def _content_runs(pdf, content):
    cache = {}
    return [content.page_runs(page, float(page.mediabox[3]) - float(page.mediabox[1]), cache)
            for page in pdf.pages]


def pypdf_runs(path: str | os.PathLike[str]
               ) -> Iterator[list[tuple[float, float, str, float, int | str | None]]]:
    """:func:`page_runs` as pypdf's text visitor gives them, page by page."""
    import pypdf

    for page in pypdf.PdfReader(str(path)).pages:
        height = float(page.mediabox.height)
        stack, runs = [], []

        def before(op, args, cm, tm):
            if op == b"BDC":
                props = args[1] if len(args) > 1 else {}
                mcid = props.get("/MCID") if hasattr(props, "get") else None
                stack.append("artifact" if args[0] == "/Artifact" else
                             None if mcid is None else int(mcid))
            elif op == b"BMC":
                stack.append("artifact" if args[0] == "/Artifact" else None)
            elif op == b"EMC" and stack:
                stack.pop()

        def on_text(text, cm, tm, font, size):
            if not text.strip():
                return
            # Effective size: the font size scaled by the text and graphics matrices.
            a, b, c, d = (tm[0] * cm[0] + tm[1] * cm[2], tm[0] * cm[1] + tm[1] * cm[3],
                          tm[2] * cm[0] + tm[3] * cm[2], tm[2] * cm[1] + tm[3] * cm[3])
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            owner = next((m for m in reversed(stack) if m is not None), None)
            runs.append((height - y, x, text, round(size * (c * c + d * d) ** 0.5, 2), owner))

        page.extract_text(visitor_operand_before=before, visitor_text=on_text)
        yield runs


def _gather(index, runs, owners):
    """Runs drawn one after the other on one baseline that belong to one element make a
    line (two columns' lines on one baseline stay two); furniture is kept run by run (a
    running foot's title and its folio share a baseline)."""
    found, line = [], None
    for seq, (base, x, text, size, owner) in enumerate(runs):
        artifact = owner == "artifact"
        key = None if artifact or owner is None else owners.get((index, owner))
        if (line is not None and not artifact and not line.artifact
                and line.element == key and round(line.top + 0.8 * line.size) == round(base)):
            line.text += text
            line.size = max(line.size, size)
            line.x = min(line.x, x)
            continue
        line = Line(index + 1, seq, base - 0.8 * size, base + 0.25 * size, x, text, size, key,
                    artifact)
        found.append(line)
    return sorted(found, key=lambda ln: (ln.top, ln.x))


#: A printed page reference: "(page 12)", ", page 12)" or a contents entry's ". . . 12",
#: at the end of a link's words; not a number inside a
#: quoted title the link's words end on (a title "… (edit 1)" with its page number on the
#: next line, which is not part of the link's text).
PAGE_NUMBER = re.compile(r"(?:\(|,)\s*[^\W\d]+\.?\s+(\d+)\s*\)?[^\w“”‘’\"'«»]*$"
                         r"|(?:\.\s*){3,}(\d+)\s*$")


def printed_page(text: str) -> int | None:
    """The page number a link's words print, or None."""
    found = PAGE_NUMBER.search(" ".join(text.split()))
    return None if found is None else int(found.group(1) or found.group(2))
