"""The preflight (patientpress/print/preflight/): each check fires on a page made to fail it
and stays quiet on the same page made right. The pages are small tagged PDFs rendered by
WeasyPrint, as the builders render theirs: 100 x 102 mm pages, 10 mm margins, 5 mm lines
(16 lines a page), so where each line falls is known."""

import subprocess
import sys

import pytest

from conftest import LANGUAGES, PREFLIGHT_REPORT, built_in
from patientpress.print import preflight

PAGE = """<html lang="en"><style>
@page { size: 100mm 102mm; margin: 10mm; }
html { font: 12pt/5mm sans-serif; }
body { margin: 0; }
p, li, h1, h2, figcaption { margin: 0; }
ul { margin: 0; padding-left: 6mm; }
h1, h2 { font-size: 12pt; line-height: 5mm; break-after: avoid; }
</style>"""


def lines(n, word="Text"):
    return "".join(f"<p>{word} line {i}.</p>" for i in range(n))


def pdf_of(tmp_path, body, name="page.pdf"):
    import weasyprint

    path = tmp_path / name
    weasyprint.HTML(string=PAGE + body).write_pdf(path, pdf_variant="pdf/ua-1", pdf_tags=True)
    return path


def found(pdf, design=None):
    return [f.check for f in preflight.check(pdf, design)]


def test_a_page_number_that_is_not_where_its_heading_is(tmp_path):
    body = ('<p><a href="#far">Far away (page {})</a></p>' + lines(20)
            + '<h2 id="far">Far away</h2>' + lines(3))
    assert "page-reference" in found(pdf_of(tmp_path, body.format(1)))
    assert "page-reference" not in found(pdf_of(tmp_path, body.format(2)))


def test_page_zero_is_a_finding(tmp_path):
    pdf = pdf_of(tmp_path, "<p>See the list (page 0).</p>" + lines(3))
    assert "page-reference" in found(pdf)


def test_text_under_the_body_size(tmp_path):
    small = '<p style="font-size: 9pt">Small print a reader cannot read.</p>'
    assert "type-size" in found(pdf_of(tmp_path, lines(10) + small))
    assert "type-size" not in found(pdf_of(tmp_path, lines(11)))
    # The size a product asks for, whatever most of its text is set in.
    assert "type-size" in found(pdf_of(tmp_path, lines(11)), preflight.Design(min_size=18))


def test_a_page_under_a_quarter_full(tmp_path):
    broken = lines(16) + lines(2, "Stranded") + '<p style="break-before: page">Next.</p>' \
        + lines(40)
    assert "page-fill" in found(pdf_of(tmp_path, broken))
    assert "page-fill" not in found(pdf_of(tmp_path, lines(16) + lines(42)))


def chapters(tail):
    return ("<h1>One</h1>" + lines(15 + 15 + tail) + '<h1 style="break-before: page">Two</h1>'
            + lines(20) + '<h1 style="break-before: page">Back</h1><p>Bye.</p>')


def test_a_chapter_tail_of_three_lines_or_fewer(tmp_path):
    assert "chapter-tail" in found(pdf_of(tmp_path, chapters(tail=2)))
    assert "chapter-tail" not in found(pdf_of(tmp_path, chapters(tail=8)))
    # A chapter handout flows: its chapter does not start a page.
    flowing = preflight.Design(chapters_on_new_pages=False)
    assert "chapter-tail" not in found(pdf_of(tmp_path, chapters(tail=2)), flowing)


def test_a_heading_at_the_foot_of_a_page(tmp_path):
    # A theme without keep-with-next (print.css has it: h2 break-after: avoid).
    body = ('{}<h2 style="break-after: auto">Heading</h2>{}'
            '<p style="break-before: page">Next.</p>' + lines(30))
    assert "heading-at-foot" in found(pdf_of(tmp_path, body.format(lines(15), "")))
    assert "heading-at-foot" not in found(pdf_of(tmp_path, body.format(lines(13),
                                                                       lines(2, "After"))))


def box(avoid):
    return (lines(13) + f'<div style="border: 1pt solid; break-inside: {avoid}">'
            + lines(6, "In the box") + "</div>" + lines(30))


def test_a_box_that_fits_a_page_split_over_two(tmp_path):
    assert "split-box" in found(pdf_of(tmp_path, box("auto")))
    assert "split-box" not in found(pdf_of(tmp_path, box("avoid")))


def short_list(last):
    return (lines(16 + 12) + "<ul>" + "".join(f"<li>Item {i}.</li>" for i in range(3))
            + "</ul>").replace("<li>Item 2.</li>", f'<li style="break-before: {last}">Item 2.</li>') \
        + lines(30)


def test_a_short_list_that_leaves_one_item_alone(tmp_path):
    assert "short-list" in found(pdf_of(tmp_path, short_list("page")))
    assert "short-list" not in found(pdf_of(tmp_path, short_list("auto")))


FIGURE = ('<figure style="margin: 0"><img alt="A drawing" style="height: {}mm; width: 40mm" '
          'src="data:image/svg+xml,%3Csvg xmlns=%22http://www.w3.org/2000/svg%22 '
          'viewBox=%220 0 10 10%22%3E%3Crect width=%2210%22 height=%2210%22/%3E%3C/svg%3E">'
          "</figure>")


def test_a_lead_in_on_another_page_than_its_figure(tmp_path):
    body = lines(16 + 8) + "<p>The drawing below shows it:</p>" + FIGURE + lines(30)
    assert "figure-lead-in" in found(pdf_of(tmp_path, body.format(40)))
    assert "figure-lead-in" not in found(pdf_of(tmp_path, body.format(20)))


def test_a_clinic_detail_printed_nowhere(tmp_path):
    pdf = pdf_of(tmp_path, "<p>Riverside Clinic, phone +1 555 0100.</p>" + lines(3))
    expect = preflight.Design(expect=("Riverside Clinic", "Mon to Fri 9-5"))
    assert found(pdf, expect) == ["clinic-detail"]
    assert found(pdf, preflight.Design(expect=("Riverside Clinic", "+1 555 0100"))) == []


def product(cover, back):
    return ('<div style="height: 80mm">Cover</div>' + lines(cover)
            + '<h1 style="break-before: page">Book</h1>' + lines(40)
            + '<h1 style="break-before: page">Before you go</h1>' + lines(back))


def test_a_cover_or_back_page_run_over(tmp_path):
    designed = preflight.Design(cover_and_back=True)
    assert found(pdf_of(tmp_path, product(6, 20)), designed).count("length") == 2
    assert "length" not in found(pdf_of(tmp_path, product(0, 8)), designed)
    assert "length" not in found(pdf_of(tmp_path, product(6, 20)))   # any other PDF


def test_a_word_broken_but_at_a_hyphen_or_an_address_break(tmp_path):
    column = '<table style="width: 15mm"><tr><td style="overflow-wrap: anywhere">{}</td></tr></table>'
    broken = pdf_of(tmp_path, lines(3) + "<p>Stepladders are tall.</p>" + column.format("Stepladders"))
    assert "broken-word" in found(broken)
    wrapped = pdf_of(tmp_path, lines(3) + column.format("Step by step, https://example.org/"
                                                        "a/b/c/d/e"))
    assert "broken-word" not in found(wrapped)


def test_text_outside_the_text_block(tmp_path):
    body = lines(20) + '<p style="margin-left: -8mm">Pushed into the margin.</p>' + lines(20)
    assert "outside" in found(pdf_of(tmp_path, body))
    assert "outside" not in found(pdf_of(tmp_path, body.replace("-8mm", "0")))


def test_a_book_of_code_has_its_text_block_where_its_running_foot_starts(tmp_path):
    """More lines start inside the code blocks' padding than at the text block's edge (a
    real book's pages of code): the running foot says where the block starts."""
    code = "<pre style='margin: 0; padding-left: 5mm'>" + "\n".join(
        f"x = {i}" for i in range(14)) + "</pre>"
    foot = "<style>@page { @bottom-left { content: 'A book of code' } }</style>"
    body = foot + (lines(2) + code) * 4
    assert "outside" not in found(pdf_of(tmp_path, body))
    pushed = body.replace(code, '<p style="margin-left: -8mm">Pushed.</p>' + code).replace(
        '<p style="margin-left: -8mm">Pushed.</p>', "", 2)   # the third block's, page 2 or 3
    assert "outside" in found(pdf_of(tmp_path, pushed))
    assert "outside" in found(pdf_of(tmp_path, body.replace(foot, "")))   # the foot's work


def test_every_check_is_quiet_on_a_plain_book(tmp_path):
    body = ("<h1>One</h1>" + lines(40) + '<h1 style="break-before: page">Two</h1>' + lines(40))
    assert found(pdf_of(tmp_path, body)) == []


def test_the_command_reports_and_fails_on_a_finding(tmp_path):
    bad = pdf_of(tmp_path, lines(10) + '<p style="font-size: 9pt">Small.</p>', "bad.pdf")
    good = pdf_of(tmp_path, lines(10), "good.pdf")
    run = subprocess.run([sys.executable, "-m", "patientpress.print.preflight", str(good),
                          str(bad)], capture_output=True, text=True)
    assert run.returncode == 1
    assert f"{bad}: page 1:" in run.stdout and "[preflight.type-size]" in run.stdout
    assert str(good) not in run.stdout and f"{good}: 0 finding(s)" in run.stderr
    assert subprocess.run([sys.executable, "-m", "patientpress.print.preflight", str(good)],
                          capture_output=True).returncode == 0


@pytest.mark.parametrize("text, number", [
    ("“How Stem Cells Might Help” (page 11)", 11),
    ("What you can do next (in “Chapter”, page 9)", 9),
    ("check a trial , page 24", 24),
    ("Sources . . . . . . 37", 37),
    ("“Cómo elegir” (página 23)", 23),
    ("Type 2 diabetes", None),
    ("(1)", None),
    ("the first chapter (in “What Is Peripheral Neuropathy? (edit 1)”,", None),
    ("“Lo que puede hacer (paso 2)”", None),
])
def test_the_page_number_a_link_prints(text, number):
    assert preflight.reading.printed_page(text) == number


# -- in the build: a finding is a warning a strict build fails on, and a book may allow ----

def a_finding(doc, design):
    """A check that always finds something (the real ones are shown to fire above)."""
    yield preflight.Finding("made-up", 1, "a finding made for this test")


@pytest.fixture
def always_finds(monkeypatch):
    monkeypatch.setattr(preflight, "CHECKS", (a_finding,))


def build(tmp_path, rootdir, **conf):
    from conftest import build_in_process

    src = tmp_path / "src"
    if not src.exists():
        import shutil

        shutil.copytree(rootdir / "test-print-book", src)
    # Rendered in the build process, where the test's check list is.
    return build_in_process("handout", src, tmp_path / "_build",
                            {"handout_products": ["book"], "handout_workers": -1, **conf},
                            freshenv=False)


def test_a_finding_is_a_warning_of_its_own_type(tmp_path, rootdir, always_finds):
    built = build(tmp_path, rootdir)
    assert ("WARNING: preflight of print-test-book.pdf, page 1: a finding made for this test "
            "[patientpress.preflight.made-up]") in built.warnings
    # Restored from the render cache, the PDF is reported again: a strict rebuild fails too.
    again = build(tmp_path, rootdir)
    assert "unchanged, kept: print-test-book.pdf" in again.status
    assert "[patientpress.preflight.made-up]" in again.warnings


def test_a_book_may_allow_a_finding_on_purpose(tmp_path, rootdir, always_finds):
    built = build(tmp_path, rootdir, suppress_warnings=["patientpress.preflight.made-up"])
    assert "preflight" not in built.warnings


# -- the book's own PDFs, as `make preflight` reads them ------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_pdf_of_the_book_passes_the_preflight(request, language):
    """The session's strict whole-book build already failed on any finding; this reads its
    PDFs again as `make preflight` does and puts the report in the run's summary."""
    out = built_in(request, "handout", language)
    run = subprocess.run([sys.executable, "-m", "patientpress.print.preflight", str(out)],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stdout
    summary = run.stderr.strip().splitlines()[-1]
    assert summary.startswith("preflight: ") and summary.endswith(" 0 finding(s)"), summary
    read = [line for line in run.stderr.splitlines() if line.endswith(".pdf: 0 finding(s)")]
    assert len(read) == len(list(out.rglob("*.pdf")))
    PREFLIGHT_REPORT.append(f"[{language}] {summary}")


# -- the text runs, read from the content streams as pypdf reads them ----------------------

def runs_both_ways(pdf):
    """(the runs :mod:`preflight.content` reads, pypdf's) of every page of ``pdf``."""
    import pikepdf

    from patientpress.print.preflight import content, reading

    with pikepdf.open(pdf) as opened:
        fast = reading._content_runs(opened, content)
    return fast, list(reading.pypdf_runs(pdf))


def test_the_content_reader_gives_pypdfs_runs_on_a_page_of_each_kind(tmp_path):
    """Headings, a list, a box, a link with its page number, a figure with words drawn in
    it (an SVG in a form XObject), code, bold and plain on one line, running heads."""
    figure = ('<figure><svg xmlns="http://www.w3.org/2000/svg" width="200" height="60">'
              '<text x="10" y="30" font-size="14">Nerve</text>'
              '<text x="80" y="50" font-size="14">fiber</text></svg>'
              '<figcaption>A drawing with words</figcaption></figure>')
    body = (f'<h1 id="top">A chapter</h1>{lines(6)}<ul><li>One</li><li>Two</li></ul>'
            f'<div style="border: 1pt solid">A box with <b>bold</b> and <code>code()</code>'
            f'</div><p>See <a href="#top">A chapter</a> on page 1.</p>{figure}{lines(30)}')
    pdf = pdf_of(tmp_path, body)
    fast, slow = runs_both_ways(pdf)
    assert fast == slow
    assert any("Nerve" in run[2] for page in fast for run in page)


@pytest.mark.slow
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_content_reader_gives_pypdfs_runs_on_every_pdf_of_the_book(request, language):
    out = built_in(request, "handout", language)
    pdfs = sorted(out.rglob("*.pdf"))
    assert len(pdfs) >= 6
    for pdf in pdfs:
        fast, slow = runs_both_ways(pdf)
        assert fast == slow, pdf.name


def test_a_pdf_the_content_reader_does_not_follow_is_read_by_pypdf(tmp_path, monkeypatch):
    from patientpress.print.preflight import content, reading

    pdf = pdf_of(tmp_path, f"<h1>Title</h1>{lines(5)}")

    def refuse(*_args):
        raise content.Unsupported("a test")

    monkeypatch.setattr(content, "page_runs", refuse)
    assert reading.page_runs(pdf) == list(reading.pypdf_runs(pdf))
    assert any("Title" in run[2] for run in reading.page_runs(pdf)[0])
