"""A chapter tail pulled back: a chapter whose last page would hold a few lines alone (before
the next chapter's new page, or before a figure too tall for the rest of that page, which
went over whole) is set a little tighter, so that its pages hold them.

"A little tighter" is a stated range: the chapter's lines at one of TIGHTER's shares of
the body's line height (1.5 becomes 1.43, then 1.35), and its paragraphs' space after them,
the checklist's answer lines (print.css --answer-height), its code's line height and its
notebook cells' margins at the same share; nothing else changes (type size,
measure, the other chapters). render.py lays the document out
again with these rules and keeps that layout only if it has fewer pages.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from weasyprint.document import Document, Page

#: A chapter's last page holding this many lines or fewer (preflight's chapter-tail).
TAIL = 3
#: The shares of its line height and spacing a pulled-back chapter keeps, tried in turn.
TIGHTER = (0.95, 0.9)

HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")


def _boxes(box):
    yield box
    for child in getattr(box, "children", None) or ():
        yield from _boxes(child)


def _rows(page):
    """The distinct lines of text on a laid-out page (margin boxes aside)."""
    from weasyprint.formatting_structure import boxes

    return {round(b.position_y) for b in _boxes(page._page_box.children[0])
            if isinstance(b, boxes.LineBox) and b.children}


def _chapter(element):
    return element is not None and "chapter" in (element.get("class") or "").split()


def _chapter_starts(document):
    """The indexes of the pages a chapter's (or a part's, or the back page's) section
    starts on (the last chapter ends before the back page)."""
    from weasyprint.formatting_structure import boxes

    seen, starts = set(), set()
    for index, page in enumerate(document.pages):
        for box in _boxes(page._page_box.children[0]):
            element = box.element if isinstance(box, boxes.BlockBox) else None
            if (box.element_tag == "section" and element is not None
                    and id(element) not in seen):
                seen.add(id(element))
                if {"chapter", "part", "back-page"} & set((element.get("class") or "").split()):
                    starts.add(index)
    return starts


def _opens_with_figure(page: Page) -> bool:
    """Whether a figure is the first thing on the page, at the top of its text block (a
    figure taller than what was left of the page before it)."""
    from weasyprint.formatting_structure import boxes

    area = page._page_box.children[0]
    first = next((b for b in _boxes(area) if isinstance(b, (boxes.LineBox, boxes.ReplacedBox))
                  or (isinstance(b, boxes.BlockBox) and b.element_tag == "figure")), None)
    return first is not None and first.element_tag == "figure"


def tail_rules(document: Document, share: float = TIGHTER[0]) -> str:
    """CSS that sets each chapter with a tail of TAIL lines or fewer a little tighter (its
    spacing at ``share``); "" when no chapter has one. A tail is the lines alone on a
    chapter's last page, or on a page before a figure that went over whole (the Spanish
    large-print Letter booklet's page 33: two lines, then the research road on page 34)."""
    from weasyprint.formatting_structure import boxes

    rules = []
    starts = _chapter_starts(document)
    for index, page in enumerate(document.pages[:-1]):
        if not 0 < len(_rows(page)) <= TAIL or not (
                index + 1 in starts or _opens_with_figure(document.pages[index + 1])):
            continue
        sections = [b.element for b in _boxes(page._page_box.children[0])
                    if isinstance(b, boxes.BlockBox) and b.element_tag == "section"
                    and b.element is not None]
        # The chapter that ends here; before the first chapter, the opening page's section.
        section = next((s for s in sections if _chapter(s)), sections[0] if sections else None)
        heading = next((c for c in section if c.tag in HEADINGS and c.get("id")), None) \
            if section is not None else None
        if heading is not None:
            rules.append(_tighter(heading.get("id"), share))
    return "\n".join(rules)


def _tighter(heading_id, share):
    """The rules that set what follows the heading ``heading_id`` in its section, chapters
    (lifted beside the opening page's heading) aside, at ``share`` of its spacing."""
    quoted = heading_id.replace("\\", "\\\\").replace('"', '\\"')
    after = f'[id="{quoted}"] ~ :not(.chapter):not(.part)'
    return (f"{after} {{ line-height: {1.5 * share:.3f}; --answer-height: {1.9 * share:.3f}em }}\n"
            f'{after} p, [id="{quoted}"] ~ p {{ margin-bottom: {0.7 * share:.3f}em }}\n'
            # Code (components.css: its own line height) and a notebook's cells (0.8em
            # above, 1em below each).
            f'{after} pre {{ line-height: {1.45 * share:.3f} }}\n'
            f'{after} div.cell, [id="{quoted}"] ~ div.cell {{ margin: {0.8 * share:.3f}em 0 '
            f'{share:.3f}em }}')
