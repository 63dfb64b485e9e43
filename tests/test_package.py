"""patientpress is an installable Sphinx extension: a wheel carries everything it needs
(the print theme, its template and stylesheet), and a book enables it with
``extensions = ["patientpress"]`` alone, outside this repository."""

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile

import pytest

from conftest import ROOT

THEME_FILES = {"patientpress/print/theme/page.html", "patientpress/print/theme/theme.toml",
               "patientpress/print/theme/static/print.css",
               "patientpress/print/theme/static/large-print.css",
               "patientpress/epub/theme/content.opf.jinja", "patientpress/epub/theme/mimetype",
               "patientpress/epub/theme/container.xml"}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    # From a copy of the tracked files: setuptools writes build/ into the tree it builds.
    source = tmp_path_factory.mktemp("source")
    tracked = subprocess.run(["git", "ls-files", "-z", "pyproject.toml", "patientpress"],
                             cwd=ROOT, capture_output=True, check=True).stdout.decode()
    for name in filter(None, tracked.split("\0")):
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, source / name)
    dist = tmp_path_factory.mktemp("dist")
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps",
                           "--no-build-isolation", "--quiet", "-w", str(dist), str(source)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    [built] = dist.glob("patientpress-*.whl")
    return built


def test_the_wheel_carries_the_print_theme_and_no_tests_or_tools(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert THEME_FILES <= names
    assert "patientpress/print/builder.py" in names
    assert not [n for n in names if n.startswith(("tests/", "bench/", "scripts/", "docs/"))]


@pytest.mark.slow
def test_a_book_outside_the_repository_builds_its_handout_from_the_wheel(wheel, tmp_path):
    # A fresh environment: its own site-packages holds only the wheel; the pinned
    # dependencies come from this one through a plain path line (which does not run this
    # environment's .pth files, so its editable patientpress stays out of sight).
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    (tmp_path / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    os.replace(tmp_path / "deps.pth", os.path.join(site, "zz-deps.pth"))
    proc = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
                           "--target", site, str(wheel)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr

    book = tmp_path / "book"
    (book / "chapters").mkdir(parents=True)
    (book / "conf.py").write_text(
        'project = "Foot Care"\nauthor = "A Clinic"\ncopyright = "2026, A Clinic"\n'
        'version = release = "1"\nlanguage = "en"\n'
        'extensions = ["myst_parser", "patientpress"]\n', encoding="utf-8")
    (book / "index.md").write_text(
        "# Foot Care\n\nLook at your feet every day.\n\n```{toctree}\nchapters/01-check\n```\n",
        encoding="utf-8")
    (book / "chapters" / "01-check.md").write_text(
        "# Checking your feet\n\nUse a mirror to see the soles.\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    where = subprocess.run([str(python), "-c", "import patientpress; print(patientpress.__file__)"],
                           capture_output=True, text=True, cwd=tmp_path, env=env, check=True)
    assert where.stdout.strip().startswith(site), where.stdout
    out = tmp_path / "out"
    proc = subprocess.run([str(python), "-m", "sphinx", "-b", "handout", "-n", "-W",
                           "--keep-going", "-q", str(book), str(out)],
                          capture_output=True, text=True, cwd=tmp_path, env=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    epub = subprocess.run([str(python), "-m", "sphinx", "-b", "epub", "-n", "-W",
                           "--keep-going", "-q", "-d", str(tmp_path / "doctrees"), str(book),
                           str(tmp_path / "epub")],
                          capture_output=True, text=True, cwd=tmp_path, env=env)
    assert epub.returncode == 0, epub.stdout + epub.stderr
    [book_epub] = (tmp_path / "epub").glob("*.epub")
    opf = zipfile.ZipFile(book_epub).read("content.opf").decode()
    assert "schema:accessibilitySummary" in opf
    assert sorted(p.name for p in out.glob("*.pdf")) == ["foot-care-large-print.pdf",
                                                         "foot-care.pdf"]
    assert (out / "foot-care.pdf").read_bytes().startswith(b"%PDF")
    assert (out / "chapters" / "01-check.pdf").is_file()
    assert (out / "_static" / "print.css").is_file()


def _declared():
    """{distribution name: True} of pyproject's dependencies and optional dependencies."""
    import tomllib

    from packaging.requirements import Requirement

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    listed = [*project["dependencies"],
              *(r for group in project.get("optional-dependencies", {}).values() for r in group)]
    return {Requirement(r).name.lower().replace("_", "-") for r in listed}


def _imported_distributions():
    """{distribution: [module that imports it]} for every package patientpress imports when
    it runs (an import under ``if TYPE_CHECKING:`` is for type checkers only)."""
    import ast
    import importlib.metadata

    owners = importlib.metadata.packages_distributions()
    found = {}
    for path in (ROOT / "patientpress").rglob("*.py"):
        if "skeleton" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for block in [n for n in ast.walk(tree) if isinstance(n, ast.If)
                      and ast.unparse(n.test) in ("TYPE_CHECKING", "typing.TYPE_CHECKING")]:
            block.body = []
        for node in ast.walk(tree):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                     [node.module] if isinstance(node, ast.ImportFrom) and node.module
                     and not node.level else [])
            for name in names:
                top = name.split(".")[0]
                if top in sys.stdlib_module_names or top == "patientpress":
                    continue
                for dist in owners.get(top, [top]):
                    found.setdefault(dist.lower().replace("_", "-"), []).append(
                        str(path.relative_to(ROOT)))
    return found


def test_every_package_the_code_imports_is_declared_in_pyproject():
    missing = {d: where for d, where in _imported_distributions().items() if d not in _declared()}
    assert missing == {}


def test_a_new_book_pins_every_runtime_dependency():
    """A new book installs its lock with --no-deps: each of patientpress's dependencies must
    be pinned in its requirements (pip check then holds them to pyproject's ranges)."""
    import tomllib

    from packaging.requirements import Requirement

    from patientpress import new

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    needed = {Requirement(r).name.lower() for r in project["dependencies"]}
    assert needed - set(new.skeleton_wanted()) == set()
