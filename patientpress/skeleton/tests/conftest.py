"""The book, built once per test run in all three formats.

``make test`` builds the book first and passes its build folder in ``BOOK_BUILDDIR``; run
alone (``python -m pytest tests``), the tests build the book strictly into a temporary
folder themselves.
"""

import os
import runpy
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
STRICT = ["-n", "-W", "--keep-going"]
# Output folder and builder, in build order: the website copies in the PDFs and the e-book.
FORMATS = [("epub", "epub"), ("handout", "handout"), ("html", "html")]


@pytest.fixture(scope="session")
def config():
    """The names conf.py sets, read as Sphinx reads them: the tests follow the author's edits."""
    return runpy.run_path(str(ROOT / "conf.py"))


@pytest.fixture(scope="session")
def builddir(tmp_path_factory):
    given = os.environ.get("BOOK_BUILDDIR")
    if given:
        return Path(given).resolve()
    out = tmp_path_factory.mktemp("build")
    for folder, builder in FORMATS:
        proc = subprocess.run(
            [sys.executable, "-m", "sphinx", "-b", builder, *STRICT, "-q", "-c", str(ROOT),
             "-d", str(out / "doctrees"), str(ROOT / "docs"), str(out / folder)],
            capture_output=True, text=True)
        assert proc.returncode == 0, f"the {builder} build failed:\n{proc.stdout}{proc.stderr}"
    return out
