"""Render worker processes, each job within its own time limit: pebble's ``ProcessPool``.

pebble keeps the time limit from outside the render: a job that runs past it has its
worker process stopped and replaced, so nothing depends on where in WeasyPrint a signal
would have landed. Each worker loads WeasyPrint once, before its first job, and a job's
time limit starts when a worker takes it, not while WeasyPrint loads. ``scripts/build``
starts the pool first, and the pool starts its workers at once (pebble would wait for the
first job), so that loading happens while Sphinx reads the sources.
"""

from __future__ import annotations

import atexit
import os
import signal
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures import as_completed
from typing import TYPE_CHECKING

from sphinx.errors import SphinxError

from ..files import remove_partial

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Sequence
    from typing import Any

# A render this long is stuck, not slow: the whole book takes seconds, a very long table
# minutes (WeasyPrint's layout grows with it). ``handout_timeout`` and ``--timeout`` change it.
DEFAULT_TIMEOUT = 300


class RenderTimeout(SphinxError):
    """The render took longer than ``handout_timeout`` seconds."""

    category = "PDF render stopped"


class Job:
    """One render for the pool: ``func(*args, **kwargs)`` in a worker, stopped after
    ``timeout`` seconds (``None``: no limit).

    ``what`` names the job in messages; ``target`` is the file it writes, whose temporary
    file is removed when the job is stopped.
    """

    def __init__(self, func, args, *, kwargs=None, timeout=None, what="", target=None):
        self.func, self.args, self.kwargs, self.timeout = func, args, kwargs or {}, timeout
        self.what, self.target = what, target

    def expired(self) -> RenderTimeout:
        return RenderTimeout(
            f"rendering {self.what} took longer than {self.timeout:g} s and was stopped: look "
            "for a very long table or a very large image in the chapter, or raise "
            "handout_timeout in conf.py")

    def died(self, exitcode: int | None) -> SphinxError:
        return SphinxError(
            f"the render of {self.what} stopped unexpectedly (its worker process ended with "
            f"status {exitcode}); run the build again, and if it happens again, look for a "
            "very large picture or table")


def _warm():
    """A worker's start: Ctrl-C is the parent's to handle, and what a render needs is
    loaded once, before the first PDF is asked for."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    import pikepdf  # noqa: F401
    import weasyprint  # noqa: F401


class Pool:
    """``count`` render worker processes, started at once and kept; each job has its own
    time limit."""

    def __init__(self, count):
        import multiprocessing

        from pebble import ProcessPool

        self.count, self.pid = count, os.getpid()
        # fork: a worker starts with what the build process has loaded (Sphinx, our code).
        self._pool = ProcessPool(max_workers=count, initializer=_warm,
                                 context=multiprocessing.get_context("fork"))
        # pebble starts its workers at the first job it is given: this one starts them now,
        # so they load WeasyPrint while Sphinx works instead of once the first PDF is due.
        self._pool.schedule(os.getpid)

    def run(self, jobs: Sequence[Job]) -> Iterator[tuple[int, Any]]:
        """Yield ``(index, outcome)`` for each job as it ends: the function's return value,
        the exception it raised, or :class:`RenderTimeout` / :class:`SphinxError` when it was
        stopped or its worker died."""
        from pebble import ProcessExpired

        futures = {self._pool.schedule(job.func, job.args, job.kwargs, timeout=job.timeout):
                   index for index, job in enumerate(jobs)}
        for future in as_completed(futures):
            index = futures[future]
            job = jobs[index]
            try:
                yield index, future.result()
            except FutureTimeout:
                yield index, self._stopped(job, job.expired())
            except ProcessExpired as exc:
                yield index, self._stopped(job, job.died(exc.exitcode))
            except Exception as exc:  # noqa: BLE001 - the job's own failure, reported by the caller
                yield index, exc

    @staticmethod
    def _stopped(job, outcome):
        if job.target is not None:
            remove_partial(job.target)
        return outcome

    def close(self) -> None:
        self._pool.close()
        self._pool.join(timeout=10)
        if self._pool.active:
            self._pool.stop()
            self._pool.join()


class InProcess:
    """Runs the jobs here, one after another, with no time limit: for a profiler, which sees
    only its own process (``handout_workers = -1``). Never the default."""

    count = 0

    @staticmethod
    def run(jobs: Iterable[Job]) -> Iterator[tuple[int, Any]]:
        for index, job in enumerate(jobs):
            try:
                yield index, job.func(*job.args, **job.kwargs)
            except Exception as exc:  # noqa: BLE001 - reported like a worker's failure
                yield index, exc


_POOL = None


def workers(count: int = 0) -> Pool | InProcess:
    """The render pool of this process (``count``: 0 is one per core; -1, none: render in
    this process without a time limit, for profiling).

    Started once and kept: ``scripts/build`` starts it before its first format, so the
    workers load WeasyPrint while Sphinx reads the sources, and every handout build of the
    run uses them.
    """
    global _POOL
    if count < 0:
        return InProcess()
    if _POOL is None or _POOL.pid != os.getpid():
        # A forked process (the clinic editions' build of one language) has a copy of its
        # parent's pool without the threads that drive it: it starts a pool of its own.
        _POOL = Pool(count or os.cpu_count() or 1)
        atexit.register(stop_workers)
    return _POOL


def stop_workers() -> None:
    """Stop the workers (at exit: before Python tears down the modules they need)."""
    global _POOL
    if _POOL is not None and _POOL.pid == os.getpid():
        pool, _POOL = _POOL, None
        pool.close()
