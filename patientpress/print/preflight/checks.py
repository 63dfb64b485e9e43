"""The preflight's checks: each takes a :class:`reading.Document` and the product's
:class:`Design`, and yields :class:`Finding`. What a page ought to be is told by the
design (its minimum type size, whether chapters start on a new page, the details it must
print); where the page is, by the PDF itself (the deepest line any page reaches is the foot
of the text block, the body's size is the size most text is set in).
"""

import collections
import dataclasses
import re

from .reading import printed_page

#: The share of the text block a page must fill, unless it ends a chapter.
QUARTER = 0.25
#: The foot of the text block where a heading needs two lines of its text after it.
FOOT = 0.15
#: A list this short never leaves one item alone on a page (singlefile.SHORT_LIST).
SHORT_LIST = 4
#: A chapter's last page holding this many lines or fewer: a tail a tighter page would hold.
TAIL = 3
#: Words of a sentence that leads into a figure, besides ending in a colon.
LEAD_INS = ("below", "following", "abajo", "siguiente", "siguientes")
#: Structure elements that only hold others.
WRAPPERS = ("NonStruct", "Div", "Sect", "Part", "Art")
#: "(page 0)", ", página 0)": what target-counter() prints for a target it cannot find.
ZERO = re.compile(r"[(,]\s*[^\W\d]+\.?\s+0\s*\)")


@dataclasses.dataclass(frozen=True)
class Finding:
    check: str       # the warning's subtype is "preflight.<check>"
    page: int        # 0: the whole PDF
    message: str

    def __str__(self):
        return (f"page {self.page}: " if self.page else "") + self.message


@dataclasses.dataclass
class Design:
    """What a product is meant to be, besides what its PDF shows."""

    chapters_on_new_pages: bool = True   # a whole book; a chapter handout flows
    min_size: float = 0                  # 0: the size most of its text is set in
    folio_min: float = 16                # a page number may be this small
    expect: tuple = ()                   # words it must print (a clinic's details)
    cover_and_back: bool = False         # a cover page and a back page, one page each
    words: frozenset = frozenset()       # the words it prints (its print document's), folded


#: From the top of a running foot's words up to the foot of the text block, in points: the
#: rule and the space around it (print.css: 3 mm, 0.75 pt, 3 mm).
FOOT_GAP = 18


def _block(doc):
    """(top, bottom) of the text block: the highest first line of the pages between the
    first and the last (a cover and a back page have margins of their own), and the
    deepest last line or, lower, the place just above the running foot (a PDF of a few
    pages may have no full page)."""
    inner = range(2, doc.pages) if doc.pages > 3 else range(1, doc.pages + 1)
    tops, bottoms = [], []
    for page in inner:
        lines = doc.on(page)
        if lines:
            tops.append(min(ln.top for ln in lines))
            bottoms.append(max(ln.bottom for ln in lines))
            feet = [ln.top for ln in doc.on(page, furniture=True)
                    if ln.artifact and ln.top > max(ln.bottom for ln in lines)]
            if feet:
                bottoms.append(min(feet) - FOOT_GAP)
    if not tops:
        return 0, max((h for _, h in doc.sizes), default=0)
    return min(tops), max(bottoms)


def _heading(tag):
    return len(tag) == 2 and tag[0] == "H" and tag[1].isdigit()


def _chapter_pages(doc):
    """The pages that open with an outline entry (a new chapter or part, the back page)."""
    return doc.opens


def _notes_page(lines, doc):
    """A page of one printed line, a heading over ruled lines: a notes page."""
    return (len({round(ln.top) for ln in lines}) == 1
            and all(_in(doc, ln.element, _heading) for ln in lines))


def _in(doc, key, test):
    """Whether element ``key`` or one of its ancestors passes ``test`` (on its tag)."""
    return key is not None and any(test(doc.elements[k].tag)
                                   for k in (key, *doc.ancestors(key)))


def page_references(doc, design):
    """A printed page number is the page where its link lands, on the heading's text; no
    "page 0" (a target-counter() whose target is not in the PDF), linked or not."""
    for ln in doc.lines:
        if not ln.artifact and ZERO.search(ln.text):
            yield Finding("page-reference", ln.page, f"{ln.text.strip()!r} prints page 0: "
                          "what it points to is not in this PDF")
    for key in doc.order:
        element = doc.elements[key]
        if element.tag != "Link" or element.dest is None:
            continue
        text = doc.text_of(key)
        number = printed_page(text)
        if number is None:
            continue
        page, y = element.dest
        # A place with nothing printed under it on its page (an anchor left at the foot
        # while its heading went over) is where the next page starts.
        lands = page if any(ln.bottom > y + 1 for ln in doc.on(page)) else page + 1
        where = doc.pages_of(key)[:1] or [0]
        if number and number != lands:
            yield Finding("page-reference", where[0],
                          f"{text!r} prints page {number}, but what it points to is printed "
                          f"on page {lands}")


def type_sizes(doc, design):
    """No text under the edition's size: the body's, or ``design.min_size``; a folio (page
    furniture with a number) may be ``design.folio_min``."""
    floor = design.min_size or _body_size(doc)
    small = collections.defaultdict(list)   # {(furniture?, size): [lines]}
    for ln in doc.lines:
        if _in(doc, ln.element, "Figure".__eq__):
            continue   # the words of a drawing are part of the picture
        least = (min(floor, design.folio_min) if ln.artifact and re.search(r"\d", ln.text)
                 else floor)
        if ln.size < least - 0.2:
            small[(ln.artifact, ln.size)].append(ln)
    for (furniture, size), lines in small.items():
        pages = sorted({ln.page for ln in lines})
        what = "running heads or footers" if furniture else "lines of text"
        shown = "; ".join(f"{ln.text.strip()[:30]!r}" for ln in lines[:2])
        yield Finding("type-size", pages[0], f"{len(lines)} {what} at {size:.1f} pt, under "
                      f"{floor:g} pt, on {_pages(pages)}: {shown}")


def _pages(pages):
    return (f"page {pages[0]}" if len(pages) == 1 else
            f"pages {', '.join(map(str, pages[:6]))}" + (", ..." if len(pages) > 6 else ""))


def _body_size(doc):
    counts = collections.Counter()
    for ln in doc.lines:
        if not ln.artifact:
            counts[round(ln.size * 2) / 2] += len(ln.text)
    return counts.most_common(1)[0][0] if counts else 0


def page_fill(doc, design):
    """No page under a quarter full, unless it ends a chapter where chapters start on a new
    page; and then no chapter tail of TAIL lines or fewer: the last lines of a chapter that
    ran over from a full page (a short chapter on a page of its own, or the lines after a
    forced break, are no tail)."""
    top, bottom = _block(doc)
    starts = _chapter_pages(doc)
    for page in range(2, doc.pages):
        lines = doc.on(page)
        if not lines or _notes_page(lines, doc):
            continue
        share = _share(lines, top, bottom)
        if _notes_page(doc.on(page + 1), doc) and doc.on(page + 1):
            continue   # the text's last page, before the ruled pages that make up the count
        ends_chapter = page + 1 in starts
        rows = len({round(ln.top) for ln in lines})
        if ends_chapter and design.chapters_on_new_pages:
            ran_over = page not in starts and _share(doc.on(page - 1), top, bottom) > 1 - QUARTER
            if rows <= TAIL and ran_over:
                yield Finding("chapter-tail", page, f"a chapter ends with {rows} line(s) "
                              "alone on this page: a slightly tighter page before would hold them")
        elif share < QUARTER:
            yield Finding("page-fill", page, f"only {share:.0%} of the page is used "
                          f"(it ends before {_first(doc.on(page + 1))!r})")


def _share(lines, top, bottom):
    """How much of the text block ``lines`` fill, from its top to their last line."""
    return (max(ln.bottom for ln in lines) - top) / (bottom - top) if lines else 0


def _first(lines):
    return lines[0].text.strip()[:40] if lines else ""


def headings_at_foot(doc, design):
    """No heading in the last FOOT of the text block without two lines of text after it,
    unless what follows it there is its whole section (the next page starts a heading)."""
    top, bottom = _block(doc)
    limit = bottom - FOOT * (bottom - top)
    for page in range(1, doc.pages + 1):
        lines = doc.on(page)
        for index, ln in enumerate(lines):
            if ln.top < limit or not _in(doc, ln.element, _heading):
                continue
            after = {round(x.top) for x in lines[index + 1:]
                     if round(x.top) > round(ln.top) and not _in(doc, x.element, _heading)}
            following = doc.on(page + 1)[:1]
            ends = bool(after) and following and _in(doc, following[0].element, _heading)
            if len(after) < 2 and page < doc.pages and not ends:   # (a whole short section)
                yield Finding("heading-at-foot", page, f"the heading {ln.text.strip()!r} is at "
                              f"the foot of the page with {len(after)} line(s) after it")
                break


def split_boxes(doc, design):
    """A box (a Div: an admonition, the key points, a clinic box) that fits one page is
    never split over two."""
    top, bottom = _block(doc)
    for key in doc.order:
        if doc.elements[key].tag != "Div":
            continue
        lines = doc.lines_of(key)
        pages = sorted({ln.page for ln in lines})
        if len(pages) != 2 or any(doc.elements[a].tag == "Div" for a in doc.ancestors(key)):
            continue
        height = sum(max(ln.bottom for ln in lines if ln.page == p)
                     - min(ln.top for ln in lines if ln.page == p) for p in pages)
        if height < 0.9 * (bottom - top):
            yield Finding("split-box", pages[0], f"the box {_first(lines)!r} is split over "
                          f"pages {pages[0]} and {pages[1]}, though it fits one page")


def short_lists(doc, design):
    """A list of SHORT_LIST items or fewer never leaves one item alone on a page."""
    for key in doc.order:
        items = [k for k in doc.elements[key].kids if doc.elements[k].tag == "LI"]
        if doc.elements[key].tag != "L" or not 2 <= len(items) <= SHORT_LIST:
            continue
        firsts = [min((ln.page for ln in doc.lines_of(k)), default=0) for k in items]
        counts = collections.Counter(p for p in firsts if p)
        if len(counts) > 1:
            alone = next((p for p, n in sorted(counts.items()) if n == 1), None)
            if alone:
                yield Finding("short-list", alone, f"a list of {len(items)} items leaves one "
                              f"alone on page {alone}: {_first(doc.lines_of(key))!r}")


def figure_lead_ins(doc, design):
    """A sentence that leads into a figure (ending in a colon, or saying "below") is on the
    figure's page."""
    for index, before in enumerate(doc.order):
        if doc.elements[before].tag != "P":
            continue
        after = set(doc.descendants(before))
        # The next element after the paragraph, through wrappers (a <figure> is NonStruct).
        key = next((k for k in doc.order[index + 1:] if k not in after
                    and doc.elements[k].tag not in WRAPPERS), None)
        if key is None or doc.elements[key].tag != "Figure":
            continue
        text = doc.text_of(before)
        lines = doc.lines_of(before)
        figure = doc.pages_of(key)
        if not lines or not figure or not _leads_in(text):
            continue
        if lines[-1].page != figure[0]:
            yield Finding("figure-lead-in", lines[-1].page, f"{text[-50:]!r} leads into a "
                          f"figure printed on page {figure[0]}")


def _leads_in(text):
    text = text.strip()
    return text.endswith(":") or any(re.search(rf"\b{w}\b", text, re.I) for w in LEAD_INS)


def details(doc, design):
    """Every detail the product must print (a clinic's) is printed, on some page."""
    printed = "".join("".join(ln.text for ln in sorted(doc.lines, key=lambda ln: (
        ln.page, ln.seq))).split())
    for detail in design.expect:
        if "".join(detail.split()) not in printed:
            yield Finding("clinic-detail", 0, f"{detail!r} is printed nowhere")


def designed_length(doc, design):
    """In a product with a cover and a back page (``design.cover_and_back``; a chapter
    handout's back words follow its text), each is one page: the first heading is on page 2
    and nothing follows the back page's but ruled notes pages."""
    tops = [page for level, _title, page in doc.outline if level == 1 and page]
    if len(tops) < 2 or not design.cover_and_back:
        return
    if tops[0] > 2:
        yield Finding("length", 1, f"the cover runs onto {tops[0] - 2} more page(s)")
    extra = [p for p in range(tops[-1] + 1, doc.pages + 1)
             if not _notes_page(doc.on(p), doc)]
    if extra:
        yield Finding("length", extra[0], f"the back page runs onto {len(extra)} more page(s)")


CHECKS = (page_references, type_sizes, page_fill, headings_at_foot, split_boxes, short_lists,
          figure_lead_ins, details, designed_length)


#: A line may end inside an address after these (singlefile.url_segments), or at a hyphen.
BREAKS = "/.?&=-\u00ad"
WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")


def broken_words(doc, design):
    """No word broken across two lines but at a hyphen or an address's break point: a line
    that ends in a part of a word that the next line finishes ("Ste" / "p"). A word is one
    of ``design.words`` (the print document's), else one the PDF prints whole elsewhere
    (the part alone, printed only here, is none)."""
    words = collections.Counter(design.words) or _printed_words(doc)
    lines = [ln for ln in sorted(doc.lines, key=lambda ln: (ln.page, ln.seq))
             if not ln.artifact and ln.element is not None]
    for line, following in zip(lines, lines[1:]):
        if _block_of(doc, following.element) != _block_of(doc, line.element):
            continue
        end, start = line.text.rstrip(), following.text.lstrip()
        if not end or end[-1] in BREAKS or end != line.text or start != following.text:
            continue   # a space or a break point ends the line: no word was cut
        tail, head = WORD.search(end[::-1]), WORD.match(start)
        if tail is None or head is None or tail.start() != 0:
            continue
        part, rest = tail.group()[::-1], head.group()
        if words[(part + rest).casefold()] and words[part.casefold()] <= (
                0 if design.words else 1):
            yield Finding("broken-word", line.page, f"{part}/{rest}: the word "
                          f"{part + rest!r} is broken over two lines")


def _block_of(doc, key):
    """The paragraph, cell or item a line is part of (WeasyPrint tags each line a Span)."""
    return next((k for k in (key, *doc.ancestors(key))
                 if doc.elements[k].tag not in ("Span", "Link")), key)


def _printed_words(doc):
    return collections.Counter(w.casefold() for ln in doc.lines for w in WORD.findall(ln.text))


def outside(doc, design):
    """Nothing printed outside the page, nor left of the text block (the leftmost place
    where many lines start); the words of a drawing are part of the picture."""
    lines = [ln for ln in doc.lines if not _in(doc, ln.element, "Figure".__eq__)]
    starts = collections.defaultdict(collections.Counter)   # by page size: a page turned
    for ln in lines:                                         # sideways has its own block
        if not ln.artifact and 1 < ln.page < doc.pages:
            starts[doc.sizes[ln.page - 1]][round(ln.x)] += 1
    lefts = {size: min(x for x, n in found.items() if n >= 0.2 * max(found.values()))
             for size, found in starts.items()}
    for ln in lines:
        left = lefts.get(doc.sizes[ln.page - 1], 0)
        width, height = doc.sizes[ln.page - 1]
        if not (0 <= ln.x <= width and 0 <= ln.top and ln.bottom <= height):
            yield Finding("outside", ln.page, f"{ln.text.strip()[:40]!r} is printed off the page")
        elif not ln.artifact and 1 < ln.page < doc.pages and ln.x < left - 3:
            yield Finding("outside", ln.page, f"{ln.text.strip()[:40]!r} starts "
                          f"{(left - ln.x) / 72 * 25.4:.0f} mm left of the text block")


CHECKS = (*CHECKS, broken_words, outside)
