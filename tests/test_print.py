"""The printed handouts read back from their PDFs: paper, fonts, type sizes, contents page,
running heads, QR codes, cover and back page."""

import subprocess
from collections import Counter

import pytest

import pdfread

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
    for number, page in enumerate(pdfread.page_texts(pdf)[1:], 2):
        assert f"Page {number} of {pdfread.info(pdf)['pages']}" in page


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


def test_back_page_points_to_the_questions_and_the_online_edition(printed):
    pdf = printed / "print-test-book.pdf"
    pages = dict((t, p) for _, t, p in pdfread.outline(pdf))
    back = " ".join(pdfread.text(pdf, pages["Before you go"], pages["Before you go"]).split())
    back = back.replace("/ ", "/")   # an address wraps only after a slash
    assert f"Questions to Ask, page {pages['Questions to Ask']}" in back
    assert "not medical advice" in back and "print-test.example.org/en/latest/" in back
    assert "Bring this page to every visit." in back   # handout_back_notice from conf.py
    chapter = " ".join(pdfread.text(printed / "chapters" / "02-long.pdf").split())
    assert ONLINE + "questions.html" in chapter.replace("/ ", "/")


def test_links_print_as_addresses_a_reader_can_type(printed):
    text = " ".join(pdfread.text(printed / "print-test-book.pdf").split())
    assert "the test site (https://example.org/more)" in text
