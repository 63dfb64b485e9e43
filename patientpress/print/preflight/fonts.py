"""What pypdf's text extraction reads of a font WeasyPrint embeds (a composite font,
Identity-H, with a ``ToUnicode`` map and ``/W`` widths): each glyph's text, its width and
the space, as pypdf's ``Font.from_font_resource`` finds them (:mod:`.content` follows
pypdf's reading with them).
"""

import re

FIXED_PITCH = 1


class Unsupported(Exception):
    """Content :mod:`.content` does not follow; pypdf reads it."""


class Font:
    """What pypdf's ``Font.from_font_resource`` reads of a composite font."""

    def __init__(self, resource):
        if resource.get("/Subtype") != "/Type0" or resource.get("/Encoding") != "/Identity-H" \
                or "/ToUnicode" not in resource:
            raise Unsupported(f"font {resource.get('/BaseFont')}")
        self.chars = _to_unicode(resource.ToUnicode.read_bytes())
        descendant = resource.DescendantFonts[0]
        self.widths = _widths(descendant.get("/W", []))
        flags = int(descendant.get("/FontDescriptor", {}).get("/Flags", 32))
        self.space_char = next((c for c, text in self.chars.items() if text == " "), " ")
        if "/DW" in descendant:
            self.widths["default"] = int(descendant.DW)
        if self.widths.get("default", 0) == 0:
            self.widths["default"] = _default_width(self.widths, flags, self.space_char)
        space = self.widths.get(self.space_char, 0)
        self.space_width = space or (self.widths["default"] if flags & FIXED_PITCH
                                     else self.widths["default"] // 2)
        if not self.widths.get(self.space_char, 0):
            self.space_width = 200.0   # extract_text's space_width when the font has none
        self.width_cache = {}

    def text_width(self, raw: str) -> float:
        found = self.width_cache.get(raw)
        if found is None:
            default = self.widths["default"]
            found = sum(self.space_width if c == self.space_char else self.widths.get(c, default)
                        for c in raw)
            self.width_cache[raw] = found
        return found


def _to_unicode(data):
    chars = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.S):
        for code, text in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>", block):
            chars[chr(int(code, 16))] = bytes.fromhex(text.decode()).decode(
                "utf-16-be", "surrogatepass")
    if b"beginbfrange" in data or b"begincidrange" in data:
        raise Unsupported("a ToUnicode map with ranges")
    return chars


def _widths(w):
    widths, items, i = {}, list(w), 0
    while i < len(items):
        start = int(items[i])
        if i + 1 < len(items) and not isinstance(items[i + 1], (int, float)) \
                and hasattr(items[i + 1], "__len__"):
            for k, width in enumerate(items[i + 1]):
                widths[chr(start + k)] = _number(width)
            i += 2
        else:
            width = _number(items[i + 2])
            for code in range(start, int(items[i + 1]) + 1):
                widths[chr(code)] = width
            i += 3
    return widths


def _number(value):
    value = float(value)
    return int(value) if value.is_integer() else value


def _default_width(widths, flags, space_char):
    if not widths:
        return 500
    if widths.get(space_char, 0):
        return widths[space_char] if flags & FIXED_PITCH else int(2 * widths[space_char])
    valid = [w for w in widths.values() if w > 0]
    return sum(valid) // len(valid) if valid else 500
