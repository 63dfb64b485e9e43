"""Line breaking and the measure of the printed text (issue 16, points 6 and 8), read back
from the whole-book PDF with each word's place on the page (``pdftotext -bbox-layout``).

A body paragraph's line ends early when the next line's first word, after a space, would
still have fitted before the text's right edge: the renderer broke it for another reason
(an unbreakable span too wide, a forced break), and a reader with low vision loses the line.
The body measure is 55-65 characters a line at 14 pt.

Body paragraphs are blocks of two or more lines at the body size: headings (larger),
captions, running heads and footers (smaller), contents lines (dot leaders) and a
paragraph's last line (it ends where it ends) are left out. A line may end before a web
address's segment (unbreakable: print.css ``.nobr``). A forced break (a MyST line ending in
a backslash) cannot be told from the PDF: a book using one here would be reported.

Each test fails when it should: with links set as inline blocks (``a.reference { display:
inline-block }``), two lines of the print test book end early; on Letter's full width
(paper-letter.css without its right margin) its lines are 78 characters, not 62.
"""

import statistics
import subprocess
from collections import Counter

import pytest

#: How much room (pt) a line may leave that the next word would have taken: rounding.
SLACK = 1.0
MEASURE = (55, 65)


class Line:
    """One line of text: its page, its words [(xmin, xmax, text)], its top, bottom, size."""

    def __init__(self, page, element):
        self.page = page
        self.words = [(float(w.get("xmin")), float(w.get("xmax")), w.text or "")
                      for w in element.iter("word")]
        self.top, self.bottom = float(element.get("ymin")), float(element.get("ymax"))
        self.left, self.right = self.words[0][0], self.words[-1][1]

    @property
    def height(self):
        return round(self.bottom - self.top, 1)

    @property
    def text(self):
        return " ".join(word for _x0, _x1, word in self.words)

    def gaps(self):
        return [b[0] - a[1] for a, b in zip(self.words, self.words[1:])]


def page_lines(pdf):
    """[[Line]] of every page, in pdftotext's reading order (WeasyPrint's PDFs give each
    line a block of its own, so paragraphs are found from the lines' places)."""
    from lxml import html as lhtml

    layout = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True,
                            check=True).stdout
    return [[Line(number, line) for line in page.iter("line")
             if any(True for _ in line.iter("word"))]
            for number, page in enumerate(lhtml.fromstring(layout.decode("utf-8")).iter("page"), 1)]


def paragraphs(pdf):
    """The body paragraphs of ``pdf``: [[Line]] of two or more lines at the body size (the
    commonest line height), one under the other at the line pitch (the commonest step) and
    starting at the same place: more space above (a paragraph's or a list item's), a line
    starting further left (a bullet) or right, or a page's end cuts a paragraph. Only pages
    of text count (those of the commonest width: not the cover or the back page), and not
    their contents lines (dot leaders)."""
    pages = page_lines(pdf)
    widths = [max((line.right for line in lines), default=0) for lines in pages]
    text_width = Counter(map(round, widths)).most_common(1)[0][0]
    pages = [lines for lines, width in zip(pages, widths) if round(width) == text_width]
    body = Counter(line.height for lines in pages for line in lines).most_common(1)[0][0]
    pitch = Counter(round(b.top - a.top, 1) for lines in pages for a, b in zip(lines, lines[1:])
                    if a.height == b.height == body).most_common(1)[0][0]
    runs = []
    for lines in pages:
        runs.append([])
        for line in lines:
            last = runs[-1][-1] if runs[-1] else None
            if line.height != body or " . . " in line.text:
                runs.append([])
                continue
            if last and (abs(line.top - last.top - pitch) > 1 or abs(line.left - last.left) > 1):
                runs.append([])
            runs[-1].append(line)
    return [run for run in runs if len(run) >= 2]


def is_address(word):
    """A web address's segment: unbreakable, so a line may end before it (print.css .nobr)."""
    return "/" in word or "://" in word or word.startswith("www.") or "@" in word


def early_breaks(pdf):
    """["page N: 'line' (next: word, room)"] for every non-last line of a body paragraph
    that ended while the next line's first word, after a space, would have fitted.

    The right edge of a line that starts at the text's left (the commonest start) is the
    page's: the furthest any of its lines reaches, on a page of text its footer's page
    number, set flush with the text's right edge. Text in a box or a list starts further
    right, and a box is narrower: its edge is the furthest a body line starting at the same
    place on the same page reaches."""
    widths = page_widths(pdf)
    paras = paragraphs(pdf)
    text_left = Counter(round(line.left) for para in paras for line in para).most_common(1)[0][0]
    edges = Counter()
    for line in (line for para in paras for line in para):
        place = line.page, round(line.left)
        edges[place] = (widths[line.page] if place[1] == text_left
                        else max(edges[place], line.right))
    space = min(gap for para in paras for line in para for gap in line.gaps() if gap > 0)
    problems = []
    for para in paras:
        for line, after in zip(para, para[1:]):
            x0, x1, word = after.words[0]
            room = edges[line.page, round(line.left)] - line.right - space
            if x1 - x0 <= room - SLACK and not (is_address(word) or is_address(line.words[-1][2])):
                problems.append(f"page {line.page}: {line.text!r} (next: {word!r}, "
                                f"{x1 - x0:.0f} pt, room {room:.0f} pt)")
    return problems


def page_widths(pdf):
    """{page number: how far right its furthest line reaches}."""
    return {lines[0].page: max(line.right for line in lines)
            for lines in page_lines(pdf) if lines}


def full_lines(pdf):
    """The texts of the non-last lines of the body paragraphs, addresses left out."""
    return [line.text for para in paragraphs(pdf) for line in para[:-1]
            if not any(map(is_address, line.text.split()))]


def measure(pdf):
    """The median characters (spaces included) of a full body line."""
    return statistics.median(len(text) for text in full_lines(pdf))


@pytest.fixture(scope="module")
def book(built_root):
    result = built_root("handout", "print-book")
    assert result.warnings == "", result.warnings
    return result.outdir


def test_the_print_books_paragraphs_are_found(book):
    # The long chapter's parts of eight sentences, each a paragraph of several lines.
    lines = full_lines(book / "print-test-book.pdf")
    assert len(lines) > 40 and any(text.startswith("Sentence 1 of part 1") for text in lines)


@pytest.mark.parametrize("name", ["print-test-book.pdf", "print-test-book-large-print.pdf"])
def test_no_body_line_ends_while_the_next_word_would_fit(book, name):
    assert early_breaks(book / name) == []


def test_lines_are_55_to_65_characters_at_14pt(book):
    low, high = MEASURE
    assert low <= measure(book / "print-test-book.pdf") <= high


@pytest.mark.slow
def test_the_books_lines_break_where_they_are_full(built_handout):
    pdfs = sorted(built_handout.glob("*.pdf"))
    assert len(pdfs) == 2, pdfs   # the 14-point book and its large print
    for pdf in pdfs:
        assert early_breaks(pdf) == [], pdf.name
    low, high = MEASURE
    assert low <= measure(next(p for p in pdfs if "large-print" not in p.name)) <= high
