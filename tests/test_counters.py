"""Page references without WeasyPrint's third pagination pass change no byte (issue 29):
patientpress.print.counters.

Every page holding a page reference (the contents' numbers, "(page 12)" after a
cross-reference) used to be laid out three times; the PDF must be the same with two. Each
document is rendered with WeasyPrint's own counter lookups and with ours, and the pages
WeasyPrint lays out are counted.
"""

import io
import re

import pytest
from pypdf import PdfReader

from patientpress.print import counters


def chapters(count=6, lines=40, numbers=False):
    """A book of ``count`` chapters on new pages, its contents first (page numbers with
    leaders, forward references), each chapter pointing back to the first and forward to
    the last; ``numbers``: a box whose content also reads the page counter itself (a local
    counter beside a target-counter)."""
    toc = "".join(f'<li><a href="#c{n}">Chapter {n}</a></li>' for n in range(count))
    body = "".join(
        f'<section class="chapter"><h1 id="c{n}">Chapter {n}</h1>'
        + "".join(f"<p>Line {i} of chapter {n}: check both feet each day.</p>"
                  for i in range(lines * (n % 3 + 1) // 2))
        + f'<p>See <a class="ref" href="#c0">the start</a> and '
          f'<a class="ref" href="#c{count - 1}">the end</a>.</p></section>'
        for n in range(count))
    local = ('.ref::before { content: "[on " counter(page) "] " }' if numbers else "")
    return f"""<html lang="en"><head><title>Feet</title><style>
    @page {{ size: A6; margin: 12mm; @bottom-right {{ content: counter(page) " of " counter(pages) }} }}
    body {{ font: 11px/1.4 sans-serif }} .chapter {{ break-before: page }}
    li a::after {{ content: leader(". ") target-counter(attr(href), page) }}
    .ref::after {{ content: " (page " target-counter(attr(href), page) ")" }} {local}
    </style></head><body><nav><ul>{toc}</ul></nav>{body}</body></html>"""


def render(html, pages=None):
    """(PDF bytes, pages laid out, pages, the HTML) of ``html`` as the installed lookups
    make it; ``pages``: the anchors' pages to build its references from (counters.seed)."""
    import weasyprint
    import weasyprint.layout.page as page

    source = weasyprint.HTML(string=html)
    counters.seed(source, pages)
    made, original = [], page.remake_page

    def counted(*args, **kwargs):
        made.append(1)
        return original(*args, **kwargs)

    page.remake_page = counted
    try:
        document = source.render()
    finally:
        page.remake_page = original
    return document.write_pdf(), len(made), len(document.pages), source


def both(html):
    counters.uninstall()
    try:
        theirs = render(html)
    finally:
        counters.install()
    return theirs, render(html)


@pytest.mark.parametrize("html", [
    chapters(), chapters(count=12, lines=30), chapters(numbers=True)],
    ids=["book", "two-digit-pages", "local-counter-too"])
def test_the_same_pdf_with_fewer_page_layouts(html):
    (theirs, their_layouts, pages, _), (ours, our_layouts, our_pages, _) = both(html)
    assert ours == theirs
    assert our_pages == pages
    assert our_layouts < their_layouts
    assert our_layouts <= 2 * pages   # one pass, and one more for the pages with references


def test_the_numbers_are_right():
    """The references print the pages their targets are on (the contents' numbers read
    back against where each chapter starts)."""
    counters.install()
    pdf, *_ = render(chapters(count=12, lines=30))
    reader = PdfReader(io.BytesIO(pdf))
    texts = [page.extract_text() for page in reader.pages]
    starts = {n: next(i + 1 for i, t in enumerate(texts) if re.search(rf"^Chapter {n}$", t, re.M))
              for n in range(12)}
    listed = {int(n): int(p) for n, p in re.findall(r"Chapter (\d+)[ .]*?(\d+)$", texts[0], re.M)}
    assert listed == starts and max(starts.values()) >= 10
    assert all(f"(page {starts[11]})" in t for t in texts[1:] if "the end" in t)


def test_every_render_puts_it_in_effect(tmp_path):
    from patientpress.print import render as rendering

    counters.uninstall()
    rendering.render_pdf(chapters(count=2, lines=4), tmp_path / "small.pdf",
                         base_url=tmp_path.as_uri() + "/", allowed_roots=[tmp_path],
                         warn=lambda message, subtype: pytest.fail(message))
    assert counters.installed()



def test_a_layout_seeded_with_the_pages_of_one_before_is_laid_out_once():
    """A second layout of the same text (a trial, a clinic edition from the memo) builds
    its references from the first's pages: one pass, the same bytes; a wrong guess (every
    number one page off) costs the passes it would have cost, and prints the same."""
    counters.install()
    html = chapters(count=12, lines=30)
    first, first_made, count, source = render(html)
    pages = counters.pages_of(source)
    assert pages and all(values["page"][0] >= 1 for values in pages.values())
    again, made, _, _ = render(html, pages)
    assert again == first
    assert made == count < first_made
    off = {name: {**values, "page": [values["page"][0] + 1]} for name, values in pages.items()}
    wrong, wrong_made, _, _ = render(html, off)
    assert wrong == first and wrong_made > count
