"""The benchmark script: its generated books and a one-run smoke benchmark."""

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TINY = ROOT / "tests" / "roots" / "test-book"


def _books():
    spec = importlib.util.spec_from_file_location("bench_books", ROOT / "bench" / "books.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_multiplied_book_renames_documents_labels_and_references(tmp_path):
    books = _books()
    big = books.multiply_book(TINY, tmp_path / "big", 3)
    first = (big / "chapters" / "01-first-p3.md").read_text(encoding="utf-8")
    assert "(first-p3)=" in first
    assert "# First Chapter Title (part 3)" in first
    assert "{ref}`link to the second chapter <second-p3>`" in first
    assert books.toctree_entries((big / "index.md").read_text(encoding="utf-8")) == [
        "chapters/01-first", "chapters/02-second",
        "chapters/01-first-p2", "chapters/02-second-p2",
        "chapters/01-first-p3", "chapters/02-second-p3"]
    # The root page is not repeated: its references keep pointing at the first copy.
    assert "{ref}`second-next`" in (big / "index.md").read_text(encoding="utf-8")


def test_pandoc_markdown_turns_myst_into_plain_markdown(tmp_path):
    books = _books()
    md = books.concatenated_markdown(TINY, tmp_path / "book.md").read_text(encoding="utf-8")
    assert "link to the second chapter" in md
    assert "{ref}" not in md and "{toctree}" not in md and "(first)=" not in md
    assert md.index("# First Chapter Title") < md.index("# Second")


def _table_rows(text, heading, nth=0):
    """The body rows of the nth Markdown table after a heading, as lists of cells."""
    tables = re.findall(r"(?:^\|.*\n)+", text.split(heading, 1)[1], re.M)
    rows = tables[nth].splitlines()[2:]
    return [[c.strip() for c in row.strip("|").split("|")] for row in rows]


def _seconds(cell):
    m = re.fullmatch(r"(\d+(?:\.\d+)?) s", cell)
    assert m, f"not a time: {cell!r}"
    return float(m[1])


@pytest.mark.slow
def test_smoke_benchmark_writes_results_with_numbers(tmp_path):
    results = tmp_path / "RESULTS.md"
    proc = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--smoke", "--work",
         str(tmp_path / "work"), "--results", str(results)],
        cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    text = results.read_text(encoding="utf-8")
    assert re.search(r"^- cores: \d+$", text, re.M)
    assert re.search(r"sphinx \d+\.\d+.*weasyprint \d+", text)

    rows = {r[0]: r for r in _table_rows(text, "## The book (tests/roots/test-book)")}
    expected = ["this pipeline: EPUB + PDF handouts + website, clean",
                "this pipeline: EPUB + one PDF (whole book) + website, clean",
                "this pipeline: PDF handouts alone, clean",
                "this pipeline: one PDF (whole book), clean",
                "this pipeline: all three after editing one chapter (title + text)",
                "this pipeline: all three again, nothing changed",
                "sphinx-simplepdf: PDF, clean (contents page numbers, running head; untagged)",
                "Sphinx singlehtml + WeasyPrint: PDF, clean (plain: page numbers only, untagged)",
                "floor: the weasyprint command alone on this pipeline's print document (its "
                "HTML and CSS), PDF/UA-1",
                # pandoc is installed by scripts/ensure-system-packages test, like every
                # tool of the tests: its rows are expected whether or not it was there before.
                "matched peer: pandoc --toc + WeasyPrint, PDF/UA-1 (contents page numbers, "
                "running head, Page X of Y, Atkinson Hyperlegible 14 pt)",
                "pandoc + WeasyPrint: PDF (plain: page numbers only, untagged)", "pandoc: EPUB"]
    for label in expected:
        row = rows[label]
        assert _seconds(row[1]) > 0 and _seconds(row[3]) > 0, row
        assert re.fullmatch(r"\d+ MiB", row[4]) and int(row[4].split()[0]) > 0, row
        assert row[5] == "1", row
    # Our strict builds of the tiny book pass, no page keeps a title after the edit, and a
    # build with nothing changed leaves every output as it was.
    for label in expected[:6]:
        assert rows[label][7] == "ok", rows[label]
    ours_all = rows[expected[0]][6]
    assert re.fullmatch(r"epub [\d.]+ s, handout [\d.]+ s, html [\d.]+ s", ours_all)

    # Each of ours as a ratio to each peer: wall · CPU · memory.
    ratios = _table_rows(text, "## The book (tests/roots/test-book)", nth=1)
    assert [r[0] for r in ratios] == expected[:6]
    assert all(re.fullmatch(r"[\d.]+× · [\d.]+× · [\d.]+×", c) for r in ratios for c in r[1:])

    clinics = _table_rows(text, "## Clinic editions")
    assert [r[0] for r in clinics] == ["clinic editions, batch of 1 (whole-book PDF each)",
                                       "clinic editions, batch of 2 (whole-book PDF each)"]
    assert all(_seconds(r[1]) > 0 for r in clinics)

    goals = {r[0]: r for r in _table_rows(text, "## The goals of issue 29")}
    matched = goals["the whole-book PDF ÷ the matched peer"]
    assert re.fullmatch(r"\d+\.\d\d", matched[1]) and matched[5] == "≤ 1.2", matched
    assert matched[6] in ("met", "MISSED"), matched
    assert goals["the whole-book PDF ÷ the floor (WeasyPrint alone on our print document)"][6] \
        in ("met", "MISSED")
    noop = next(r for w, r in goals.items() if w.startswith("all three formats with nothing"))
    assert "(outputs unchanged)" in noop[0], noop
    # Every PDF's layouts, counted in a real build: the test book's chapter handouts take one
    # each (their notes page decided in it), and the goals table says so.
    per_pdf = {r[0]: r for r in _table_rows(text, "## Layouts per PDF")}
    chapters = [r for name, r in per_pdf.items() if name.startswith("chapters/")]
    assert chapters and any(name.startswith("handout/") for name in per_pdf), per_pdf
    assert all(r[1] == "1" and int(r[2]) % 2 == 0 for r in chapters), chapters
    layouts = next(r for w, r in goals.items() if w.startswith("WeasyPrint layouts of a chapter"))
    assert layouts[3] == "1" and layouts[6] == "met", layouts

    targets = _table_rows(text, "## The targets of issue 9")
    assert len(targets) == 13
    assert all(r[3] in ("met", "MISSED") for r in targets), targets
    assert all(re.match(r"-?\d+\.\d\d \(", r[1]) for r in targets), targets


def test_missed_goals_are_explained_from_the_profile():
    """The section that says what would meet a missed goal reads its counts and shares from
    the profile it is given: two layouts and the tails' share when the big book had them."""
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        spec = importlib.util.spec_from_file_location("bench_run", ROOT / "bench" / "run.py")
        run = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(run)
    finally:
        sys.path.remove(str(ROOT / "bench"))
    seconds = {"WeasyPrint: parsing": (6.0, 2), "ours: the chapter tails": (3.0, 1),
               "WeasyPrint: writing": (2.0, 1), "ours: the preflight": (1.0, 1),
               "WeasyPrint: one page": (0.0, 467)}
    rows = [(label, *next((v for k, v in seconds.items() if label.startswith(k)), (0.0, 0)))
            for label, _file, _func in run.PROFILE_PARTS]
    text = "\n".join(run.missed([("the book 10× over", (10.0, rows)),
                                 ("the book", (10.0, [(label, 0.0, 1 if "layout" in label
                                                       else 0) for label, *_ in rows]))]))
    assert ("- The book 10× over: 2 layout(s) of the whole document (60% of the profiled "
            "time, 467 page layouts; the chapter tails' try alone 30%), the PDF written 20%, "
            "Sphinx, the finishing and the preflight 10%.") in text
    assert ("- The book: 1 layout(s) of the whole document (0% of the profiled time, 1 page "
            "layouts), ") in text
