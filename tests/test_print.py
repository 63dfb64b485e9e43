"""The printed handouts read back from their PDFs: paper, fonts, type sizes, contents page,
running heads, QR codes, cover and back page."""

import re
import subprocess
from pathlib import Path
from collections import Counter

import pytest
from bs4 import BeautifulSoup

import pdfread
from patientpress.print import singlefile

ONLINE = "https://print-test.example.org/en/latest/"


@pytest.fixture(scope="session")
def print_book(built_root):
    """``print_book(**confoverrides)``: the print test book's handouts, built strictly, once."""
    def build(**confoverrides):
        result = built_root("handout", "print-book", **confoverrides)
        assert result.warnings == "", result.warnings
        return result.outdir
    return build


@pytest.fixture
def printed(print_book):
    """Shared with test_a11y_pdf.py: one build of the root per test run."""
    return print_book()


def products(folder, stem):
    return [folder / f"{stem}.pdf", folder / f"{stem}-large-print.pdf",
            *sorted((folder / "chapters").glob("*.pdf"))]


def qr_codes(pdf, page=1):
    """The texts of the QR codes on ``page``, decoded from a 200 dpi picture of it."""
    import zxingcpp
    from PIL import Image

    prefix = pdf.parent / f".qr-{pdf.stem}"
    subprocess.run(["pdftoppm", "-png", "-r", "200", "-f", str(page), "-l", str(page),
                    "-singlefile", str(pdf), str(prefix)], check=True)
    png = prefix.with_suffix(".png")
    try:
        return [r.text for r in zxingcpp.read_barcodes(Image.open(png))]
    finally:
        png.unlink()


def body_sizes(pdf):
    """Sizes of the text on the pages after the cover (the cover's title is large on purpose)."""
    return [(size, text, furniture) for page, size, text, furniture in pdfread.text_sizes(pdf)
            if page > 1]


def test_paper_is_letter_by_default_and_a4_by_one_setting(printed, print_book):
    assert pdfread.info(printed / "print-test-book.pdf")["mediabox"] == [0, 0, 612, 792]
    a4 = print_book(handout_paper="a4")
    for pdf in products(a4, "print-test-book"):
        width, height = pdfread.info(pdf)["mediabox"][2:]
        assert (round(width), round(height)) == (595, 842), pdf.name


def test_only_atkinson_hyperlegible_embedded(printed):
    for pdf in products(printed, "print-test-book"):
        fonts = pdfread.fonts(pdf)
        assert fonts and all(fonts.values()), (pdf.name, fonts)
        # Subset names: "/ABCDEF+Atkinson-Hyperlegible" and "…-Bold".
        assert {name.split("+", 1)[-1] for name in fonts} <= {
            "Atkinson-Hyperlegible", "Atkinson-Hyperlegible-Bold"}, fonts


def test_body_text_is_14pt_and_nothing_smaller(printed):
    for pdf in [printed / "print-test-book.pdf", *sorted((printed / "chapters").glob("*.pdf"))]:
        sizes = body_sizes(pdf)
        smallest = min(sizes)
        assert smallest[0] >= 14, (pdf.name, smallest)
        assert Counter(s for s, _, f in sizes if not f).most_common(1)[0][0] == 14, pdf.name


def test_large_print_is_18pt_with_nothing_under_16pt(printed):
    pdf = printed / "print-test-book-large-print.pdf"
    sizes = [(size, text, furniture) for _, size, text, furniture in pdfread.text_sizes(pdf)]
    assert min(sizes)[0] >= 16, min(sizes)
    assert Counter(s for s, _, f in sizes if not f).most_common(1)[0][0] == 18
    heads = {s for s, _, furniture in sizes if furniture}
    assert heads and min(heads) >= 16, heads          # running heads and page numbers too


def test_contents_page_numbers_are_the_pages_the_outline_points_to(printed):
    pdf = printed / "print-test-book.pdf"
    outline = {title: page for level, title, page in pdfread.outline(pdf) if level == 1}
    contents = pdfread.text(pdf, 2, 2)
    rows = [line.rsplit(None, 1) for line in contents.splitlines() if ". ." in line]
    found = {title.rstrip(". ").strip(): int(page) for title, page in rows}
    assert found == {t: outline[t] for t in
                     ("The Short Chapter", "The Long Chapter Title", "Questions to Ask", "Sources")}
    # Chapters start on a page of their own.
    for title, page in found.items():
        assert pdfread.text(pdf, page, page).lstrip().startswith(title), title


def test_running_head_names_the_chapter_and_carries_no_junk(printed):
    pdf = printed / "print-test-book.pdf"
    start = dict((t, p) for _, t, p in pdfread.outline(pdf))["The Long Chapter Title"]
    following = pdfread.text(pdf, start + 1, start + 1).lstrip()
    assert following.startswith("The Long Chapter Title\n"), following[:80]
    opener = pdfread.text(pdf, start, start).lstrip()
    assert opener.startswith("The Long Chapter Title\n") and opener.count("The Long Chapter Title") == 1
    everything = pdfread.text(pdf)
    assert "¶" not in everything and "#" not in everything
    pages = pdfread.page_texts(pdf)
    for number, page in enumerate(pages[1:-1], 2):
        assert f"Page {number} of {len(pages)}" in page
    assert f"Page {len(pages)} of" not in pages[-1]   # the back page is a back cover


def test_cover_qr_opens_the_online_edition(printed):
    assert qr_codes(printed / "print-test-book.pdf") == [ONLINE]
    assert qr_codes(printed / "print-test-book-large-print.pdf") == [ONLINE]
    assert qr_codes(printed / "chapters" / "02-long.pdf") == [ONLINE + "chapters/02-long.html"]
    # The address is printed in full beside the code (it may wrap: compare without spaces).
    cover = pdfread.text(printed / "chapters" / "02-long.pdf", 1, 1)
    assert "The Long Chapter Title" in cover
    assert ONLINE + "chapters/02-long.html" in "".join(cover.split())


def test_without_an_online_address_the_cover_has_no_qr_code(print_book):
    out = print_book(handout_online_url="")
    pdf = out / "print-test-book.pdf"
    assert qr_codes(pdf) == []
    cover = pdfread.text(pdf, 1, 1)
    assert "Scan" not in cover and "Given to you by" in cover
    assert pdfread.text(pdf, 2, 2).lstrip().startswith("Print Test Book")   # one-page cover


def unwrap(text):
    """Text with the line breaks inside web addresses taken out again."""
    return re.sub(r"(?<=[/.?&=]) (?=[\w-])", "", text)


def test_back_page_points_to_the_questions_and_the_online_edition(printed):
    pdf = printed / "print-test-book.pdf"
    pages = dict((t, p) for _, t, p in pdfread.outline(pdf))
    back = " ".join(pdfread.text(pdf, pages["Before you go"], pages["Before you go"]).split())
    back = unwrap(back)   # an address wraps only after "/", ".", "?", "&" or "="
    assert f"“Questions to Ask” (page {pages['Questions to Ask']})" in back
    assert "not medical advice" in back and "print-test.example.org/en/latest/" in back
    assert "Bring this page to every visit." in back   # handout_back_notice from conf.py
    chapter = " ".join(pdfread.text(printed / "chapters" / "02-long.pdf").split())
    assert ONLINE + "questions.html" in unwrap(chapter)


def test_links_print_as_addresses_a_reader_can_type(printed):
    text = " ".join(pdfread.text(printed / "print-test-book.pdf").split())
    assert "the test site (https://example.org/more)" in text


# -- references, lists and editions on paper ---------------------------------------------

def _page_of(pdf, words):
    """The page number (1-based) of the first page after the cover that starts a section
    with ``words``."""
    pages = pdfread.page_texts(pdf)
    return next(i for i, page in enumerate(pages, 1) if i > 2 and words in page.split("\n")[:3]
                or i > 2 and page.lstrip().startswith(words))


def test_a_reference_on_paper_prints_its_targets_page(printed):
    pdf = printed / "print-test-book.pdf"
    text = " ".join(pdfread.text(pdf).split())
    long_page = _page_of(pdf, "The Long Chapter Title")
    assert f"link to the long chapter (page {long_page})" in text
    # A glossary word gets no page number; the print document says which links do.
    page = BeautifulSoup((printed / "index.html").read_text(encoding="utf-8"), "lxml")
    refs = page.select("main a.reference.internal")
    assert refs and all(("page-ref" in a["class"]) != bool(a.select(".std-term"))
                        for a in refs)


def test_short_lists_are_kept_whole_and_long_ones_may_break(printed):
    page = BeautifulSoup((printed / "index.html").read_text(encoding="utf-8"), "lxml")
    lists = page.select("main ul:not(.print-toc-list), main ol:not(.print-toc-list)")
    assert lists
    for element in lists:
        items = element.find_all("li", recursive=False)
        assert ("short-list" in element.get("class", [])) == (len(items) <= 4), element


def test_the_large_print_edition_says_so_on_its_cover_and_in_its_title(printed):
    large = printed / "print-test-book-large-print.pdf"
    regular = printed / "print-test-book.pdf"
    assert pdfread.info(large)["title"] == "Print Test Book (large print)"
    assert pdfread.info(regular)["title"] == "Print Test Book"
    assert "Large print" in pdfread.text(large, 1, 1)
    assert "Large print" not in pdfread.text(regular, 1, 1)


LONG = ("https://www.fda.gov/vaccines-blood-biologics/consumers-biologics/"
        "important-patient-and-consumer-information-about-regenerative-medicine-therapies")
QUERY = ("https://clinicaltrials.gov/search?cond=peripheral-neuropathy&term=stem-cells"
         "&aggFilters=status:rec")


@pytest.mark.parametrize("url", [LONG, QUERY, "https://example.org/", "mailto:a@b.org"])
def test_an_address_breaks_only_where_a_reader_can_tell(url):
    parts = singlefile.url_segments(url)
    assert "".join(parts) == url
    assert not any(part.endswith("-") for part in parts)            # never after a hyphen
    if "://" in url:   # never a break inside the scheme
        assert parts[0].startswith(url.split("://")[0] + "://") and parts[0] != "https://"
    for part, after in zip(parts, parts[1:]):
        assert part[-1] in "/.?&=" or after.startswith("-"), (part, after)
        assert len(part) <= singlefile.LONG_SEGMENT or part[-1] in "/.?&=" \
            or "-" not in part[1:], part


def test_printed_addresses_copy_whole_and_never_break_after_a_hyphen(printed):
    pdf = printed / "print-test-book.pdf"
    lines = [line.strip() for line in pdfread.text(pdf).splitlines() if line.strip()]
    joined = "".join(lines)
    for url in (LONG, QUERY):
        assert url in joined, url
    # The long address needs several lines, and none of them ends in a hyphen.
    url_lines = [line for line in lines if any(bit in line for bit in
                 ("fda.gov", "consumers-biologics", "important-patient", "therapies",
                  "clinicaltrials", "peripheral-neuropathy", "aggFilters"))]
    assert len(url_lines) >= 3
    assert not [line for line in url_lines if line.endswith("-")]
    assert "A page named in words (https://clinicaltrials." in " ".join(lines)


def test_a_chapter_handout_opens_with_a_title_band_not_a_cover(printed):
    """Page 1 of a chapter handout: the guide's name, the review date, the clinic box, then
    the chapter's own heading and its first words; the back page's words follow the text."""
    pdf = printed / "chapters" / "02-long.pdf"
    pages = [" ".join(p.split()) for p in pdfread.page_texts(pdf)]
    first = pages[0]
    assert first.startswith("Patient handout from the guide “Print Test Book”")
    assert "Last reviewed: November 2026" in first and "Given to you by:" in first
    assert first.count("The Long Chapter Title") == 1          # the heading, once
    assert "The long chapter starts here." in first             # the text begins on page 1
    # The back page's words come right after the text: no page holds them alone.
    back = next(i for i, page in enumerate(pages) if "Before you go" in page)
    last = len(pages) - 1 - pages[-1].startswith("Notes")   # a ruled page may follow
    assert "Sentence" in pages[back] or back == last and len(pages[back]) > 300
    # The whole book keeps its cover: page 1 holds no text of the book.
    cover = " ".join(pdfread.text(printed / "print-test-book.pdf", 1, 1).split())
    assert "The long chapter starts here." not in cover and "Print Test Book" in cover


# -- figure words in large print ----------------------------------------------------------

def figure_word_sizes(pdf, print_document, figures, body_size):
    """{word: smallest size in pt} of the words drawn inside the figures (``figures``: their
    SVG files) in ``pdf``. A word counts when the print document's own text never uses it
    (nor is it a number, which a footer may show), so it can only come from a figure. Sizes
    are read from the words' boxes (``pdftotext -bbox-layout``), scaled by the body text's:
    the most common height is ``body_size``."""
    import statistics

    from lxml import etree
    from lxml import html as lhtml

    labels = set()
    for svg in figures:
        for text in etree.parse(str(svg)).iter("{http://www.w3.org/2000/svg}text"):
            labels.update("".join(text.itertext()).split())
    labels -= set(lhtml.parse(str(print_document)).getroot().text_content().split())
    labels = {word for word in labels if not word.strip("().,:").isdigit()}
    layout = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True,
                            check=True).stdout.decode("utf-8")
    words = [(w.text, float(w.get("ymax")) - float(w.get("ymin")))
             for w in lhtml.fromstring(layout).iter("word")]
    per_pt = statistics.mode(round(height, 1) for _, height in words) / body_size
    sizes = {}
    for word, height in words:
        if word in labels:
            sizes[word] = min(sizes.get(word, 99), round(height / per_pt, 1))
    assert set(sizes) == labels, f"figure words not found in {pdf.name}: {labels - set(sizes)}"
    return sizes


def test_figure_words_in_large_print_are_16pt_or_more(printed):
    figures = sorted((Path(__file__).parent / "roots" / "test-print-book" / "figures").glob("*.svg"))
    sizes = figure_word_sizes(printed / "print-test-book-large-print.pdf",
                              printed / "index-large-print.html", figures, 18)
    assert sizes and min(sizes.values()) >= 16, sizes


@pytest.mark.slow
@pytest.mark.book
def test_the_books_figure_words_in_large_print_are_16pt_or_more(built_handout):
    # The English drawings: a language's twin (name.es.svg) is for that language's builds.
    figures = sorted(p for p in (Path(__file__).parent.parent / "docs" / "figures").glob("*.svg")
                     if len(p.suffixes) == 1)
    sizes = figure_word_sizes(built_handout / "handout-large-print.pdf",
                              built_handout / "index-large-print.html", figures, 18)
    assert len(sizes) >= len(figures) and min(sizes.values()) >= 16, sizes


# -- the book's online address ------------------------------------------------------------

BOOK_ONLINE = "https://patient-press.readthedocs.io/en/latest/"


def test_the_books_conf_names_its_online_address_and_read_the_docs_wins(monkeypatch):
    import runpy

    conf = Path(__file__).parent.parent / "conf.py"
    monkeypatch.delenv("READTHEDOCS_CANONICAL_URL", raising=False)
    assert runpy.run_path(str(conf))["html_baseurl"] == BOOK_ONLINE
    monkeypatch.setenv("READTHEDOCS_CANONICAL_URL", "https://a-fork.readthedocs.io/es/stable/")
    assert runpy.run_path(str(conf))["html_baseurl"] == "https://a-fork.readthedocs.io/es/stable/"


def test_a_build_without_an_online_address_says_so_once(built_root):
    note = "the book names no online address"
    without = built_root("handout", "print-book", handout_online_url="")
    assert without.warnings == "" and without.status.count(note) == 1, without.status
    assert note not in built_root("handout", "print-book").status


@pytest.mark.slow
@pytest.mark.book
def test_the_books_print_products_carry_its_online_address(built_handout):
    typed = BOOK_ONLINE.removeprefix("https://")
    for pdf in (built_handout / "handout.pdf", built_handout / "handout-large-print.pdf"):
        pages = ["".join(p.split()) for p in pdfread.page_texts(pdf)]   # it may wrap
        assert typed in pages[0] and typed in pages[-1], pdf.name
        assert qr_codes(pdf) == [BOOK_ONLINE], pdf.name


def test_a_document_laid_out_again_for_its_notes_page_warns_once(tmp_path):
    from patientpress.print import render

    html = ('<html lang="en"><head><meta name="patientpress-pages-multiple-of" content="2">'
            '<style>.notes-page { break-before: page; }</style></head><body><p>One page.</p>'
            '<img src="missing.png" alt="A picture that is not there">'
            '<section class="notes-page notes-page-1" hidden><h2>Notes</h2></section>'
            '</body></html>')
    said = []
    returned = render.render_pdf(html, tmp_path / "one.pdf", base_url=tmp_path.as_uri() + "/",
                                 allowed_roots=[tmp_path],
                                 warn=lambda message, subtype: said.append(message))
    assert pdfread.page_texts(tmp_path / "one.pdf")[1].split() == ["Notes"]
    assert len(said) == 1 and len(returned) == 1 and "missing.png" in said[0], said
