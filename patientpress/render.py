"""Render a print document to PDF with WeasyPrint, in-process, safely.

- WeasyPrint's log is bridged into Sphinx's, so its warnings fail a strict build.
- Only files under the allowed folders can be read; every network address is refused.
- A render that runs too long is stopped.
- The PDF is written to a temporary name and renamed, so no half-written file is left.
"""

import atexit
import contextlib
import logging as pylogging
import os
import signal
import tempfile
import threading
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


@contextlib.contextmanager
def _deadline(seconds, what):
    """Stop a render that runs too long (SIGALRM; main thread only; fractions allowed)."""
    if (not seconds or os.name != "posix"
            or threading.current_thread() is not threading.main_thread()
            or signal.getsignal(signal.SIGALRM) not in (signal.SIG_DFL, signal.SIG_IGN, None)):
        yield
        return

    def expire(signum, frame):
        raise RenderTimeout(
            f"rendering {what} took longer than {seconds:g} s and was stopped: look for a very "
            "long table or a very large image in the chapter, or raise handout_timeout in "
            "conf.py")

    old = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, float(seconds))
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


# -- worker processes ------------------------------------------------------------------

_POOL = None


def _warm():
    """Load what a render needs, once per worker, before the first PDF is asked for."""
    import pikepdf  # noqa: F401
    import weasyprint  # noqa: F401

    from . import builder  # noqa: F401 - the render job's own module


def workers(count=0):
    """The render worker processes of this process (``count``: 0 is one per core).

    Started once and kept: ``scripts/build`` starts them before its first format, so they
    load WeasyPrint while Sphinx reads the sources, and every handout build of the run uses
    them. They are forked, so they need no imports of their own beyond WeasyPrint.
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    global _POOL
    if _POOL is None:
        count = count or os.cpu_count() or 1
        _POOL = ProcessPoolExecutor(max_workers=count, initializer=_warm,
                                    mp_context=multiprocessing.get_context("fork"))
        for _ in range(count):   # start every worker now, not at the first PDF
            _POOL.submit(os.getpid)
        atexit.register(stop_workers)
    return _POOL


def stop_workers():
    """Stop the workers (at exit: before Python tears down the modules they need)."""
    global _POOL
    if _POOL is not None:
        pool, _POOL = _POOL, None
        pool.shutdown(wait=True, cancel_futures=True)


def result(future):
    """A worker's result; a worker that died is reported in words, and replaced next time."""
    from concurrent.futures.process import BrokenProcessPool

    global _POOL
    try:
        return future.result()
    except BrokenProcessPool as exc:
        _POOL = None
        raise SphinxError(f"a PDF render worker stopped unexpectedly ({exc}); run the build "
                          "again, or set handout_workers = 1 in conf.py to render in the main "
                          "process and see the error") from exc


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


def render_pdf(html, pdf_path, *, base_url, allowed_roots, stylesheets=(), timeout=300,
               location=None, variant="pdf/ua-1", warn=None):
    """Render ``html`` (a string) to ``pdf_path``; return the list of warnings raised.

    Raises :class:`RenderTimeout` when the render runs too long. WeasyPrint's own
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
    with _bridged(warn) as bridge, _deadline(timeout, what):
        document = weasyprint.HTML(string=html, base_url=str(base_url), url_fetcher=fetcher)
        css = [weasyprint.CSS(string=s, base_url=str(base_url), url_fetcher=fetcher)
               for s in stylesheets]
        atomic_write(pdf_path, lambda tmp: document.write_pdf(
            tmp, stylesheets=css, pdf_variant=variant, pdf_tags=True,
            uncompressed_pdf=False, custom_metadata=False))
    return bridge.messages + refused
