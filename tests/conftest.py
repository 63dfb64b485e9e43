"""Shared fixtures: Sphinx's own test fixtures, test roots built in-process once per test run
(``built_root``), and whole-book builds done once per session.

Tests of builder behaviour build in-process; ``sphinx_build`` (a real ``sphinx-build`` in a
subprocess) is for tests about the command line: exit codes, what the terminal shows,
environment variables such as PYTHONHASHSEED, and the whole book, whose ``conf.py`` sits
outside its source folder (Sphinx's test application reads ``conf.py`` from the source folder).
"""

import contextlib
import gc
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from filelock import FileLock
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

    def __init__(self, outdir, doctreedir, status, warnings):
        self.outdir = Path(outdir)
        self.doctreedir = Path(doctreedir)
        self.status = status
        self.warnings = warnings

    @classmethod
    def of(cls, app):
        return cls(app.outdir, app.doctreedir, strip_escape_sequences(app.status.getvalue()),
                   strip_escape_sequences(app.warning.getvalue()))

    def as_json(self):
        return json.dumps({"outdir": str(self.outdir), "doctreedir": str(self.doctreedir),
                           "status": self.status, "warnings": self.warnings})


def shared(tmp_path_factory, name, make):
    """``make(folder)`` run once per test run for ``name``, whatever the number of workers.

    With pytest-xdist (``make test`` runs two workers) each worker has its own session: a
    session build would be made once per worker. The first worker to ask makes it in a folder
    beside the workers' own, under a file lock; the others wait for it and read what it left
    (the JSON ``make`` returns). Without workers it is a plain ``mktemp``.
    """
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return make(tmp_path_factory.mktemp(name))
    folder = tmp_path_factory.getbasetemp().parent / "shared" / name
    folder.parent.mkdir(exist_ok=True)
    result = folder / ".result.json"
    with FileLock(f"{folder}.lock"):
        if not result.exists():
            shutil.rmtree(folder, ignore_errors=True)     # a worker's failed attempt
            folder.mkdir()
            text = make(folder)
            result.write_text(text, encoding="utf-8")
        return result.read_text(encoding="utf-8")


def _forget_collectors():
    """Mark the finished builds' toctree collectors as disabled.

    sphinx-external-toc 1.1.0 disables every TocTreeCollector that ``gc.get_objects()`` still
    finds (collectors.py), an earlier build's too, by that build's listener ids, which in the
    new build name other handlers: patientpress's template path went missing from a build
    that followed a _toc.yml book's in the same process (pytest-xdist's order found it).
    sphinx-build and make run one build per process (the clinic batch forks for each), so
    only in-process tests need this.
    """
    from sphinx.environment.collectors.toctree import TocTreeCollector

    for obj in gc.get_objects():
        if isinstance(obj, TocTreeCollector):
            obj.listener_ids = None


def build_in_process(builder, srcdir, builddir, confoverrides=None, env=None, freshenv=True):
    """Build ``srcdir`` with Sphinx's test application; ``nitpicky`` as ``-n`` would set it.

    The output lands in ``builddir/<builder>``, the doctrees in ``builddir/doctrees``;
    ``freshenv=False`` rebuilds incrementally from an earlier build in the same ``builddir``.

    A strict (``-W``) build is one whose ``Built.warnings`` is empty: callers assert that.
    """
    _forget_collectors()   # the earlier builds' (Sphinx's own app fixture's too)
    with own_environment():
        os.environ.update(env or {})
        app = SphinxTestApp(builder, srcdir=Path(srcdir), builddir=Path(builddir), freshenv=freshenv,
                            confoverrides={"nitpicky": True, **(confoverrides or {})})
        try:
            app.build()
            return Built.of(app)
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


@pytest.fixture
def layouts(monkeypatch):
    """The number of layouts WeasyPrint makes, counted as they happen."""
    import weasyprint

    made, original = [], weasyprint.HTML.render

    def render_counted(self, *args, **kwargs):
        made.append(1)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(weasyprint.HTML, "render", render_counted)
    return made


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
            def make(base):
                src = shutil.copytree(rootdir / f"test-{testroot}", base / "src")
                return build_in_process(builder, src, base / "_build", confoverrides).as_json()
            name = f"{testroot}-{builder}-" + hashlib.sha256(key[2].encode()).hexdigest()[:8]
            done[key] = Built(**json.loads(shared(tmp_path_factory, name, make)))
        return done[key]

    return build


def sphinx_build(builder, outdir, *extra, srcdir=ROOT / "docs", confdir=ROOT, env=None):
    """Run the real sphinx-build, strictly, and return the finished process."""
    cmd = [sys.executable, "-m", "sphinx", "-b", builder, *STRICT,
           "-c", str(confdir), "-d", str(Path(outdir).parent / f".doctrees-{builder}"),
           *extra, str(srcdir), str(outdir)]
    return subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, **(env or {})})


def _book(tmp_path_factory, builder, *extra, language="en"):
    if language != "en":
        extra = (*extra, "-D", f"language={language}")

    def make(folder):
        proc = sphinx_build(builder, folder / builder, *extra)
        assert proc.returncode == 0, f"{builder} build failed:\n{proc.stdout}\n{proc.stderr}"
        return str(folder / builder)
    return Path(shared(tmp_path_factory, f"book-{language}-{builder}", make))


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
#: The test files whose time is mostly PDF rendering on both cores (a batch of clinic
#: editions, `make all` again and again): under pytest-xdist they make one group, run by one
#: worker one after the other and handed out first, while the other worker takes the files
#: that use one core (Sphinx reading, EPUBCheck, Chromium). Two of them at once, each with
#: its two render workers, made the suite slower (1097 s against 991 s, make test on 2 cores).
RENDER_BOUND = ("test_fit", "test_clinics_es", "test_clinics", "test_rebuild_equals_clean")


def pytest_collection_modifyitems(config, items):
    items.sort(key=lambda item: item.path.stem not in RENDER_BOUND)   # stable: order kept


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """``--dist loadscope`` with the render-bound files as one scope: each other test file is
    a scope of its own (its tests in one worker, its module fixtures made once), handed out
    in collection order. (``--dist loadgroup`` with a group per file would say the same, but
    pytest-xdist 3.8.0 names the group in ``item._nodeid``, which pytest 9 no longer reads.)"""
    if config.getvalue("dist") != "loadscope":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class RenderBoundTogether(LoadScopeScheduling):
        def _split_scope(self, nodeid):
            module = nodeid.split("::", 1)[0]
            return "render-bound" if Path(module).stem in RENDER_BOUND else module

    return RenderBoundTogether(config, log)


#: Lines for the end of the run (tests/test_preflight.py: the preflight's report on the
#: session's whole-book PDFs), so that `make test`'s output shows it. A pytest-xdist worker
#: sends its lines to the controller, which writes the summary.
PREFLIGHT_REPORT = []


def pytest_sessionfinish(session):
    if hasattr(session.config, "workeroutput"):
        session.config.workeroutput["preflight"] = list(PREFLIGHT_REPORT)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    PREFLIGHT_REPORT.extend(getattr(node, "workeroutput", {}).get("preflight", []))


def pytest_terminal_summary(terminalreporter):
    if PREFLIGHT_REPORT:
        terminalreporter.section("preflight")
        for line in sorted(PREFLIGHT_REPORT):
            terminalreporter.write_line(line)
