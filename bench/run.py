#!/usr/bin/env python3
"""Benchmark this pipeline against the tools people use instead; writes bench/RESULTS.md.

    python bench/run.py            # the full benchmark (make bench), under 20 min on 2 cores
    python bench/run.py --smoke    # one run of everything on the tiny test book

Every tool builds the same book, from a copy under bench/work/ (docs/ is never touched):
this pipeline (the three formats from clean, the PDF handout alone from clean, one PDF
from clean, and all three after one chapter's title and text changed), sphinx-simplepdf,
Sphinx's singlehtml printed by WeasyPrint with a minimal stylesheet, pandoc with
WeasyPrint as its PDF engine and pandoc to EPUB; then the same for the book N times over,
and clinic-edition batches. The tools take turns run by run (round-robin, the starting
tool moves on each run), the first run is a warm-up, and each figure is the median of
the measured runs: wall time, CPU time (user + system of the process and its children,
from os.wait4) and peak memory (the largest single process's resident set).
"""

import argparse
import cProfile  # noqa: F401  (the profile step runs it as `python -m cProfile`)
import datetime
import importlib.metadata
import json
import os
import platform
import pstats
import re
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import books  # noqa: E402
import goals  # noqa: E402
import matched  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
PEERS = BENCH / "peers"
PY = sys.executable
STRICT = ["-n", "-W", "--keep-going", "-q"]
TIMEOUT = 600  # seconds for any one command


# -- measuring ---------------------------------------------------------------

@dataclass
class Sample:
    wall: float = 0.0
    cpu: float = 0.0
    rss_mib: float = 0.0
    steps: dict = field(default_factory=dict)   # step name -> wall seconds
    failures: list = field(default_factory=list)
    note: str = ""


def measure(cmd, cwd, env, log):
    """Run one command; wall seconds, CPU seconds (self + children), peak RSS MiB, exit."""
    with open(log, "ab") as out:
        out.write(f"\n$ {' '.join(map(str, cmd))}\n".encode())
        out.flush()
        start = time.perf_counter()
        proc = subprocess.Popen([str(c) for c in cmd], cwd=cwd, env=env, stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True)
        timer = threading.Timer(TIMEOUT, lambda: os.killpg(proc.pid, signal.SIGKILL))
        timer.start()
        try:
            _pid, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)  # already reaped by wait4
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, proc.returncode


@dataclass
class Task:
    key: str            # stable id, e.g. "ours-all"
    label: str          # what the table says
    steps: list         # [(step name, argv)]
    cwd: Path = ROOT
    setup: object = None    # callable(run index) before the timed steps (not timed)
    check: object = None    # callable() after them -> note ("" when fine)
    runs: int = 5
    warmup: int = 1
    samples: list = field(default_factory=list)
    skipped: str = ""

    def run(self, index, env, logdir):
        if self.setup:
            self.setup(index)
        sample = Sample()
        log = logdir / f"{self.key}.log"
        for name, argv in self.steps:
            seen = log.stat().st_size if log.exists() else 0
            wall, cpu, rss, code = measure(argv, self.cwd, env, log)
            sample.wall += wall
            sample.cpu += cpu
            sample.rss_mib = max(sample.rss_mib, rss)
            with open(log, "rb") as f:
                f.seek(seen)
                jobs = JOB_TIME.findall(f.read().decode("utf-8", "replace"))
            if len(jobs) > 1:   # one scripts/build run of several formats: time each
                for outdir, seconds in jobs:
                    sample.steps[Path(outdir).name] = float(seconds)
            else:
                sample.steps[name] = wall
            if code:
                sample.failures.append(f"{name} exit {code}")
        if self.check:
            sample.note = self.check()
        return sample

    def median(self, attr):
        return statistics.median(getattr(s, attr) for s in self.samples)

    def step_median(self, name):
        return statistics.median(s.steps[name] for s in self.samples)


LOADS = []  # the 1-minute load average, sampled before every job
# scripts/build's line for each format it built in one run
JOB_TIME = re.compile(r"^build: finished, output in (.+) in ([0-9.]+) s$", re.M)


def round_robin(tasks, env, logdir, progress):
    """Run the tasks in turns: in run i every task still due runs once, starting one
    further along each time. Warm-up runs are not kept."""
    total = max(t.warmup + t.runs for t in tasks)
    for i in range(total):
        order = tasks[i % len(tasks):] + tasks[:i % len(tasks)]
        for task in order:
            if task.skipped or i >= task.warmup + task.runs:
                continue
            LOADS.append(os.getloadavg()[0])
            sample = task.run(i, env, logdir)
            if i >= task.warmup:
                task.samples.append(sample)
            progress(f"run {i + 1}/{total} {task.key}: {sample.wall:.2f} s"
                     f"{' (warm-up)' if i < task.warmup else ''}"
                     f"{' FAILED: ' + ', '.join(sample.failures) if sample.failures else ''}"
                     f"{' ' + sample.note if sample.note else ''}")


# -- the tools ---------------------------------------------------------------

DEFINES = []  # -D name=value for our builds (--define; the smoke run's tiny book needs some)


def sphinx(builder, src, out, doctrees, conf=ROOT, extra=(), strict=True):
    ours = [a for d in DEFINES for a in ("-D", d)] if strict else []
    return [PY, "-m", "sphinx", "-b", builder, *(STRICT if strict else ["-q"]), "-c", conf,
            "-d", doctrees, *ours, *extra, src, out]


def rmtree(*paths):
    for p in paths:
        shutil.rmtree(p, ignore_errors=True)


def pipeline_steps(src, out, conf, products=None):
    """Our three formats as the Makefile builds them: EPUB, PDF handouts, then the website,
    each a scripts/build job (sphinx-build arguments, then the source folder) sharing one
    doctree folder."""
    # Every builder gets the same settings (the website lists the PDFs that are made).
    products = ["-D", f"handout_products={products}"] if products else []
    doctrees = out / "doctrees"
    return {
        "epub": sphinx("epub", src, out / "epub", doctrees, conf, products),
        "handout": sphinx("handout", src, out / "handout", doctrees, conf, products),
        "html": sphinx("html", src, out / "html", doctrees, conf, [
                       *products, "-D", f"web_handout_dir={out / 'handout'}",
                        "-D", f"web_epub_dir={out / 'epub'}"]),
    }


BUILD = ROOT / "scripts" / "build"
TITLE = "Peripheral Neuropathy and Stem Cells"   # the peers' PDF title (pandoc's metadata)


def pipeline(src, out, conf, formats=("epub", "handout", "html"), products=None):
    """One `scripts/build` run of the formats, in one process, as `make all` runs it."""
    steps = pipeline_steps(src, out, conf, products)
    argv = [PY, BUILD]
    for i, name in enumerate(formats):
        job = steps[name]   # [PY, -m, sphinx, ..., src, out]: scripts/build takes out first
        argv += (["--next"] if i else []) + [job[-1], *job[3:-1]]
    return argv


def _link_texts(soup, selectors):
    texts = set()
    for box in soup.select(selectors):
        for el in box.select("a, .prev-next-title, navLabel text"):
            texts.add(" ".join(el.get_text(" ").split()))
    return texts


def nav_check(html_dir, epub_dir, new_title, old_title):
    """'' when every page's navigation links show the new title and none the old one."""
    from bs4 import BeautifulSoup

    selectors = "nav, div.sphinxsidebar, div.related, .prev-next-area, .toctree-wrapper"
    stale, missing, pages = [], [], 0
    for page in sorted(html_dir.rglob("*.html")):
        rel = page.relative_to(html_dir).as_posix()
        # The index, search and 404 pages have no book navigation to go stale.
        if rel.startswith(("_static/", "_downloads/", "_sources/")) or rel in (
                "genindex.html", "search.html", "404.html"):
            continue
        pages += 1
        texts = _link_texts(BeautifulSoup(page.read_text(encoding="utf-8"), "lxml"), selectors)
        if old_title in texts:
            stale.append(rel)
        if new_title not in texts:
            missing.append(rel)
    epub_stale = []
    for name, sel in (("nav.xhtml", "nav"), ("toc.ncx", "navMap")):
        path = epub_dir / name
        if path.is_file():
            texts = _link_texts(BeautifulSoup(path.read_text(encoding="utf-8"), "xml"), sel)
            if old_title in texts or new_title not in texts:
                epub_stale.append(name)
    if stale or missing or epub_stale:
        return (f"STALE: the navigation of {len(missing)} of {pages} pages lacks the new "
                f"title ({', '.join(missing[:3])}{'...' if len(missing) > 3 else ''}), "
                f"{len(stale)} show the previous one; EPUB navigation "
                f"{'stale: ' + ', '.join(epub_stale) if epub_stale else 'up to date'}")
    return ""


IDENTICAL = {}   # book name -> the output files an incremental build has unlike a clean one


def tree_bytes(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(Path(folder).rglob("*")) if p.is_file()}


def same_as_clean(name, src, built, conf, env):
    """'' when every output file of the build in ``built`` is byte-identical to a clean
    build's of the same sources, else what differs. The clean build (not timed) is made
    at the same paths, the incremental build's folder set aside meanwhile: our settings
    name folders (``web_handout_dir``), and Sphinx's ``.buildinfo`` hashes the settings."""
    kept = built.parent / f"{built.name}-incremental"
    rmtree(kept)
    built.rename(kept)
    try:
        shutil.copytree(kept / src.relative_to(built), src)
        subprocess.run([str(c) for c in pipeline(src, built, conf)], env=env, cwd=ROOT,
                       capture_output=True)
        differ = []
        for fmt in ("epub", "handout", "html"):
            a, b = tree_bytes(kept / fmt), tree_bytes(built / fmt)
            differ += [f"{fmt}/{n}" for n in sorted(a.keys() | b.keys())
                       if a.get(n) != b.get(n)]
    finally:
        rmtree(built)
        kept.rename(built)
    IDENTICAL[name] = differ
    return (f"DIFFERENT from a clean build: {len(differ)} files "
            f"({', '.join(differ[:4])}{'...' if len(differ) > 4 else ''})" if differ else "")


class Book:
    """One book (a copy of the sources) and the tasks that build it."""

    def __init__(self, name, src, conf, work, runs, warmup):
        self.name, self.src, self.conf = name, src, conf
        self.work = work / name
        self.runs, self.warmup = runs, warmup
        self.work.mkdir(parents=True, exist_ok=True)
        self.md = books.concatenated_markdown(src, self.work / "book.md")
        self.chars = len(self.md.read_text(encoding="utf-8"))

    def tasks(self, env, small=True):
        """The jobs; the big book skips three PDF-only jobs of ours (the handout step of
        the clean build gives the six PDFs' figure) to stay inside the time budget, but
        keeps the whole-book PDF alone, the figure set against pandoc + WeasyPrint."""
        w, src, conf = self.work, self.src, self.conf
        kw = {"runs": self.runs, "warmup": self.warmup}
        clean = w / "clean"
        tasks = [
            Task("ours-all", "this pipeline: EPUB + PDF handouts + website, clean",
                 [("all", pipeline(src, clean, conf))],
                 setup=lambda i: rmtree(clean), **kw),
        ]
        if small:
            tasks.append(Task("ours-all-one-pdf",
                              "this pipeline: EPUB + one PDF (whole book) + website, clean",
                              [("all", pipeline(src, w / "three", conf, products="book"))],
                              setup=lambda i: rmtree(w / "three"), **kw))
            tasks.append(Task("ours-pdf", "this pipeline: PDF handouts alone, clean",
                              [("handout", pipeline(src, w / "pdf", conf, ["handout"]))],
                              setup=lambda i: rmtree(w / "pdf"), **kw))
        tasks.append(Task("ours-one-pdf", "this pipeline: one PDF (whole book), clean",
                          [("handout", pipeline(src, w / "one", conf, ["handout"], "book"))],
                          setup=lambda i: rmtree(w / "one"), **kw))
        tasks.append(self._incremental(env, kw))
        if small:
            tasks.append(self._noop(env, kw))
        simple, single = w / "simplepdf", w / "singlehtml"
        tasks += [
            Task("simplepdf", "sphinx-simplepdf: PDF, clean (contents page numbers, running "
                 "head; untagged)",
                 [("simplepdf", sphinx("simplepdf", src, simple / "out", simple / "doctrees",
                                       PEERS / "simplepdf", strict=False))],
                 setup=lambda i: rmtree(simple), **kw),
            Task("singlehtml-weasyprint", "Sphinx singlehtml + WeasyPrint: PDF, clean (plain: "
                 "page numbers only, untagged)",
                 [("singlehtml", sphinx("singlehtml", src, single / "out", single / "doctrees",
                                        PEERS / "singlehtml", strict=False)),
                  ("weasyprint", [Path(PY).parent / "weasyprint", "-q", "-s",
                                  PEERS / "singlehtml/print.css", single / "out/index.html",
                                  single / "book.pdf"])],
                 setup=lambda i: rmtree(single), **kw),
        ]
        tasks.append(self._floor(env, kw))
        pandoc = shutil.which("pandoc")
        css = matched.matched_stylesheet(w / "matched")
        pandoc_tasks = [
            Task("pandoc-matched", "matched peer: pandoc --toc + WeasyPrint, PDF/UA-1 (contents "
                 "page numbers, running head, Page X of Y, Atkinson Hyperlegible 14 pt)",
                 [("pandoc", matched.matched_argv(pandoc, self.md, css, w / "matched.pdf",
                                                  TITLE))], cwd=src, **kw),
            Task("pandoc-weasyprint", "pandoc + WeasyPrint: PDF (plain: page numbers only, "
                 "untagged)",
                 [("pandoc", [pandoc, self.md, "--standalone", "--metadata",
                              f"title={TITLE}", "--pdf-engine=weasyprint",
                              "--css", PEERS / "pandoc.css",
                              "-o", w / "pandoc.pdf"])], cwd=src, **kw),
            Task("pandoc-epub", "pandoc: EPUB",
                 [("pandoc", [pandoc, self.md, "--metadata", f"title={TITLE}",
                              "-o", w / "pandoc.epub"])], cwd=src, **kw),
        ]
        for t in pandoc_tasks:
            if not pandoc:
                t.skipped = "pandoc is not installed (make bench installs Debian's pandoc)"
        return tasks + pandoc_tasks

    def _floor(self, env, kw):
        """The floor: the weasyprint command alone on our whole-book print document, made
        once by this pipeline beforehand (not timed)."""
        made = self.work / "floor"

        def prepare(_i):
            if not (made / "handout" / "index.html").is_file():
                proc = subprocess.run([str(c) for c in pipeline(self.src, made, self.conf,
                                                                ["handout"], "book")],
                                      env=env, cwd=ROOT, capture_output=True, text=True)
                if proc.returncode:   # the floor's run then fails: say why here
                    print(f"floor ({self.name}): building its print document failed:\n"
                          + "\n".join(proc.stderr.splitlines()[-12:]), file=sys.stderr)
        return Task("floor", "floor: the weasyprint command alone on this pipeline's print "
                    "document (its HTML and CSS), PDF/UA-1",
                    [("weasyprint", matched.floor_argv(Path(PY).parent / "weasyprint",
                                                       made / "handout" / "index.html",
                                                       self.work / "floor.pdf"))],
                    setup=prepare, **kw)

    def _noop(self, env, kw):
        """All three formats again with nothing changed, as a second `make` runs them: the
        tree is built once beforehand (not timed); after each run every output file must
        be byte-identical to that first build's."""
        out = self.work / "noop"
        argv = pipeline(self.src, out, self.conf)
        first = {}

        def prepare(_i):
            if not first:
                rmtree(out)
                subprocess.run([str(c) for c in argv], env=env, cwd=ROOT, capture_output=True)
                first.update({f: tree_bytes(out / f) for f in ("epub", "handout", "html")})

        def check():
            now = {f: tree_bytes(out / f) for f in first}
            differ = [f"{f}/{n}" for f in first for n in sorted(first[f].keys() | now[f].keys())
                      if now[f].get(n) != first[f].get(n)]
            return (f"CHANGED by a build with nothing changed: {', '.join(differ[:4])}"
                    if differ else "")

        return Task("ours-noop", "this pipeline: all three again, nothing changed",
                    [("all", argv)], setup=prepare, check=check, **kw)

    def _incremental(self, env, kw):
        """All three formats after one chapter's title and text changed: the tree is
        built once beforehand, each run edits the first chapter (not timed). After the
        last run, the same sources are built from clean elsewhere (not timed) and every
        output file compared with the incremental build's."""
        inc = self.work / "inc"
        src = books.copy_book(self.src, inc / "src")
        argv = pipeline(src, inc, self.conf)
        subprocess.run([str(c) for c in argv], env=env, cwd=ROOT, capture_output=True)
        chapter = books.first_chapter(src)
        original = books.title(chapter)
        titles = {"old": original, "new": original, "last": False}
        last = kw["warmup"] + kw["runs"] - 1

        def edit(i):
            titles["last"] = i == last
            titles["old"] = titles["new"]
            titles["new"] = f"{original} (edit {i + 1})"
            time.sleep(0.01)  # a new mtime even on coarse file systems
            books.retitle(chapter, titles["new"])

        def check():
            note = nav_check(inc / "html", inc / "epub", titles["new"], titles["old"])
            if titles["last"]:
                note = "; ".join(filter(None, [note, same_as_clean(self.name, src, inc, self.conf, env)]))
            return note

        return Task("ours-incremental",
                    "this pipeline: all three after editing one chapter (title + text)",
                    [("all", argv)], setup=edit, check=check, **kw)


def clinic_tasks(book, work, env, sizes, runs, warmup, large_runs):
    """Clinic editions in batches; one PDF (the whole-book handout) per edition."""
    check = subprocess.run([PY, "-m", "patientpress.clinics", "--help"], cwd=ROOT, env=env,
                           capture_output=True, text=True)
    doctrees = work / "clinic-tree" / "doctrees"   # the book's build reads the sources once
    tasks = []
    for n in sizes:
        folder = books.write_clinics(work / f"clinics-{n}", n)
        out = work / f"clinic-out-{n}"
        tasks.append(Task(
            f"clinics-{n}", f"clinic editions, batch of {n} (whole-book PDF each)",
            [("clinics", [PY, "-m", "patientpress.clinics", folder, "--source", book.src,
                          "--conf", book.conf, "--doctrees", doctrees,
                          "--out", out, "--products", "book", "--no-progress"])],
            setup=lambda i, out=out: rmtree(out),
            runs=runs if n < 100 else large_runs, warmup=warmup if n < 100 else 0))
    if check.returncode:
        for t in tasks:
            t.skipped = ("`python -m patientpress.clinics` is not available yet "
                         f"({(check.stderr.strip().splitlines() or ['no output'])[-1]}); "
                         "this part runs once the module lands")
        return tasks
    rmtree(work / "clinic-tree")
    proc = subprocess.run([str(c) for c in pipeline(book.src, work / "clinic-tree",
                                                    book.conf, ["handout"])],
                          cwd=ROOT, env=env, capture_output=True, text=True)
    if not (work / "clinic-tree" / "handout" / "index.html").is_file():
        for t in tasks:
            t.skipped = f"the handout build for the clinic editions failed:\n{proc.stderr}"
    return tasks


# -- profile -----------------------------------------------------------------

PROFILE_PARTS = [
    ("Python imports (every module, WeasyPrint's included: in-process here)",
     "<frozen importlib._bootstrap>", "_find_and_load"),
    ("Sphinx start-up: configuration and extensions", "sphinx/application.py", "__init__"),
    ("Sphinx: reading and parsing the MyST sources, with our transforms",
     "sphinx/builders/__init__.py", "read"),
    ("Sphinx: resolving and writing the print documents (all builders' write phase)",
     "sphinx/builders/__init__.py", "write"),
    ("ours: assembling the whole-book print document", "patientpress/print/builder.py",
     "assemble_doctree"),
    ("WeasyPrint: parsing HTML/CSS and layout, every layout", "weasyprint/__init__.py",
     "render"),
    ("WeasyPrint: the CSS cascade (computed styles)", "weasyprint/css/__init__.py",
     "get_all_computed_styles"),
    ("WeasyPrint: pagination and line breaking", "weasyprint/layout/__init__.py",
     "layout_document"),
    ("WeasyPrint: one page laid out, in any pass of any layout (calls: page layouts)",
     "weasyprint/layout/page.py", "remake_page"),
    ("WeasyPrint: writing the PDF (drawing, fonts, tags)", "weasyprint/document.py",
     "write_pdf"),
    ("ours: the chapter tails pulled back (each try a full layout, in the rows above)",
     "patientpress/print/render.py", "_pull_back_tails"),
    ("ours: PDF/UA finishing", "patientpress/print/pdfua.py", "finish_pdf"),
    ("ours: the preflight (each PDF read back as printed)",
     "patientpress/print/preflight/__init__.py", "check"),
    ("ours: render_pdf in total (every layout, the PDF written)",
     "patientpress/print/render.py", "render_pdf"),
]


def profile_handout(book, env, out):
    """cProfile a clean build of the whole-book PDF (the job set against the matched peer
    and the floor); seconds per phase (cumulative)."""
    rmtree(out)
    prof = out.parent / f"{out.name}.prof"
    # One process: the profiler sees only its own process, so no render workers.
    argv = sphinx("handout", book.src, out / "handout", out / "doctrees", book.conf,
                  ["-D", "handout_workers=-1", "-D", "handout_products=book"])
    start = time.perf_counter()
    subprocess.run([str(c) for c in [PY, "-m", "cProfile", "-o", prof, *argv[1:]]],
                   cwd=ROOT, env=env, capture_output=True)
    total = time.perf_counter() - start
    stats = pstats.Stats(str(prof)).stats
    rows = []
    for label, file_end, func in PROFILE_PARTS:
        calls = cum = 0
        for (path, _line, name), (_cc, nc, _tt, ct, _callers) in stats.items():
            if name == func and path.replace(os.sep, "/").endswith(file_end):
                calls += nc
                cum += ct
        rows.append((label, cum, calls))
    return total, rows


def count_layouts(book, env, out):
    """{PDF: [layouts, pages]} of a clean handout build of every product, in one process
    (bench/layouts.py counts WeasyPrint's layouts per PDF)."""
    rmtree(out)
    found = out.parent / f"{out.name}.json"
    found.unlink(missing_ok=True)
    argv = sphinx("handout", book.src, out / "handout", out / "doctrees", book.conf,
                  ["-D", "handout_workers=-1"])
    subprocess.run([str(a) for a in [PY, BENCH / "layouts.py", found, *argv[3:]]],
                   cwd=ROOT, env=env, capture_output=True, timeout=TIMEOUT)
    return json.loads(found.read_text(encoding="utf-8")) if found.exists() else {}


# -- the report --------------------------------------------------------------

def machine():
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal"))
        ram = f"{mem / 1024 / 1024:.1f} GiB"
    except (OSError, StopIteration):
        ram = "unknown"
    osname = platform.platform()
    try:
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                osname = f"{line.split('=', 1)[1].strip(chr(34))}, Linux {platform.release()}"
    except OSError:
        pass
    return {"CPU": cpu, "cores": str(os.cpu_count()), "RAM": ram, "OS": osname}


def versions():
    out = {"python": platform.python_version()}
    for dist in ("sphinx", "myst-parser", "sphinx-book-theme", "weasyprint",
                 "sphinx-simplepdf"):
        try:
            out[dist] = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            out[dist] = "not installed"
    pandoc = shutil.which("pandoc")
    out["pandoc"] = (subprocess.run([pandoc, "--version"], capture_output=True, text=True)
                     .stdout.split("\n")[0].split()[-1] if pandoc else "not installed")
    return out


def fmt_s(x):
    return f"{x:.2f} s" if x < 100 else f"{x:.0f} s"


def ratio(a, b):
    return f"{a / b:.2f}×" if b else "n/a"


# The peers doing our whole-book PDF's work first (matched, floor), then the plain ones.
PEER_KEYS = ["pandoc-matched", "floor", "simplepdf", "singlehtml-weasyprint",
             "pandoc-weasyprint", "pandoc-epub"]
OURS_KEYS = ["ours-all", "ours-all-one-pdf", "ours-pdf", "ours-one-pdf", "ours-incremental",
             "ours-noop"]


def table(tasks):
    lines = ["| tool and job | wall (median) | range | CPU | peak memory | runs | steps (median wall) | status |",
             "| --- | ---: | --- | ---: | ---: | ---: | --- | --- |"]
    for t in tasks:
        if t.skipped:
            lines.append(f"| {t.label} | – | – | – | – | 0 | – | skipped: {t.skipped.splitlines()[0]} |")
            continue
        walls = [s.wall for s in t.samples]
        steps = ", ".join(f"{n} {fmt_s(t.step_median(n))}" for n in t.samples[0].steps) \
            if len(t.samples[0].steps) > 1 else ""
        fails = sorted({f for s in t.samples for f in s.failures})
        notes = sorted({s.note for s in t.samples if s.note})
        status = "; ".join(fails + notes) or "ok"
        lines.append(f"| {t.label} | {fmt_s(t.median('wall'))} | {fmt_s(min(walls))}–"
                     f"{fmt_s(max(walls))} | {fmt_s(t.median('cpu'))} | "
                     f"{t.median('rss_mib'):.0f} MiB | {len(t.samples)} | {steps} | {status} |")
    return lines


def ratio_table(by_key):
    peers = [k for k in PEER_KEYS if k in by_key and not by_key[k].skipped]
    lines = ["| ours ÷ peer (wall · CPU · memory) | " + " | ".join(by_key[p].label for p in peers) + " |",
             "| --- |" + " --- |" * len(peers)]
    for k in OURS_KEYS:
        if k not in by_key or by_key[k].skipped:
            continue
        o = by_key[k]
        cells = [" · ".join(ratio(o.median(a), by_key[p].median(a))
                            for a in ("wall", "cpu", "rss_mib")) for p in peers]
        lines.append(f"| {o.label} | " + " | ".join(cells) + " |")
    return lines


def _done(tasks):
    return {t.key: t for t in tasks if not t.skipped and t.samples}


def _wall(d, key):
    """Median wall of a job; the PDF handouts fall back on the clean build's handout step."""
    if key in d:
        return d[key].median("wall")
    if key == "ours-pdf" and "ours-all" in d:
        return d["ours-all"].step_median("handout")
    return None


def _stale(d):
    inc = d.get("ours-incremental")
    return bool(inc and any("STALE" in s.note for s in inc.samples))


def clinic_marginal(clinics):
    """Seconds one more edition adds, between the two largest batches: (lo, hi, s)."""
    c = _done(clinics)
    sizes = sorted(int(k.split("-")[1]) for k in c)
    if len(sizes) < 2:
        return None
    lo, hi = sizes[-2], sizes[-1]
    return lo, hi, (c[f"clinics-{hi}"].median("wall") - c[f"clinics-{lo}"].median("wall")) / (hi - lo)


def targets(book_tasks, big_tasks, clinics, factor):
    """The issue's five figures: (text, measured, limit, met)."""
    b, g = _done(book_tasks), _done(big_tasks)
    rows = []

    def add(text, num, den, limit, extra_ok=True, extra="", optional=False):
        if (num is None or den is None) and optional:
            return   # a job the big book leaves out to stay inside the time budget
        if num is None or den is None:
            rows.append((text, "not measured", f"≤ {limit}", "n/a"))
            return
        r = num / den
        rows.append((text, f"{r:.2f} ({fmt_s(num)} ÷ {fmt_s(den)}){extra}", f"≤ {limit}",
                     "met" if r <= limit and extra_ok else "MISSED"))

    for scale, d in (("book", b), (f"{factor}× book", g)):
        add(f"{scale}: all three formats from clean (one PDF, as each peer makes) ÷ "
            "sphinx-simplepdf's PDF alone", _wall(d, "ours-all-one-pdf"), _wall(d, "simplepdf"), 1,
            optional=True)
        add(f"{scale}: all three formats from clean (`make all`: six PDFs) ÷ "
            "sphinx-simplepdf's PDF alone", _wall(d, "ours-all"), _wall(d, "simplepdf"), 1)
        add(f"{scale}: the PDF handout (whole book) alone from clean ÷ pandoc + WeasyPrint",
            _wall(d, "ours-one-pdf") if d is b else None, _wall(d, "pandoc-weasyprint"), 1,
            optional=True)   # the big book's: in the table of issue 19
        add(f"{scale}: all six PDF handouts from clean ÷ pandoc + WeasyPrint's one PDF",
            _wall(d, "ours-pdf"), _wall(d, "pandoc-weasyprint"), 1)
        stale = _stale(d)
        add(f"{scale}: all three after editing one chapter ÷ all three from clean, "
            "no stale titles", _wall(d, "ours-incremental"), _wall(d, "ours-all"), 0.5,
            not stale, "; STALE titles in the navigation" if stale else "; navigation up to date")
    if (m := clinic_marginal(clinics)):
        lo, hi, marginal = m
        add(f"one more clinic edition (batch {lo}→{hi}, per edition) ÷ one PDF from clean",
            marginal, _wall(b, "ours-one-pdf"), 0.25)
        add(f"one more clinic edition (batch {lo}→{hi}, per edition) ÷ the PDF handouts "
            "from clean", marginal, _wall(b, "ours-pdf"), 0.25)
    else:
        rows.append(("one more clinic edition ÷ one PDF from clean", "not measured",
                     "≤ 0.25", "n/a"))
    for key, what in (("ours-all", "all three from clean"),
                      ("ours-pdf", "PDF handouts from clean"),
                      ("ours-incremental", "all three after one edit")):
        add(f"{factor}× the text ÷ the book: {what}", _wall(g, key), _wall(b, key), 3)
    return rows


def scaling(book_tasks, big_tasks):
    b, g = _done(book_tasks), _done(big_tasks)
    lines = ["| tool and job | book | big book | big ÷ book |", "| --- | ---: | ---: | ---: |"]
    rows = [(t.label, _wall(b, k), _wall(g, k)) for k, t in b.items() if k in g]
    if "ours-all" in b and "ours-all" in g:
        for step in b["ours-all"].samples[0].steps:
            rows.append((f"this pipeline, clean: the {step} step", b["ours-all"].step_median(step),
                         g["ours-all"].step_median(step)))
    for label, x, y in rows:
        lines.append(f"| {label} | {fmt_s(x)} | {fmt_s(y)} | {ratio(y, x)} |")
    return lines


def analysis(book_tasks, big_tasks, clinics, factor, work):
    """Which step costs what, from the figures measured."""
    b, g = _done(book_tasks), _done(big_tasks)
    out = ["## Which step costs what, and why", ""]
    pdfs = sorted((work / "book/clean/handout").rglob("*.pdf"))
    big_pdfs = sorted((work / "big/clean/handout").rglob("*.pdf"))
    cores = os.cpu_count() or 1
    if "ours-all" in b:
        a = b["ours-all"]
        steps = {n: a.step_median(n) for n in a.samples[0].steps}
        total = sum(steps.values())
        line = ("- All three from clean, in one process (`make all`): " + ", ".join(
            f"{n} {fmt_s(v)} ({v / total:.0%})" for n, v in steps.items())
            + f"; wall {fmt_s(_wall(b, 'ours-all'))}, CPU {fmt_s(a.median('cpu'))}. The "
            f"handout step renders {len(pdfs)} PDFs (whole book, large print, one per chapter),"
            f" each a full WeasyPrint layout, in {cores} worker processes (one per core); "
            "every peer renders one PDF. The work is bound by the cores: CPU time is above "
            "wall time.")
        if "ours-all-one-pdf" in b and "simplepdf" in b:
            line += (f" With one PDF, as the peers make, the three formats take "
                     f"{fmt_s(_wall(b, 'ours-all-one-pdf'))}, "
                     f"{_wall(b, 'ours-all-one-pdf') / _wall(b, 'simplepdf'):.2f}× "
                     "sphinx-simplepdf's one PDF.")
        out.append(line)
    if "ours-one-pdf" in b and "pandoc-weasyprint" in b:
        out.append(
            f"- One PDF: {fmt_s(_wall(b, 'ours-one-pdf'))} against pandoc + WeasyPrint's "
            f"{fmt_s(_wall(b, 'pandoc-weasyprint'))}. Both lay the text out with WeasyPrint; "
            "ours also starts Python and Sphinx and reads the MyST sources (about half a "
            "second before any layout), and lays out more: a cover with a QR code, a "
            "contents page with page numbers (laid out twice to fill them in), running "
            "heads, figures, a back page, PDF/UA tags and link descriptions. pandoc's PDF "
            "has none of these. The profile above shows the layout itself is most of the "
            "rest; WeasyPrint has no cheaper mode for the same page.")
    if "ours-incremental" in b:
        i = b["ours-incremental"]
        out.append(
            "- After one edit: " + ", ".join(
                f"{n} {fmt_s(i.step_median(n))}" for n in i.samples[0].steps)
            + f" ({_wall(b, 'ours-incremental') / _wall(b, 'ours-all'):.2f}× the clean time). "
            "Sources are read once for all three formats (one doctree folder), the website "
            "rewrites the pages that changed (all of them when a title changed, for the "
            "navigation), and the handout keeps every chapter PDF whose print document did "
            "not change. The whole-book and large-print PDFs contain the edited chapter, so "
            "they are rendered again after any edit: they are most of the remaining time, "
            "and the floor of this figure.")
    if _stale(b) or _stale(g):
        out.append(
            "- STALE titles after an edit: a page's navigation still shows the old title. "
            "`patientpress/freshness.py` should have rewritten every page: this is a bug.")
    elif "ours-incremental" in b:
        out.append("- No stale titles: every page's navigation and the EPUB's show the new "
                   "chapter title after each incremental build.")
    if "ours-all" in b and "ours-all" in g:
        a, c = b["ours-all"], g["ours-all"]
        peers = [k for k in ("simplepdf", "singlehtml-weasyprint", "pandoc-weasyprint")
                 if k in b and k in g]
        out.append(
            f"- {factor}× the text: " + ", ".join(
                f"{n} {c.step_median(n) / a.step_median(n):.1f}×" for n in a.samples[0].steps)
            + f". The handout renders {len(big_pdfs)} PDFs instead of {len(pdfs)}, and "
            "WeasyPrint's layout time grows with the pages; the fixed start-up (Python, "
            "Sphinx, Pango) is a small part of the small book's time, so it cannot hide "
            "ten times the pages. The peers grow the same way: " + ", ".join(
                f"{k} {_wall(g, k) / _wall(b, k):.1f}×" for k in peers) + ".")
    if (m := clinic_marginal(clinics)):
        out.append(
            f"- Clinic editions: one more edition adds {fmt_s(m[2])} (batch {m[0]}→{m[1]}), "
            f"with {cores} worker processes that load WeasyPrint and parse the built book "
            "once each. An edition is one layout of the book with the clinic's cover and "
            "back page (the figures fitted, the chapter tails pulled back, the notes pages "
            "and the page of every anchor come from the layout memo beside the doctrees, "
            "print/caches.py: the batches share the doctrees, so after the warm-up every "
            "edition finds them; with the pages known, its page references are built with "
            "their numbers and it is paginated once), then its PDF/UA finishing and its "
            "preflight. Going lower would mean laying the "
            "body out once and only the cover and back page per clinic, then joining the "
            "pages: not done, because the contents page numbers, the running heads and the "
            "PDF tags must stay right across the joined documents.")
    else:
        out.append("- Clinic editions: not measured (see the table above).")
    return out + [""]


def _phase(rows, start):
    """(seconds, calls) of the profile row whose label starts with ``start``."""
    return next(((cum, calls) for label, cum, calls in rows if label.startswith(start)),
                (0.0, 0))


def missed(profile):
    """What the profiles say would meet the goals a single PDF misses."""
    out = ["## What would meet the missed goals", ""]
    for title, (total, rows) in profile:
        layout, layouts = _phase(rows, "WeasyPrint: parsing HTML/CSS and layout")
        write, _ = _phase(rows, "WeasyPrint: writing the PDF")
        tails, _ = _phase(rows, "ours: the chapter tails")
        _, page_layouts = _phase(rows, "WeasyPrint: one page laid out")
        ours = sum(_phase(rows, p)[0] for p in ("Sphinx start-up", "Sphinx: reading",
                                                   "Sphinx: resolving", "ours: PDF/UA",
                                                   "ours: the preflight"))
        out.append(
            f"- {title[0].upper()}{title[1:]}: {layouts} layout(s) of the whole document "
            f"({layout / total:.0%} of the profiled time"
            + (f", {page_layouts} page layouts" if page_layouts else "")
            + (f"; the chapter tails' try alone {tails / total:.0%}" if tails else "")
            + f"), the PDF written {write / total:.0%}, Sphinx, the finishing and the "
            f"preflight {ours / total:.0%}. All of it runs on one core: a PDF is one "
            "WeasyPrint document, laid out page after page.")
    out.append(
        "- The floor is one layout and one write on one core; the matched peer the same. "
        "Below them (×10: ÷ matched ≤ 0.9, ÷ floor ≤ 1.05) and within 15 % of them at ×1 "
        "(where Sphinx's start and reading are a fixed half second or more) needs the "
        "whole-book PDF laid out on both cores: the chapters start on new pages, so each "
        "group of chapters can be laid out by its own process once the page numbers "
        "before it are known, and the PDFs joined. WeasyPrint 70 builds its tags page by "
        "page (pdf/tags.py), so joined pages keep theirs; the join must renumber the "
        "structure tree's parent tree, merge the outlines and named destinations, and "
        "rewrite the links between the parts. Not built: it is the same machinery the "
        "one-chapter edit (only that chapter's pages laid out again) and the clinic "
        "editions (only the clinic's cover, clinic page and back page) would need to "
        "reach 0.5 and 0.25.")
    return out + [""]


def _per_run(d, num, den):
    """num ÷ den run by run: 'median (lowest–highest)', or None."""
    if num not in d or den not in d:
        return None
    r = goals.per_run(d[num], d[den])
    return f"{statistics.median(r):.2f} ({min(r):.2f}–{max(r):.2f})" if r else None


def headline(book_tasks, big_tasks, clinics, factor, date, info):
    """Two lines the README can quote: the ratios of issue 29, median (lowest–highest)."""
    b, g = _done(book_tasks), _done(big_tasks)
    m = info["machine"]
    first = f"Measured {date} on {m['CPU']} ({m['cores']} cores, {m['RAM']}), {m['OS']}:"
    parts = []
    for d, scale in ((b, "the book"), (g, f"the book ×{factor}")):
        got = [f"÷ {name} {r}" for name, key in (("the matched peer", "pandoc-matched"),
                                                   ("the floor", "floor"))
               if (r := _per_run(d, "ours-one-pdf", key))]
        if got:
            parts.append(f"{scale}'s whole-book PDF " + ", ".join(got))
    if (r := _per_run(b, "ours-noop", "ours-all")):
        parts.append(f"nothing changed ÷ clean {r}")
    if (r := _per_run(b, "ours-incremental", "ours-all")):
        parts.append(f"one chapter edited ÷ clean {r}"
                     f"{' (stale titles)' if _stale(b) else ''}")
    if (mc := clinic_marginal(clinics)) and "ours-one-pdf" in b:
        parts.append(f"one more clinic edition {mc[2] / _wall(b, 'ours-one-pdf'):.2f}× one PDF "
                     "from clean")
    if "ours-all" in g:
        parts.append(f"peak memory at ×{factor} {g['ours-all'].median('rss_mib'):.0f} MiB")
    return [first, "; ".join(parts) + " (bench/RESULTS.md)."]


def write_results(path, args, info, book, big, book_tasks, big_tasks, clinics, profile,
                  started, elapsed, load, layouts=None):
    date = started.strftime("%Y-%m-%d")
    lines = [
        "# Benchmark results",
        "",
        f"Written by `bench/run.py`{' --smoke' if args.smoke else ''} (`make bench`) on "
        f"{date}, {started.strftime('%H:%M')} UTC, in {elapsed / 60:.1f} minutes.",
        f"Load average (1 min) before and after: {load[0]:.2f} and {load[1]:.2f}; "
        f"highest before a job: {max(LOADS, default=load[0]):.2f} on {os.cpu_count()} cores "
        "(the benchmark's own processes count in it)."
        + (" Other processes were busy when the run began: the figures are noisier and "
           "slower than on an idle machine." if load[0] > (os.cpu_count() or 1) else "")
        + (f" {args.note}" if args.note else ""),
        "",
        "## Headline (for the README)",
        "",
        *[f"> {line}  " for line in headline(book_tasks, big_tasks, clinics, args.factor,
                                               date, info)],
        "",
        "## Machine and versions",
        "",
        *[f"- {k}: {v}" for k, v in info["machine"].items()],
        "- " + ", ".join(f"{k} {v}" for k, v in info["versions"].items()),
        "",
        "## Method",
        "",
        f"- The book: `{book.src_label}` ({book.chars:,} characters of Markdown); the big book: "
        f"the same documents {args.factor} times over under new titles and labels "
        f"({big.chars:,} characters, {big.chars / book.chars:.1f}×; the root page and the "
        "glossary are not repeated).",
        "- This pipeline runs as `make all` does (strict: `-n -W --keep-going`): one "
        "`scripts/build` process, one doctree folder, the EPUB, then the PDF handouts "
        "(whole book, large print, one per chapter, in worker processes), then the website "
        "with its downloads; the per-format times are the ones `scripts/build` prints. "
        "\"One PDF\" is `-D handout_products=book` (the website then lists that one).",
        "- Incremental: the tree is built once; before each run the first chapter's title "
        "and text change (not timed); then all three builders run. Every HTML page's "
        "navigation and the EPUB's nav/NCX are then parsed for the old and new title.",
        "- Peers that do our whole-book PDF's work: the matched peer, pandoc `--toc` on the "
        "chapters concatenated in toctree order, to PDF/UA-1 through the `weasyprint` command "
        "(`--pdf-engine-opt=--pdf-variant=pdf/ua-1`) with `bench/peers/matched.css`: the same "
        "Letter text block, Atkinson Hyperlegible 14 pt, chapters on new pages, a running "
        "head, \"Page X of Y\", contents with leaders and `target-counter` page numbers "
        "(pandoc's contents list three heading levels; ours lists the chapters and prints "
        "a page number after every cross-reference instead); and the floor, the `weasyprint` "
        "command alone (`--pdf-variant pdf/ua-1`) on this pipeline's own print document "
        "(`handout/index.html` of a one-PDF build made beforehand, not timed): the layout "
        "of our HTML and CSS with nothing of ours around it.",
        "- Plain peers, doing less work (kept for comparison): sphinx-simplepdf with a "
        "minimal conf (`bench/peers/simplepdf/`: contents page numbers and running heads, "
        "untagged); `singlehtml` (basic theme) then the `weasyprint` command with "
        "`bench/peers/singlehtml/print.css`; Debian's pandoc on the concatenated chapters "
        "(MyST roles turned into text, directives into divs) to PDF with "
        "`--pdf-engine=weasyprint` and `bench/peers/pandoc.css` (page numbers only), and to "
        "EPUB. Peers run without `-W`.",
        "- No-op: the tree is built once; then all three builders run again on the same "
        "sources, as a second `make` does, and every output must stay byte-identical.",
        f"- Round-robin: in each run every tool goes once, starting one tool further on. "
        f"Book: {args.warmup} warm-up + {args.runs} runs; big book: "
        f"{args.big_warmup} warm-up + {args.big_runs} runs; clinic batches: "
        f"{args.clinic_warmup} warm-up + {args.clinic_runs} runs (batches of 100: "
        f"{args.clinic_large_runs} runs, no warm-up). Figures are medians. The big book "
        "runs without a warm-up of its own (the book's warm-up loaded every tool) and "
        "with one PDF-only job of this pipeline, the whole-book PDF (for the six PDFs, see "
        "the clean build's handout step), to "
        "keep `make bench` under 20 minutes on 2 cores.",
        "- Wall time; CPU = user + system of the command and all its children (os.wait4); "
        "peak memory = the largest single process's maximum resident set (parallel "
        "workers are not summed).",
        "",
        f"## The book ({book.src_label})",
        "",
        *table(book_tasks),
        "",
        "### Each figure as a ratio to each peer",
        "",
        *ratio_table({t.key: t for t in book_tasks}),
        "",
        f"## The book {args.factor} times over",
        "",
        *table(big_tasks),
        "",
        "### Each figure as a ratio to each peer",
        "",
        *ratio_table({t.key: t for t in big_tasks}),
        "",
        "### Scaling",
        "",
        *scaling(book_tasks, big_tasks),
        "",
        "## Clinic editions",
        "",
        "`python -m patientpress.clinics FOLDER --source SRC --conf CONF --doctrees "
        "<the book's doctrees> --out OUT --products book` (one whole-book PDF per clinic; "
        "worker processes = cores).",
        "",
        *table(clinics),
        "",
        "## The goals of issue 29",
        "",
        "Each ratio is taken run by run (the two jobs of one ratio ran in the same "
        "round-robin run, a few seconds apart), then summarised: median, lowest and highest "
        "over the runs. \"×10 the text\" divides the big book's run i by the book's run i "
        "(two passes of the benchmark, minutes apart). An incremental build's outputs are "
        "compared, file by file, with a clean build of the same edited sources after the "
        "last run; a build with nothing changed, with the build before it after every run.",
        "",
        "| ratio | median | min | max | runs | goal | |",
        "| --- | ---: | ---: | ---: | ---: | --- | --- |",
        *goals.table_rows(book_tasks, big_tasks, clinics, args.factor, IDENTICAL),
        goals.layouts_row(layouts or {}),
        "",
        "## Layouts per PDF (the book, every product, from clean)",
        "",
        "WeasyPrint layouts behind each PDF of one clean handout build in one process "
        "(`bench/layouts.py`): the first, and one more for each decision that needed one "
        "(a figure fitted to its lead-in's page, chapter tails pulled back). A chapter "
        "handout's notes page is decided in its one layout (`print/lastnotes.py`). A page "
        "layout is one page laid out in one pagination pass: pages holding a page "
        "reference are laid out once more when a number they were built with was wrong "
        "(`print/counters.py`: a layout after the first builds them from the one before).",
        "",
        "| PDF | layouts | pages | page layouts (every pass of every layout) |",
        "| --- | ---: | ---: | ---: |",
        *[f"| {name} | {n} | {pages} | {made} |"
          for name, (n, pages, made) in sorted((layouts or {}).items())],
        "",
        "## The targets of issue 9",
        "",
        "| figure | measured | target | |",
        "| --- | --- | --- | --- |",
        *[f"| {a} | {b} | {c} | {d} |" for a, b, c, d in
          targets(book_tasks, big_tasks, clinics, args.factor)],
        "",
    ]
    for title, (total, rows) in profile:
        lines += [
            f"## Where the time goes: the whole-book PDF of {title} from clean (cProfile)",
            "",
            f"One clean build of the whole-book PDF under cProfile, in one process (no "
            f"render workers, so WeasyPrint's import counts here), took {fmt_s(total)} "
            "(profiling slows Python code: read the shares, not the seconds; a phase "
            "inside another counts in both).",
            "",
            "| phase | cumulative | share | calls |", "| --- | ---: | ---: | ---: |",
            *[f"| {label} | {fmt_s(cum)} | {cum / total:.0%} | {calls} |"
              for label, cum, calls in rows],
            "",
        ]
    lines += analysis(book_tasks, big_tasks, clinics, args.factor, args.work.resolve())
    lines += missed(profile)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


# -- main --------------------------------------------------------------------

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--smoke", action="store_true",
                   help="one run of everything on the tiny test book (for the test suite)")
    p.add_argument("--src", type=Path, default=ROOT / "docs", help="the book's sources")
    p.add_argument("--conf", type=Path, default=ROOT, help="the folder with its conf.py")
    p.add_argument("--work", type=Path, default=BENCH / "work", help="scratch folder")
    p.add_argument("--results", type=Path, default=BENCH / "RESULTS.md")
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--warmup", type=int, default=1)
    p.add_argument("--factor", type=int, default=10, help="how many times over the big book is")
    p.add_argument("--big-runs", type=int, default=5)
    p.add_argument("--big-warmup", type=int, default=0,
                   help="the book's warm-up already warmed every tool")
    # 1 and 10: their difference is the goal's "one more edition"; a batch of 100 (about
    # ten more minutes here) only shows the same per edition: --clinics 1 10 100.
    p.add_argument("--clinics", type=int, nargs="+", default=[1, 10])
    p.add_argument("--clinic-runs", type=int, default=5)
    p.add_argument("--clinic-warmup", type=int, default=1)
    p.add_argument("--clinic-large-runs", type=int, default=3,
                   help="runs of batches of 100 and more (no warm-up: the smaller batches "
                        "warmed up; 5 would not fit the 15-minute budget on 2 cores)")
    p.add_argument("--define", "-D", action="append", default=[], metavar="NAME=VALUE",
                   help="a Sphinx -D override for this pipeline's builds")
    p.add_argument("--no-profile", action="store_true")
    p.add_argument("--note", default="", help="a sentence for the results (say, the load)")
    args = p.parse_args(argv)
    if args.smoke:
        args.src = args.conf = ROOT / "tests/roots/test-book"
        args.runs, args.warmup, args.factor, args.big_runs, args.big_warmup = 1, 0, 2, 1, 0
        args.clinics, args.clinic_runs, args.clinic_warmup = [1, 2], 1, 0
        args.clinic_large_runs = 1
        args.no_profile = True
        # The test book is made for the handout tests: give it what the EPUB and the
        # website's download links need to pass strictly.
        args.define = ["copyright=2026, Test Writers",
                       "handout_products=book,chapters,large-print", *args.define]
    if args.runs < 1 or args.big_runs < 1 or args.factor < 2:
        p.error("--runs and --big-runs must be at least 1 and --factor at least 2")

    DEFINES[:] = args.define
    started = datetime.datetime.now(datetime.timezone.utc)
    t0 = time.perf_counter()
    load0 = os.getloadavg()[0]
    work = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    logdir = work / "logs"
    rmtree(logdir)
    logdir.mkdir()
    env = {**os.environ,
           "PATH": os.pathsep.join([str(Path(PY).parent), os.environ.get("PATH", "")]),
           "SOURCE_DATE_EPOCH": os.environ.get("SOURCE_DATE_EPOCH", "1767225600")}

    def progress(msg):
        print(f"[{time.perf_counter() - t0:6.0f} s] {msg}", flush=True)

    progress("preparing the books")
    src = books.copy_book(args.src.resolve(), work / "book-src")
    big_src = books.multiply_book(src, work / "big-src", args.factor)
    conf = args.conf.resolve()
    book = Book("book", src, conf, work, args.runs, args.warmup)
    big = Book("big", big_src, conf, work, args.big_runs, args.big_warmup)
    book.src_label = big.src_label = args.src.resolve().relative_to(ROOT).as_posix() \
        if args.src.resolve().is_relative_to(ROOT) else str(args.src)
    book_tasks = book.tasks(env)
    clinics = clinic_tasks(book, work, env, args.clinics, args.clinic_runs, args.clinic_warmup,
                           args.clinic_large_runs)

    progress(f"the book: {args.warmup} warm-up + {args.runs} runs")
    round_robin(book_tasks, env, logdir, progress)
    if any(not t.skipped for t in clinics):
        progress(f"clinic editions: batches {args.clinics}")
        round_robin(clinics, env, logdir, progress)
    progress(f"the book {args.factor}× over: {args.big_warmup} warm-up + {args.big_runs} runs")
    big_tasks = big.tasks(env, small=False)
    round_robin(big_tasks, env, logdir, progress)
    profile = []
    if not args.no_profile:
        progress("profiling the handout builds")
        profile.append(("the book", profile_handout(book, env, work / "profile")))
        # The big book's too: where its time goes is what a missed ×10 goal is explained by.
        profile.append((f"the book {args.factor}× over",
                        profile_handout(big, env, work / "profile-big")))

    progress("counting the layouts behind each PDF")
    layouts = count_layouts(book, env, work / "layouts")
    info = {"machine": machine(), "versions": versions()}
    elapsed = time.perf_counter() - t0
    write_results(args.results, args, info, book, big, book_tasks, big_tasks, clinics,
                  profile, started, elapsed, (load0, os.getloadavg()[0]), layouts)
    progress(f"wrote {args.results}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
