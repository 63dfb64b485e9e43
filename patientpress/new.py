"""A new book in one command: ``python -m patientpress new DIR [--title T] [--author A]``.

Writes a minimal book project from the skeleton that travels in the package
(``skeleton/``): ``conf.py``, ``docs/`` with an index and one chapter, a Makefile, pinned
requirements, ``.readthedocs.yaml``, a README, ``.ci/run`` and the book's own tests. It
passes its own ``make`` and ``make test`` on a fresh clone, without this repository.

patientpress is not on PyPI, so the new book carries it: a wheel built from this source
tree, the standard way, goes into ``DIR/vendor/``, listed in ``requirements.txt`` with its hash, beside
the pinned, hashed versions of Sphinx, MyST, the theme and WeasyPrint that this version of
patientpress is tested with (``skeleton/requirements.txt``, cut from the repository's lock
file by ``python -m patientpress pins requirements.txt``). A wheel, not a ``file://`` path:
a path names a folder on the machine that ran ``new``, which a fresh clone elsewhere does
not have, and pip cannot check a folder against a hash.
"""

import argparse
import datetime
import hashlib
import importlib.metadata
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from .files import ZIP_EPOCH_MIN, slugify

SKELETON = Path(__file__).resolve().parent / "skeleton"
PACKAGE_DIR = Path(__file__).resolve().parent
# Skeleton names that start with a dot would be left out of the wheel by package-data globs.
DOT_PREFIX = "dot-"
EXECUTABLE = {".ci/run"}
DIST = "patientpress"

PINS_HEADER = """\
# Pinned with hashes, installed by the Makefile with pip install --require-hashes.
# patientpress is the wheel in vendor/ (see README); the rest are the versions patientpress
# __VERSION__ is tested with, cut from its lock file. To add a package, see README.
./vendor/__WHEEL__ \\
    --hash=sha256:__WHEEL_SHA256__
"""


class Refused(Exception):
    """A request ``new`` will not carry out; the message says why and what to do."""


# -- the pins ----------------------------------------------------------------------------

def _blocks(lock_text):
    """{name: block text} of a uv/pip-compile lock file (name==version, hashes, "# via")."""
    blocks, name = {}, None
    for line in lock_text.splitlines():
        if line and not line[0].isspace() and not line.startswith("#"):
            name = re.split(r"[=<>\[ ;]", line, maxsplit=1)[0].lower()
            blocks[name] = [line]
        elif name is not None and line.strip():
            blocks[name].append(line)
    return blocks


def _parents(block):
    """The packages a lock block says it is there for ("# via X"); "-r ..." lines skipped."""
    via = []
    for line in block:
        text = line.strip().lstrip("#").strip()
        text = text.removeprefix("via").strip()
        if text and not text.startswith(("-r", "--hash", "-c")) and "==" not in text:
            via.append(text.split()[0].lower())
    return via


def lock_subset(lock_text, wanted):
    """The blocks of ``lock_text`` that ``wanted`` needs: the wanted packages and,
    transitively, every package one of them pulls in (read from the "# via" lines)."""
    blocks = _blocks(lock_text)
    missing = sorted(set(wanted) - set(blocks))
    if missing:
        raise Refused(f"the lock file has no pin for {', '.join(missing)}")
    keep, grew = set(wanted), True
    while grew:
        grew = False
        for name, block in blocks.items():
            if name not in keep and set(_parents(block)) & keep:
                keep.add(name)
                grew = True
    return "\n".join("\n".join(blocks[name]) for name in sorted(keep)) + "\n"


def skeleton_wanted():
    """The package names the skeleton's requirements.in pins (the wheel line aside)."""
    text = (SKELETON / "requirements.in").read_text(encoding="utf-8")
    return [line.split("==")[0].strip().lower() for line in text.splitlines()
            if "==" in line and not line.lstrip().startswith("#")]


def pins_text(lock_text):
    """What ``skeleton/requirements.txt`` holds for the lock file ``lock_text``."""
    return PINS_HEADER + lock_subset(lock_text, skeleton_wanted())


# -- the wheel ---------------------------------------------------------------------------

def project_root():
    """The source tree this patientpress runs from (its pyproject.toml beside the package),
    or None when it was installed from a wheel."""
    root = PACKAGE_DIR.parent
    pyproject = root / "pyproject.toml"
    if pyproject.is_file() and 'name = "patientpress"' in pyproject.read_text(encoding="utf-8"):
        return root
    return None


def build_wheel(dest_dir):
    """Build a wheel of this patientpress into ``dest_dir`` the standard way (pip and
    setuptools, from pyproject.toml, with the pinned setuptools of the running venv), from
    a copy of the package, so no build/ folder lands in the source tree. Byte-identical for
    the same files: the wheel's times come from SOURCE_DATE_EPOCH, set for the build only.
    Returns its path."""
    root = project_root()
    if root is None:
        raise Refused(f"this patientpress was installed from a wheel ({PACKAGE_DIR}), with no "
                      "pyproject.toml to build the new book's copy from: run new from a clone "
                      "of patientpress (make new DIR=...)")
    with tempfile.TemporaryDirectory() as work:
        copy = Path(work) / "src"
        shutil.copytree(PACKAGE_DIR, copy / DIST,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info"))
        shutil.copy2(root / "pyproject.toml", copy)
        env = {**os.environ, "SOURCE_DATE_EPOCH": str(ZIP_EPOCH_MIN),
               "PIP_NO_INDEX": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
        proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                               "--no-build-isolation", "--no-cache-dir", "-w", str(dest_dir),
                               str(copy)], capture_output=True, text=True, env=env)
        if proc.returncode != 0:
            raise Refused(f"building the wheel of patientpress failed: {proc.stderr.strip()[-600:]}")
    wheels = sorted(Path(dest_dir).glob(f"{DIST}-*.whl"))
    if len(wheels) != 1:
        raise Refused(f"building the wheel of patientpress gave {len(wheels)} wheels in {dest_dir}")
    return wheels[0]


# -- the book ----------------------------------------------------------------------------

def _values(title, author, wheel):
    year = str(datetime.date.today().year)
    slug = slugify(title) or "book"
    uid = f"{slug}-{year}" if slug[0].isalpha() else f"book-{slug}-{year}"
    return {"TITLE": title, "AUTHOR": author, "YEAR": year, "SLUG": slug, "UID": uid,
            "WHEEL": wheel.name, "VERSION": importlib.metadata.version(DIST),
            "WHEEL_SHA256": hashlib.sha256(wheel.read_bytes()).hexdigest()}


def fill(text, values, python=False):
    """The skeleton's ``__NAME__`` placeholders filled in; in Python, a quoted placeholder
    becomes a string literal of the value, whatever quotes or backslashes it holds."""
    for key, value in values.items():
        if python:
            text = text.replace(f'"__{key}__"', json.dumps(value, ensure_ascii=False))
        text = text.replace(f"__{key}__", value)
    return text


def _target_name(rel):
    return "/".join("." + part[len(DOT_PREFIX):] if part.startswith(DOT_PREFIX) else part
                    for part in rel.split("/"))


def _write_skeleton(into, values):
    for path in sorted(SKELETON.rglob("*")):
        if not path.is_file() or "__pycache__" in path.parts:
            continue
        rel = _target_name(path.relative_to(SKELETON).as_posix())
        text = fill(path.read_text(encoding="utf-8"), values, python=rel.endswith(".py"))
        out = into / rel
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
        if rel in EXECUTABLE:
            out.chmod(0o755)


def check_target(target):
    """Refuse a DIR that is a file or holds anything: a book is never written over files."""
    if target.exists() and not target.is_dir():
        raise Refused(f"{target} is a file, not a folder; choose a new folder for the book")
    if target.is_dir():
        entries = sorted(p.name for p in target.iterdir())
        if entries:
            shown = ", ".join(entries[:3]) + (", ..." if len(entries) > 3 else "")
            raise Refused(f"{target} is not empty ({shown}); choose a new or empty folder "
                          "for the book. Nothing was written.")


def check_text(label, value):
    if not value.strip() or "\n" in value or "\r" in value:
        raise Refused(f"the {label} must be one line of text, not {value!r}")


def new_book(target, title, author):
    """Write the book project into ``target`` (absent or empty) all at once: it is written
    in a folder beside it and renamed into place, so a failure leaves nothing behind."""
    target = Path(target).absolute()
    if not (SKELETON / "conf.py").is_file():
        raise Refused(f"this patientpress has no skeleton in {SKELETON}: it was installed "
                      "from a wheel built without its package data; reinstall it")
    check_target(target)
    check_text("title", title)
    check_text("author", author)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-new-", dir=target.parent))
    try:
        (staging / "vendor").mkdir()
        wheel = build_wheel(staging / "vendor")
        _write_skeleton(staging, _values(title, author, wheel))
        umask = os.umask(0)
        os.umask(umask)
        staging.chmod(0o777 & ~umask)
        if target.is_dir():
            target.rmdir()
        staging.rename(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def main(argv=None, prog="python -m patientpress new"):
    parser = argparse.ArgumentParser(
        prog=prog, description="Write a new book project into DIR (a new or empty folder).")
    parser.add_argument("dir", metavar="DIR", type=Path, nargs="?")
    parser.add_argument("--title", default="My Book", help="the book's title (default: %(default)s)")
    parser.add_argument("--author", default="The Authors",
                        help="who wrote it (default: %(default)s)")
    parser.add_argument("--from", dest="book", metavar="BOOK", type=Path,
                        help="a Jupyter Book's folder (_config.yml, _toc.yml): write its conf.py, "
                             "which reads _config.yml at every build")
    args = parser.parse_args(argv)
    if args.book is not None:
        return _from_jupyter_book(args.book)
    if args.dir is None:
        parser.error("say where: DIR, or --from BOOK for a Jupyter Book")
    try:
        target = new_book(args.dir, args.title, args.author)
    except Refused as exc:
        print(f"patientpress new: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"patientpress new: cannot write {args.dir}: {exc}", file=sys.stderr)
        return 1
    print(f"A new book in {target}. Next:\n  cd {args.dir}\n  make         # website, e-book "
          "and PDFs in _build/\n  make test    # check them\nEdit the title and author in "
          "conf.py; write chapters in docs/chapters/.")
    return 0


def _from_jupyter_book(book):
    from .book import jupyterbook

    try:
        conf = jupyterbook.write_conf(book)
    except ValueError as exc:
        print(f"patientpress new: {exc}", file=sys.stderr)
        return 2
    print(f"Wrote {conf}: it reads {book / '_config.yml'} at every build. Build with:\n"
          f"  python -m sphinx -b html {book} {book / '_build' / 'html'}   (also epub, "
          "handout)\nor this repository's make SOURCEDIR=... CONFDIR=... (see README).")
    return 0


def pins_main(argv=None, prog="python -m patientpress pins"):
    """Print what ``skeleton/requirements.txt`` holds for a lock file (after ``make lock``)."""
    parser = argparse.ArgumentParser(
        prog=prog, description="Cut the new-book pins from a lock file (requirements.txt).")
    parser.add_argument("lock", metavar="REQUIREMENTS_TXT", type=Path)
    args = parser.parse_args(argv)
    try:
        sys.stdout.write(pins_text(args.lock.read_text(encoding="utf-8")))
    except (OSError, Refused) as exc:
        print(f"patientpress pins: {exc}", file=sys.stderr)
        return 2
    return 0
