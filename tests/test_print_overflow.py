"""Nothing of a book runs past the printed page: a picture outside a figure keeps to the
text block, and a table of many columns keeps every column (WeasyPrint clips what runs
over, so a strict build passed while a table lost its last three columns). Found building
a real Jupyter Book (issue 15)."""

import subprocess

import pikepdf
import pdfread
import pytest
from lxml import html as lhtml

TEXT_WIDTH_IN = 134 / 25.4   # the text block of a Letter or A4 page (paper-*.css)
COLUMNS = ["Feature", "alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf"]


@pytest.fixture(scope="module")
def pdf(built_root):
    result = built_root("handout", "print-overflow")
    assert result.warnings == "", result.warnings
    return result.outdir / "overflow-book.pdf"


def words(pdf):
    """(page width, [(word, xMin, xMax)]) of every page, from pdftotext's word boxes."""
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True,
                         text=True, check=True).stdout
    pages = []
    for page in lhtml.fromstring(out.encode()).iter("page"):
        pages.append((float(page.get("width")),
                      [(w.text, float(w.get("xmin")), float(w.get("xmax")))
                       for w in page.iter("word")]))
    return pages


def column_links(pdf):
    """{column name: [link boxes' right edge minus the page's right edge]}."""
    found = {}
    with pikepdf.open(pdf) as doc:
        for page in doc.pages:
            right = float(page.mediabox[2])
            for annot in page.get("/Annots", []):
                uri = str(annot.get("/A", {}).get("/URI", ""))
                name = uri.removeprefix("https://example.org/").split("/")[0]
                if name in COLUMNS:
                    found.setdefault(name, []).append(float(annot.Rect[2]) - right)
    return found


def test_a_wide_table_keeps_every_column_on_the_page(pdf):
    links = column_links(pdf)
    assert sorted(links) == sorted(COLUMNS[1:]), f"columns printed: {sorted(links)}"
    past = {name: edges for name, edges in links.items() if max(edges) > 0}
    assert not past, f"columns past the page's edge (points): {past}"
    over = [(w, round(x1)) for width, ws in words(pdf) for w, _, x1 in ws if x1 > width - 36]
    assert not over, f"words past the right margin: {over}"


def test_a_picture_outside_a_figure_keeps_to_the_text_block(pdf):
    listing = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True,
                             text=True, check=True).stdout.splitlines()[2:]
    shown = [(int(row.split()[3]), float(row.split()[12])) for row in listing
             if row.split()[2] == "image" and int(row.split()[3]) == 1600]
    assert shown, "the screenshot is not in the PDF"
    for pixels, ppi in shown:
        assert pixels / ppi <= TEXT_WIDTH_IN + 0.01, f"printed {pixels / ppi:.2f} in wide"


def test_a_heading_never_ends_up_alone_on_a_page(pdf):
    """A list of four items is kept with what leads into it, but not made unbreakable: four
    long items are taller than a page, and such a list left its heading alone on a page
    (a booklet's Sources page)."""
    body_of = [" ".join(page.split()[:-4]) for page in pdfread.page_texts(pdf)]  # less the footer
    alone = [n for n, text in enumerate(body_of, 1) if text.endswith("Four long items")]
    assert not alone, f"the heading is alone at the foot of page(s) {alone}"
    assert any("Four long items • Item 1." in text for text in body_of)


def test_a_link_to_a_heading_chapters_share_names_the_chapter(pdf):
    """Both chapters have "What you can do next": on paper, the link says which one."""
    text = " ".join(pdfread.text(pdf).split())
    page = next(n for n, t in enumerate(pdfread.page_texts(pdf), 1)
                if "Read the four items again" in t)
    assert f"See “What you can do next” (in “A Long Short List”, page {page}) before" in text, text


def _table(*rows):
    from docutils import nodes

    cols = len(rows[0])
    group = nodes.tgroup(cols=cols)
    group += [nodes.colspec(colwidth=1) for _ in range(cols)]
    head, body = nodes.thead(), nodes.tbody()
    for target, cells in ((head, rows[0]), *((body, r) for r in rows[1:])):
        target += nodes.row("", *(nodes.entry("", nodes.paragraph("", c)) for c in cells))
    group += [head, body]
    return nodes.table("", group)


def test_a_table_is_kept_turned_sideways_or_stacked_by_its_longest_words():
    """Never a word broken inside (issue 27, point 6) and never type under the body size:
    what fits stays, what fits a page turned sideways goes there, the rest is stacked with
    each cell under its heading."""
    from docutils import nodes
    from patientpress.print import singlefile

    fits = _table(["Month", "Rain"], ["May", "52"])
    smaller = _table(["Feature", "Alpha", "Bravo", "Charlie", "Delta", "Echo"],
                     ["Works", "yes", "yes", "yes", "yes", "often"])
    wide = _table(["Supplier", "Offers", "Capacity", "Deliveries", "Warranty",
                   "Installation", "Maintenance", "Certification", "Availability"],
                  ["Suppliersworth", "Tanks", "Two hundred", "Weekly", "Five years",
                   "Included", "Yearly", "Certified", "Nationwide"])
    sideways = _table(["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday",
                       "Sunday"], ["Mostly", "Mostly", "Mostly", "Mostly", "Mostly",
                                   "Mostly", "Mostly"])
    tree = nodes.section("", fits, smaller, sideways, wide)
    singlefile.mark_wide_tables(tree)
    assert [t["classes"] for t in (fits, smaller, sideways, wide)] == [
        [], ["sideways-table"], ["sideways-table"], ["stacked-table"]]
    labels = [c.astext() for c in wide.findall(nodes.inline) if "stacked-label" in c["classes"]]
    assert labels[:2] == ["Supplier", "Offers"] and len(labels) == 9
    assert singlefile.table_width_em(fits) <= singlefile.TEXT_BLOCK_EM


def test_a_web_address_counts_by_its_longest_part():
    from patientpress.print import singlefile

    # "https:/" and "example." are its longest parts, not the whole address.
    assert singlefile._longest_word("see https://example.org/a/very-long-page-name/") == len(
        "example.")
