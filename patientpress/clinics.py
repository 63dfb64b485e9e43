"""Clinic editions: the handouts with each clinic's name, address, phone, hours and logo.

The book is built once (``make pdf``). Each edition re-renders the built print documents
with the clinic's details put into every clinic box (cover and back page), in a pool of
long-lived worker processes that load WeasyPrint and parse the book once each::

    python -m patientpress.clinics clinics/ --book _build/handout --out _build/clinics

Every ``*.yaml``, ``*.yml`` or ``*.toml`` file in the folder is one clinic. A clinic file
with a problem fails alone, with a message naming the file, the field and the fix; its
PDFs are not written (an older edition of it is removed) and the others still build.

``--shard K/N`` builds only the clinic files of shard K of N, so that N machines (a CI
matrix, a Kubernetes indexed Job) share a batch, writing to one output folder or several.
"""

import argparse
import copy
import hashlib
import logging
import os
import re
import shutil
import sys
import unicodedata
from pathlib import Path, PurePath

from . import booklet, pdfua, pool, qr, render
from . import paper as paper_sizes
from .clinicfile import ClinicError, FALLBACK_FAMILY, Glyphs, clinic_files, fallback_font, load_folder

PRODUCTS = ("book", "large-print", "booklet", "chapters")
DEFAULT_PRODUCTS = ("book", "large-print", "booklet")


# -- shards: one batch on several machines -------------------------------------------------

SHARD_FORM = "--shard takes K/N with 1 ≤ K ≤ N, e.g. --shard 2/8"


def parse_shard(text):
    """(K, N) from ``"K/N"``; :class:`ValueError` with the message for the user."""
    match = re.fullmatch(r"([0-9]+)/([0-9]+)", text.strip())
    if not match or not 1 <= int(match[1]) <= int(match[2]):
        raise ValueError(f"{SHARD_FORM}, not {text!r}")
    return int(match[1]), int(match[2])


def shard_of(relpath, n):
    """The shard (1 to ``n``) that builds the clinic file at ``relpath`` (relative to the
    clinic folder).

    A hash of the path, not its place in sorted order: adding or removing a clinic file
    moves no other file to another shard, so each shard keeps its clinics from run to run.
    The cost is shards of uneven size when there are few files per shard. sha256 is the
    same on every machine and Python (``hash()`` is salted per process); the path is in
    POSIX form and NFC, as macOS may list a name decomposed (NFD) where Linux keeps NFC.
    """
    name = unicodedata.normalize("NFC", PurePath(relpath).as_posix())
    digest = hashlib.sha256(name.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % n + 1


def select_shard(files, folder, k, n):
    """The clinic files of ``folder`` (sorted) that shard ``k`` of ``n`` builds."""
    return sorted(f for f in files if shard_of(Path(f).relative_to(folder), n) == k)


# -- the edition's print document ----------------------------------------------------

def _has_class(element, name):
    return name in (element.get("class") or "").split()


def _direction(text):
    for c in text:
        kind = unicodedata.bidirectional(c)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return "ltr"
    return None


def _para(cls, *children):
    """A <p> with text children (escaped on output) and elements."""
    from lxml.html import builder as E

    p = E.P(E.CLASS(cls), *children)
    direction = _direction(p.text_content())
    if direction == "rtl":
        p.set("dir", "rtl")
    return p


def _lines(cls, lines):
    from lxml.html import builder as E

    children = []
    for i, line in enumerate(lines):
        if i:
            children.append(E.BR())
        children.append(line)
    # lxml's builder joins strings and <br> tails itself.
    return _para(cls, *children)


def fill_box(box, clinic, logo_uri):
    """Replace the blank in one clinic box with the clinic's details, as text."""
    from lxml.html import builder as E

    label = next((p.text_content() for p in box.iter("p") if _has_class(p, "clinic-label")),
                 "Given to you by:")
    for child in list(box):
        box.remove(child)
    box.text = "\n"
    if logo_uri:
        box.append(E.IMG(E.CLASS("clinic-logo"), src=logo_uri, alt=f"Logo of {clinic.name}"))
    box.append(_para("clinic-label", label))
    box.append(_para("clinic-name", clinic.name))
    box.append(_lines("clinic-address", clinic.address))
    box.append(_para("clinic-phone", "Phone: ", E.SPAN(E.CLASS("clinic-value"), clinic.phone)))
    box.append(_para("clinic-web", "Web: ", E.SPAN(E.CLASS("url"), clinic.web)))
    if clinic.hours:
        box.append(_lines("clinic-hours", ["Opening hours:", *clinic.hours]))


def _set_qr(cover, url):
    """Point the cover's QR code (adding one if the book has none) at ``url``."""
    from lxml.html import builder as E

    block = next((d for d in cover.iter("div") if _has_class(d, "cover-qr")), None)
    if block is None:
        block = E.DIV(E.CLASS("cover-qr"), E.IMG(E.CLASS("qr")),
                      E.P("Scan with a phone camera to open, or type:", E.BR(),
                          E.SPAN(E.CLASS("url"))))
        cover.append(block)
    for img in block.iter("img"):
        img.set("src", qr.svg_data_uri(url))
        img.set("alt", f"QR code that opens {url}")
    for span in block.iter("span"):
        if _has_class(span, "url"):
            span.text = url


def edition_html(tree, clinic):
    """The print document ``tree`` (not changed) as HTML text for ``clinic``."""
    import lxml.html
    from lxml.html import builder as E

    doc = copy.deepcopy(tree)
    boxes = [d for d in doc.iter("div") if _has_class(d, "clinic-box")]
    if not boxes:
        raise ClinicError(clinic.path, ["the built book has no clinic box on its cover; "
                                        "rebuild it with: make pdf"])
    logo_uri = clinic.logo.as_uri() if clinic.logo else ""
    for box in boxes:
        fill_box(box, clinic, logo_uri)
    if clinic.needs_fallback:
        head = doc.find("head")
        head.append(E.STYLE(fallback_css()))
    if clinic.qr:
        cover = next((d for d in doc.iter("div") if _has_class(d, "cover")), None)
        if cover is not None:
            _set_qr(cover, clinic.qr)
    return lxml.html.tostring(doc, encoding="unicode", doctype="<!DOCTYPE html>")


# WeasyPrint applies these extra stylesheets at user level, below the book's print.css:
# each declaration that overrides print.css needs !important to win.
CLINIC_CSS = """
/* A logo of any size or shape fills the same box, keeping its proportions. */
.clinic-box img.clinic-logo { width: 45mm !important; height: 22mm !important;
  max-width: none !important; max-height: none !important;
  object-fit: contain; object-position: right top; }
.clinic-box::after { content: ""; display: block; clear: both; }
.clinic-name { font-weight: bold; font-size: 1.15em; }
.clinic-box p[dir="rtl"] { text-align: right !important; }
/* The running title comes from the cover title only, never from the whole cover (with the
   clinic's details) when a cover runs onto a second page. */
.cover { string-set: none !important; }
"""
# A booklet page is half a sheet: narrower margins, the wider one always on the fold, and
# a cover (with its clinic box and QR code) that fits one half-size page.
BOOKLET_CSS = """
@page { size: %s; margin: 16mm 13mm 18mm 17mm !important; }
@page :left { margin-left: 13mm !important; margin-right: 17mm !important; }
.cover-title { font-size: 2em !important; }
.cover-review { margin-bottom: 1em !important; }
.clinic-box { line-height: 1.3 !important; padding: 0.4em 0.7em !important;
  margin-bottom: 1em !important; }
.clinic-box img.clinic-logo { width: 34mm !important; height: 17mm !important; }
.cover-qr img.qr { width: 26mm !important; height: 26mm !important; }
"""
# Bigger type or smaller pages: the back page (with the clinic box) still fits one page.
COMPACT_CSS = """
.back-title { margin-top: 0 !important; }
.back-page p { margin-bottom: 0.4em !important; }
.clinic-box p { margin: 0 !important; }
"""


def stylesheets(clinic, kind):
    sheets = [CLINIC_CSS]
    if kind == "booklet":
        sheets.append(BOOKLET_CSS % booklet.SHEETS[clinic.paper]["page_css"])
    else:
        sheets.append(paper_sizes.page_css(clinic.paper))
    if kind == "large":
        sheets.append(paper_sizes.large_print_css())
    if kind in ("large", "booklet"):
        sheets.append(COMPACT_CSS)
    return sheets


def fallback_css():
    """Arabic-script fallback font. It goes in the document's own <style>: WeasyPrint loads
    @font-face rules of extra stylesheets only with a shared font configuration."""
    return (f'@font-face {{ font-family: "{FALLBACK_FAMILY}"; '
            f'src: url("{fallback_font().as_uri()}"); }}\n'
            f'html {{ font-family: "Atkinson Hyperlegible", "{FALLBACK_FAMILY}", sans-serif; }}')


# -- rendering, in worker processes ------------------------------------------------------

_BOOK = {}


def _use_book(book_dir):
    """Remember the book in this worker; its print documents are parsed on first use."""
    book_dir = Path(book_dir).resolve()
    if _BOOK.get("dir") == book_dir:
        return
    # WeasyPrint's messages come back as results; none goes to the terminal mid-progress-bar.
    quiet = logging.getLogger("sphinx.patientpress.render")
    quiet.propagate = False
    quiet.addHandler(logging.NullHandler())
    _BOOK.clear()
    _BOOK.update(dir=book_dir, trees={})


def _tree(rel):
    import lxml.html

    trees = _BOOK["trees"]
    if rel not in trees:
        text = (_BOOK["dir"] / rel).read_text(encoding="utf-8")
        trees[rel] = lxml.html.document_fromstring(text)
    return trees[rel]


def render_job(job, book_dir):
    """Render one product of one clinic into its staging folder; return (job, problem)."""
    clinic, kind, rel, target = job
    _use_book(book_dir)
    book = _BOOK["dir"]
    roots = [book, clinic.path.parent.resolve()]
    if clinic.needs_fallback:
        roots.append(fallback_font().parent)
    pages = target.with_name(f".{target.stem}-pages.pdf") if kind == "booklet" else target
    try:
        html = edition_html(_tree(rel), clinic)
        messages = render.render_pdf(
            html, pages,
            # Every print document resolves its paths from the book's output folder.
            base_url=book.as_uri() + "/", allowed_roots=roots,
            stylesheets=stylesheets(clinic, kind),
            location=str(clinic.path))
        if messages:
            return job, "the PDF renderer reported: " + "; ".join(dict.fromkeys(messages))
        # The same PDF/UA finishing as the book's own handouts (running heads as artifacts,
        # one annotation per link, link descriptions in words).
        pdfua.finish_pdf(pages, html)
        if kind == "booklet":
            booklet.impose(pages, target, clinic.paper)
    except ClinicError as exc:
        return job, "; ".join(exc.problems)
    except Exception as exc:  # one clinic's failure never stops the batch
        return job, f"rendering failed: {type(exc).__name__}: {exc}"
    finally:
        if kind == "booklet":
            pages.unlink(missing_ok=True)
    return job, None


def plan(clinic, products, chapters, staging):
    """The render jobs (clinic, kind, print document, target PDF) of one clinic."""
    jobs = []
    if "book" in products:
        jobs.append((clinic, "book", "index.html", staging / f"{clinic.slug}-handout.pdf"))
    if "large-print" in products and clinic.large_print:
        jobs.append((clinic, "large", "index.html", staging / f"{clinic.slug}-large-print.pdf"))
    if "booklet" in products:
        jobs.append((clinic, "booklet", "index.html", staging / f"{clinic.slug}-booklet.pdf"))
    if "chapters" in products:
        for rel in chapters:
            name = Path(rel).stem
            jobs.append((clinic, "book", rel, staging / "chapters" / f"{clinic.slug}-{name}.pdf"))
    return jobs


def _run(jobs, workers, book_dir, timeout, progress):
    """Yield (job, problem) as each render ends, in the render worker pool (each PDF within
    ``timeout`` seconds; a render past it is stopped and reported, the others go on)."""
    from tqdm import tqdm

    bar = tqdm(total=len(jobs), unit="pdf", desc="Clinic editions", disable=not progress,
               file=sys.stderr)
    try:
        runner = pool.workers(workers)
        renders = [pool.Job(render_job, (job, book_dir), timeout=timeout,
                              what=job[3].name, target=job[3]) for job in jobs]
        for index, outcome in runner.run(renders):
            if isinstance(outcome, BaseException):
                outcome = jobs[index], str(outcome)
            yield outcome
            bar.update()
    finally:
        bar.close()


# -- command line ---------------------------------------------------------------------------

def _parser():
    p = argparse.ArgumentParser(
        prog="patientpress-clinics",
        description="Build a branded edition of the handouts for every clinic file "
                    "(*.yaml, *.yml, *.toml) in FOLDER: the clinic's name, address, phone, "
                    "web address, opening hours and logo on the cover and the back page.",
        epilog="Outputs: OUT/<slug>/<slug>-handout.pdf, <slug>-large-print.pdf (clinics with "
               "large_print: true), <slug>-booklet.pdf (fold-and-staple booklet) and, with "
               "--products chapters, chapters/<slug>-<chapter>.pdf. Exit status 1 if any "
               "clinic failed (the others are still written).")
    p.add_argument("folder", type=Path, help="folder of clinic files, e.g. clinics/")
    p.add_argument("--book", type=Path, required=True,
                   help="the built handout folder (make pdf), e.g. _build/handout")
    p.add_argument("--out", type=Path, required=True, help="where to write, e.g. _build/clinics")
    p.add_argument("--jobs", "-j", type=int, default=os.cpu_count() or 1,
                   help="renders in parallel (default: every core, %(default)s here)")
    p.add_argument("--products", nargs="+", choices=PRODUCTS, default=list(DEFAULT_PRODUCTS),
                   metavar="PRODUCT",
                   help=f"what to make, any of {', '.join(PRODUCTS)} "
                        f"(default: {' '.join(DEFAULT_PRODUCTS)})")
    p.add_argument("--timeout", type=float, default=pool.DEFAULT_TIMEOUT,
                   help="seconds allowed per PDF (default: %(default)s)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument("--shard", metavar="K/N",
                   help="build only shard K of N of the clinic files (1 ≤ K ≤ N; each file's "
                        "shard comes from a hash of its name), for a CI matrix or an indexed "
                        "Job. Every shard still checks all the files, so two clinics with the "
                        "same slug are found in any shards, but reports only its own")
    return p


def _check_book(book):
    missing = [n for n in ("index.html", "_static/print.css") if not (book / n).is_file()]
    if missing:
        raise SystemExit(f"error: {book} is not a built handout folder (no {missing[0]}). "
                         "Build the book first: make pdf")


def main(argv=None):
    parser = _parser()
    args = parser.parse_args(argv)
    shard = None
    if args.shard is not None:
        try:
            shard = parse_shard(args.shard)
        except ValueError as exc:
            parser.error(str(exc))   # usage and the message, exit status 2
    if args.jobs < 1:
        raise SystemExit("error: --jobs must be 1 or more")
    if not args.folder.is_dir():
        raise SystemExit(f"error: the clinic folder {args.folder} does not exist")
    book = args.book.resolve()
    _check_book(book)
    files = clinic_files(args.folder)
    if not files:
        raise SystemExit(f"error: {args.folder} has no clinic files (*.yaml, *.yml, *.toml); "
                         "see clinics/example-clinic.yaml")
    mine = set(files)
    if shard:
        mine = set(select_shard(files, args.folder, *shard))
        if not mine:   # a CI matrix may have more shards than there are clinic files
            print(f"Clinic editions: shard {shard[0]}/{shard[1]} has no clinic files "
                  f"({len(files)} in {args.folder}); nothing to do.")
            return 0
    # Every shard reads and checks all the files: a duplicate slug is a clash between two
    # files that may sit in different shards. Each shard builds and reports only its own.
    everyone, failed = load_folder(args.folder, Glyphs(book))
    clinics = [c for c in everyone if c.path in mine]
    failed = {path: exc for path, exc in failed.items() if path in mine}
    # Editions that other shards build, maybe into this same output folder at this moment.
    theirs = {c.slug for c in everyone if c.path not in mine}
    chapters = sorted(p.relative_to(book).as_posix() for p in (book / "chapters").glob("*.html"))
    out = args.out
    out.mkdir(parents=True, exist_ok=True)

    jobs, staging = [], {}
    for clinic in clinics:
        staging[clinic.slug] = out / f".{clinic.slug}.partial"
        shutil.rmtree(staging[clinic.slug], ignore_errors=True)
        jobs += plan(clinic, args.products, chapters, staging[clinic.slug])
    errors = {}
    workers = max(1, min(args.jobs, len(jobs)))
    for (clinic, _kind, _rel, target), problem in _run(jobs, workers, book, args.timeout,
                                                         not args.no_progress):
        if problem:
            errors.setdefault(clinic.path, []).append(f"{target.name}: {problem}")

    written = []
    for clinic in clinics:
        final = out / clinic.slug
        if clinic.path in errors:
            failed[clinic.path] = ClinicError(clinic.path, errors[clinic.path], clinic.slug)
            shutil.rmtree(staging[clinic.slug], ignore_errors=True)
            continue
        shutil.rmtree(final, ignore_errors=True)
        if staging[clinic.slug].exists():
            staging[clinic.slug].rename(final)
            written.append((clinic, sorted(final.rglob("*.pdf"))))
    # A failed clinic keeps no out-of-date edition from an earlier run, unless its slug is
    # that of a good clinic (which a failed file with a problem in another field can share),
    # here or in another shard: that edition is the other clinic's.
    made = {clinic.slug for clinic, _ in written}
    for exc in failed.values():
        if exc.slug and exc.slug not in made and exc.slug not in theirs:
            shutil.rmtree(out / exc.slug, ignore_errors=True)
    which = f", shard {shard[0]}/{shard[1]} ({len(mine)} of {len(files)} files)" if shard else ""
    _summary(written, failed, which)
    return 1 if failed else 0


def _summary(written, failed, which=""):
    print(f"\nClinic editions{which}: {len(written)} written, {len(failed)} failed.")
    for clinic, pdfs in written:
        print(f"  {clinic.path}:")
        for pdf in pdfs:
            print(f"      {pdf}")
        for note in clinic.notes:
            print(f"    note: {clinic.path}: {note}")
    for path, exc in sorted(failed.items()):
        print(f"  FAILED {path} (no PDF written):", file=sys.stderr)
        for problem in exc.problems:
            print(f"    {path}: {problem}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
