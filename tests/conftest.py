"""Shared fixtures: Sphinx's own test fixtures, test roots built in-process once per test run
(``built_root``), and whole-book builds done once per session.

Tests of builder behaviour build in-process; ``sphinx_build`` (a real ``sphinx-build`` in a
subprocess) is for tests about the command line: exit codes, what the terminal shows,
environment variables such as PYTHONHASHSEED, and the whole book, whose ``conf.py`` sits
outside its source folder (Sphinx's test application reads ``conf.py`` from the source folder).
"""

import contextlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sphinx.testing.util import SphinxTestApp
from sphinx.util.console import strip_escape_sequences

from patientpress.checks import book as bookchecks

pytest_plugins = ["sphinx.testing.fixtures"]

ROOT = Path(__file__).resolve().parent.parent
STRICT = ["-n", "-W", "--keep-going"]


@pytest.fixture(scope="session")
def rootdir():
    """Where Sphinx's ``testroot=`` projects live."""
    return ROOT / "tests" / "roots"


class Built:
    """A root built in-process: its output folder, doctree folder, status and warnings."""

    def __init__(self, app):
        self.outdir = Path(app.outdir)
        self.doctreedir = Path(app.doctreedir)
        self.status = strip_escape_sequences(app.status.getvalue())
        self.warnings = strip_escape_sequences(app.warning.getvalue())


def build_in_process(builder, srcdir, builddir, confoverrides=None, env=None, freshenv=True):
    """Build ``srcdir`` with Sphinx's test application; ``nitpicky`` as ``-n`` would set it.

    The output lands in ``builddir/<builder>``, the doctrees in ``builddir/doctrees``;
    ``freshenv=False`` rebuilds incrementally from an earlier build in the same ``builddir``.

    A strict (``-W``) build is one whose ``Built.warnings`` is empty: callers assert that.
    """
    with own_environment():
        os.environ.update(env or {})
        app = SphinxTestApp(builder, srcdir=Path(srcdir), builddir=Path(builddir), freshenv=freshenv,
                            confoverrides={"nitpicky": True, **(confoverrides or {})})
        try:
            app.build()
            return Built(app)
        finally:
            app.cleanup()


def pytest_configure(config):
    """Date the test builds as `make` dates the book's (SOURCE_DATE_EPOCH from the last
    commit), when pytest runs without make: two builds of one test run then agree."""
    if not os.environ.get("SOURCE_DATE_EPOCH"):
        stamp = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=ROOT,
                               capture_output=True, text=True).stdout.strip()
        if stamp:
            os.environ["SOURCE_DATE_EPOCH"] = stamp


@contextlib.contextmanager
def own_environment():
    """Give back os.environ as it was: a test or fixture that sets a variable for its
    in-process build must not hand it to the next test's subprocess builds."""
    saved = dict(os.environ)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


@pytest.hookimpl(hookwrapper=True)
def pytest_fixture_setup(fixturedef, request):
    """A module or session fixture gives os.environ back too: a leak there outlives the test
    (a date set for one build once dated every later subprocess build 1980, changing the
    copyright year)."""
    with own_environment():
        yield


@pytest.fixture(autouse=True)
def _environment_restored():
    """Builds through Sphinx's ``app`` fixture run in-process too: nothing they set in
    os.environ reaches the next test or the subprocess builds."""
    with own_environment():
        yield


@pytest.fixture(scope="session")
def built_root(tmp_path_factory, rootdir):
    """``built_root(builder, testroot, **confoverrides)``: the root built once per test run.

    Tests (and test files) asking for the same root, builder and settings share one build,
    made in-process on a copy of ``tests/roots/test-<testroot>``; its output is for reading.
    """
    done = {}

    def build(builder, testroot, **confoverrides):
        key = (builder, testroot, repr(sorted(confoverrides.items())))
        if key not in done:
            base = tmp_path_factory.mktemp(f"{testroot}-{builder}")
            src = shutil.copytree(rootdir / f"test-{testroot}", base / "src")
            done[key] = build_in_process(builder, src, base / "_build", confoverrides)
        return done[key]

    return build


def sphinx_build(builder, outdir, *extra, srcdir=ROOT / "docs", confdir=ROOT, env=None):
    """Run the real sphinx-build, strictly, and return the finished process."""
    cmd = [sys.executable, "-m", "sphinx", "-b", builder, *STRICT,
           "-c", str(confdir), "-d", str(Path(outdir).parent / f".doctrees-{builder}"),
           *extra, str(srcdir), str(outdir)]
    return subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, **(env or {})})


def _book(tmp_path_factory, builder, *extra, language="en"):
    outdir = tmp_path_factory.mktemp(f"book-{language}-{builder}") / builder
    if language != "en":
        extra = (*extra, "-D", f"language={language}")
    proc = sphinx_build(builder, outdir, *extra)
    assert proc.returncode == 0, f"{builder} build failed:\n{proc.stdout}\n{proc.stderr}"
    return outdir


@pytest.fixture(scope="session")
def built_html(tmp_path_factory, built_epub, built_handout):
    """The whole book built as the website, with its downloads; returns the output folder."""
    return _book(tmp_path_factory, "html", "-D", f"web_handout_dir={built_handout}",
                 "-D", f"web_epub_dir={built_epub}")


@pytest.fixture(scope="session")
def built_book(built_html):
    """The whole book's website with the book-check settings its build recorded."""
    return bookchecks.BuiltBook(built_html, built_html.parent / ".doctrees-html")


def judge(check, book, **kwargs):
    """Run a book check (patientpress.checks.book): skipped when the book does not ask for
    it, failed with every problem it finds."""
    try:
        problems = check(book, **kwargs)
    except bookchecks.NotApplicable as why:
        pytest.skip(str(why))
    assert not problems, "\n".join(problems)


@pytest.fixture(scope="session")
def built_epub(tmp_path_factory):
    """The whole book built as an EPUB; returns the output folder."""
    return _book(tmp_path_factory, "epub")


@pytest.fixture(scope="session")
def built_handout(tmp_path_factory):
    """The whole book built as the PDF handout; returns the output folder."""
    return _book(tmp_path_factory, "handout")


# The Spanish edition: the same sources with language = "es", text from locales/es/.
#: The languages the book is published in: the whole-book checks run on each.
LANGUAGES = ["en", "es"]


def built_in(request, builder, language):
    """The session build of the whole book in ``builder`` and ``language`` (the value of
    the fixture ``built_html``, ``built_html_es``...)."""
    return request.getfixturevalue(f"built_{builder}" + ("" if language == "en" else f"_{language}"))


@pytest.fixture(scope="session")
def built_epub_es(tmp_path_factory):
    """The whole book in Spanish as an EPUB; returns the output folder."""
    return _book(tmp_path_factory, "epub", language="es")


@pytest.fixture(scope="session")
def built_handout_es(tmp_path_factory):
    """The whole book in Spanish as the PDF handouts; returns the output folder."""
    return _book(tmp_path_factory, "handout", language="es")


@pytest.fixture(scope="session")
def built_html_es(tmp_path_factory, built_epub_es, built_handout_es):
    """The whole book in Spanish as the website, with its downloads."""
    return _book(tmp_path_factory, "html", "-D", f"web_handout_dir={built_handout_es}",
                 "-D", f"web_epub_dir={built_epub_es}", language="es")


@pytest.fixture(scope="session")
def built_book_es(built_html_es):
    """The Spanish website with the book-check settings its build recorded."""
    return bookchecks.BuiltBook(built_html_es, built_html_es.parent / ".doctrees-html")


@pytest.fixture(scope="session")
def future_index(tmp_path_factory):
    """A --find-links folder holding fonttools 99.0, built the standard way (a wheel): a
    future release of a locked package that another pin asks for with an extra
    (weasyprint wants fonttools[woff]). tests/test_install.py tells the story."""
    folder = tmp_path_factory.mktemp("future-index")
    project = tmp_path_factory.mktemp("fake-fonttools")
    (project / "pyproject.toml").write_text(
        '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n'
        '[project]\nname = "fonttools"\nversion = "99.0"\n'
        '[project.optional-dependencies]\nwoff = []\n', encoding="utf-8")
    (project / "fontTools").mkdir()
    (project / "fontTools" / "__init__.py").write_text('version = "99.0"\n', encoding="utf-8")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                    "--no-build-isolation", "-w", str(folder), str(project)], check=True)
    assert [p.name for p in folder.iterdir()] == ["fonttools-99.0-py3-none-any.whl"]
    return folder
#: Lines for the end of the run (tests/test_preflight.py: the preflight's report on the
#: session's whole-book PDFs), so that `make test`'s output shows it.
PREFLIGHT_REPORT = []


def pytest_terminal_summary(terminalreporter):
    if PREFLIGHT_REPORT:
        terminalreporter.section("preflight")
        for line in PREFLIGHT_REPORT:
            terminalreporter.write_line(line)
