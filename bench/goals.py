"""The goals of issue 19 as ratios taken run by run: median, lowest and highest.

bench/run.py runs its jobs round-robin, so run i of one job and run i of another ran in
the same round, seconds apart: a ratio of the two shares that moment's load. Each ratio
here is computed per run, then summarised. Used by bench/run.py for RESULTS.md.
"""

import statistics

# (what, numerator job, denominator job, scale, goal); scale "book", "big" or "big/book"
RATIOS = [
    ("`make` (three formats, six PDFs) from clean ÷ sphinx-simplepdf's one PDF",
     "ours-all", "simplepdf", "book", 1.0),
    ("the same, the book ×{factor}", "ours-all", "simplepdf", "big", None),
    ("the whole-book PDF alone ÷ pandoc + WeasyPrint", "ours-one-pdf", "pandoc-weasyprint",
     "book", 1.0),
    ("the same, the book ×{factor}", "ours-one-pdf", "pandoc-weasyprint", "big", 1.0),
    ("time for ×{factor} the text: our whole-book PDF", "ours-one-pdf", "ours-one-pdf",
     "big/book", 5.0),
    ("time for ×{factor} the text: pandoc + WeasyPrint (for comparison)",
     "pandoc-weasyprint", "pandoc-weasyprint", "big/book", None),
    ("all three formats after a one-chapter edit ÷ clean, outputs identical to a clean "
     "build", "ours-incremental", "ours-all", "book", 0.5),
    ("the same, the book ×{factor}", "ours-incremental", "ours-all", "big", None),
]


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


def _row(what, ratios, goal, extra_ok=True, extra=""):
    if not ratios:
        return f"| {what} | not measured | | | 0 | {_goal(goal)} | n/a |"
    med = statistics.median(ratios)
    verdict = "" if goal is None else ("met" if med <= goal and extra_ok else "MISSED")
    return (f"| {what}{extra} | {med:.2f} | {min(ratios):.2f} | {max(ratios):.2f} | "
            f"{len(ratios)} | {_goal(goal)} | {verdict} |")


def _goal(goal):
    return "–" if goal is None else f"≤ {goal:g}"


def table_rows(book_tasks, big_tasks, clinics, factor, identical):
    """The rows of RESULTS.md's table; ``identical``: {"book"/"big": [files that differ
    from a clean build]} for each incremental build compared."""
    jobs = {"book": {t.key: t for t in book_tasks if not t.skipped and t.samples},
            "big": {t.key: t for t in big_tasks if not t.skipped and t.samples}}
    rows = []
    for what, num, den, scale, goal in RATIOS:
        what = what.format(factor=factor)
        if scale == "big/book":
            pair = jobs["big"].get(num), jobs["book"].get(den)
        else:
            pair = jobs[scale].get(num), jobs[scale].get(den)
        ratios = per_run(*pair) if all(pair) else []
        extra_ok, extra = True, ""
        if num == "ours-incremental":
            differ = identical.get(scale)
            extra_ok = differ == []
            extra = (" (not compared)" if differ is None else
                     " (identical)" if not differ else
                     f" (DIFFERENT: {len(differ)} files, {', '.join(differ[:3])})")
        rows.append(_row(what, ratios, goal, extra_ok, extra))
    clinic = clinic_per_run(clinics, jobs["book"].get("ours-one-pdf"))
    rows.append(_row(*(clinic or ("one more clinic edition ÷ one PDF", [])), 0.25))
    return rows
