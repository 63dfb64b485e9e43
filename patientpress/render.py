"""Render a print document to PDF with WeasyPrint, in-process, safely.

- WeasyPrint's log is bridged into Sphinx's, so its warnings fail a strict build.
- Only files under the allowed folders can be read; every network address is refused.
- A render that runs too long is stopped: renders run in worker processes (:class:`Pool`),
  and a worker past its job's time limit is killed from outside.
- The PDF is written to a temporary name and renamed, so no half-written file is left.
"""

import atexit
import contextlib
import logging as pylogging
import os
import pickle
import signal
import tempfile
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

from sphinx.errors import SphinxError
from sphinx.util import logging

logger = logging.getLogger(__name__)


class RenderTimeout(SphinxError):
    """The render took longer than ``handout_timeout`` seconds."""

    category = "PDF render stopped"


class RefusedResource(Exception):
    """The print document asked for a resource outside the sandbox."""


def _refusal(url, roots):
    """Why ``url`` may not be read, or ``None`` when it may."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "data":
        return None
    if scheme != "file":
        return (f"refused to fetch {url}: the PDF never reads from the network; save the "
                "file into the book's folder and link it by a relative path")
    if parts.netloc not in ("", "localhost"):
        return f"refused to read {url}: a file address must not name another machine"
    # resolve() follows links and climbs out of "..", so both are judged by where they
    # really lead.
    path = Path(unquote(parts.path)).resolve()
    if any(path.is_relative_to(root) for root in roots):
        return None
    return (f"refused to read {path}: it is outside the book's source and build folders; "
            "copy the file into the book's folder (docs/ or _static/) and link the copy")


def make_fetcher(allowed_roots, on_refuse):
    """A WeasyPrint URL fetcher that reads only files inside ``allowed_roots``."""
    from weasyprint.urls import URLFetcher

    roots = [Path(r).resolve() for r in allowed_roots]

    class SandboxFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            reason = _refusal(url, roots)
            if reason is None:
                return super().fetch(url, headers)
            on_refuse(reason)
            raise RefusedResource(reason)

    return SandboxFetcher(allowed_protocols={"file", "data"}, timeout=5)


class _Bridge(pylogging.Handler):
    """Forward WeasyPrint's warnings and errors to ``warn`` (Sphinx's logger by default)."""

    def __init__(self, warn):
        super().__init__(level=pylogging.WARNING)
        self.warn = warn
        self.messages = []

    def emit(self, record):
        message = record.getMessage()
        if "RefusedResource" in message:
            return  # reported once, by the fetcher, in plain words
        self.messages.append(message)
        self.warn(f"WeasyPrint: {message}", "weasyprint")


@contextlib.contextmanager
def _bridged(warn):
    wlog = pylogging.getLogger("weasyprint")
    bridge = _Bridge(warn)
    old_propagate = wlog.propagate
    wlog.addHandler(bridge)
    wlog.propagate = False  # one message, through Sphinx, not twice
    try:
        yield bridge
    finally:
        wlog.removeHandler(bridge)
        wlog.propagate = old_propagate


def log_warning(message, subtype, location):
    """Report a render problem through Sphinx's log (a strict build then fails)."""
    logger.warning("%s", message, type="handout", subtype=subtype, location=location)


# -- worker processes ------------------------------------------------------------------

class Job:
    """One render for the pool: ``func(*args, **kwargs)`` in a worker, stopped after
    ``timeout`` seconds (``None``: no limit).

    ``what`` names the job in messages; ``target`` is the file it writes, whose temporary
    file is removed when the job is stopped.
    """

    def __init__(self, func, args, *, kwargs=None, timeout=None, what="", target=None):
        self.func, self.args, self.kwargs, self.timeout = func, args, kwargs or {}, timeout
        self.what, self.target = what, target

    def expired(self):
        return RenderTimeout(
            f"rendering {self.what} took longer than {self.timeout:g} s and was stopped: look "
            "for a very long table or a very large image in the chapter, or raise "
            "handout_timeout in conf.py")


def _warm():
    """Load what a render needs, once per worker, before the first PDF is asked for."""
    import pikepdf  # noqa: F401
    import weasyprint  # noqa: F401


def _serve(conn):
    """A worker's life: load WeasyPrint, then run each job it is sent until told to stop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)   # Ctrl-C is the parent's to handle
    _warm()
    conn.send("ready")   # a job's time limit starts now, not while WeasyPrint loads
    while True:
        try:
            job = conn.recv()
        except EOFError:
            return
        if job is None:
            return
        func, args, kwargs = job
        try:
            reply = ("ok", func(*args, **kwargs))
        except BaseException as exc:  # noqa: BLE001 - every failure goes back to the parent
            try:
                pickle.dumps(exc)
            except Exception:  # noqa: BLE001
                exc = RuntimeError(f"{type(exc).__name__}: {exc}")
            reply = ("error", exc)
        conn.send(reply)


class _Worker:
    def __init__(self, context):
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child,), daemon=True)
        self.process.start()
        child.close()

    def kill(self):
        self.process.kill()
        self.process.join()
        self.conn.close()


class Pool:
    """Render worker processes, forked once and kept; each job has its own time limit.

    The limit is enforced from outside: the parent waits on the workers' pipes with a
    deadline and kills a worker whose job runs past it (then forks a fresh one). Nothing
    depends on where in WeasyPrint a signal would have landed.
    """

    def __init__(self, count):
        import multiprocessing

        self._context = multiprocessing.get_context("fork")
        self.count = count
        self._starting = [_Worker(self._context) for _ in range(count)]
        self._idle = []

    def run(self, jobs):
        """Yield ``(index, outcome)`` for each job as it ends: the function's return value,
        the exception it raised, or :class:`RenderTimeout` / :class:`SphinxError` when it was
        stopped or its worker died."""
        from multiprocessing.connection import wait

        pending = list(enumerate(jobs))[::-1]
        running = {}   # conn -> (worker, index, deadline)
        while pending or running:
            while pending and self._idle:
                worker, (index, job) = self._idle.pop(), pending.pop()
                worker.conn.send((job.func, job.args, job.kwargs))
                deadline = time.monotonic() + job.timeout if job.timeout else None
                running[worker.conn] = (worker, index, deadline)
            deadlines = [d for _, _, d in running.values() if d is not None]
            limit = max(0.0, min(deadlines) - time.monotonic()) if deadlines else None
            starting = {w.conn: w for w in self._starting}
            for conn in wait([*running, *starting], timeout=limit):
                if conn in starting:
                    self._started(starting[conn])
                    continue
                worker, index, _ = running.pop(conn)
                try:
                    status, value = conn.recv()
                except (EOFError, OSError):
                    worker.process.join(timeout=5)
                    code = worker.process.exitcode
                    yield index, self._replace(worker, jobs[index], SphinxError(
                        f"the render of {jobs[index].what} stopped unexpectedly (its worker "
                        f"process ended with status {code}); run the build again, and if it "
                        "happens again, look for a very large picture or table"))
                    continue
                self._idle.append(worker)
                yield index, value
            now = time.monotonic()
            for conn, (worker, index, deadline) in list(running.items()):
                if deadline is not None and now >= deadline:
                    del running[conn]
                    yield index, self._replace(worker, jobs[index], jobs[index].expired())

    def _started(self, worker):
        self._starting.remove(worker)
        try:
            worker.conn.recv()
        except (EOFError, OSError) as exc:
            worker.kill()
            raise SphinxError("a PDF render worker could not start (it could not load "
                              "WeasyPrint); run the build again to see the error") from exc
        self._idle.append(worker)

    def _replace(self, worker, job, outcome):
        worker.kill()
        if job.target is not None:
            remove_partial(job.target)
        self._starting.append(_Worker(self._context))
        return outcome

    def close(self):
        for worker in self._starting:
            worker.kill()
        self._starting = []
        for worker in self._idle:
            with contextlib.suppress(OSError):
                worker.conn.send(None)
        for worker in self._idle:
            worker.process.join(timeout=5)
            if worker.process.is_alive():
                worker.kill()
        self._idle = []


class InProcess:
    """Runs the jobs here, one after another, with no time limit: for a profiler, which sees
    only its own process (``handout_workers = -1``). Never the default."""

    count = 0

    @staticmethod
    def run(jobs):
        for index, job in enumerate(jobs):
            try:
                yield index, job.func(*job.args, **job.kwargs)
            except Exception as exc:  # noqa: BLE001 - reported like a worker's failure
                yield index, exc


_POOL = None


def workers(count=0):
    """The render pool of this process (``count``: 0 is one per core; -1, none: render in
    this process without a time limit, for profiling).

    Started once and kept: ``scripts/build`` starts it before its first format, so the
    workers load WeasyPrint while Sphinx reads the sources, and every handout build of the
    run uses them.
    """
    global _POOL
    if count < 0:
        return InProcess()
    if _POOL is None:
        _POOL = Pool(count or os.cpu_count() or 1)
        atexit.register(stop_workers)
    return _POOL


def stop_workers():
    """Stop the workers (at exit: before Python tears down the modules they need)."""
    global _POOL
    if _POOL is not None:
        pool, _POOL = _POOL, None
        pool.close()


def remove_partial(path):
    """Remove the temporary files :func:`atomic_write` left for ``path`` (a stopped render)."""
    path = Path(path)
    for leftover in path.parent.glob(f".{path.stem}-*.part"):
        with contextlib.suppress(FileNotFoundError):
            leftover.unlink()


def atomic_write(path, write):
    """Call ``write(tmp_path)`` then rename to ``path``; remove the temporary file on failure."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".part", dir=path.parent)
    os.close(fd)
    try:
        write(tmp)
        # mkstemp makes the file private (0600); a build output is readable like the rest.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def render_pdf(html, pdf_path, *, base_url, allowed_roots, stylesheets=(), location=None,
               variant="pdf/ua-1", warn=None):
    """Render ``html`` (a string) to ``pdf_path``; return the list of warnings raised.

    No time limit here: run it as a :class:`Job` of a :class:`Pool` for one. WeasyPrint's own
    warnings (missing image, refused resource, bad CSS) go to ``warn(message, subtype)``,
    by default Sphinx's log; a worker process passes its own and reports them back.
    """
    import weasyprint

    what = Path(pdf_path).name
    if warn is None:
        def warn(message, subtype):
            log_warning(message, subtype, location or what)
    refused = []

    def refuse(reason):
        if reason not in refused:
            refused.append(reason)
            warn(reason, "sandbox")

    fetcher = make_fetcher(allowed_roots, refuse)
    with _bridged(warn) as bridge:
        document = weasyprint.HTML(string=html, base_url=str(base_url), url_fetcher=fetcher)
        css = [weasyprint.CSS(string=s, base_url=str(base_url), url_fetcher=fetcher)
               for s in stylesheets]
        atomic_write(pdf_path, lambda tmp: document.write_pdf(
            tmp, stylesheets=css, pdf_variant=variant, pdf_tags=True,
            uncompressed_pdf=False, custom_metadata=False))
    return bridge.messages + refused
