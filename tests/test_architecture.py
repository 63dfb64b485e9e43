"""The shape of the code: layered modules (import-linter), each readable in one sitting."""

import ast
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

from conftest import ROOT

LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
MAX_MODULE_LINES = 420      # "about 400": readable in one sitting
MAX_FUNCTION_LINES = 60
# Known exceptions, each with its reason; the list only ever shrinks.
LONG_MODULES = {
}
LONG_FUNCTIONS = {
}


def lint_imports(folder):
    return subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=folder, capture_output=True,
                          text=True, timeout=300)


def test_the_import_contracts_are_kept():
    proc = lint_imports(ROOT)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "4 kept, 0 broken" in proc.stdout


def test_every_room_says_what_it_is_for_and_what_it_may_import():
    for init in sorted((ROOT / "patientpress").glob("*/__init__.py")):
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        assert doc and "May import" in doc, init.relative_to(ROOT)


def test_an_upward_import_breaks_the_contracts(tmp_path):
    """The contracts bite: a low module that imports the builder (the old render <-> builder
    cycle), a room that imports one above it, and a runtime module that imports the audits
    are each reported."""
    for name in ("patientpress", "tools"):
        shutil.copytree(ROOT / name, tmp_path / name,
                        ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy2(ROOT / "pyproject.toml", tmp_path)
    with (tmp_path / "patientpress" / "print" / "pool.py").open("a", encoding="utf-8") as f:
        f.write("\nfrom . import builder  # noqa\n")
    with (tmp_path / "patientpress" / "markup" / "myst.py").open("a", encoding="utf-8") as f:
        f.write("\nfrom ..print import render  # noqa\n")
    with (tmp_path / "patientpress" / "epub" / "builder.py").open("a", encoding="utf-8") as f:
        f.write("\nimport tools.a11y  # noqa\n")
    proc = lint_imports(tmp_path)
    assert proc.returncode != 0
    assert "1 kept, 3 broken" in proc.stdout, proc.stdout
    assert "patientpress.print.pool -> patientpress.print.builder" in proc.stdout
    assert "patientpress.markup.myst -> patientpress.print.render" in proc.stdout
    assert "patientpress.epub.builder -> tools.a11y" in proc.stdout


def _sizes():
    for path in sorted((ROOT / "patientpress").glob("**/*.py")):
        if "skeleton" in path.parts:
            continue
        rel = path.relative_to(ROOT).as_posix()
        text = path.read_text(encoding="utf-8")
        yield rel, None, len(text.splitlines())
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                yield rel, node.name, node.end_lineno - node.lineno + 1


def test_every_module_and_function_is_readable_in_one_sitting():
    too_long = [f"{rel} has {n} lines" for rel, name, n in _sizes()
                if name is None and n > MAX_MODULE_LINES and rel not in LONG_MODULES]
    too_long += [f"{rel}:{name} has {n} lines" for rel, name, n in _sizes()
                 if name and n > MAX_FUNCTION_LINES and f"{rel}:{name}" not in LONG_FUNCTIONS]
    assert too_long == []


def test_the_exceptions_are_still_exceptions():
    """An exception that is no longer needed leaves the list (it only ever shrinks)."""
    sizes = {(rel if name is None else f"{rel}:{name}"): n for rel, name, n in _sizes()}
    stale = [k for k in LONG_MODULES if sizes.get(k, 0) <= MAX_MODULE_LINES]
    stale += [k for k in LONG_FUNCTIONS if sizes.get(k, 0) <= MAX_FUNCTION_LINES]
    assert stale == []


# -- type hints (issue 25, point 6) ---------------------------------------------------------

def _modules():
    for path in sorted((ROOT / "patientpress").glob("**/*.py")):
        if "skeleton" not in path.parts:   # a template for new books, not the package's code
            yield path.relative_to(ROOT).as_posix(), ast.parse(path.read_text(encoding="utf-8"))


def _unannotated(tree, rel):
    """"file:line name: what lacks an annotation" for each public function and method: its
    name and its classes' without a leading underscore (a function's own local functions
    are not public); every parameter but a method's self or cls, and the return."""
    found = []

    def visit(body, scope):
        for node in body:
            if isinstance(node, ast.If):
                visit(node.body + node.orelse, scope)
            elif isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
                visit(node.body, [*scope, node.name])
            elif (isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
                  and not node.name.startswith("_")):
                args = node.args
                params = [*args.posonlyargs, *args.args]
                if scope and not any(ast.unparse(d) == "staticmethod"
                                     for d in node.decorator_list):
                    params = params[1:]
                params += [*args.kwonlyargs, *filter(None, (args.vararg, args.kwarg))]
                missing = [p.arg for p in params if p.annotation is None]
                missing += ["return"] if node.returns is None else []
                if missing:
                    found.append(f"{rel}:{node.lineno} {'.'.join([*scope, node.name])}: "
                                 + ", ".join(missing))

    visit(tree.body, [])
    return found


def _returns_a_value(func):
    stack = list(func.body)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Return) and node.value is not None:
            return True
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            stack.extend(ast.iter_child_nodes(node))
    return False


def _setup_problems(tree, rel):
    """A module's setup() that is not ``setup(app: Sphinx) -> ExtensionMetadata``, or
    ``-> None`` when it returns nothing (Sphinx reads only the extension's own)."""
    problems = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == "setup":
            wanted = "(app: Sphinx) -> " + ("ExtensionMetadata" if _returns_a_value(node)
                                            else "None")
            given = (f"({', '.join(ast.unparse(a) for a in node.args.args)}) -> "
                     f"{ast.unparse(node.returns) if node.returns else '(none)'}")
            if given != wanted:
                problems.append(f"{rel}:{node.lineno} setup{given}, not setup{wanted}")
    return problems


def test_every_public_function_has_type_hints():
    """Every public function and method of the package says what it takes and gives, and
    every setup() gives Sphinx's ExtensionMetadata."""
    found = [m for rel, tree in _modules() for m in _unannotated(tree, rel)]
    found += [p for rel, tree in _modules() for p in _setup_problems(tree, rel)]
    assert found == []
    # The walk sees what it looks for: a module without hints is reported, line by line.
    tree = ast.parse(textwrap.dedent("""\
        def setup(app):
            app.connect("config-inited", check)
            return {"parallel_read_safe": True}

        def shown(path: str) -> str: ...
        def _private(path): ...

        class Builder:
            def wants(self, product) -> bool: ...
            @staticmethod
            def run(jobs): ...
            def _own(self, x): ...

            def outer(self) -> None:
                def inner(x): ...

        class _Hidden:
            def run(self, jobs): ...
        """))
    assert _unannotated(tree, "x.py") == ["x.py:1 setup: app, return",
                                          "x.py:9 Builder.wants: product",
                                          "x.py:11 Builder.run: jobs, return"]
    assert _setup_problems(tree, "x.py") == [
        "x.py:1 setup(app) -> (none), not setup(app: Sphinx) -> ExtensionMetadata"]
    # A setup() that returns its metadata says so; one that returns nothing says None.
    for source, wanted in (("def setup(app: Sphinx) -> None:\n    return {}\n",
                            "ExtensionMetadata"),
                           ("def setup(app: Sphinx) -> ExtensionMetadata:\n    pass\n", "None")):
        assert _setup_problems(ast.parse(source), "y.py")[0].endswith(f"-> {wanted}")
