"""A chapter handout's notes page is decided in the handout's one layout (issue 29: "a
chapter handout's notes page decided without a second full layout"): print/lastnotes.py.

The handout is laid out with its notes page shown; when that makes the count odd, the
notes page is dropped before the running feet are made. The PDF must be byte for byte the
one the two-layout way gave: the text alone when it took an even number of pages, the text
and the notes page when it took an odd number.
"""

import re

import pytest
from pypdf import PdfReader

from patientpress.print import lastnotes, render


def handout(paragraphs: int, refs: bool = False) -> str:
    """A chapter handout shaped as page.html writes one: the text, the back page, then the
    notes page [hidden]; two pages a sheet; "Page X of Y" at the foot. ``refs``: a page
    reference to the back page (target-counter), so WeasyPrint paginates more than once."""
    text = "".join(f"<p>Paragraph {n}: numb feet need a daily look, in good light, for "
                   "cuts and blisters you may not feel.</p>" for n in range(paragraphs))
    ref = '<p>More help: <a href="#back">the back page</a>.</p>' if refs else ""
    return f"""<html lang="en"><head><title>Feet</title>
    <meta name="patientpress-pages-multiple-of" content="2"><style>
    @page {{ size: A6; margin: 10mm 10mm 16mm;
             @bottom-right {{ content: "Page " counter(page) " of " counter(pages) }} }}
    body {{ font: 12px/1.4 sans-serif; margin: 0 }} h2 {{ bookmark-level: 1 }}
    a::after {{ content: " (page " target-counter(attr(href), page) ")" }}
    .back-page, .notes-page {{ break-before: page }}</style></head>
    <body class="product-chapter"><main class="body"><h1>Your feet</h1>{ref}{text}</main>
    <section class="back-page" id="back"><h2>Before you go</h2><p>Ask your doctor.</p></section>
    <section class="notes-page notes-page-1" hidden>
      <h2 class="notes-title">Notes</h2><div class="notes-lines"></div>
    </section>
    </body></html>"""


def make_pdf(tmp_path, html, name):
    pdf = tmp_path / name
    render.render_pdf(html, pdf, base_url=tmp_path.as_uri() + "/", allowed_roots=[tmp_path],
                      warn=lambda message, subtype: pytest.fail(message))
    return pdf


def two_layout_way(tmp_path, html, text_pages, name):
    """The PDF the two-layout way gave: one plain layout of the text alone, or of the text
    with the notes page shown (the page count's meta taken out, so nothing is decided)."""
    plain = html.replace('<meta name="patientpress-pages-multiple-of" content="2">', "")
    if text_pages % 2:
        plain = plain.replace('notes-page-1" hidden>', 'notes-page-1">')
    return make_pdf(tmp_path, plain, name).read_bytes()


def feet(pdf):
    reader = PdfReader(pdf)
    return [re.search(r"Page \d+ of \d+", page.extract_text()).group(0)
            for page in reader.pages], reader


@pytest.mark.parametrize("refs", [False, True], ids=["one-pass", "page-references"])
@pytest.mark.parametrize("paragraphs", [3, 12, 20])
def test_the_notes_page_is_decided_in_one_layout(tmp_path, layouts, paragraphs, refs):
    html = handout(paragraphs, refs)
    assert render.notes_last(html)
    pdf = make_pdf(tmp_path, html, "handout.pdf")
    assert len(layouts) == 1
    numbers, reader = feet(pdf)
    count = len(reader.pages)
    assert count % 2 == 0
    assert numbers == [f"Page {n} of {count}" for n in range(1, count + 1)]
    has_notes = "Notes" in reader.pages[-1].extract_text()
    text_pages = count - has_notes
    assert "Before you go" in reader.pages[text_pages - 1].extract_text()
    outline = [item.title for item in reader.outline]
    assert ("Notes" in str(outline)) == has_notes
    assert pdf.read_bytes() == two_layout_way(tmp_path, html, text_pages, "reference.pdf")


def test_both_cases_are_tested():
    """The sizes above give a text of an odd and of an even number of pages."""
    import weasyprint

    counts = set()
    for paragraphs in (3, 12, 20):
        plain = handout(paragraphs).replace("patientpress-pages-multiple-of", "x")
        counts.add(len(weasyprint.HTML(string=plain).render().pages) % 2)
    assert counts == {0, 1}


def test_only_a_notes_page_laid_out_last_is_decided_so():
    """A booklet's notes pages (four pages a sheet) and a notes page before the back page
    are render.py's own two-layout way, not this module's."""
    assert render.notes_last(handout(12))
    assert not render.notes_last(handout(12).replace('content="2"', 'content="4"'))
    notes = re.search(r'\s*<section class="notes-page.*?</section>', handout(12), re.S).group(0)
    before_back = handout(12).replace(notes, "").replace(
        '<section class="back-page"', notes.strip() + '<section class="back-page"')
    assert not render.notes_last(before_back)


def test_an_unmarked_document_keeps_its_notes_page():
    """The wrap leaves a document it was not asked to decide alone: shown, a notes page
    that makes the count odd stays."""
    import weasyprint

    lastnotes.install()
    documents = [weasyprint.HTML(string=handout(n).replace('notes-page-1" hidden>',
                                                           'notes-page-1">')).render()
                 for n in (3, 12, 20)]
    assert all(lastnotes.shown(document) == 1 for document in documents)
    assert any(len(document.pages) % 2 for document in documents)
