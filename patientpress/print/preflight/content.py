"""A page's runs of text, read from its content stream directly: the runs pypdf's text
visitor gives (:func:`.reading.page_runs`), for the content WeasyPrint writes, found in a
tenth of the time (the preflight read the whole-book PDF for as long as WeasyPrint took to
lay it out).

The reading follows pypdf's own text extraction step by step (its ``TextExtraction``: when
a run is handed over, at which position, with which spaces added) over the operators and
fonts WeasyPrint writes: composite fonts (Type0, Identity-H) with a ``ToUnicode`` map and
``/W`` widths, hexadecimal strings, form XObjects. Anything else (another kind of font, a
literal string, an inline image, right-to-left text, which pypdf reorders) raises
:class:`Unsupported`, and the caller reads that PDF with pypdf instead.
``tests/test_preflight.py`` holds the two readers to the same runs on every product of a
book, both languages, a formula, code and the clinic editions.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from .fonts import Font, Unsupported

if TYPE_CHECKING:
    from collections.abc import Iterator

    import pikepdf

#: A transformation matrix (a, b, c, d, e, f).
Matrix = tuple[float, float, float, float, float, float]

#: pypdf's reader this one follows, step for step (tests/test_private_apis.py).
PROVEN_ON = {"pypdf": "7.1.0"}

IDENTITY = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
ORIENTATIONS = (0, 90, 180, 270)   # extract_text's, handed down to every form it reads
#: Characters pypdf sets right to left (its RTL_CHARACTER_RANGES; its reordering of them
#: is not followed here).
RTL = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")

TOKEN = re.compile(rb"""
    (?P<hex><[0-9A-Fa-f\s]*>)
  | (?P<dict><<.*?>>)
  | (?P<num>[+-]?(?:\d+\.?\d*|\.\d+))
  | (?P<name>/[^\s/\[\]<>(){}%]*)
  | (?P<open>\[) | (?P<close>\])
  | (?P<op>[A-Za-z'"][A-Za-z0-9*'"]*)
  | (?P<other>[(%{}])
""", re.X | re.S)
MCID = re.compile(rb"/MCID\s+(\d+)")


def mult(m: Matrix, n: Matrix) -> Matrix:
    return (m[0] * n[0] + m[1] * n[2], m[0] * n[1] + m[1] * n[3],
            m[2] * n[0] + m[3] * n[2], m[2] * n[1] + m[3] * n[3],
            m[4] * n[0] + m[5] * n[2] + n[4], m[4] * n[1] + m[5] * n[3] + n[5])


def orient(m: Matrix) -> int:
    if m[3] > 1e-6:
        return 0
    if m[3] < -1e-6:
        return 180
    return 90 if m[1] > 0 else 270


def operations(data: bytes) -> Iterator[tuple[bytes, list[Any]]]:
    """The operations of a content stream: (operator, operands)."""
    operands, stack = [], []
    for m in TOKEN.finditer(data):
        kind = m.lastgroup
        if kind == "num":
            operands.append(float(m.group()))
        elif kind == "hex":   # fromhex skips white space
            operands.append(bytes.fromhex(m.group()[1:-1].decode()))
        elif kind == "name":
            operands.append(m.group().decode("latin-1"))
        elif kind == "dict":
            mcid = MCID.search(m.group())
            operands.append({"/MCID": int(mcid.group(1))} if mcid else {})
        elif kind == "open":
            stack.append(operands)
            operands = []
        elif kind == "close":
            array, operands = operands, stack.pop()
            operands.append(array)
        elif kind == "op":
            op = m.group()
            if op in (b"BI", b"ID", b"true", b"false", b"null"):
                raise Unsupported(op.decode())
            yield op, operands
            operands = []
        else:
            raise Unsupported(f"{m.group()!r} in a content stream")


class Runs:
    """pypdf's ``TextExtraction`` for one content stream, handing each run to ``visit``."""

    def __init__(self, visit, fonts, orientations):
        self.visit, self.fonts, self.orientations = visit, fonts, orientations
        self.cm = self.tm = self.cm_prev = self.tm_prev = IDENTITY
        self.memo_cm = self.memo_tm = IDENTITY
        self.stack = []
        self.char_spacing, self.leading, self.font_size = 0.0, 0.0, 12.0
        self.half_space, self.previous_space = 500.0, None
        self.widths, self.height, self.line_span = 0.0, 0.0, None
        self.text, self.output = "", ""
        self.font = self.font_name = None

    def before_form(self) -> None:
        """What pypdf does at ``Do`` before it reads the form."""
        self.output += self.text
        self.visit(self.text, self.memo_cm, self.memo_tm, self.font_size)
        if self.output and self.output[-1] != "\n":
            self.output += "\n"

    def flush(self) -> None:
        self.output += self.text
        self.visit(self.text, self.memo_cm, self.memo_tm, self.font_size)
        self.text = ""
        self.memo_cm, self.memo_tm = self.cm, self.tm

    def run(self, op: bytes, args: list[Any]) -> None:
        handler = HANDLERS.get(op)
        if handler is not None:
            handler(self, args)

    def bt(self, _args: list[Any]) -> None:
        self.tm = IDENTITY
        self.flush()

    def et(self, _args: list[Any]) -> None:
        self.flush()

    def q(self, _args: list[Any]) -> None:
        self.stack.append((self.cm, self.font, self.font_name, self.font_size,
                           self.char_spacing, self.leading))

    def big_q(self, _args: list[Any]) -> None:
        if self.stack:
            (self.cm, self.font, self.font_name, self.font_size, self.char_spacing,
             self.leading) = self.stack.pop()
        else:
            self.cm = IDENTITY

    def cm_op(self, args: list[Any]) -> None:
        self.output += self.text
        self.visit(self.text, self.memo_cm, self.memo_tm, self.font_size)
        self.text = ""
        self.cm = mult(tuple(args[:6]), self.cm)
        self.memo_cm, self.memo_tm = self.cm, self.tm

    def tc(self, args: list[Any]) -> None:
        self.char_spacing = args[0] if args else 0.0

    def tl(self, args: list[Any]) -> None:
        self.leading = args[0] if args else 0.0

    def tf(self, args: list[Any]) -> None:
        if self.text != "":
            self.previous_space = self.font_size * self.half_space
            self.output += self.text
            self.visit(self.text, self.memo_cm, self.memo_tm, self.font_size)
        self.text = ""
        self.memo_cm, self.memo_tm = self.cm, self.tm
        self.font_name = args[0]
        if self.font_name not in self.fonts:
            raise Unsupported(f"font {self.font_name} not in the resources")
        self.font = self.fonts[self.font_name]
        self.half_space = self.font.space_width / 2
        self.font_size = args[1]

    def td(self, args: list[Any]) -> None:
        tx, ty = args[0], args[1]
        tm = self.tm
        self.tm = (*tm[:4], tm[4] + tx * tm[0] + ty * tm[2], tm[5] + tx * tm[1] + ty * tm[3])
        self._moved()

    def tm_op(self, args: list[Any]) -> None:
        self.tm = tuple(args[:6])
        self._moved()

    def t_star(self, _args: list[Any]) -> None:
        tm = self.tm
        self.tm = (*tm[:4], tm[4] - self.leading * tm[2], tm[5] - self.leading * tm[3])
        self._moved()

    def big_td(self, args: list[Any]) -> None:
        self.leading = -args[1]
        self.td(args)

    def _moved(self):
        widths = self.widths / 1000
        self.widths = 0.0
        self.post(widths)

    def tj(self, raw: bytes | str) -> None:
        """Show ``raw`` (bytes, or a str: a space pypdf adds)."""
        self.previous_space = None
        if self.font is None:
            raise Unsupported("text before any font")
        text = ""
        if orient(mult(self.tm, self.cm)) in self.orientations:
            try:
                text = raw if isinstance(raw, str) else raw.decode("utf-16-be", "surrogatepass")
            except UnicodeDecodeError:
                raise Unsupported("a string of an odd length") from None
        width = self.font.text_width(text)
        if isinstance(raw, str):
            self.text += text
        else:
            shown = "".join(self.font.chars.get(c, c) for c in text)
            if RTL.search(shown):
                raise Unsupported("right-to-left text")
            self.text += shown
        self.widths += width * self.font_size + 1000 * self.char_spacing * len(text)
        self.height = self.font_size
        self.post(0.0)

    def tj_array(self, args: list[Any]) -> None:
        confirm = self.half_space * 0.95
        items = args[0]
        if (len(items) > 1 and isinstance(items[0], bytes) and self.font is not None
                and all(isinstance(i, bytes) or -i < confirm for i in items)):
            rest = self._glyphs(items[1:])
            if rest is not None:
                self.tj(items[0])
                self._show_rest(*rest)
                return
        for item in items:
            if isinstance(item, bytes):
                self.tj(item)
            else:
                widths = self.widths - item * self.font_size
                previous = self.text or self.output
                if -item >= confirm and previous and previous[-1] not in " \n":
                    self.tj(" ")
                self.widths = widths

    def _glyphs(self, items):
        """(shown text, raw text, offsets) of the glyph strings after a TJ array's first,
        or None when one of them would move anything but the text and its width."""
        strings = [i for i in items if isinstance(i, bytes)]
        if any(len(i) % 2 for i in strings):
            return None
        raw = b"".join(strings).decode("utf-16-be", "surrogatepass") \
            if orient(mult(self.tm, self.cm)) in self.orientations else ""
        shown = "".join(self.font.chars.get(c, c) for c in raw)
        if "\n" in shown or (raw and any(not self.font.chars.get(c, c) for c in raw)):
            return None
        return shown, raw, sum(i for i in items if not isinstance(i, bytes))

    def _show_rest(self, shown, raw, offsets):
        """A TJ array's glyphs after its first, at once. Between them pypdf's reading moves
        nothing (the text matrix stays at the array's start, so its line and space checks
        find nothing to do): only the text and its width grow."""
        if RTL.search(shown):
            raise Unsupported("right-to-left text")
        self.text += shown
        self.widths += (self.font.text_width(raw) * self.font_size
                        + 1000 * self.char_spacing * len(raw) - offsets * self.font_size)
        self.height = self.font_size

    def tj_op(self, args: list[Any]) -> None:
        if args and isinstance(args[0], bytes):
            self.tj(args[0])

    def post(self, str_widths: float) -> None:
        """pypdf's ``_post_process_text_operation`` and ``crlf_space_check``."""
        was_empty = self.text == ""
        space = self.font_size * self.half_space
        if self.previous_space is not None:
            space = min(space, self.previous_space)
        m_prev, m = mult(self.tm_prev, self.cm_prev), mult(self.tm, self.cm)
        orientation = orient(m)
        if orientation not in self.orientations:
            return   # pypdf's OrientationNotFoundError: nothing moves
        self._line(m_prev, m, orientation, str_widths, space / 1000)
        self.tm_prev, self.cm_prev = self.tm, self.cm
        if was_empty or self.text == "":
            self.memo_cm, self.memo_tm = self.cm, self.tm

    def _line(self, m_prev, m, orientation, str_widths, space):
        dx, dy = m[4] - m_prev[4], m[5] - m_prev[5]
        moved_height, moved_width = (dy, dx) if orientation in (0, 180) else (dx, dy)
        scale_prev_x = (m_prev[0] ** 2 + m_prev[1] ** 2) ** 0.5
        scale_prev_y = (m_prev[2] ** 2 + m_prev[3] ** 2) ** 0.5
        scale_y = (m[2] ** 2 + m[3] ** 2) ** 0.5
        axis_index = 5 if orientation in (0, 180) else 4
        axis, span = m[axis_index], self.line_span
        if span is None or span[0] != axis_index:
            distance = abs(moved_height)
        else:
            distance = 0.0 if span[1] <= axis <= span[2] else min(abs(axis - span[1]),
                                                                   abs(axis - span[2]))
        last = (self.output + self.text)[-1:]
        threshold = 0.8 * min(self.height * scale_prev_y, self.font_size * scale_y)
        if distance > threshold:
            if last not in ("", "\n"):
                self.output += self.text + "\n"
                self.visit(self.text + "\n", self.memo_cm, self.memo_tm, self.font_size)
                self.text = ""
            self.line_span = (axis_index, axis, axis)
            return
        if ((abs(moved_height) > threshold
             or moved_width >= (space + str_widths) * scale_prev_x) and last not in ("", " ")):
            self.text += " "
        if last in ("", "\n") or span is None or span[0] != axis_index:
            self.line_span = (axis_index, axis, axis)
        else:
            self.line_span = (axis_index, min(span[1], axis), max(span[2], axis))


HANDLERS = {
    b"BT": Runs.bt, b"ET": Runs.et, b"q": Runs.q, b"Q": Runs.big_q, b"cm": Runs.cm_op,
    b"Tc": Runs.tc, b"TL": Runs.tl, b"Tf": Runs.tf, b"Td": Runs.td, b"TD": Runs.big_td,
    b"Tm": Runs.tm_op, b"T*": Runs.t_star, b"Tj": Runs.tj_op, b"TJ": Runs.tj_array,
}
UNFOLLOWED = {b"'", b'"'}   # Tz and Tw change nothing pypdf reads


def page_runs(pdf_page: pikepdf.Page, height: float, fonts_cache: dict[Any, Font]
              ) -> list[tuple[float, float, str, float, int | str | None]]:
    """The runs of one page (a pikepdf page) as :func:`.reading.page_runs` gives them."""
    owners, runs = [], []

    def visit(text, cm, tm, size):
        if not text.strip():
            return
        a, b, c, d = (tm[0] * cm[0] + tm[1] * cm[2], tm[0] * cm[1] + tm[1] * cm[3],
                      tm[2] * cm[0] + tm[3] * cm[2], tm[2] * cm[1] + tm[3] * cm[3])
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        owner = next((m for m in reversed(owners) if m is not None), None)
        runs.append((height - y, x, text, round(size * (c * c + d * d) ** 0.5, 2), owner))

    if pdf_page.obj.get("/Resources") is None:
        raise Unsupported("a page without its own resources")
    _read(pdf_page.obj, _data(pdf_page.obj.get("/Contents")), visit, owners, fonts_cache)
    return runs


def _data(contents):
    import pikepdf

    if contents is None:
        return b""
    if isinstance(contents, pikepdf.Array):
        return b"\n".join(part.read_bytes() for part in contents)
    return contents.read_bytes()


def _fonts(resources, cache):
    found = {}
    for name, resource in (resources.get("/Font") or {}).items():
        key = resource.objgen
        if key not in cache:
            cache[key] = Font(resource)
        found[name] = cache[key]
    return found


def _read(obj, data, visit, owners, cache):
    """Read one content stream (a page's or a form's); return the text pypdf's extractor
    would have output for it."""
    resources = obj.get("/Resources")
    if resources is None:
        return ""
    extractor = Runs(visit, _fonts(resources, cache), ORIENTATIONS)
    for op, args in operations(data):
        if op in (b"BDC", b"BMC"):
            props = args[1] if op == b"BDC" and len(args) > 1 and isinstance(args[1], dict) \
                else {}
            owners.append("artifact" if args and args[0] == "/Artifact" else props.get("/MCID"))
        elif op == b"EMC" and owners:
            owners.pop()
        if op in UNFOLLOWED:
            raise Unsupported(op.decode())
        if op == b"Do":
            extractor.before_form()
            form = resources.XObject[args[0]]
            if form.get("/Subtype") == "/Form":
                extractor.output += _read(form, form.read_bytes(), visit, owners, cache)
            extractor.text = ""
            extractor.memo_cm, extractor.memo_tm = extractor.cm, extractor.tm
        else:
            extractor.run(op, args)
    extractor.output += extractor.text
    if extractor.text != "":
        visit(extractor.text, extractor.memo_cm, extractor.memo_tm, extractor.font_size)
    return extractor.output
