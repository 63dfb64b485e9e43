"""``python -m patientpress new DIR`` writes a book project that builds strictly in all three
formats, passes its own tests, and needs nothing from this repository."""

import ast
import importlib.metadata
import json
import os
import re
import runpy
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest
from bs4 import BeautifulSoup
from pypdf import PdfReader

import epubread
import pdfread
from conftest import ROOT, sphinx_build
from patientpress import new

TITLE = 'Feet First: "A Walking Guide"'
AUTHOR = "Ana Ødegaard"
PROJECT_FILES = {"conf.py", "docs/index.md", "docs/chapters/01-getting-started.md", "Makefile",
                 "requirements.in", "requirements.txt", ".readthedocs.yaml", "README.md",
                 ".ci/run", ".gitignore", "pytest.ini", "tests/conftest.py",
                 "tests/test_book.py", "tests/test_content.py",
                 "vendor/patientpress-0.1.0-py3-none-any.whl"}
# The new book's own tests: three on the formats; four on its content, of which it asks for
# one (the front matter) until its conf.py sets readability targets, a claims file or a glossary.
OWN_TESTS_PASS = "4 passed, 3 skipped"


def run_new(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "patientpress", "new", *map(str, args)],
                          capture_output=True, text=True, cwd=cwd, timeout=120)


def words(text):
    return " ".join(text.split())


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    target = tmp_path_factory.mktemp("new") / "my-book"
    proc = run_new(target, "--title", TITLE, "--author", AUTHOR)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "make test" in proc.stdout
    return target


@pytest.fixture(scope="module")
def builds(book, tmp_path_factory):
    """The new book built strictly with this environment's Sphinx, as its Makefile builds it:
    the e-book and the PDFs first, then the website that copies them in, all with one doctree
    folder."""
    out = tmp_path_factory.mktemp("new-build")
    for folder, builder in (("epub", "epub"), ("handout", "handout"), ("html", "html")):
        proc = sphinx_build(builder, out / folder, "-d", str(out / "doctrees"),
                            srcdir=book / "docs", confdir=book)
        assert proc.returncode == 0, f"{builder}:\n{proc.stdout}\n{proc.stderr}"
    return out


def test_the_project_has_every_file_and_only_those(book):
    written = {p.relative_to(book).as_posix() for p in book.rglob("*") if p.is_file()}
    assert written == PROJECT_FILES
    assert os.access(book / ".ci" / "run", os.X_OK)
    conf = runpy.run_path(str(book / "conf.py"))
    assert (conf["project"], conf["author"]) == (TITLE, AUTHOR)
    assert conf["extensions"] == ["myst_parser", "patientpress"]
    assert conf["myst_disable_syntax"] == ["html_block", "html_inline"]
    assert conf["docutils_settings"]["raw_enabled"] is False
    assert conf["nitpicky"] is True
    assert conf["epub_uid"] == conf["epub_identifier"] and ":" not in conf["epub_uid"]
    assert "neuropathy" not in (book / "conf.py").read_text(encoding="utf-8").lower()


def test_the_new_book_needs_nothing_from_this_repository(book):
    for path in book.rglob("*"):
        if path.is_file() and path.suffix != ".whl":
            text = path.read_text(encoding="utf-8")
            assert str(ROOT) not in text and "/work/" not in text, path
    requirements = (book / "requirements.txt").read_text(encoding="utf-8")
    assert "./vendor/patientpress-0.1.0-py3-none-any.whl \\\n    --hash=sha256:" in requirements
    assert "file://" not in requirements


def test_the_website_has_the_title_and_links_the_chapter(builds):
    soup = BeautifulSoup((builds / "html" / "index.html").read_text(encoding="utf-8"),
                         "html.parser")
    assert TITLE in soup.title.get_text()
    hrefs = {a["href"] for a in soup.select("article a[href]")}
    assert "chapters/01-getting-started.html" in hrefs
    assert (builds / "html" / "_downloads" / "handout.pdf").is_file()


def test_the_ebook_opens(builds):
    [epub] = (builds / "epub").glob("*.epub")
    assert epub.name == "feet-first-a-walking-guide.epub"
    with zipfile.ZipFile(epub) as zf:
        assert zf.infolist()[0].filename == "mimetype"
        assert zf.read("mimetype") == b"application/epub+zip"
        assert zf.testzip() is None
        opf = ElementTree.fromstring(zf.read("content.opf"))
    assert opf.findtext(".//{http://purl.org/dc/elements/1.1/}title") == TITLE


def test_the_website_and_the_ebook_wear_patientpresss_stylesheets(builds):
    """The new book has no _static/: its website links patientpress's stylesheet (7:1
    contrast, focus rings, reflow) and its e-book carries patientpress's e-book styles."""
    static = ROOT / "patientpress"
    for page in ("index.html", "chapters/01-getting-started.html"):
        soup = BeautifulSoup((builds / "html" / page).read_text(encoding="utf-8"), "html.parser")
        sheets = [link["href"].split("?")[0] for link in soup.select('link[rel="stylesheet"]')]
        assert sheets[-1].endswith("_static/patientpress.css"), (page, sheets)
    assert (builds / "html" / "_static" / "patientpress.css").read_text(encoding="utf-8") == \
        (static / "web" / "static" / "patientpress.css").read_text(encoding="utf-8")
    with zipfile.ZipFile(epubread.find(builds / "epub")) as zf:
        assert zf.read("_static/epub.css").decode("utf-8") == \
            (static / "epub" / "static" / "epub.css").read_text(encoding="utf-8")


@pytest.mark.slow
def test_the_ebook_passes_epubcheck(builds):
    assert epubread.epubcheck(epubread.find(builds / "epub")) == []


def test_the_pdf_has_the_title_on_page_one(builds):
    pdf = builds / "handout" / "handout.pdf"
    assert words(TITLE) in words(PdfReader(pdf).pages[0].extract_text())
    assert words(TITLE) in words(pdfread.text(pdf, 1, 1))
    assert AUTHOR in pdfread.text(pdf, 1, 1)
    # A book, not a patient handout: no clinic box to fill in, no "Patient information".
    assert "Patient information" not in pdfread.text(pdf, 1, 1)
    assert "Given to you by" not in pdfread.text(pdf)


def test_the_new_books_own_tests_pass_on_these_builds(book, builds):
    env = {**os.environ, "BOOK_BUILDDIR": str(builds)}
    env.pop("PYTHONPATH", None)
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q"], cwd=book, env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert OWN_TESTS_PASS in proc.stdout


def test_the_new_books_own_content_tests_judge_its_pages(book, builds, tmp_path):
    """An opening page that no longer says who wrote the book fails the book's own front-matter
    test, which reads what to look for from the book's build (its conf.py's author)."""
    copy = shutil.copytree(builds, tmp_path / "build")
    index = copy / "html" / "index.html"
    index.write_text(index.read_text(encoding="utf-8").replace(AUTHOR, "Somebody Else"),
                     encoding="utf-8")
    env = {**os.environ, "BOOK_BUILDDIR": str(copy)}
    env.pop("PYTHONPATH", None)
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "tests/test_content.py"],
                          cwd=book, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert f"the opening page does not say {AUTHOR!r}" in proc.stdout, proc.stdout
    assert "1 failed, 3 skipped" in proc.stdout


def test_the_new_books_own_tests_fail_on_a_wrong_title(book, builds, tmp_path):
    """They judge the book, not the skeleton: a title the PDF does not show fails them."""
    copy = tmp_path / "copy"
    shutil.copytree(book, copy)
    conf = copy / "conf.py"
    conf.write_text(conf.read_text(encoding="utf-8").replace(
        'project = "Feet First', 'project = "Hands First'), encoding="utf-8")
    env = {**os.environ, "BOOK_BUILDDIR": str(builds)}
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q"], cwd=copy, env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1
    assert "3 failed" in proc.stdout, proc.stdout


def test_the_ebook_is_named_after_the_title_the_author_writes_in_conf(book, tmp_path):
    """The author edits the title in conf.py, as its comment says, and nothing else: the
    e-book's file name follows (it was fixed to the title given to new)."""
    conf = tmp_path / "conf.py"
    conf.write_text((book / "conf.py").read_text(encoding="utf-8").replace(
        f"project = {json.dumps(TITLE)}", 'project = "Støtte for føttene"'), encoding="utf-8")
    assert runpy.run_path(str(conf))["epub_basename"] == "stotte-for-fottene"


def test_the_read_the_docs_file_is_valid(book):
    checker = Path(sys.executable).with_name("check-jsonschema")
    proc = subprocess.run([str(checker), "--builtin-schema", "vendor.readthedocs",
                           str(book / ".readthedocs.yaml")], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_a_folder_that_is_not_empty_is_refused(tmp_path):
    target = tmp_path / "notes"
    target.mkdir()
    (target / "todo.md").write_text("mine\n", encoding="utf-8")
    proc = run_new(target)
    assert proc.returncode == 2
    assert proc.stderr == (f"patientpress new: {target} is not empty (todo.md); choose a new "
                           "or empty folder for the book. Nothing was written.\n")
    assert [p.name for p in target.iterdir()] == ["todo.md"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes"]  # no staging folder left


def test_a_file_in_the_way_is_refused(tmp_path):
    (tmp_path / "book").write_text("", encoding="utf-8")
    proc = run_new(tmp_path / "book")
    assert proc.returncode == 2
    assert "is a file, not a folder" in proc.stderr


def test_a_package_without_its_skeleton_says_so(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(new, "SKELETON", tmp_path / "missing")
    assert new.main([str(tmp_path / "book")]) == 2
    assert "has no skeleton" in capsys.readouterr().err
    assert not (tmp_path / "book").exists()


def test_an_empty_folder_is_filled(tmp_path):
    (tmp_path / "empty").mkdir()
    assert run_new("empty", cwd=tmp_path).returncode == 0
    assert runpy.run_path(str(tmp_path / "empty" / "conf.py"))["project"] == "My Book"


def test_the_wheel_is_the_same_every_time_and_carries_the_theme_and_skeleton(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first, second = new.build_wheel(tmp_path / "a"), new.build_wheel(tmp_path / "b")
    assert first.read_bytes() == second.read_bytes()
    names = set(zipfile.ZipFile(first).namelist())
    assert {"patientpress/__init__.py", "patientpress/print/theme/page.html",
            "patientpress/skeleton/conf.py", "patientpress-0.1.0.dist-info/RECORD"} <= names
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]


def test_the_skeleton_pins_are_this_repositorys_lock():
    """After `make lock`: python -m patientpress pins requirements.txt >
    patientpress/skeleton/requirements.txt"""
    lock = (ROOT / "requirements.txt").read_text(encoding="utf-8")
    assert (ROOT / "patientpress/skeleton/requirements.txt").read_text(encoding="utf-8") == \
        new.pins_text(lock), "the new book's pins are stale: run python -m patientpress pins"
    ours = {line.split("#")[0].strip() for line in
            (ROOT / "requirements.in").read_text(encoding="utf-8").splitlines()}
    for name in new.skeleton_wanted():
        pin = next(line for line in (new.SKELETON / "requirements.in").read_text(
            encoding="utf-8").splitlines() if line.lower().startswith(f"{name}=="))
        assert pin.split("#")[0].strip() in ours, pin


def _canonical(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def test_a_new_book_has_what_patientpress_imports_and_the_jupyter_book_extensions():
    """A new book's own venv can import every package patientpress's modules import when
    they load (ziamath draws its formulas; an import inside a function is an optional tool)
    and holds the extensions a Jupyter Book declares, so adding them to conf.py's
    extensions is the only edit: no new lock, no second requirements file."""
    pinned = {_canonical(line.split("==")[0]) for line in
              (new.SKELETON / "requirements.txt").read_text(encoding="utf-8").splitlines()
              if "==" in line and not line.startswith((" ", "#"))}
    owners = importlib.metadata.packages_distributions()
    imported = {}
    for path in sorted((ROOT / "patientpress").glob("*.py")):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                modules = [node.module]
            else:
                continue
            for module in modules:
                for dist in owners.get(module.split(".")[0], []):
                    imported.setdefault(_canonical(dist), path.name)
    imported.pop("patientpress", None)
    assert not {d: f for d, f in imported.items() if d not in pinned}
    assert {"sphinxcontrib-bibtex", "sphinx-external-toc", "sphinx-design"} <= pinned


def test_the_lock_subset_follows_the_via_lines():
    lock = ("a==1 \\\n    --hash=sha256:aa\n    # via -r requirements.in\n"
            "b==2 \\\n    --hash=sha256:bb\n    # via\n    #   a\n    #   z\n"
            "c==3 \\\n    --hash=sha256:cc\n    # via b\n"
            "z==9 \\\n    --hash=sha256:zz\n    # via -r requirements.in\n")
    assert new.lock_subset(lock, ["a"]) == (
        "a==1 \\\n    --hash=sha256:aa\n    # via -r requirements.in\n"
        "b==2 \\\n    --hash=sha256:bb\n    # via\n    #   a\n    #   z\n"
        "c==3 \\\n    --hash=sha256:cc\n    # via b\n")
    with pytest.raises(new.Refused, match="no pin for q"):
        new.lock_subset(lock, ["q"])


@pytest.mark.slow
def test_a_fresh_clone_passes_its_own_make_test(tmp_path, future_index):
    """The whole promise: a clone elsewhere makes its own venv from the pins (PyPI or pip's
    cache for the dependencies, vendor/ for patientpress), then `make` and `make test`; with
    a future release of a locked package on the index (tests/test_install.py), which the
    install must not take."""
    source = tmp_path / "source"
    assert run_new(source, "--title", "Walking Well").returncode == 0
    who = ["-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run(["git", *who, "init", "-q"], cwd=source, check=True)
    subprocess.run(["git", *who, "add", "."], cwd=source, check=True)
    subprocess.run(["git", *who, "commit", "-qm", "A new book"], cwd=source, check=True)
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(source), str(clone)], check=True)
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "VIRTUAL_ENV", "MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    env["PIP_FIND_LINKS"] = " ".join(filter(None, [str(future_index), env.get("PIP_FIND_LINKS")]))
    proc = subprocess.run(["make", "test"], cwd=clone, env=env, capture_output=True,
                          text=True, timeout=1200)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert OWN_TESTS_PASS in proc.stdout
    where = subprocess.run([str(clone / ".venv/bin/python"), "-c",
                            "import patientpress; print(patientpress.__file__)"],
                           capture_output=True, text=True, env=env, cwd=clone,
                           check=True).stdout
    assert where.startswith(str(clone / ".venv")), where
    fonttools = subprocess.run([str(clone / ".venv/bin/python"), "-c",
                                "import fontTools; print(fontTools.version)"],
                               capture_output=True, text=True, env=env, check=True).stdout
    assert fonttools.strip() != "99.0"
    assert (clone / "_build" / "html" / "index.html").is_file()
    assert subprocess.run(["git", "status", "--porcelain"], cwd=clone, capture_output=True,
                          text=True).stdout == ""


def test_the_new_books_own_website_test_holds_for_any_layout(book, tmp_path):
    """Its website test reads the pages the build saw, not docs/chapters/: a book whose
    chapters sit in folders of folders (as a Jupyter Book's do) passes it, and a page the
    opening page does not link fails it."""
    copy = tmp_path / "copy"
    shutil.copytree(book, copy)
    docs = copy / "docs"
    nested = docs / "part-one" / "walking"
    nested.mkdir(parents=True)
    (docs / "chapters" / "01-getting-started.md").rename(nested / "index.md")
    shutil.rmtree(docs / "chapters")
    index = docs / "index.md"
    index.write_text(index.read_text(encoding="utf-8").replace(
        "chapters/01-getting-started", "part-one/walking/index"), encoding="utf-8")
    out = tmp_path / "build"
    for folder in ("epub", "handout", "html"):   # the website links the other two
        proc = sphinx_build(folder, out / folder, "-d", str(out / "doctrees"),
                            srcdir=docs, confdir=copy)
        assert proc.returncode == 0, proc.stdout + proc.stderr

    def own_test():
        env = {**os.environ, "BOOK_BUILDDIR": str(out)}
        env.pop("PYTHONPATH", None)
        return subprocess.run([sys.executable, "-m", "pytest", "-q", "-k", "website",
                               "tests/test_book.py"], cwd=copy, env=env,
                              capture_output=True, text=True, timeout=300)

    passed = own_test()
    assert "1 passed" in passed.stdout, passed.stdout + passed.stderr
    page = out / "html" / "index.html"
    page.write_text(page.read_text(encoding="utf-8").replace(
        "part-one/walking/index.html", "elsewhere.html"), encoding="utf-8")
    failed = own_test()
    assert "does not link to part-one/walking/index.html" in failed.stdout, failed.stdout
