"""Shared fixtures: Sphinx's own test fixtures, plus whole-book builds done once per session."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest_plugins = ["sphinx.testing.fixtures"]

ROOT = Path(__file__).resolve().parent.parent
STRICT = ["-n", "-W", "--keep-going"]


@pytest.fixture(scope="session")
def rootdir():
    """Where Sphinx's ``testroot=`` projects live."""
    return ROOT / "tests" / "roots"


def sphinx_build(builder, outdir, *extra, srcdir=ROOT / "docs", confdir=ROOT, env=None):
    """Run the real sphinx-build, strictly, and return the finished process."""
    cmd = [sys.executable, "-m", "sphinx", "-b", builder, *STRICT,
           "-c", str(confdir), "-d", str(Path(outdir).parent / f".doctrees-{builder}"),
           *extra, str(srcdir), str(outdir)]
    return subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, **(env or {})})


def _book(tmp_path_factory, builder, *extra):
    outdir = tmp_path_factory.mktemp(f"book-{builder}") / builder
    proc = sphinx_build(builder, outdir, *extra)
    assert proc.returncode == 0, f"{builder} build failed:\n{proc.stdout}\n{proc.stderr}"
    return outdir


@pytest.fixture(scope="session")
def built_html(tmp_path_factory, built_epub, built_handout):
    """The whole book built as the website, with its downloads; returns the output folder."""
    return _book(tmp_path_factory, "html", "-D", f"web_handout_dir={built_handout}",
                 "-D", f"web_epub_dir={built_epub}")


@pytest.fixture(scope="session")
def built_epub(tmp_path_factory):
    """The whole book built as an EPUB; returns the output folder."""
    return _book(tmp_path_factory, "epub")


@pytest.fixture(scope="session")
def built_handout(tmp_path_factory):
    """The whole book built as the PDF handout; returns the output folder."""
    return _book(tmp_path_factory, "handout")
