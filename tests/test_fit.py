"""Every printed product fits: the print test book as every product (whole book, large
print, booklet, chapter handouts) x paper (Letter, A4) x clinic details (none; short; a wide,
a square and a tall logo; long; at the schema's limits: an accented 70-character name, four
address lines, three lines of hours, a wide logo, a reviewer and feedback), read back from
the PDFs.

A cover and a back page are one page each, with the clinic's name and phone; any clinic the
schema accepts prints: details that do not fit, even set tighter (tight.css), get a page of
their own inside the cover (roomy.css), never a silent spill (patientpress/clinics/editions.py),
and every PDF passes the preflight (the build fails a PDF with a finding). Every page's text, read with its place on
the page (``pdftotext -bbox-layout``), shows no blank page and no page of a few spilled
words (a ruled notes page aside), a contents list on one page, chapter handouts that open
with their title band and have an even page count, and booklets whose leftover pages are
notes pages before the back cover.
"""

import contextlib
import io
import subprocess
from pathlib import Path

import pytest
import yaml

import pdfread
from conftest import LANGUAGES
from patientpress.print import booklet
from patientpress import i18n
from patientpress.clinics import command as clinics
from patientpress.clinics import editions
from test_clinics import text_of_half   # a booklet sheet's halves: back cover | cover

SHORT = """\
name: Short Clinic {paper}
address: 1 Main Street
phone: "+1 555 0101"
web: https://short.example.org/
paper: {paper}
large_print: true
"""
LOGO = SHORT.replace("Short Clinic", "Logo Clinic") + "logo: {logo}.svg\n"
LONG = """\
name: "Clínica Regional de Nervios Periféricos y Pie Diabético Señora Núñez {paper}"
address:
  - Building C, Third Floor, Suite 310, East Wing
  - 1234 Northwestern Boulevard South Extension
  - Riverside Medical Campus, Gate 7 Entrance
  - Springfield Metropolitan Area, OR 97477-1234
phone: "+1 541 555 0100 ext. 4321"
web: https://www.the-very-long-named-regional-clinic.example.org/patients/neuropathy/
hours:
  - Monday to Thursday, 7:30 am to 6:30 pm
  - Friday, 7:30 am to 4 pm, Saturday 9 am to noon
  - Closed on Sundays and on public holidays
logo: wide.svg
paper: {paper}
large_print: true
qr: https://www.the-very-long-named-regional-clinic.example.org/guides/neuropathy/
reviewed_by: "Dr Ana María Ruiz-Peñalosa, neurologist, and the clinic's patient panel"
feedback: "Write to the front desk, or email guides@the-very-long-named-regional-clinic.example.org"
"""
# Long, but within what a cover and a back page hold (set tighter if need be).
LONGISH = """\
name: "Riverside Regional Peripheral Nerve and Foot Clinic {paper}"
address:
  - Building C, Third Floor, Suite 310
  - 1234 Northwestern Boulevard South
  - Springfield, OR 97477-1234
phone: "+1 541 555 0100 ext. 4321"
web: https://www.riverside-regional-clinic.example.org/patients/
hours:
  - Monday to Thursday, 7:30 am to 6:30 pm
  - Friday, 7:30 am to 4 pm
logo: wide.svg
paper: {paper}
large_print: true
qr: https://www.riverside-regional-clinic.example.org/guides/neuropathy/
"""
LOGOS = {"wide": (600, 100), "square": (100, 100), "tall": (100, 600)}
PHONES = {"short": "+1 555 0101", "wide": "+1 555 0101", "square": "+1 555 0101",
          "tall": "+1 555 0101", "riverside": "+1 541 555 0100 ext. 4321",
          "clinica-regional": "+1 541 555 0100 ext. 4321"}
PAPERS = ("letter", "a4")
CLINICS = len(PAPERS) * (1 + len(LOGOS) + 2)   # per paper: short, each logo, longish, long


def svg(width, height):
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}">'
            f'<rect width="{width}" height="{height}" fill="#003f7d"/></svg>')


@pytest.fixture(scope="module")
def editions_built(built_root, tmp_path_factory):
    """One batch: every clinic on both papers, every product; (output folder, stdout, stderr)."""
    result = built_root("handout", "print-book")
    assert result.warnings == "", result.warnings
    src = result.outdir.parent.parent / "src"
    folder = tmp_path_factory.mktemp("fit-clinics")
    for name, size in LOGOS.items():
        (folder / f"{name}.svg").write_text(svg(*size))
    for paper in PAPERS:
        (folder / f"short-{paper}.yaml").write_text(SHORT.format(paper=paper))
        for logo in LOGOS:
            (folder / f"{logo}-{paper}.yaml").write_text(
                LOGO.format(paper=paper, logo=logo).replace("Logo Clinic", f"{logo} Clinic"))
        (folder / f"long-{paper}.yaml").write_text(LONG.format(paper=paper))
        (folder / f"longish-{paper}.yaml").write_text(LONGISH.format(paper=paper))
    out = tmp_path_factory.mktemp("fit-out")
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        code = clinics.main([str(folder), "--source", str(src), "--conf", str(src),
                             "--doctrees", str(result.doctreedir), "--out", str(out),
                             "--no-progress", "--products", "book", "large-print", "booklet",
                             "chapters"])
    return code, out, stdout.getvalue(), stderr.getvalue()


def squash(text):
    return " ".join(text.split())


MM = 72 / 25.4
#: The page furniture's bands, in mm from the top and from the bottom of a page: the running
#: head sits above the first, the footer below the second (print.css, booklet.css).
FURNITURE = {"page": (22, 22.5), "booklet": (14.5, 17.5)}
#: The print theme's words these checks look for, in every language of the book.
NOTES = tuple(i18n.gettext(language, words) for language in LANGUAGES
              for words in ("Notes", "Questions for my doctor"))
CONTENTS = {i18n.gettext(language, "Contents") for language in LANGUAGES}
CHAPTER_KICKERS = tuple(i18n.gettext(language, "Patient handout from the guide")
                        for language in LANGUAGES)
FEW_WORDS = 12   # fewer words than this on a page of text: a spill-over
CLINIC_PAGE = {i18n.gettext(language, "Your clinic") for language in LANGUAGES}


def page_words(pdf, booklet_sheets=False):
    """The words of each page's text, without the running head and the footer, in reading
    order; an imposed booklet's sheet sides are cut in halves and put back in page order."""
    from lxml import html as lhtml

    layout = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True,
                            check=True).stdout
    top, bottom = FURNITURE["booklet" if booklet_sheets else "page"]
    pages = []
    for page in lhtml.fromstring(layout.decode("utf-8")).iter("page"):
        width, height = float(page.get("width")), float(page.get("height"))
        halves = ([[], []] if booklet_sheets else [[]])
        for word in page.iter("word"):
            y0, y1 = float(word.get("ymin")), float(word.get("ymax"))
            if y1 < top * MM or y0 > height - bottom * MM:
                continue
            half = int(float(word.get("xmin")) >= width / 2) if booklet_sheets else 0
            halves[half].append(word.text)
        pages.extend(halves)
    if not booklet_sheets:
        return pages
    reading = [None] * len(pages)
    for side, positions in enumerate(booklet.fold_order(len(pages))):
        for half, position in enumerate(positions):
            reading[position] = pages[2 * side + half]
    return reading


STRANDED = 0.75   # of the text block left empty under a page's last line


def stranded_pages(pdf, headings=()):
    """The pages, but the last, whose text stops in the top quarter of the text block while
    the next page does not start with one of ``headings`` (a chapter's last lines before the
    next chapter's new page are fine): a figure that did not fit left the sentence leading
    into it alone on a page."""
    from lxml import html as lhtml

    layout = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True,
                            check=True).stdout
    top, bottom = FURNITURE["page"]
    pages = []
    for page in lhtml.fromstring(layout.decode("utf-8")).iter("page"):
        height = float(page.get("height"))
        lines = sorted((float(line.get("ymin")), float(line.get("ymax")),
                        " ".join(w.text for w in line.iter("word"))) for line in page.iter("line")
                       if top * MM <= float(line.get("ymin")) <= height - bottom * MM)
        pages.append((height, lines))
    stranded = []
    for number, ((height, lines), (_, following)) in enumerate(zip(pages, pages[1:]), 1):
        if not lines or not following:
            continue
        block = height - (top + bottom) * MM
        empty = (height - bottom * MM - lines[-1][1]) / block
        opening = following[0][2]
        if is_notes(opening.split()):
            continue   # the text's last page, before the ruled pages that make up the count
        if empty > STRANDED and not any(heading.startswith(opening[:30]) for heading in headings):
            stranded.append(f"page {number} stops {empty:.0%} above its foot, before "
                            f"{opening[:40]!r}")
    return stranded


def is_notes(words):
    return " ".join(words).startswith(NOTES)


def layout_problems(pages, contents=(), headings=()):
    """What is wrong with a product's pages (``page_words``): a blank page, a page of a few
    spilled words (a notes page, or a page where a section starts, with one of its
    ``headings``, aside), a contents list (``contents``: its titles) not whole on one page."""
    problems = []
    for number, words in enumerate(pages, 1):
        text = " ".join(words)
        if not words:
            problems.append(f"page {number} is blank")
        elif (len(words) < FEW_WORDS and not is_notes(words)
              and not any(heading in text for heading in headings)):
            problems.append(f"page {number} holds only {text!r}")
    if contents and not any(CONTENTS & set(words)
                            and all(title in " ".join(words) for title in contents)
                            for words in pages):
        problems.append(f"the contents ({', '.join(contents)}) are not on one page")
    return problems


def contents_of(pdf):
    """The titles the contents list: the outline's chapters (the book's title and the back
    page, its first and last entries, aside, and a clinic's page inside the cover)."""
    entries = [(level, title) for level, title, _page in pdfread.outline(pdf)
               if title not in CLINIC_PAGE]
    return [title for level, title in entries[1:-1] if level == 1]


def headings_of(pdf):
    return [title for _level, title, _page in pdfread.outline(pdf)]


def book_problems(pdf, outline_of=None):
    """``layout_problems`` of a whole book (a booklet: ``outline_of`` the same book's
    handout, since imposing drops the outline)."""
    outline_of = outline_of or pdf
    return layout_problems(page_words(pdf, booklet_sheets=outline_of != pdf),
                           contents_of(outline_of), headings_of(outline_of)) + [
        f"page {n}: a box is {share:.0%} of the page high below its last line"
        for n, share in empty_boxes(pdf)] + (
        stranded_pages(pdf, headings_of(pdf)) if outline_of == pdf else [])


def phone_of(pdf):
    return next(phone for start, phone in PHONES.items()
                if pdf.relative_to(pdf.parents[1] if pdf.parent.name == "chapters"
                                   else pdf.parent).name.startswith(start))


@pytest.mark.parametrize("paper", PAPERS)
def test_the_books_own_products_fit(built_root, paper):
    out = built_root("handout", "print-book", handout_paper=paper).outdir
    for pdf in (out / "print-test-book.pdf", out / "print-test-book-large-print.pdf"):
        assert editions.spill(pdf) == [], pdf.name
        pages = pdfread.page_texts(pdf)
        assert "Before you go" in pages[-1] and "Given to you by" in pages[0]
        assert book_problems(pdf) == [], pdf.name
    handouts = sorted((out / "chapters").glob("*.pdf"))
    assert handouts
    for pdf in handouts:
        assert chapter_handout_problems(pdf) == [], pdf.name


EMPTY_BOX = 0.1   # of the page's height: about three lines of a box with nothing in them
#: Grey levels: the boxes' light fill (print.css's --tint, not white), and ink.
TINT = bytes(int(225 <= shade < 250) for shade in range(256))
INK = bytes(int(shade < 120) for shade in range(256))


def empty_boxes(pdf, dpi=40):
    """[(page, empty share of the page's height)] for each tinted box (an admonition, the
    key points) whose last line of text stops more than EMPTY_BOX above its bottom edge, as
    the page looks printed: a box split over a page is drawn down to the page's foot, and
    what did not fit below its first point left a tall empty box on page 1."""
    import tempfile

    from PIL import Image

    found = []
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-png", str(pdf), f"{folder}/p"],
                       check=True)
        for number, png in enumerate(sorted(Path(folder).glob("p-*.png")), 1):
            image = Image.open(png).convert("L")
            width, height = image.size
            pixels = image.tobytes()   # one byte per pixel, row after row
            rows = [pixels[y * width:(y + 1) * width] for y in range(height)]

            y = 0
            while y < height:
                row = rows[y].translate(TINT)
                if row.count(1) > 0.3 * width:
                    left, right = row.index(1) + 2, row.rindex(1) - 2   # inside the borders
                    last_ink = y
                    while y < height and rows[y].translate(TINT).count(1) > 0.15 * width:
                        if rows[y][left:right].translate(INK).count(1) > 1:
                            last_ink = y
                        y += 1
                    if (y - last_ink) / height > EMPTY_BOX:
                        found.append((number, round((y - last_ink) / height, 2)))
                y += 1
    return found


def chapter_handout_problems(pdf):
    """A chapter handout: its title band and its chapter's heading on page 1, an even page
    count (a ruled notes page makes it up), no blank or near-empty page."""
    pages = page_words(pdf)
    first = " ".join(pages[0])
    heading = pdfread.outline(pdf)[0][1]
    problems = layout_problems(pages, headings=headings_of(pdf))
    if not first.startswith(CHAPTER_KICKERS) or heading not in first:
        problems.append(f"page 1 has no title band over {heading!r}: {first[:80]!r}")
    if len(pages) % 2:
        problems.append(f"{len(pages)} pages: an odd count")
    problems += [f"page {n} is a notes page before the end" for n, words in
                 enumerate(pages[:-1], 1) if is_notes(words)]
    problems += [f"page {n}: a box is {share:.0%} of the page high below its last line"
                 for n, share in empty_boxes(pdf)]
    return problems + stranded_pages(pdf, headings_of(pdf))


def test_every_clinic_has_one_cover_and_one_back_page(editions_built):
    code, out, stdout, stderr = editions_built
    assert code == 0, stderr
    written = sorted(out.rglob("*.pdf"))
    made = {p.name for p in out.iterdir() if p.is_dir()}
    assert len(made) == CLINICS
    assert len(written) == CLINICS * 5   # five PDFs each
    for pdf in written:
        name = pdf.name
        if name.endswith("-booklet.pdf"):
            continue   # imposed two-up: checked below, from the sheet's halves
        pages = [squash(p) for p in pdfread.page_texts(pdf)]
        phone = phone_of(pdf)
        if "/chapters/" in pdf.as_posix():
            assert "Given to you by:" in pages[0] and phone in pages[0], pdf
            assert chapter_handout_problems(pdf) == [], pdf
            continue
        assert editions.spill(pdf) == [], pdf
        assert book_problems(pdf) == [], pdf
        assert "Given to you by:" in pages[0] and phone in pages[0], pdf
        assert "Before you go" in pages[-1] and phone in pages[-1], pdf


def test_booklet_covers_are_whole(editions_built):
    _code, out, _stdout, _stderr = editions_built
    booklets = sorted(out.rglob("*-booklet.pdf"))
    assert booklets
    for pdf in booklets:
        back, cover = squash(text_of_half(pdf, 1, "left")), squash(text_of_half(pdf, 1, "right"))
        assert back.startswith("Before you go") and phone_of(pdf) in back, pdf
        assert "Print Test Book" in cover and phone_of(pdf) in cover, pdf


def test_a_booklets_leftover_pages_are_notes_pages_before_the_back_cover(editions_built):
    _code, out, _stdout, _stderr = editions_built
    booklets = sorted(out.rglob("*-booklet.pdf"))
    padded = 0
    for pdf in booklets:
        pages = page_words(pdf, booklet_sheets=True)
        handout = pdf.with_name(pdf.name.replace("-booklet.pdf", "-handout.pdf"))
        assert book_problems(pdf, outline_of=handout) == [], pdf
        # The page count the text takes, made up to a multiple of four by notes pages
        # (the first for questions to the doctor), all just before the back cover.
        notes = [n for n, words in enumerate(pages) if is_notes(words)]
        assert notes == list(range(len(pages) - 1 - len(notes), len(pages) - 1)), pdf
        assert len(notes) < 4 and " ".join(pages[-1]).startswith("Before you go"), pdf
        if notes:
            assert " ".join(pages[notes[0]]) == "Questions for my doctor", pdf
            assert all(pages[n] == ["Notes"] for n in notes[1:]), pdf
        padded += bool(notes)
    assert padded, "no booklet of the matrix needed notes pages: the test shows nothing"


def test_a_clinic_at_the_schemas_limits_prints_its_details_inside_the_cover(editions_built):
    """No clinic the schema accepts is refused: the long one prints every detail on its
    cover and back page set tighter, or on a page of its own inside the cover (the cover and
    the back page keeping its name and phone), as each paper and edition needs."""
    code, out, _stdout, stderr = editions_built
    assert code == 0 and "FAILED" not in stderr, stderr
    long_editions = [p for p in out.iterdir() if p.name.startswith("clinica-regional")]
    assert len(long_editions) == len(PAPERS)
    clinic = yaml.safe_load(LONG.format(paper="letter"))
    details = [clinic["phone"], *clinic["address"], *clinic["hours"], clinic["reviewed_by"],
               clinic["feedback"]]
    inside = 0
    for edition in long_editions:
        for product in ("handout", "large-print"):
            pdf = next(edition.glob(f"*-{product}.pdf"))
            pages = [squash(p) for p in pdfread.page_texts(pdf)]
            assert editions.spill(pdf) == [], pdf
            phone = clinic["phone"]
            assert phone in pages[0] and phone in pages[-1], pdf
            own_page = pages[1].startswith("Your clinic")
            shown = pages[1] if own_page else pages[0] + " " + pages[-1]
            assert all(printed(d, shown) for d in details), (pdf, shown)
            inside += own_page
    assert inside, "no edition needed the clinic page: the test shows nothing"


def printed(detail, text):
    """Whether ``detail`` is in ``text`` (pdftotext's): whole, once the breaks of a wrapped
    line are taken out, or word by word (two columns of hours are read side by side)."""
    return (detail.replace(" ", "") in text.replace(" ", "")
            or all(word in text.split() for word in detail.split()))


@pytest.mark.parametrize("lines, empty", [(1, True), (30, False)])
def test_a_box_with_nothing_in_its_lower_part_is_found(tmp_path, lines, empty):
    """The check looks at the page as printed: a tinted box 150 mm high holding one line is
    reported, the same box full of lines is not."""
    import weasyprint

    text = "<br>".join(["Key point: talk with your doctor first."] * lines)
    html = ('<div style="background: #eef3f8; border: 2pt solid #003f7d; height: 150mm;'
            f' padding: 4mm; font-size: 14pt; line-height: 1.3">{text}</div>')
    pdf = tmp_path / "box.pdf"
    weasyprint.HTML(string=html).write_pdf(pdf)
    found = empty_boxes(pdf)
    assert bool(found) is empty, found
    if empty:
        assert found[0][0] == 1 and found[0][1] > 0.3
