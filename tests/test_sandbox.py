"""Sandboxed: hostile chapters do no harm, and the PDF renderer reads only the book.

- tests/roots/test-hostile-markup: scripts, event handlers and ``javascript:`` links in a
  chapter never reach the website, the e-book or the PDF; the ones that are not silently
  escaped by MyST fail the strict build with a message.
- tests/roots/test-hostile-files: a picture outside the book (``..``, a link, ``file://``)
  or on the network is refused with a message that fails the strict build.
- The renderer itself (patientpress.print.render): its URL fetcher and its time limit.
"""

import multiprocessing
import os
import re
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pikepdf
import pytest
import segno
from bs4 import BeautifulSoup

from conftest import ROOT, build_in_process
from test_bad_input import EPOCH, assert_nothing_half_written, copy_book

from patientpress.print import pool, render

ROOTS = ROOT / "tests" / "roots"
FORMATS = ["html", "epub", "handout"]


# -- hostile markup ------------------------------------------------------------------------

def _markup_documents(outdir, builder):
    """(name, parsed page) of every page of one format's output."""
    outdir = Path(outdir)
    if builder == "epub":
        epub = next(outdir.glob("*.epub"))
        with zipfile.ZipFile(epub) as z:
            return [(n, BeautifulSoup(z.read(n), "lxml-xml")) for n in z.namelist()
                    if n.endswith((".xhtml", ".html"))]
    return [(str(p.relative_to(outdir)), BeautifulSoup(p.read_bytes(), "lxml"))
            for p in outdir.rglob("*.html")]


def _harm(name, page):
    """Everything in a page that could run the chapter's code."""
    found = []
    for script in page.find_all("script"):
        if "alert" in (script.string or "") + script.get("src", ""):
            found.append((name, str(script)[:80]))
    for tag in page.find_all(True):
        for attr, value in tag.attrs.items():
            text = " ".join(value) if isinstance(value, list) else str(value)
            if attr.lower().startswith("on"):
                found.append((name, f"{tag.name} {attr}={text[:60]}"))
            elif attr.lower() in ("href", "src", "action", "formaction", "xlink:href") and \
                    re.sub(r"[\x00-\x20]", "", text).lower().startswith(("javascript:", "vbscript:")):
                found.append((name, f"{tag.name} {attr}={text[:60]}"))
    return found


def _pdf_harm(pdf):
    found = []
    with pikepdf.open(pdf) as doc:
        if "/Names" in doc.Root and "/JavaScript" in doc.Root.Names:
            found.append("document JavaScript")
        if "/OpenAction" in doc.Root:
            found.append("open action")
        for number, page in enumerate(doc.pages, 1):
            for annot in page.get("/Annots", []):
                action = annot.get("/A")
                if action is None:
                    continue
                kind = str(action.get("/S"))
                uri = str(action.get("/URI", ""))
                if kind in ("/JavaScript", "/Launch") or not uri.startswith(("http", "mailto", "tel")) \
                        and kind == "/URI":
                    found.append((number, kind, uri))
    return found


@pytest.fixture(scope="module")
def hostile_markup(tmp_path_factory):
    """The hostile chapter built in-process in every format: {builder: (warnings, outdir)}."""
    base = tmp_path_factory.mktemp("hostile-markup")
    src = copy_book(base / "src", ROOTS / "test-hostile-markup")
    built = {b: build_in_process(b, src, base / f"build-{b}", env=EPOCH) for b in FORMATS}
    return {b: (result.warnings, result.outdir) for b, result in built.items()}


@pytest.mark.parametrize("builder", FORMATS)
def test_hostile_markup_fails_the_strict_build_with_messages(hostile_markup, builder):
    log, _ = hostile_markup[builder]
    assert "WARNING:" in log, log          # a strict (-W) build fails on any warning
    assert re.search(r'chapters/evil\.md:\d+: WARNING: "raw" directive disabled', log), log
    assert log.count('"raw" directive disabled') >= 2, log         # MyST's and rST's
    for target in ("javascript:alert('rst-link')", "javascript:alert('image-target')"):
        assert (f"WARNING: link to {target!r} refused: only web (https://), mail (mailto:) and "
                "phone (tel:) addresses may be linked") in log, log
    assert "Traceback" not in log


@pytest.mark.parametrize("builder", FORMATS)
def test_hostile_markup_never_reaches_the_output(hostile_markup, builder):
    _, outdir = hostile_markup[builder]
    pages = _markup_documents(outdir, builder)
    chapter = [page for _, page in pages if "A div." in page.get_text()]
    assert chapter, [name for name, _ in pages]
    assert [h for name, page in pages for h in _harm(name, page)] == []
    # Escaped, the markup is shown as the words the writer typed: nothing is lost.
    text = chapter[0].get_text(" ")
    assert "<script>alert(" in text and "onclick=" in text
    assert "A dot" in str(chapter[0])           # the picture stays, its link does not
    if builder == "handout":
        pdfs = list(Path(outdir).glob("*.pdf"))
        assert pdfs and all(_pdf_harm(pdf) == [] for pdf in pdfs)


def test_harm_finder_sees_a_script_link():
    """The checks above can fail: a page with a javascript: link is caught."""
    page = BeautifulSoup('<p><a href=" javascript:alert(1)">x</a><b onclick="f()">y</b>'
                         '<script>alert(2)</script></p>', "lxml")
    assert len(_harm("page", page)) == 3


# -- hostile files -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def hostile_files(tmp_path_factory):
    base = tmp_path_factory.mktemp("hostile-files")
    src = copy_book(base / "book", ROOTS / "test-hostile-files")
    outside = base / "outside"
    outside.mkdir()
    segno.make("secret").save(str(outside / "secret.png"), scale=4)
    (src / "chapters" / "linked.png").symlink_to(outside / "secret.png")
    built = build_in_process("handout", src, base / "build", env=EPOCH)
    return built.warnings, built.outdir, outside / "secret.png"


def test_pictures_outside_the_book_are_refused(hostile_files):
    log, outdir, secret = hostile_files
    assert "WARNING:" in log, log          # a strict (-W) build fails on any warning
    assert re.search(r"reach-out\.md:\d+: WARNING: image '\.\./\.\./outside/secret\.png' refused: "
                     r"it lies outside the book's source folder", log), log
    assert re.search(r"reach-out\.md:\d+: WARNING: image 'linked\.png' refused: it lies outside "
                     r"the book's source folder \(" + re.escape(str(secret)) + r"\)", log), log
    secret_bytes = secret.read_bytes()
    copies = [p for p in outdir.rglob("*") if p.is_file() and p.read_bytes() == secret_bytes]
    assert copies == []
    assert "Traceback" not in log


def test_pdf_never_reads_outside_files_or_the_network(hostile_files):
    log, outdir, _ = hostile_files
    # Refused before the renderer is asked (checks.py); the renderer's own refusals are
    # tested directly below.
    assert ("WARNING: image 'file:///etc/hostname' refused: it is a file outside the book's "
            "source folder") in log, log
    for url in ("http://127.0.0.1:9/tracker.png", "https://example.org/tracker.png"):
        assert (f"WARNING: picture {url} is on the web: the e-book and the PDFs show its "
                "address instead") in log, log
    assert "Failed to load image" not in log          # one plain message each, not two
    assert_nothing_half_written(outdir)


# -- the renderer's fetcher and time limit, directly ---------------------------------------

@pytest.fixture
def sandbox(tmp_path):
    book = tmp_path / "book"
    book.mkdir()
    (book / "inside.css").write_text("p { color: black; }", encoding="utf-8")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.css").write_text("p { color: red; }", encoding="utf-8")
    (book / "link.css").symlink_to(outside / "secret.css")
    refused = []
    return book, outside, render.make_fetcher([book], refused.append), refused


@pytest.mark.parametrize("address", [
    "{outside}/secret.css",
    "{book}/../outside/secret.css",
    "{book}/%2E%2E/outside/secret.css",
    "{book}/link.css",
])
def test_fetcher_refuses_files_outside_the_allowed_folders(sandbox, address):
    book, outside, fetcher, refused = sandbox
    url = "file://" + address.format(book=book, outside=outside)
    with pytest.raises(render.RefusedResource, match=r"outside the book's source and build"):
        fetcher.fetch(url)
    assert refused and str(outside / "secret.css") in refused[0]


@pytest.mark.parametrize("url", ["http://127.0.0.1:9/x.css", "https://example.org/x.css",
                                 "ftp://example.org/x.css", "file://evil.example.org/etc/passwd"])
def test_fetcher_refuses_the_network(sandbox, url):
    _, _, fetcher, refused = sandbox
    with pytest.raises(render.RefusedResource, match="refused to"):
        fetcher.fetch(url)
    assert url in refused[0]


def test_fetcher_reads_files_inside_the_book(sandbox):
    book, _, fetcher, refused = sandbox
    response = fetcher.fetch((book / "inside.css").as_uri())
    assert b"color: black" in response.read()
    assert refused == []


def _long_render(tmp_path, timeout):
    rows = "".join(f"<tr><td>row {i}</td><td>{'word ' * 30}</td></tr>" for i in range(4000))
    target = tmp_path / "long.pdf"
    return pool.Job(render.render_pdf, (f"<table>{rows}</table>", target),
                      kwargs={"base_url": tmp_path.as_uri() + "/", "allowed_roots": [tmp_path]},
                      timeout=timeout, what="long.pdf", target=target)


def test_a_render_that_runs_too_long_is_stopped(tmp_path):
    workers = pool.Pool(1)
    try:
        [(index, outcome)] = list(workers.run([_long_render(tmp_path, 0.05)]))
    finally:
        workers.close()
    assert index == 0 and isinstance(outcome, pool.RenderTimeout)
    assert str(outcome).startswith("rendering long.pdf took longer than 0.05 s and was "
                                   "stopped: look for a very long table")
    assert list(tmp_path.iterdir()) == []              # no PDF, no temporary file


def _spin(seconds):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass


@pytest.mark.slow
def test_the_time_limit_holds_20_times_out_of_20_with_both_cores_busy(tmp_path):
    """The limit is enforced from outside the render: no signal can land in the wrong place
    (a SIGALRM once landed in WeasyPrint's FontConfiguration.__del__ and was lost)."""
    import weasyprint  # noqa: F401 - loaded here, so each fresh worker is forked with it

    busy = [multiprocessing.get_context("fork").Process(target=_spin, args=(600,), daemon=True)
            for _ in range(os.cpu_count() or 2)]
    for process in busy:
        process.start()
    workers = pool.Pool(1)
    try:
        for attempt in range(20):
            folder = tmp_path / str(attempt)
            folder.mkdir()
            list(workers.run([pool.Job(os.getpid, ())]))   # the (new) worker has started
            limit = 0.2 + attempt * 0.05
            started = time.monotonic()
            [(_, outcome)] = list(workers.run([_long_render(folder, limit)]))
            assert isinstance(outcome, pool.RenderTimeout), (attempt, outcome)
            # Stopped at the deadline, not when the render happened to end on its own
            # (it takes far longer).
            assert time.monotonic() - started < limit + 2, attempt
            assert list(folder.iterdir()) == [], attempt
    finally:
        workers.close()
        for process in busy:
            process.kill()


def test_a_render_within_its_time_limit_ends_normally(tmp_path):
    workers = pool.Pool(1)
    target = tmp_path / "short.pdf"
    try:
        [(_, outcome)] = list(workers.run([pool.Job(
            render.render_pdf, ("<html lang=\"en\"><p>Short.</p></html>", target),
            kwargs={"base_url": tmp_path.as_uri() + "/", "allowed_roots": [tmp_path]},
            timeout=60, what="short.pdf", target=target)]))
    finally:
        workers.close()
    assert outcome == [] and target.read_bytes().startswith(b"%PDF")


def test_a_worker_that_dies_is_reported_in_words_and_replaced(tmp_path):
    workers = pool.Pool(1)
    try:
        [(_, outcome)] = list(workers.run([pool.Job(os._exit, (3,), what="crash.pdf")]))
        assert "the render of crash.pdf stopped unexpectedly" in str(outcome)
        assert "status 3" in str(outcome)
        [(_, pid)] = list(workers.run([pool.Job(os.getpid, ())]))
        assert pid != os.getpid()
    finally:
        workers.close()


def test_the_workers_end_when_their_build_is_killed(tmp_path):
    """A build stopped with SIGKILL runs no clean-up: each worker must notice its parent is
    gone and end by itself."""
    script = ("import multiprocessing, os, sys, time\n"
              "from patientpress.print import pool\n"
              "workers = pool.Pool(2)\n"
              "list(workers.run([pool.Job(time.sleep, (0.5,)) for _ in range(4)]))\n"
              "every = multiprocessing.active_children()\n"
              "print(' '.join(str(p.pid) for p in every), flush=True)\n"
              "time.sleep(600)\n")
    build = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        pids = [int(p) for p in build.stdout.readline().split()]
    finally:
        build.kill()
        build.wait()
    assert len(pids) == 2
    deadline = time.monotonic() + 20
    alive = pids
    while alive and time.monotonic() < deadline:
        time.sleep(0.2)
        alive = [p for p in pids if _running(p)]
    assert alive == []


def _running(pid):
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().split(")")[-1].split()[0] != "Z"   # a zombie has ended
    except FileNotFoundError:
        return False
