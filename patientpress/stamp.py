"""What a build read, and whether any of it has changed since: a build with nothing changed
is not run again (``scripts/build``).

While a build runs, :class:`Recorder` notes every file the build process opens for reading
and every folder it lists, from Python's audit events (PEP 578): the sources, ``conf.py``,
the catalogs, stylesheets, templates, pictures and fonts, and every module it imports. To
these the stamp adds what a build may depend on without opening it in this process:

- the names in each folder those files and folders sit in, with each sub-folder's time (a
  file that appears beside a source, such as a translated picture, changes its folder);
- the whole patientpress package (the render workers read its stylesheets), every
  installed distribution's ``RECORD`` (the workers import WeasyPrint), the system's package
  list (Pango, HarfBuzz, fonts), the Python that runs;
- the build's arguments (``-D`` settings included) and its environment
  (``SOURCE_DATE_EPOCH`` included), less a few variables that name a terminal session;
- each output folder as the build left it (names, sizes, times): an output that was
  removed or changed since is made again.

A file is compared by its SHA-256; its size, time and inode only spare reading it again
when none of them moved and it was not written just before the stamp (git's "racy" rule).
No stamp is written for a build that warned (its warnings are shown again next time), for
one without SOURCE_DATE_EPOCH (its outputs are dated now), nor when a file it read changed
while it ran. Stamps live beside the doctrees, never in an output folder.

Imports nothing of Sphinx's: the check runs before Sphinx is loaded.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sphinx.application import Sphinx

VERSION = 1
#: Variables that name a terminal session, not a build's input.
SESSION_VARIABLES = frozenset({
    "_", "OLDPWD", "SHLVL", "SSH_CLIENT", "SSH_CONNECTION", "SSH_TTY", "SSH_AUTH_SOCK",
    "WINDOWID", "TERM_SESSION_ID", "XDG_SESSION_ID", "PATIENTPRESS_OUTDIR"})
#: A file written this close to its stamp is read again at every check (its time may not
#: move when it is written again within the file system's clock tick).
RACY_NS = 2_000_000_000
PACKAGE = Path(__file__).resolve().parent
SYSTEM_PACKAGES = Path("/var/lib/dpkg/status")
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_TRUNC
#: The audit event a build raises with the files Sphinx knows it depends on, read this time
#: or not (an unchanged source is not read again).
INPUTS_EVENT = "patientpress.inputs"


def note_inputs(app: Sphinx, exception: BaseException | None) -> None:
    """``build-finished``: every source document and every file one depends on (pictures,
    included files, catalogs), as Sphinx's environment knows them, told to a recording
    ``scripts/build`` by an audit event (nothing, when no one records)."""
    if exception is not None or app.env is None:
        return
    env = app.env
    paths = [str(env.doc2path(doc)) for doc in sorted(env.found_docs)]
    paths += [os.path.join(env.srcdir, dep) for deps in env.dependencies.values()
              for dep in sorted(deps)]
    sys.audit(INPUTS_EVENT, tuple(paths))


class Recorder:
    """The files opened for reading and the folders listed in this process between
    :meth:`start` and :meth:`stop`. An audit hook cannot be removed: stopped, it records
    nothing."""

    def __init__(self):
        self.opened = {}    # absolute path -> (size, mtime_ns, inode) when first opened
        self.listed = set()
        self.active = False
        self.started_ns = 0

    def start(self) -> None:
        self.started_ns = time.time_ns()
        self.active = True
        sys.addaudithook(self._hook)

    def stop(self) -> None:
        self.active = False

    def _hook(self, event, args):
        if not self.active or event not in ("open", "os.listdir", "os.scandir", INPUTS_EVENT):
            return
        try:
            if event == INPUTS_EVENT:
                for path in args[0]:
                    self.opened.setdefault(os.path.abspath(path), _stat(path))
                return
            path = args[0]
            if path is None or isinstance(path, int):
                return
            path = os.path.abspath(os.fsdecode(path))
            if event != "open":
                self.listed.add(path)
            elif _reads(args[1], args[2]) and path not in self.opened:
                self.opened[path] = _stat(path)
        except Exception:  # noqa: BLE001 - a hook must never break the build it watches
            pass


def _reads(mode, flags):
    if isinstance(mode, str):
        return not any(c in mode for c in "wax+")
    return not (flags or 0) & _WRITE_FLAGS


def _stat(path):
    """(size, time, inode) of a file; None for anything else or nothing."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ino) if stat.S_ISREG(st.st_mode) else None


def _installed():
    """The folders Python and its packages are installed in (pip and the system write them,
    never a book's writer)."""
    import site
    import sysconfig

    paths = {sys.prefix, sys.base_prefix, *site.getsitepackages(), sysconfig.get_path("stdlib")}
    paths = {os.path.abspath(p) for p in paths if p}
    return sorted(paths | {os.path.realpath(p) for p in paths})


def _digest(path, st=None, installed=()):
    """A file's SHA-256; for a file of an installed package, its size and time (whatever
    installs or upgrades it changes both, and its distribution's RECORD too): reading the
    thousands of modules a build imports would cost a tenth of a second each build."""
    if st is not None and _inside(path, installed):
        return f"stat {st[0]} {st[1]}"
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _entries(folder):
    try:
        return list(os.scandir(folder))
    except OSError:
        return []


def _inside(path, folders):
    return any(path == f or path.startswith(f + os.sep) for f in folders)


class Stamp:
    """The stamp of one ``scripts/build`` run: its jobs' arguments, output folders and
    doctree folders (the first job's holds the stamp)."""

    def __init__(self, jobs, outdirs, doctreedirs, environ=None):
        self.outdirs = [os.path.abspath(o) for o in outdirs]
        self.doctreedirs = [os.path.abspath(d) for d in doctreedirs]
        environ = os.environ if environ is None else environ
        env = sorted((k, v) for k, v in environ.items() if k not in SESSION_VARIABLES)
        self.dated = bool(environ.get("SOURCE_DATE_EPOCH", "").strip())
        key = json.dumps([VERSION, jobs, os.getcwd(), env, sys.executable, sys.version])
        self.key = hashlib.sha256(key.encode()).hexdigest()
        self.path = Path(self.doctreedirs[0], "build-stamps", f"{self.key[:32]}.json")
        # What the build makes: never an input. The folder an output folder sits in gets
        # the build's staging folders, so its list of names is not one either.
        self.made = self.outdirs + self.doctreedirs
        self.busy = {os.path.dirname(o) for o in self.outdirs}

    # -- reading what a build made ----------------------------------------------------

    def _product(self, path):
        """Whether ``path`` is something the build makes: in an output or doctree folder, or
        in a staging folder scripts/build makes beside an output folder."""
        return _inside(path, self.made) or any(
            path.startswith(os.path.join(os.path.dirname(o), f".{os.path.basename(o)}-"))
            for o in self.outdirs)

    def _volatile(self, folder):
        """A folder whose names the build itself changes: one an output folder sits in (it
        gets the staging folders), or one the build makes."""
        return folder in self.busy or self._product(folder)

    def _listing(self, folder):
        """The names in ``folder`` with each sub-folder's time, or None when it is gone."""
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            return None
        names = []
        for entry in entries:
            path = entry.path
            timed = (entry.is_dir(follow_symlinks=False) and not entry.name.startswith(".")
                     and entry.name != "__pycache__"
                     and not any(_inside(m, [path]) for m in [*self.made, *self.busy]))
            # A sub-folder's time moves when a name is added in it or taken away; one on the
            # way to an output folder moves with every build, so it counts by its name.
            names.append(f"{entry.name}/{entry.stat(follow_symlinks=False).st_mtime_ns}"
                         if timed else entry.name)
        return hashlib.sha256("\n".join(names).encode()).hexdigest()

    def _outputs(self, outdir):
        found = []
        for root, dirs, files in os.walk(outdir):
            dirs.sort()
            for name in sorted(files):
                st = os.stat(os.path.join(root, name))
                found.append(f"{os.path.relpath(os.path.join(root, name), outdir)} "
                             f"{st.st_size} {st.st_mtime_ns}")
        return hashlib.sha256("\n".join(found).encode()).hexdigest() if found else None

    # -- the check --------------------------------------------------------------------

    def unchanged(self) -> bool:
        """True when the last build with these arguments read exactly what is here now,
        and its outputs are as it left them."""
        try:
            kept = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return False
        if kept.get("version") != VERSION:
            return False
        for path, size, mtime_ns, inode, digest, racy in kept["files"]:
            now = _stat(path)
            if digest.startswith("stat "):   # an installed package's file: by its stat
                if now is None or digest != f"stat {now[0]} {now[1]}":
                    return False
            elif now != (size, mtime_ns, inode) or racy:
                try:
                    if _digest(path) != digest:
                        return False
                except OSError:
                    return False
        return (all(self._listing(f) == d for f, d in kept["folders"])
                and all(self._outputs(o) == d for o, d in kept["outputs"]))

    # -- the record -------------------------------------------------------------------

    def _inputs(self, recorder):
        """{path: stat} of what the build read, what it may read unseen added; None when a
        file it read changed while it ran."""
        files = {p: s for p, s in recorder.opened.items() if not self._product(p)}
        # Every file of a folder the build looked into (the sources' folders, the catalogs',
        # the packages' it imported from): Sphinx reads again only what it finds changed.
        for folder in recorder.listed:
            if not self._product(folder) and not self._volatile(folder):
                for entry in _entries(folder):
                    if entry.is_file(follow_symlinks=True):
                        files.setdefault(entry.path, _stat(entry.path))
        for module in list(sys.modules.values()):
            source = getattr(module, "__file__", None)
            if source and not self._product(os.path.abspath(source)):
                files.setdefault(os.path.abspath(source), _stat(source))
        extra = [p for p in PACKAGE.rglob("*") if "__pycache__" not in p.parts and p.is_file()]
        for entry in sys.path:
            if os.path.isdir(entry):
                extra += Path(entry).glob("*.dist-info/RECORD")
        if SYSTEM_PACKAGES.is_file():
            extra.append(SYSTEM_PACKAGES)
        for path in map(str, extra):
            files.setdefault(path, _stat(path))
        kept = {}
        for path, then in files.items():
            now = _stat(path)
            if now is None and (then is None or then[1] >= recorder.started_ns):
                continue   # a file the build made and removed (a temporary), or never was
            if now != then:
                return None
            kept[path] = now
        return kept

    def write(self, recorder: Recorder) -> bool:
        """Record the build that just succeeded; False when it cannot be relied on."""
        if not self.dated:
            return False
        files = self._inputs(recorder)
        if files is None:
            return False
        now = time.time_ns()
        installed = _installed()
        rows = [[p, *st, _digest(p, st, installed), now - st[1] < RACY_NS]
                for p, st in sorted(files.items()) if "__pycache__" not in p]
        folders = {os.path.dirname(p) for p in files} | set(recorder.listed)
        folders = sorted(f for f in folders if not self._product(f)
                         and not self._volatile(f))
        record = {"version": VERSION, "files": rows,
                  "folders": [[f, self._listing(f)] for f in folders],
                  "outputs": [[o, self._outputs(o)] for o in self.outdirs]}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(f".tmp{os.getpid()}")
        tmp.write_text(json.dumps(record), encoding="utf-8")
        os.replace(tmp, self.path)
        return True
