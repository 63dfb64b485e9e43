"""The goals of issue 29 as ratios taken run by run: median, lowest and highest.

bench/run.py runs its jobs round-robin, so run i of one job and run i of another ran in
the same round, seconds apart: a ratio of the two shares that moment's load. Each ratio
here is computed per run, then summarised. Used by bench/run.py for RESULTS.md.

The peers that do our whole-book PDF's work: the matched peer (pandoc --toc + WeasyPrint,
PDF/UA-1, contents page numbers, running head, "Page X of Y", Atkinson Hyperlegible) and the
floor (the weasyprint command alone on our own print document). The plain peer (pandoc +
WeasyPrint with a three-line stylesheet) does less work: its row has no goal.
"""

import statistics

# (what, numerator job, denominator job, scale, goal); scale "book", "big" or "big/book"
RATIOS = [
    ("the whole-book PDF ÷ the matched peer", "ours-one-pdf", "pandoc-matched", "book", 1.2),
    ("the whole-book PDF ÷ the floor (WeasyPrint alone on our print document)",
     "ours-one-pdf", "floor", "book", 1.15),
    ("the same, the book ×{factor}: ÷ the matched peer", "ours-one-pdf", "pandoc-matched",
     "big", 0.9),
    ("the same, the book ×{factor}: ÷ the floor", "ours-one-pdf", "floor", "big", 1.05),
    ("the whole-book PDF ÷ plain pandoc + WeasyPrint (less work: no contents page numbers, "
     "running head or tags)", "ours-one-pdf", "pandoc-weasyprint", "book", None),
    ("the same, the book ×{factor}", "ours-one-pdf", "pandoc-weasyprint", "big", None),
    ("all three formats with nothing changed ÷ clean (a no-op `make`)",
     "ours-noop", "ours-all", "book", 0.05),
    ("all three formats after a one-chapter edit ÷ clean, outputs identical to a clean "
     "build", "ours-incremental", "ours-all", "book", 0.5),
    ("the same, the book ×{factor}", "ours-incremental", "ours-all", "big", None),
    ("`make` (three formats, six PDFs) from clean ÷ sphinx-simplepdf's one PDF",
     "ours-all", "simplepdf", "book", None),
    ("time for ×{factor} the text: our whole-book PDF", "ours-one-pdf", "ours-one-pdf",
     "big/book", None),
    ("time for ×{factor} the text: the matched peer (for comparison)",
     "pandoc-matched", "pandoc-matched", "big/book", None),
]

#: Peak memory of any one process for the book ×10's `make` (issue 29: under 1 GiB).
MEMORY_GOAL_MIB = 1024


def per_run(num, den):
    """num's run i ÷ den's run i (wall time), for every run both have."""
    return [a.wall / b.wall for a, b in zip(num.samples, den.samples) if b.wall]


def clinic_per_run(clinics, one_pdf):
    """One more clinic edition ÷ one PDF, run by run: (label, ratios) or None.

    The extra edition's time is the difference between the two largest batches' run i,
    per edition; one PDF is the book's whole-book PDF of run i (another round: the
    clinic batches run after the book's jobs)."""
    done = {t.key: t for t in clinics if not t.skipped and t.samples}
    sizes = sorted(int(k.split("-")[1]) for k in done)
    if len(sizes) < 2 or one_pdf is None:
        return None
    lo, hi = sizes[-2], sizes[-1]
    small, large = done[f"clinics-{lo}"].samples, done[f"clinics-{hi}"].samples
    ratios = [(b.wall - a.wall) / (hi - lo) / p.wall
              for a, b, p in zip(small, large, one_pdf.samples) if p.wall]
    return f"one more clinic edition (batch {lo}→{hi}) ÷ one PDF (whole book)", ratios


def _row(what, ratios, goal, extra_ok=True, extra="", digits=2, below=False):
    if not ratios:
        return f"| {what} | not measured | | | 0 | {_goal(goal, below)} | n/a |"
    med = statistics.median(ratios)
    met = (med < goal if below else med <= goal) if goal is not None else None
    verdict = "" if goal is None else ("met" if met and extra_ok else "MISSED")
    return (f"| {what}{extra} | {med:.{digits}f} | {min(ratios):.{digits}f} | "
            f"{max(ratios):.{digits}f} | {len(ratios)} | {_goal(goal, below)} | {verdict} |")


def _goal(goal, below=False):
    return "–" if goal is None else f"{'<' if below else '≤'} {goal:g}"


def _note(num, scale, identical, noop):
    """(outputs as they should be, what the row adds) for the builds compared."""
    if num == "ours-incremental":
        differ = identical.get(scale)
        return differ == [], (" (not compared)" if differ is None else
                              " (identical)" if not differ else
                              f" (DIFFERENT: {len(differ)} files, {', '.join(differ[:3])})")
    if num == "ours-noop":
        return not noop, (" (outputs unchanged)" if not noop else f" (CHANGED: {noop[0]})")
    return True, ""


def table_rows(book_tasks, big_tasks, clinics, factor, identical):
    """The rows of RESULTS.md's table; ``identical``: {"book"/"big": [files that differ
    from a clean build]} for each incremental build compared."""
    jobs = {"book": {t.key: t for t in book_tasks if not t.skipped and t.samples},
            "big": {t.key: t for t in big_tasks if not t.skipped and t.samples}}
    noop = jobs["book"].get("ours-noop")
    changed = [s.note for s in noop.samples if s.note] if noop else []
    rows = []
    for what, num, den, scale, goal in RATIOS:
        what = what.format(factor=factor)
        if scale == "big/book":
            pair = jobs["big"].get(num), jobs["book"].get(den)
        else:
            pair = jobs[scale].get(num), jobs[scale].get(den)
        ratios = per_run(*pair) if all(pair) else []
        extra_ok, extra = _note(num, scale, identical, changed)
        rows.append(_row(what, ratios, goal, extra_ok, extra))
    clinic = clinic_per_run(clinics, jobs["book"].get("ours-one-pdf"))
    rows.append(_row(*(clinic or ("one more clinic edition ÷ one PDF", [])), 0.25))
    big_all = jobs["big"].get("ours-all")
    rows.append(_row(f"peak memory of any one process, the book ×{factor}'s `make` (MiB)",
                     [s.rss_mib for s in big_all.samples] if big_all else [],
                     MEMORY_GOAL_MIB, digits=0, below=True))
    return rows


def layouts_row(layouts):
    """The goals table's row for the chapter handouts' layouts (``layouts``: {PDF: [layouts,
    pages]}, bench/layouts.py): met when none took more than one."""
    counts = [n for name, (n, *_pages) in layouts.items() if name.startswith("chapters/")]
    what = ("WeasyPrint layouts of a chapter handout, its notes page decided in the same "
            f"layout (over the book's {len(counts)} chapter handouts; goal on the most)")
    if not counts:
        return f"| {what} | not measured | | | 0 | ≤ 1 | n/a |"
    return (f"| {what} | {statistics.median(counts):g} | {min(counts)} | {max(counts)} | "
            f"{len(counts)} | ≤ 1 | {'met' if max(counts) <= 1 else 'MISSED'} |")
