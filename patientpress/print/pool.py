"""Render worker processes: forked once and kept, each job within its own time limit.

The time limit is kept from outside: the parent waits on the workers' pipes with a
deadline and kills a worker whose job runs past it (then forks a fresh one), so nothing
depends on where in WeasyPrint a signal would have landed. A worker loads WeasyPrint
once, before its first job; ``scripts/build`` starts the pool first, so that happens
while Sphinx reads the sources.
"""

import atexit
import contextlib
import os
import pickle
import signal
import time

from sphinx.errors import SphinxError

from ..files import remove_partial

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

    def expired(self):
        return RenderTimeout(
            f"rendering {self.what} took longer than {self.timeout:g} s and was stopped: look "
            "for a very long table or a very large image in the chapter, or raise "
            "handout_timeout in conf.py")


def _warm():
    """Load what a render needs, once per worker, before the first PDF is asked for."""
    import pikepdf  # noqa: F401
    import weasyprint  # noqa: F401


# The parent's ends of every worker's pipe in this process. A forked worker inherits them
# all and closes them first: the parent's death must read as end-of-file in every worker,
# or a killed build would leave its workers waiting for ever.
_PARENT_ENDS = []


def _serve(conn):
    """A worker's life: load WeasyPrint, then run each job it is sent until told to stop
    (or until its parent is gone)."""
    for end in _PARENT_ENDS:
        end.close()
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
        _PARENT_ENDS.append(self.conn)
        self.process = context.Process(target=_serve, args=(child,), daemon=True)
        self.process.start()
        child.close()

    def kill(self):
        self.process.kill()
        self.process.join()
        self.close()

    def close(self):
        with contextlib.suppress(ValueError):
            _PARENT_ENDS.remove(self.conn)
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
            else:
                worker.close()
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
