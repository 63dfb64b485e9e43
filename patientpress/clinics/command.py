"""Clinic editions: the handouts with each clinic's name, address, phone, hours and logo.

Every ``*.yaml``, ``*.yml`` or ``*.toml`` file in the folder is one clinic
(:mod:`patientpress.clinicfile` reads and checks it). The editions are built by the
``clinic-editions`` builder (:mod:`patientpress.editions`) from the book's sources, with
the doctrees of the book's own build, so nothing is read again::

    python -m patientpress.clinics clinics/ --source docs --conf . --out _build/clinics

A clinic file's ``language:`` (``es``, or ``[en, es]``; the book's own language when left
out) asks for its editions in those languages: the builder runs once per language, with
``language`` set, and an edition in another language than the book's goes to
``OUT/<slug>-<lang>/`` (:func:`_build_languages`).

A clinic file with a problem fails alone, with a message naming the file, the field and
the fix; its PDFs are not written (an older edition of it is removed) and the others
still build. ``--shard K/N`` builds only the clinic files of shard K of N, so that N
machines (a CI matrix, a Kubernetes indexed Job) share a batch, writing to one output
folder or several.
"""

import argparse
import dataclasses
import hashlib
import io
import os
import re
import shutil
import sys
import tempfile
import unicodedata
from pathlib import Path, PurePath

from ..print import pool
from .schema import ClinicError, Glyphs, clinic_files, load_folder

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


# -- command line ---------------------------------------------------------------------------

def _parser():
    p = argparse.ArgumentParser(
        prog="patientpress-clinics",
        description="Build a branded edition of the handouts for every clinic file "
                    "(*.yaml, *.yml, *.toml) in FOLDER: the clinic's name, address, phone, "
                    "web address, opening hours and logo on the cover and the back page.",
        epilog="Outputs: OUT/<slug>/<slug>-handout.pdf, <slug>-large-print.pdf (clinics with "
               "large_print: true), <slug>-booklet.pdf (fold-and-staple booklet) and, with "
               "--products chapters, chapters/<slug>-<chapter>.pdf. A clinic file's "
               "language: (es, or [en, es]) asks for editions in other languages than the "
               "book's: OUT/<slug>-<lang>/<slug>-<lang>-handout.pdf and so on, built from the "
               "book's catalogs. Exit status 1 if any clinic failed (the others are still "
               "written).")
    p.add_argument("folder", type=Path, help="folder of clinic files, e.g. clinics/")
    p.add_argument("--source", type=Path, default=Path("docs"),
                   help="the book's source folder (default: %(default)s)")
    p.add_argument("--conf", type=Path, default=Path("."),
                   help="the folder of the book's conf.py (default: the current folder)")
    p.add_argument("--doctrees", type=Path, default=Path("_build/doctrees"),
                   help="the book's doctrees, shared with its own build so that no source is "
                        "read again (default: %(default)s)")
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


def _check_book(args):
    conf = args.conf / "conf.py"
    if not conf.is_file():
        raise SystemExit(f"error: {conf} does not exist: give the folder of the book's conf.py "
                         "with --conf")
    if not args.source.is_dir():
        raise SystemExit(f"error: the book's source folder {args.source} does not exist: give "
                         "it with --source")


def _arguments(argv):
    parser = _parser()
    args = parser.parse_args(argv)
    args.shard_of = None
    if args.shard is not None:
        try:
            args.shard_of = parse_shard(args.shard)
        except ValueError as exc:
            parser.error(str(exc))   # usage and the message, exit status 2
    if args.jobs < 1:
        raise SystemExit("error: --jobs must be 1 or more")
    if not args.folder.is_dir():
        raise SystemExit(f"error: the clinic folder {args.folder} does not exist")
    _check_book(args)
    return args


def main(argv=None):
    args = _arguments(argv)
    shard = args.shard_of
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
    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    # The builder's own folder (print documents, stylesheets, pictures), private to this
    # run: shards writing into the same output folder never share one.
    work = Path(tempfile.mkdtemp(prefix=".print-", dir=out))
    try:
        written, failed = _editions(args, files, mine, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    which = f", shard {shard[0]}/{shard[1]} ({len(mine)} of {len(files)} files)" if shard else ""
    _summary(written, failed, which)
    return 1 if failed else 0


# -- the book's languages ---------------------------------------------------------------

@dataclasses.dataclass
class Book:
    """The book's own language and the languages it has catalogs for (``locale_dirs``,
    relative to the source folder, as Sphinx reads them)."""

    source: str
    languages: tuple   # the book's own first

    def has(self, language):
        return language in self.languages

    def doctrees(self, doctrees, language):
        """The doctrees of the book in ``language``: ``--doctrees`` for its own, the
        Makefile's ``<doctrees>/../<language>/doctrees`` for a translation."""
        return doctrees if language == self.source else doctrees.parent / language / "doctrees"


def read_book(args):
    """The :class:`Book` that ``--conf`` and ``--source`` name (conf.py is read, as Sphinx
    reads it, for its ``language`` and ``locale_dirs``)."""
    from sphinx.config import Config
    from sphinx.util.tags import Tags

    try:
        config = Config.read(args.conf.resolve(), overrides={}, tags=Tags())
    except Exception as exc:
        raise SystemExit(f"error: the book's {args.conf / 'conf.py'} could not be read "
                         f"({type(exc).__name__}: {exc}). Fix the book first: make pdf") from None
    source = config.language or "en"
    found = set()
    for folder in config.locale_dirs:
        root = args.source / folder
        if root.is_dir():
            found |= {d.name for d in root.iterdir()
                      if next((d / "LC_MESSAGES").rglob("*.po"), None) is not None}
    return Book(source, (source, *sorted(found - {source})))


def _no_catalogs(language, book):
    others = [lang for lang in book.languages if lang != book.source]
    fix = (f"language: {others[0]}, or leave it out for {book.source}" if others
           else f"leave 'language' out (the book is in {book.source} only)")
    return (f"'language' asks for {language!r}, but the book has no {language!r} translation "
            f"(no {language}/LC_MESSAGES/ folder of .po files in its locale_dirs); the book's "
            f"languages are: {', '.join(book.languages)}. Fix: {fix}, or translate the book "
            f"into {language!r} first")


def _fail(failed, clinic, problems):
    """Add ``problems`` to the failures of ``clinic`` (a clinic may fail in one language
    and be written in another)."""
    if clinic.path in failed:
        failed[clinic.path].problems.extend(problems)
    else:
        failed[clinic.path] = ClinicError(clinic.path, problems, clinic.slug)


# -- the editions ---------------------------------------------------------------------

def _editions(args, files, mine, work):
    """Check every clinic file, build the editions of ``mine``; (written, failed)."""
    from .editions import Edition

    book = read_book(args)
    # Every shard reads and checks all the files: a duplicate slug is a clash between two
    # files that may sit in different shards. Each shard builds and reports only its own.
    everyone, failed = load_folder(args.folder, Glyphs(), book.source)
    clinics = [c for c in everyone if c.path in mine]
    failed = {path: exc for path, exc in failed.items() if path in mine}
    # Editions that other shards build, maybe into this same output folder at this moment.
    theirs = {c.folder(lang, book.source) for c in everyone if c.path not in mine
              for lang in c.languages(book.source)}
    out = args.out
    editions, gone = [], []
    for clinic in clinics:
        for language in clinic.languages(book.source):
            name = clinic.folder(language, book.source)
            if not book.has(language):   # this clinic fails, in this language alone
                _fail(failed, clinic, [_no_catalogs(language, book)])
                gone.append(name)
                continue
            staging = out / f".{name}.partial"
            shutil.rmtree(staging, ignore_errors=True)
            editions.append(Edition(clinic, staging, tuple(args.products), name, language))
    try:
        errors = _build_languages(args, book, editions, work)
    except BaseException:
        for edition in editions:   # the book is wrong, or the run was stopped: no edition
            shutil.rmtree(edition.staging, ignore_errors=True)
        raise

    written = []
    for edition in editions:
        clinic, final = edition.clinic, out / edition.name
        if edition.name in errors:
            # Its other products are still handed out: a large print that cannot hold the
            # clinic's details takes nothing else with it (the failed PDFs were removed).
            _fail(failed, clinic, errors[edition.name])
            if not any(edition.staging.rglob("*.pdf")):
                shutil.rmtree(edition.staging, ignore_errors=True)
                gone.append(edition.name)
                continue
        shutil.rmtree(final, ignore_errors=True)
        if edition.staging.exists():
            edition.staging.rename(final)
            written.append((clinic, edition.language, sorted(final.rglob("*.pdf"))))
    # A failed clinic keeps no out-of-date edition from an earlier run (in any of the book's
    # languages, for a clinic file that could not be read), unless its name is that of a
    # good clinic's edition (a failed file with a problem in another field can share it),
    # here or in another shard: that edition is the other clinic's.
    made = {edition.name for edition in editions if edition.name not in errors}
    for exc in failed.values():
        if exc.slug and exc.path not in {c.path for c in clinics}:
            gone += [exc.slug] + [f"{exc.slug}-{lang}" for lang in book.languages[1:]]
    for name in gone:
        if name not in made and name not in theirs:
            shutil.rmtree(out / name, ignore_errors=True)
    return written, failed


def _build_languages(args, book, editions, work):
    """Build the editions one language at a time, the book's own first, each in a process
    of its own (as make builds each language): Sphinx keeps its translations in a
    process-wide table that a build adds to, so a build after a Spanish one would print
    Sphinx's Spanish words. {edition name: [problems]}."""
    errors = {}
    for language in book.languages:
        mine = [e for e in editions if e.language == language]
        if mine:
            errors.update(_in_own_process(_build, args, mine, work / f"book-{language}",
                                          language, book))
    return errors


def _in_own_process(func, *args):
    """``func(*args)`` in a forked child; its result, or its SystemExit raised again here."""
    import multiprocessing

    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)

    def run():
        try:
            outcome = ("ok", func(*args))
        except SystemExit as exc:
            outcome = ("exit", exc.code)
        except BaseException as exc:  # noqa: BLE001 - told to the parent in words
            outcome = ("exit", f"error: {type(exc).__name__}: {exc}")
        finally:
            pool.stop_workers()   # a forked child ends without running atexit
        send.send(outcome)

    child = context.Process(target=run)
    child.start()
    send.close()
    try:
        kind, value = receive.recv()
    except EOFError:
        kind, value = "exit", (f"error: the clinic editions' build stopped unexpectedly "
                               f"(status {child.join() or child.exitcode}); run it again")
    finally:
        child.join()
        receive.close()
    if kind == "exit":
        raise SystemExit(value)
    return value


def _build(args, editions, outdir, language, book):
    """Run the ``clinic-editions`` builder in ``language``; return {edition name: [problems]}."""
    from sphinx.application import Sphinx
    from sphinx.util.docutils import docutils_namespace, patch_docutils
    from tqdm import tqdm

    which = "" if language == book.source else f" ({language})"
    bar = tqdm(unit="pdf", desc=f"Clinic editions{which}", disable=args.no_progress,
               file=sys.stderr)
    errors = {}

    def rendered(doc, problem):
        if problem:
            errors.setdefault(doc.owner.name, []).append(f"{doc.pdf.name}: {problem}")

    warnings = io.StringIO()
    overrides = {} if language == book.source else {"language": language}
    try:
        # As sphinx-build runs it: docutils' registries are given back afterwards.
        with patch_docutils(args.conf), docutils_namespace():
            app = Sphinx(args.source, args.conf, outdir, book.doctrees(args.doctrees, language),
                         "clinic-editions", confoverrides=overrides, status=None,
                         warning=warnings, freshenv=False)
            builder = app.builder
            builder.editions, builder.on_rendered, builder.progress = editions, rendered, bar
            builder.jobs, builder.timeout = args.jobs, args.timeout
            app.build()
    except Exception as exc:
        raise SystemExit(f"error: the book{which} in {args.source} could not be built "
                         f"({type(exc).__name__}: {exc}). Fix the book first: make pdf") from None
    finally:
        bar.close()
    if warnings.getvalue().strip():
        raise SystemExit(f"error: the book{which} has problems; fix them first (make pdf):\n"
                         + warnings.getvalue())
    return errors


def _summary(written, failed, which=""):
    print(f"\nClinic editions{which}: {len(written)} written, {len(failed)} failed.")
    held = sum("preflight of " in p for exc in failed.values() for p in exc.problems)
    print(f"preflight: {sum(len(pdfs) for *_, pdfs in written)} PDF(s) written, each read back "
          f"as printed with 0 findings; {held} PDF(s) held back for their findings.")
    noted = set()
    for clinic, language, pdfs in written:
        print(f"  {clinic.path}" + (f" ({language})" if clinic.language else "") + ":")
        for pdf in pdfs:
            print(f"      {pdf}")
        for note in clinic.notes if clinic.path not in noted else ():
            print(f"    note: {clinic.path}: {note}")
        noted.add(clinic.path)
    some = {clinic.path for clinic, _language, _pdfs in written}
    for path, exc in sorted(failed.items()):
        print(f"  FAILED {path} (" + ("only the editions listed above are written" if path in some
                                      else "no PDF written") + "):", file=sys.stderr)
        for problem in exc.problems:
            print(f"    {path}: {problem}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
