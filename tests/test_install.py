"""`make` installs the lock the same way next year: a newer release on the index changes
nothing, with the pip that ``python3 -m venv`` bundles (23.x on Debian 12's Pythons).

The fault this guards against (2026-12-06): WeasyPrint 70.0 asks for ``fonttools[woff]``;
once fonttools 4.69.1 was on PyPI, pip 23.2's ``install --require-hashes -r
requirements.txt`` stopped with "all requirements must have their versions pinned with =="
although the lock pins fonttools 4.68.0 (pip issues 9644 and 12345). Here a fake fonttools
99.0 in a ``--find-links`` folder stands for any future release.
"""

import glob
import os
import re
import shutil
import subprocess
import sys

import pytest

from conftest import ROOT

pytestmark = pytest.mark.slow

LOCKED_FONTTOOLS = re.search(r"^fonttools==(\S+)", (ROOT / "requirements.txt").read_text(),
                             re.M)[1]


def interpreters():
    """Python 3.11 to 3.13 as a new user may have them: on PATH, or pyenv's."""
    found = {}
    for minor in ("3.11", "3.12", "3.13"):
        candidates = [shutil.which(f"python{minor}"),
                      *sorted(glob.glob(os.path.expanduser(f"~/.pyenv/versions/{minor}.*/bin/python3")))]
        for candidate in candidates:
            if candidate and subprocess.run([candidate, "-c", "import ensurepip"],
                                            capture_output=True).returncode == 0:
                found[minor] = candidate
                break
    return found


def env_with(index):
    env = {k: v for k, v in os.environ.items()
           if k not in ("VIRTUAL_ENV", "MAKEFLAGS", "MFLAGS", "MAKELEVEL", "PYTHONPATH")}
    env["PIP_FIND_LINKS"] = " ".join(filter(None, [str(index), os.environ.get("PIP_FIND_LINKS")]))
    return env


def bundled_pip(python):
    out = subprocess.run([python, "-c", "import ensurepip; print(ensurepip.version())"],
                         capture_output=True, text=True, check=True).stdout.strip()
    return tuple(int(part) for part in out.split(".")[:2])


@pytest.fixture(scope="module")
def small_lock(tmp_path_factory):
    """WeasyPrint and what it needs, cut from requirements.txt with its hashes: the same
    fault in a dozen packages instead of the whole lock."""
    from patientpress import new

    lock = tmp_path_factory.mktemp("lock") / "requirements.txt"
    lock.write_text(new.lock_subset((ROOT / "requirements.txt").read_text(encoding="utf-8"),
                                    ["weasyprint"]), encoding="utf-8")
    assert "fonttools==" in lock.read_text() and "--hash=sha256:" in lock.read_text()
    return lock


def makefile_install(venv, python, lock):
    """The commands `make venv` runs to make the venv and install the lock (read with
    make -n), with ``lock`` in place of requirements.txt."""
    proc = subprocess.run(["make", "-n", "--no-print-directory", "-C", str(ROOT), "venv",
                           f"VENV={venv}", f"PYTHON3={python}"],
                          capture_output=True, text=True, check=True)
    lines = [line for line in proc.stdout.splitlines()
             if " -m venv " in line or "pip install" in line and "requirements.txt" in line
             or "pip check" in line]
    assert len(lines) == 3, proc.stdout
    return "\n".join(line.replace("requirements.txt", str(lock)) for line in lines)


def test_the_old_install_breaks_on_the_future_release(tmp_path, future_index, small_lock):
    """The fault is real: the old command, with the bundled pip, refuses the lock. (A pip
    without the fault needs no proof; the test below still runs for it.)"""
    python = interpreters().get("3.11") or "python3"
    if bundled_pip(python) >= (23, 3):
        pytest.skip(f"{python} bundles pip {bundled_pip(python)}, which resolves extras right")
    subprocess.run([python, "-m", "venv", str(tmp_path / "venv")], check=True)
    proc = subprocess.run([str(tmp_path / "venv/bin/python"), "-m", "pip", "install",
                           "--require-hashes", "-r", str(small_lock)],
                          env=env_with(future_index), capture_output=True, text=True,
                          timeout=900)
    assert proc.returncode != 0
    assert "must have their versions pinned with ==" in proc.stderr, proc.stderr[-2000:]


@pytest.mark.parametrize("minor", ["3.11", "3.12", "3.13"])
def test_makes_install_takes_the_locked_versions_whatever_the_index_holds(
        tmp_path, future_index, small_lock, minor):
    python = interpreters().get(minor)
    if python is None:
        pytest.skip(f"no Python {minor} with venv on this machine")
    venv = tmp_path / "venv"
    proc = subprocess.run(["bash", "-ec", makefile_install(venv, python, small_lock)],
                          cwd=ROOT, env=env_with(future_index), capture_output=True, text=True,
                          timeout=900)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-3000:]
    assert "No broken requirements found." in proc.stdout
    version = subprocess.run([str(venv / "bin/python"), "-c",
                              "import fontTools, weasyprint; print(fontTools.version)"],
                             capture_output=True, text=True, check=True).stdout.strip()
    assert version == LOCKED_FONTTOOLS


def test_the_makefiles_install_without_resolving_and_check_after():
    """Both Makefiles and both Read the Docs files install the complete lock with
    --no-deps and run pip check (the old form is what broke). The whole lock, as make
    installs it, is proven by `make test` itself on a fresh clone, and a new book's by
    tests/test_new_book.py, with the future release on the index."""
    for path in ("Makefile", "patientpress/skeleton/Makefile", ".readthedocs.yaml",
                 "patientpress/skeleton/dot-readthedocs.yaml"):
        text = (ROOT / path).read_text(encoding="utf-8")
        installs = re.findall(r"pip install[^\n]*-r requirements\.txt", text)
        assert installs, path
        assert all("--no-deps" in line and "--require-hashes" in line for line in installs), path
        assert "pip check" in text, path
