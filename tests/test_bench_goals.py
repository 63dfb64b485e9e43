"""bench/goals.py: the goals of issue 19 as ratios taken run by run (median, min, max)."""

import importlib.util
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent


def _goals():
    spec = importlib.util.spec_from_file_location("bench_goals", ROOT / "bench" / "goals.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def job(key, *walls):
    return SimpleNamespace(key=key, skipped="",
                           samples=[SimpleNamespace(wall=w, note="") for w in walls])


def _cells(rows, start):
    row = next(r for r in rows if r.startswith(f"| {start}"))
    return [c.strip() for c in row.strip("|").split("|")]


def test_ratios_are_taken_run_by_run_and_summarised():
    goals = _goals()
    book = [job("ours-all", 3, 4, 10), job("simplepdf", 3, 2, 20),
            job("ours-one-pdf", 2, 2, 2), job("pandoc-matched", 1, 4, 2),
            job("floor", 2, 1, 4), job("ours-incremental", 1, 1, 1),
            job("ours-noop", 0.1, 0.2, 0.3), job("pandoc-weasyprint", 1, 1, 1)]
    big = [job("ours-one-pdf", 8, 12, 9), job("pandoc-matched", 8, 8, 8),
           job("floor", 10, 10, 10)]
    clinics = [job("clinics-10", 10, 10, 10), job("clinics-100", 46, 55, 100)]
    rows = goals.table_rows(book, big, clinics, 10, {"book": []})
    # run by run 2.0, 0.5, 1.0: the median of the ratios, not the ratio of the medians (1.0)
    assert _cells(rows, "the whole-book PDF ÷ the matched peer")[1:7] == [
        "1.00", "0.50", "2.00", "3", "≤ 1.2", "met"]
    assert _cells(rows, "the whole-book PDF ÷ the floor")[1:7] == [
        "1.00", "0.50", "2.00", "3", "≤ 1.15", "met"]
    assert _cells(rows, "the same, the book ×10: ÷ the matched peer")[1:7] == [
        "1.12", "1.00", "1.50", "3", "≤ 0.9", "MISSED"]
    # 0.1 / 3, 0.2 / 4, 0.3 / 10
    noop = _cells(rows, "all three formats with nothing changed")
    assert noop[1:4] == ["0.03", "0.03", "0.05"] and noop[6] == "met"
    assert "(outputs unchanged)" in noop[0]
    assert _cells(rows, "time for ×10 the text: our")[1:4] == ["4.50", "4.00", "6.00"]
    # (46 - 10) / 90 / 2 = 0.2; (55 - 10) / 90 / 2 = 0.25; (100 - 10) / 90 / 2 = 0.5
    assert _cells(rows, "one more clinic edition")[1:4] == ["0.25", "0.20", "0.50"]
    incremental = _cells(rows, "all three formats after a one-chapter edit")
    assert "(identical)" in incremental[0] and incremental[6] == "met"
    # A plain peer does less work than ours: its ratio has no goal.
    assert _cells(rows, "the whole-book PDF ÷ plain pandoc")[6] == ""


def test_peak_memory_is_held_under_a_gibibyte():
    goals = _goals()
    big = [SimpleNamespace(key="ours-all", skipped="",
                           samples=[SimpleNamespace(wall=1, rss_mib=m) for m in (400, 1100, 500)])]
    row = _cells(goals.table_rows([], big, [], 10, {}), "peak memory")
    assert row[1:7] == ["500", "400", "1100", "3", "< 1024", "met"]
    big[0].samples = [SimpleNamespace(wall=1, rss_mib=m) for m in (1100, 1200)]
    assert _cells(goals.table_rows([], big, [], 10, {}), "peak memory")[6] == "MISSED"


def test_a_build_with_nothing_changed_that_changes_an_output_misses_its_goal():
    goals = _goals()
    noop = job("ours-noop", 0.1)
    noop.samples[0].note = "CHANGED by a build with nothing changed: html/index.html"
    rows = goals.table_rows([job("ours-all", 10), noop], [], [], 10, {})
    cells = _cells(rows, "all three formats with nothing changed")
    assert "CHANGED" in cells[0] and cells[6] == "MISSED"


def test_an_incremental_build_unlike_a_clean_one_misses_its_goal():
    goals = _goals()
    book = [job("ours-all", 4, 4), job("ours-incremental", 1, 1)]
    rows = goals.table_rows(book, [], [], 10, {"book": ["html/index.html"]})
    incremental = _cells(rows, "all three formats after a one-chapter edit")
    assert "DIFFERENT: 1 files, html/index.html" in incremental[0]
    assert incremental[6] == "MISSED"
    rows = goals.table_rows(book, [], [], 10, {})
    assert _cells(rows, "all three formats after a one-chapter edit")[6] == "MISSED"
