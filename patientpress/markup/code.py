"""Code on paper and in the e-book: long lines wrapped where a reader can see it.

A page cannot scroll sideways, and a line of code that runs past the text block is cut off
(WeasyPrint clips it) or broken where the line happens to end, which a reader cannot tell
from a new line of code. So the PDFs' and the e-book's code blocks are broken here, in the
HTML their builders write: a line longer than :data:`COLUMNS` characters goes on on the
next line after a ``↪`` mark (in the code font, ``print/theme/static/components.css``),
broken after a space or punctuation near the end where there is one. Pygments has already
highlighted the code: its spans close at each line end, so a line is broken between
characters, never inside a tag or an entity.

:data:`COLUMNS` fits the code box at its type size in every print edition (the body size:
14 pt over the 134 mm text block, 18 pt over the large-print edition's full width) and an
e-book page at its default size; on a narrower screen the reading app wraps what is left.
"""

import html
import re

from docutils import nodes

#: Characters a printed code line holds (IBM Plex Mono: 0.6 em a character).
COLUMNS = 38
MARK = '<span class="wrap-mark" aria-hidden="true">\u21aa</span>'
# Where a line may be broken: after one of these, looking back at most this far.
BREAK_AFTER = set(" ,;([{=+-*/|&")
LOOK_BACK = 26
# A tag, an entity, or one character: a line's pieces.
_PIECE = re.compile(r"<[^>]*>|&(?:#\d+|#x[0-9a-fA-F]+|\w+);|.", re.S)
_PRE = re.compile(r"(<pre[^>]*>)(.*?)(</pre>)", re.S)


def _break_at(chars, start, limit):
    """Index (into ``chars``, a line's visible characters) to break before."""
    end = start + limit
    for i in range(end - 1, max(start, end - LOOK_BACK) - 1, -1):
        if chars[i] in BREAK_AFTER:
            return i + 1
    return end


def wrap_line(line, columns=COLUMNS):
    """One line of highlighted HTML, broken into lines of at most ``columns`` characters,
    each continuation after :data:`MARK` (which takes two of its columns)."""
    pieces = _PIECE.findall(line)
    visible = [i for i, p in enumerate(pieces) if not p.startswith("<")]
    chars = [html.unescape(pieces[i]) for i in visible]
    if len(chars) <= columns:
        return line
    cuts, start, limit = set(), 0, columns
    while len(chars) - start > limit:
        start = _break_at(chars, start, limit)
        cuts.add(visible[start])
        limit = columns - 2
    return "".join((f"\n{MARK} " if i in cuts else "") + p for i, p in enumerate(pieces))


def wrap(block_html, columns=COLUMNS):
    """Every ``<pre>`` of ``block_html`` with its long lines wrapped."""
    def one(match):
        head, body, tail = match.groups()
        return head + "\n".join(wrap_line(line, columns) for line in body.split("\n")) + tail
    return _PRE.sub(one, block_html)


class WrapsCode:
    """A translator mixin: Sphinx's own highlighted block, with its long lines wrapped
    (the print and e-book translators take it)."""

    def visit_literal_block(self, node):
        start = len(self.body)
        try:
            super().visit_literal_block(node)
        except nodes.SkipNode:
            self.body[start:] = [wrap(part) for part in self.body[start:]]
            raise
