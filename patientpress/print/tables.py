"""Tables on paper: measured by their longest words, kept, turned sideways or stacked.

A table too wide for the text block breaks its words letter by letter ("Su/ppl/y") or loses
its last columns at the page's edge. :func:`mark_wide_tables` measures each table before
it is printed and marks the ones that need another layout; the print theme's stylesheets
(print.css, components.css) lay them out.
"""

import re

from docutils import nodes

# A table's width on paper, in em of the body text: each column as wide as its longest word
# (a web address breaks after "/", "." and the like: its longest part) at about 0.62 em a
# character, bold headers included, plus its padding. The text block is about 26 em wide in
# every edition (134 mm at 14 pt; the large print's full width at 18 pt).
EM_PER_CHAR = 0.62
CELL_PADDING_EM = 1.1
TEXT_BLOCK_EM = 26.0
#: The text block of a page turned sideways (paper-*.css's @page wide: 229 mm on Letter,
#: 247 mm on A4, at 14 pt), in the same em.
SIDEWAYS_BLOCK_EM = 44.0
#: Columns: from here on, a link's address goes under the table (numbered), not in its
#: narrow column.
WIDE_TABLE = 5
_PIECES = re.compile(r"[^/.?&=#-]+[/.?&=#-]?")


def _longest_word(text):
    words = []
    for word in text.split():
        words += _PIECES.findall(word) if "://" in word or "/" in word else [word]
    return max((len(w) for w in words), default=0)


def table_width_em(table: nodes.table) -> float | None:
    """The narrowest the table can be without breaking a word, in em (see above); None for
    a table whose cells span rows or columns (it goes sideways, never stacked)."""
    group = next(iter(table.findall(nodes.tgroup)), None)
    if group is None or any(e.get("morerows") or e.get("morecols")
                            for e in table.findall(nodes.entry)):
        return None
    widths = [0] * group.get("cols", 0)
    for row in group.findall(nodes.row):
        for i, entry in enumerate(row.children[:len(widths)]):
            widths[i] = max(widths[i], _longest_word(entry.astext()))
    return sum(w * EM_PER_CHAR + CELL_PADDING_EM for w in widths)


def mark_wide_tables(tree: nodes.Element) -> None:
    """A table too wide for the text block goes on a page turned sideways when it fits
    there (``sideways-table``: print.css), else it is stacked (``stacked-table``): each row
    a block, each cell under its column's heading (a label put into the cell here, shown
    only in that layout by components.css). A booklet, whose pages stay upright, stacks a
    sideways table too. No word is ever broken inside to make a table fit, and no type is
    set under the body size (the print theme's rule for readers with low vision). Measured
    after the links' addresses went under their table (:func:`mark_external_links`)."""
    for table in list(tree.findall(nodes.table)):
        width = table_width_em(table)
        if width is not None and width <= TEXT_BLOCK_EM:
            continue
        if width is None or width <= SIDEWAYS_BLOCK_EM:
            table["classes"].append("sideways-table")
        else:
            table["classes"].append("stacked-table")
        _label_cells(table)


def _label_cells(table):
    """Each body cell starts with its column's heading, as a label (hidden in a table)."""
    group = next(iter(table.findall(nodes.tgroup)))
    head = next(iter(group.findall(nodes.thead)), None)
    if head is None or not head.children:
        return
    # The heading's own content, links included: the header row itself is not printed.
    labels = [[child.deepcopy() for para in entry.findall(nodes.paragraph)
               for child in para.children] or [nodes.Text(entry.astext().strip())]
              for entry in head.children[-1].children]
    body = next(iter(group.findall(nodes.tbody)), None)
    for row in body.children if body is not None else ():
        for label, entry in zip(labels, row.children):
            target = entry.children[0] if entry.children and isinstance(
                entry.children[0], nodes.TextElement) else None
            mark = nodes.inline("", "", *(c.deepcopy() for c in label),
                                classes=["stacked-label"])
            if target is None:
                entry.insert(0, nodes.paragraph("", "", mark))
            else:
                target.insert(0, mark)
