"""Outputs are dated by SOURCE_DATE_EPOCH, which `make` (and scripts/rtd-build) set from the
book's last commit. patientpress only reads it: the environment belongs to whoever runs the
build, and a value written by the package once leaked into later builds (a copyright dated
1980)."""

import os
import subprocess

import pytest

from conftest import ROOT, build_in_process
from patientpress import files


def test_the_date_is_read_as_given(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764000000")
    assert files.source_date_epoch() == 1764000000
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "")
    assert files.source_date_epoch() is None


@pytest.mark.parametrize("epoch", [None, "1700000000"])
def test_a_build_leaves_the_environment_as_it_found_it(tmp_path, monkeypatch, epoch):
    if epoch is None:
        monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    else:
        monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    before = dict(os.environ)
    built = build_in_process("epub", ROOT / "tests" / "roots" / "test-book", tmp_path)
    assert dict(os.environ) == before
    said = "SOURCE_DATE_EPOCH is not set, so the outputs are dated now"
    assert (said in built.status) == (epoch is None), built.status


def make_says_epoch(folder, *variables):
    """The SOURCE_DATE_EPOCH make's recipes run with, for a book whose conf.py is in
    ``folder``."""
    printer = 'say:\n\t@echo "epoch=$$SOURCE_DATE_EPOCH"\n'
    env = {k: v for k, v in os.environ.items()
           if k not in ("SOURCE_DATE_EPOCH", "MAKEFLAGS", "MAKELEVEL", "MFLAGS")}
    proc = subprocess.run(["make", "--no-print-directory", "-f", "Makefile", "-f", "-",
                           "say", f"CONFDIR={folder}", *variables], input=printer, text=True,
                          capture_output=True, cwd=ROOT, env=env, check=True)
    return proc.stdout.strip()


def test_make_dates_a_book_by_its_last_commit(tmp_path):
    env = {**os.environ, "GIT_AUTHOR_DATE": "@1700000000 +0000",
           "GIT_COMMITTER_DATE": "@1700000000 +0000", "GIT_AUTHOR_NAME": "A",
           "GIT_AUTHOR_EMAIL": "a@example.org", "GIT_COMMITTER_NAME": "A",
           "GIT_COMMITTER_EMAIL": "a@example.org"}
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True, env=env)
    (tmp_path / "conf.py").write_text("project = 'x'\n")
    subprocess.run(["git", "-C", str(tmp_path), "add", "conf.py"], check=True, env=env)
    subprocess.run(["git", "-C", str(tmp_path), "commit", "-q", "-m", "x"], check=True, env=env)
    assert make_says_epoch(tmp_path) == "epoch=1700000000"
    assert make_says_epoch(tmp_path, "SOURCE_DATE_EPOCH=1764000000") == "epoch=1764000000"


def test_make_leaves_a_book_outside_git_undated(tmp_path):
    os.environ["GIT_CEILING_DIRECTORIES"] = str(tmp_path.parent)   # conftest restores it
    assert make_says_epoch(tmp_path) == "epoch="


WRITES = ("os.environ[", "os.environ.update", "os.environ.setdefault", "os.environ.pop",
          "os.putenv", "os.environ.clear", "os.unsetenv")


def writes_environment(text):
    return [word for word in WRITES if word in text]


def test_nothing_in_the_package_writes_the_environment():
    offenders = {str(path.relative_to(ROOT)): writes_environment(path.read_text(encoding="utf-8"))
                 for path in (ROOT / "patientpress").rglob("*.py")}
    assert {k: v for k, v in offenders.items() if v} == {}
    # the scan sees a write: the line files.py had before
    assert writes_environment('os.environ["SOURCE_DATE_EPOCH"] = stamp or str(ZIP_EPOCH_MIN)')
