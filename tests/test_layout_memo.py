"""A clinic edition whose text is another's takes that one's layout decisions (issue 29,
point 5: "one more clinic edition"): caches.LayoutMemo.

Deciding a book's layout takes up to five layouts (a figure made to fit, chapter tails
pulled back twice, the notes pages); the decisions depend on the text and its stylesheets,
not on the clinic's cover and back page. With the memo the second edition is laid out
once, and its PDF is byte for byte the one deciding again gives.
"""

import pytest

from patientpress.clinics import editions
from patientpress.print import caches, render


def document(tmp_path, cover="Given by: Short Clinic", back="Phone 555 0101", body_extra="",
             kind="book", sheet=""):
    """A small print document shaped as page.html writes one: a cover page, the text in
    <main class="body"> (a lead-in and a figure that just misses its page, so the first
    layout is followed by a fitted one), notes pages, a back page; four pages a sheet, so
    the three pages printed get one notes page."""
    (tmp_path / "road.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="300" height="400" viewBox="0 0 300 400">'
        '<rect width="300" height="400" fill="#ccc"/></svg>')
    notes = "".join(f'<section class="notes-page notes-page-{n}" hidden><h2>Notes</h2></section>'
                    for n in (1, 2, 3))
    return f"""<html lang="en"><head><title>Road</title>
    <meta name="patientpress-pages-multiple-of" content="4"><style>
    @page {{ size: A6; margin: 10mm }} body {{ font: 12px/1.25 sans-serif; margin: 0 }}
    p {{ margin: 0 0 12px }} figure {{ margin: 12px 0; break-inside: avoid }}
    figure img {{ display: block }} .cover {{ break-after: page }}
    .notes-page, .back-page {{ break-before: page }} h2 {{ bookmark-level: 1 }} {sheet}</style></head>
    <body class="product-{kind} edition-book"><div class="cover"><p>{cover}</p></div>
    <main class="body"><h1>The road</h1>
    <p>The drawing below shows the road a new treatment travels, from the lab to you.</p>
    <figure id="road"><img src="road.svg" alt="A road" style="width: 100%">
    <figcaption>The road from the lab to an approved treatment.</figcaption></figure>
    {body_extra}</main>
    {notes}<section class="back-page"><h2>Your clinic</h2><p>{back}</p></section>
    </body></html>"""


def make_pdf(tmp_path, html, name, memo=None):
    pdf = tmp_path / name
    render.render_pdf(html, pdf, base_url=tmp_path.as_uri() + "/", allowed_roots=[tmp_path],
                      memo=memo, warn=lambda message, subtype: pytest.fail(message))
    return pdf.read_bytes()


def test_a_second_edition_is_laid_out_once_and_prints_the_same_bytes(tmp_path, layouts):
    memo = caches.LayoutMemo(tmp_path / "memo", salt="test")
    first = document(tmp_path)
    make_pdf(tmp_path, first, "first.pdf", memo)
    assert len(layouts) == 3          # the first layout, the fitted figure, the notes pages
    (entry,) = (tmp_path / "memo").glob("*.json")
    rules, notes = memo.recall(entry.stem)
    assert len(rules) == 1 and 'figure[id="road"] img' in rules[0]   # the fit rule kept
    assert notes == 1                 # three pages and one notes page: a sheet of four

    layouts.clear()
    second = document(tmp_path, cover="Given by: Riverside Regional Peripheral Nerve Clinic",
                      back="Phone +1 541 555 0100 ext. 4321")
    with_memo = make_pdf(tmp_path, second, "second.pdf", memo)
    assert len(layouts) == 1
    assert with_memo == make_pdf(tmp_path, second, "second-decided-again.pdf")


def test_a_back_page_that_changes_the_count_gets_its_own_notes_pages(tmp_path, layouts):
    memo = caches.LayoutMemo(tmp_path / "memo", salt="test")
    make_pdf(tmp_path, document(tmp_path), "first.pdf", memo)
    layouts.clear()
    long_back = document(tmp_path, back="<br>".join(["Open every weekday, 8 to 5"] * 30))
    with_memo = make_pdf(tmp_path, long_back, "second.pdf", memo)
    assert len(layouts) == 2          # the memo's notes pages made five pages: laid out again
    assert with_memo == make_pdf(tmp_path, long_back, "second-decided-again.pdf")


def test_the_key_is_the_text_and_its_stylesheets_not_the_clinic(tmp_path):
    memo = caches.LayoutMemo(tmp_path, salt="test")
    key = memo.key(document(tmp_path))
    assert memo.key(document(tmp_path, cover="Another clinic", back="Another phone")) == key
    assert memo.key(document(tmp_path, body_extra="<p>One more line.</p>")) != key
    assert memo.key(document(tmp_path, sheet="p { line-height: 2 }")) != key
    assert memo.key(document(tmp_path), ["p { color: red }"]) != key
    assert caches.LayoutMemo(tmp_path, salt="another package").key(document(tmp_path)) != key
    # A chapter handout's text follows its title band, clinic box and all: the whole of it.
    chapter = memo.key(document(tmp_path, kind="chapter"))
    assert memo.key(document(tmp_path, kind="chapter", cover="Another clinic")) != chapter


def test_a_variant_that_runs_over_is_given_up_after_its_first_layout(tmp_path, layouts):
    """A clinic's cover or back page that runs over is found on the first layout
    (editions.spill_of, from the bookmarks), before anything is decided or written; the
    words are those editions.spill reads from the finished PDF's outline."""
    long_back = document(tmp_path, back="<br>".join(["Open every weekday, 8 to 5"] * 30))
    written = tmp_path / "written.pdf"
    render.render_pdf(long_back, written, base_url=tmp_path.as_uri() + "/",
                      allowed_roots=[tmp_path], warn=lambda message, subtype: None)
    spilled = editions.spill(written)
    assert spilled and spilled[0].startswith("the back page runs onto")
    layouts.clear()
    with pytest.raises(render.Rejected) as rejected:
        render.render_pdf(long_back, tmp_path / "given-up.pdf", base_url=tmp_path.as_uri() + "/",
                          allowed_roots=[tmp_path], warn=lambda message, subtype: None,
                          check=editions.spill_of)
    assert rejected.value.problems == spilled
    assert len(layouts) == 1 and not (tmp_path / "given-up.pdf").exists()
    # A document that fits passes the check and is laid out as before.
    fits = document(tmp_path)
    assert make_pdf(tmp_path, fits, "checked.pdf") == make_pdf(tmp_path, fits, "plain.pdf")
