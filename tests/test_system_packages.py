"""System packages: every command the tests, scripts and benchmark run is installed by
`scripts/ensure-system-packages test` (which `make test` runs first), or comes from .venv
or the base system, for a stated reason. The commands are read from the source, not
listed here: a new `subprocess.run(["qpdf", ...])` fails this test until the script's
table names its Debian package.
"""

import ast
import re
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "ensure-system-packages"
# What the test suite runs: its own code, our scripts, the benchmark (a smoke run is a
# test), and the package and configuration they import.
SOURCES = ["tests", "scripts", "bench", "patientpress", "tools", "conf.py"]
VENV_BIN = Path(sys.executable).parent

# Commands every Debian or Ubuntu machine that runs `make test` has, and why.
BASE = {
    "bash": "bash is Essential on Debian and Ubuntu",
    "cat": "coreutils (Essential)", "cp": "coreutils (Essential)",
    "dirname": "coreutils (Essential)", "id": "coreutils (Essential)",
    "mkdir": "coreutils (Essential)", "mktemp": "coreutils (Essential)",
    "rm": "coreutils (Essential)", "sleep": "coreutils (Essential)",
    "grep": "grep (Essential)",
    "ldconfig": "libc-bin (Essential)",
    "apt-get": "apt (priority required): the installer of ensure-system-packages itself",
    "make": "`make test` itself runs under make (README: a fresh machine with make)",
    "git": "the project is a git clone: tests read its tracked files and last commit",
}
# Commands whose name is only known at run time, keyed by "file: expression".
RUNTIME = {
    "bench/run.py: cmd": "measure() runs the benchmark's task command lists; each list is "
                         "read where it is written (PY, the venv's weasyprint, pandoc)",
    "scripts/rtd-build: $PYTHON": "Read the Docs' python, or the venv's: the test puts "
                                  "the venv first on PATH",
    "tests/test_package.py: venv / 'bin' / 'python'": "the python of a fresh venv the test "
                                                      "makes from this one",
    "tests/test_new_book.py: clone / '.venv/bin/python'": "the python of the venv that a new "
                                                         "book's own make creates in its clone",
    "tests/test_system_packages.py: bin_ / 'bash'": "the system's bash, linked into a PATH "
                                                    "of stand-ins for the script's test",
    "scripts/ensure-system-packages: $python": "PYTHON3 (python3 by default): the Python "
                                               "the Makefile makes the venv from",
    "tests/test_install.py: f'python{minor}'": "Python 3.11-3.13 if on PATH; the test "
                                               "skips a version the machine lacks",
    "tests/test_install.py: candidate": "the same Pythons, on PATH or pyenv's",
    "tests/test_install.py: interpreters().get('3.11') or 'python3'": "the same",
    "tests/test_install.py: python": "the same",
    "tests/test_install.py: tmp_path / 'venv/bin/python'": "the python of a venv the test "
                                                          "makes",
    "tests/test_install.py: venv / 'bin/python'": "the python of the venv make creates",
}


class Head(NamedTuple):
    """The program a command line starts."""
    kind: str    # cmd or which (on PATH), venv (.venv/bin), repo (our file), npm, unknown
    name: str
    where: str


# -- the commands in Python source ----------------------------------------------------

RUNNERS = {"run", "Popen", "call", "check_call", "check_output"}


class _Module:
    def __init__(self, path, tree):
        self.rel = path.relative_to(ROOT).as_posix()
        self.tree = tree
        self.functions = {n.name: n for n in ast.walk(tree)
                          if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
        self.parents = {}
        for node in ast.walk(tree):
            for child in ast.iter_child_nodes(node):
                self.parents[child] = node

    def scope_of(self, node):
        while node in self.parents:
            node = self.parents[node]
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                return node
        return self.tree

    def assigned(self, name, scope):
        """The values assigned to a name in a function (then its enclosing ones) or the
        module; none for a parameter, whose value the caller decides."""
        while True:
            if not isinstance(scope, ast.Module) and name in {
                    a.arg for a in ast.walk(scope.args) if isinstance(a, ast.arg)}:
                return []
            values = [n.value for n in ast.walk(scope) if isinstance(n, ast.Assign)
                      and self.scope_of(n) is scope
                      and any(isinstance(t, ast.Name) and t.id == name for t in n.targets)]
            if values or isinstance(scope, ast.Module):
                return values
            scope = self.scope_of(scope)


def _describe(mod, node, scope, seen=()):
    """The programs an expression that names an executable can start."""
    where = f"{mod.rel}:{getattr(node, 'lineno', '?')}"
    if node in seen:
        return []
    seen = (*seen, node)
    again = lambda n, s=scope: _describe(mod, n, s, seen)  # noqa: E731
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [Head("cmd", node.value, where)]
    if isinstance(node, (ast.List, ast.Tuple)):
        if node.elts and not isinstance(node.elts[0], ast.Starred):
            return again(node.elts[0])
    elif isinstance(node, (ast.ListComp, ast.GeneratorExp)):
        return again(node.generators[0].iter)
    elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return again(node.left)
    elif isinstance(node, ast.IfExp):
        return again(node.body) + again(node.orelse)
    elif ast.unparse(node) == "sys.executable":
        return [Head("venv", "python", where)]
    elif isinstance(node, ast.Name) and node.id == "ROOT":
        return [Head("repo", "", where)]
    elif isinstance(node, ast.Name):
        values = mod.assigned(node.id, scope)
        if values:
            return [h for v in values for h in again(v)]
    elif isinstance(node, ast.Attribute) and node.attr == "parent":
        if any(h.name == "python" for h in again(node.value)):
            return [Head("venv", "", where)]
    elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
        part = node.right.value if isinstance(node.right, ast.Constant) else None
        out = []
        for h in again(node.left):
            if h.kind in ("venv", "repo") and h.name in ("", "node_modules", "node_modules/.bin") \
                    and isinstance(part, str):
                name = f"{h.name}/{part}".lstrip("/")
                if name.startswith("node_modules/.bin/"):
                    out.append(Head("npm", name.rsplit("/", 1)[1], where))
                else:
                    out.append(Head(h.kind, name, where))
            elif h.kind == "repo" and isinstance(part, str):
                out.append(Head("repo", f"{h.name}/{part}", where))
            else:
                out.append(Head("unknown", ast.unparse(node), where))
        return out
    elif isinstance(node, ast.Call):
        func = ast.unparse(node.func)
        if func == "shutil.which" and len(node.args) == 1:
            return [h._replace(kind="which") if h.kind == "cmd" else h
                    for h in again(node.args[0])]
        if func in ("str", "Path", "os.fspath") and len(node.args) == 1:
            return again(node.args[0])
        if isinstance(node.func, ast.Attribute) and node.func.attr == "with_name" \
                and any(h.name == "python" for h in again(node.func.value)):
            return [Head("venv", node.args[0].value, where)]
        target = mod.functions.get(func)
        if target is not None:   # one of this module's functions: what it returns
            return [h for r in ast.walk(target) if isinstance(r, ast.Return) and r.value
                    for h in _describe(mod, r.value, target, seen)]
    return [Head("unknown", ast.unparse(node), where)]


def python_heads(path, text=None):
    """Every program a Python file starts: subprocess calls, shutil.which() look-ups, and
    lists that start with an executable (command lines run later, as the benchmark's)."""
    tree = ast.parse(text if text is not None else path.read_text(encoding="utf-8"))
    mod = _Module(path, tree)
    heads = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            owner = ast.unparse(func.value) if isinstance(func, ast.Attribute) else ""
            arg = node.args[0] if node.args else next(
                (k.value for k in node.keywords if k.arg in ("args", "cmd")), None)
            if arg is None:
                continue
            if owner == "subprocess" and name in RUNNERS:
                heads += _describe(mod, arg, mod.scope_of(node))
            elif owner == "shutil" and name == "which":
                heads += _describe(mod, node, mod.scope_of(node))
        elif isinstance(node, ast.List) and node.elts and not isinstance(node.elts[0], ast.Constant) \
                and not isinstance(node.elts[0], ast.Starred):
            found = _describe(mod, node.elts[0], mod.scope_of(node))
            heads += [h for h in found if h.kind in ("venv", "npm", "which") and h.name]
    return heads


# -- the commands in shell scripts -------------------------------------------------------

KEYWORDS = {"if", "then", "else", "elif", "fi", "for", "while", "until", "do", "done", "case",
            "esac", "in", "!", "{", "}", "time"}
BUILTINS = {"set", "cd", "echo", "exit", "export", "read", "local", "return", "trap", "test",
            "[", "[[", "command", "printf", ":", "true", "false", "shift", "source", ".",
            "eval", "wait", "type", "declare", "unset", "break", "continue", "continue;",
            "shopt"}


def _code_only(text):
    """Shell code with quoted text, comments, ${...}, [[...]] and ((...)) blanked; the
    bodies of $(...) are appended as code of their own."""
    out, extra, i, n = [], [], 0, len(text)

    def closing(start, open_, close):
        depth, j = 0, start
        while j < n:
            if text.startswith(open_, j):
                depth += 1
                j += len(open_)
            elif text.startswith(close, j):
                depth -= 1
                j += len(close)
                if depth == 0:
                    return j
            else:
                j += 1
        raise AssertionError(f"unbalanced {open_} in shell source")

    quote = trap_body = None
    while i < n:
        c = text[i]
        if quote == "'":
            if c == "'":
                quote = None
                if trap_body is not None:   # trap 'code' SIGNAL: the code runs later
                    extra.append(text[trap_body:i])
            out.append(" " if c != "\n" else c)
            i += 1
        elif text.startswith("$((", i) or text.startswith("((", i):
            j = closing(i + (c == "$"), "((", "))")
            out.append(" " * (j - i))
            i = j
        elif text.startswith("$(", i):
            j = closing(i + 1, "(", ")")
            extra.append(text[i + 2:j - 1])
            out.append(" x ")
            i = j
        elif text.startswith("${", i):
            j = closing(i + 1, "{", "}")
            out.append(" " * (j - i))
            i = j
        elif quote == '"':
            if c == "\\":
                out.append("  ")
                i += 2
                continue
            var = re.match(r"\$\w+", text[i:])
            if var:   # "$PYTHON" args: a variable may name the command
                out.append(var[0])
                i += len(var[0])
                continue
            if c == '"':
                quote = None
            out.append(" ")
            i += 1
        elif c in "'\"":
            quote = c
            trap_body = i + 1 if re.search(r"\btrap\s*$", "".join(out[-20:])) else None
            out.append(" ")
            i += 1
        elif text.startswith("[[", i):
            j = text.index("]]", i) + 2
            out.append("[[ " + " " * (j - i - 3))
            i = j
        elif c == "#" and (i == 0 or text[i - 1] in " \t\n;"):
            j = text.find("\n", i)
            i = n if j < 0 else j
        else:
            out.append(c)
            i += 1
    return "".join(out) + "".join("\n" + _code_only(e) for e in extra)


def shell_heads(path, text=None):
    """The first word of every simple command of a shell script."""
    text = text if text is not None else path.read_text(encoding="utf-8")
    assert not re.search(r"<<-?\s*['\"]?\w", text.replace("<<<", "")), \
        f"{path}: here-documents are not read by this parser"
    rel = path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else path.name
    functions = set(re.findall(r"^\s*([A-Za-z_][\w-]*)\s*\(\)", text, re.M))
    heads = []
    code = re.sub(r"\d*[<>]&\d*-?", " ", _code_only(text))   # 2>&1, >&2: not separators
    code = re.sub(r"\b(\w+)\+?=\([^)]*\)", r"\1=", code)        # array assignments
    lines, start = [], None
    for number, line in enumerate(code.splitlines(), 1):
        if start is not None:   # a continued line: one command with the line before
            lines[-1] = (lines[-1][0], lines[-1][1][:-1] + " " + line)
        else:
            lines.append((number, line))
        start = number if line.rstrip().endswith("\\") else None
    for number, line in lines[1:]:
        line = re.sub(r"^\s*[\w*.|\s-]+\)", " ", line)   # a case pattern
        for part in re.split(r"&&|\|\||[;|&(){}]|\b(?:then|do|else)\b", line):
            words = part.split()
            if words[:1] == ["case"]:   # case WORD in
                continue
            while words and (words[0] in KEYWORDS or re.match(r"^\w+\+?=", words[0])):
                words.pop(0)
            while words and re.match(r"^\d*[<>]", words[0]):   # a redirection, then its file
                words = words[2 if re.fullmatch(r"\d*[<>]+", words[0]) else 1:]
            if not words or words[0] in BUILTINS or words[0] in functions or words[0] == "x":
                continue
            word = words[0]
            kind = "repo" if "/" in word and not word.startswith("/") else "cmd"
            heads.append(Head(kind, word, f"{rel}:{number}"))
    return heads


def _is_shell(path):
    first = path.read_text(encoding="utf-8", errors="replace").split("\n", 1)[0]
    return first.startswith("#!") and re.search(r"\b(ba)?sh\b", first) is not None


def _is_python_file(path):
    if path.suffix == ".py":
        return True
    first = path.read_text(encoding="utf-8", errors="replace").split("\n", 1)[0]
    return first.startswith("#!") and "python" in first


def project_heads():
    files = []
    for name in SOURCES:
        base = ROOT / name
        files += [base] if base.is_file() else sorted(
            p for p in base.rglob("*") if p.is_file() and "roots" not in p.parts
            and "__pycache__" not in p.parts)
    heads = []
    for path in files:
        if _is_python_file(path):
            heads += python_heads(path)
        elif _is_shell(path):
            heads += shell_heads(path)
    # .readthedocs.yaml's commands run under bash in tests/test_readthedocs.py.
    rtd = (ROOT / ".readthedocs.yaml").read_text(encoding="utf-8")
    for command in re.findall(r"^\s+- ((?:scripts/|python ).*)$", rtd, re.M):
        word = command.split()[0]
        heads.append(Head("repo" if "/" in word else "venv", word, ".readthedocs.yaml"))
    return heads


# -- the table of scripts/ensure-system-packages ------------------------------------------

def package_table(text=None):
    """[(step, kind, name, package)] from the script's TABLE."""
    text = text if text is not None else SCRIPT.read_text(encoding="utf-8")
    body = re.search(r"^TABLE='\n(.*?)^'", text, re.M | re.S)
    assert body, "scripts/ensure-system-packages has no TABLE='...' block"
    rows = []
    for line in body[1].splitlines():
        fields = line.split("#", 1)[0].split()
        if fields:
            assert len(fields) == 4 and fields[0] in ("build", "test") \
                and fields[1] in ("lib", "cmd", "venv"), f"bad table row: {line!r}"
            rows.append(tuple(fields))
    return rows


def provided_commands(rows, step="test"):
    steps = {"build": {"build"}, "test": {"build", "test"}}[step]
    return {name: package for s, kind, name, package in rows if s in steps and kind == "cmd"}


def unprovided(heads, commands, scripts=None):
    """The heads that nothing provides, each with a reason in words."""
    scripts = scripts if scripts is not None else {
        p.relative_to(ROOT).as_posix() for p in (ROOT / "scripts").iterdir()}
    problems = []
    for h in heads:
        file = h.where.split(":")[0]
        if h.kind in ("cmd", "which") and h.name not in commands and h.name not in BASE \
                and not h.name.startswith("$"):
            problems.append(f"{h.where}: runs {h.name!r}, which scripts/ensure-system-packages "
                            "test does not install")
        elif h.kind == "venv" and h.name not in ("python", "python3") \
                and not (VENV_BIN / h.name).exists():
            problems.append(f"{h.where}: runs .venv/bin/{h.name}, which requirements.txt "
                            "does not install")
        elif h.kind == "npm" and "node" not in commands:
            problems.append(f"{h.where}: runs the npm command {h.name!r}, but node is not "
                            "installed by scripts/ensure-system-packages test")
        elif h.kind == "repo" and h.name and h.name not in scripts \
                and not (ROOT / h.name).exists():
            problems.append(f"{h.where}: runs {h.name}, which is not in the checkout")
        elif h.kind == "unknown" or (h.kind == "cmd" and h.name.startswith("$")):
            if f"{file}: {h.name}" not in RUNTIME:
                problems.append(f"{h.where}: runs {h.name!r}, which this test cannot name: "
                                "add it to RUNTIME with the reason")
    return problems


# -- the tests ------------------------------------------------------------------------------

def test_every_command_the_project_runs_is_installed_by_the_test_step():
    heads = project_heads()
    names = {h.name for h in heads if h.kind in ("cmd", "which")}
    # The parser sees what it must: a sanity floor, not the list itself.
    assert {"java", "pdftotext", "pdftoppm", "chromium", "pandoc", "git", "npm"} <= names
    assert {h.name for h in heads if h.kind == "npm"} == {"ace-puppeteer"}
    assert {"python", "pdfua", "weasyprint"} <= {h.name for h in heads if h.kind == "venv"}
    assert unprovided(heads, provided_commands(package_table())) == []


def test_base_and_runtime_entries_are_still_used():
    """A reason for a command nobody runs any more is a stale claim."""
    heads = project_heads()
    used = {h.name for h in heads} | {f"{h.where.split(':')[0]}: {h.name}" for h in heads}
    assert sorted(set(BASE) - used - {"bash"}) == []   # bash runs the shell scripts
    assert sorted(set(RUNTIME) - used) == []


def test_a_command_missing_from_the_table_is_reported():
    rows = [r for r in package_table() if r[2] != "pandoc"]
    problems = unprovided(project_heads(), provided_commands(rows))
    assert problems and all("'pandoc'" in p for p in problems)
    assert any(p.startswith("bench/run.py:") for p in problems)
    # Without node, Ace (an npm package) cannot run.
    rows = [r for r in package_table() if r[2] != "node"]
    assert any("'ace-puppeteer'" in p for p in unprovided(project_heads(), provided_commands(rows)))


def test_the_parsers_find_commands_however_they_are_written(tmp_path):
    source = tmp_path / "tests" / "example.py"
    source.parent.mkdir()
    code = '''
import shutil, subprocess, sys
from pathlib import Path
PY = sys.executable
TOOL = Path(sys.executable).with_name("sometool")
def convert(pdf):
    cmd = ["qpdf", "--linearize"]
    return subprocess.run(cmd + [pdf], check=True)
def later():
    return [[shutil.which("inkscape"), "-o", "x"], [Path(PY).parent / "other", "-q"]]
def run(argv):
    subprocess.check_output([str(c) for c in argv])
    subprocess.run([str(TOOL), "check"])
    subprocess.Popen(args=[PY, "-m", "x"])
'''
    heads = python_heads(ROOT / "tests" / "example.py", code)
    assert {(h.kind, h.name) for h in heads} == {
        ("cmd", "qpdf"), ("which", "inkscape"), ("venv", "other"), ("venv", "sometool"),
        ("venv", "python"), ("unknown", "argv")}
    problems = unprovided(heads, {"inkscape": "inkscape"})
    assert any("runs 'qpdf'" in p for p in problems)
    assert any("runs 'argv', which this test cannot name" in p for p in problems)
    assert any(".venv/bin/other" in p for p in problems)

    shell = ROOT / "scripts" / "example"
    heads = shell_heads(shell, '''#!/bin/sh
# epubcheck in a comment is not run
set -eu
x=$(qpdf --version | head -1)   # qpdf and head
if ! command -v tidy >/dev/null; then echo "tidy; missing"; fi
case "$1" in
  a | b) convert in.svg out.png ;;
esac
[[ $x == *"y"* ]] && 2>/dev/null rsync -a a b
''')
    assert [h.name for h in heads] == ["convert", "rsync", "qpdf", "head"]


# -- the script itself, run with stand-ins for id and apt-get ---------------------------------

STUB_APT = r'''#!/bin/bash
echo "$*" >> "$LOG"
if [ "$1" = update ]; then
  n=$(cat "$COUNT" 2>/dev/null || echo 0); echo $((n + 1)) > "$COUNT"
  if [ "$n" -lt "${LOCKED_UPDATES:-0}" ]; then
    echo "E: Could not get lock /var/lib/apt/lists/lock. It is held by process 4242 (apt-get)" >&2
    exit 100
  fi
  exit 0
fi
if [ -n "${LOCKED_INSTALL:-}" ]; then
  echo "E: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 4242 (unattended-upgr)" >&2
  exit 100
fi
'''


def _run_script(tmp_path, step="test", uid="0", **env):
    """The script with a PATH of the base system only, so every table command is missing."""
    bin_ = tmp_path / "bin"
    bin_.mkdir(exist_ok=True)
    for tool in ("bash", "cat", "grep", "mktemp", "rm", "sleep"):
        found = next(Path(d) / tool for d in ("/usr/bin", "/bin") if (Path(d) / tool).exists())
        (bin_ / tool).unlink(missing_ok=True)
        (bin_ / tool).symlink_to(found)
    (bin_ / "id").write_text(f"#!/bin/bash\necho {uid}\n")
    (bin_ / "apt-get").write_text(STUB_APT)
    for stub in ("id", "apt-get"):
        (bin_ / stub).chmod(0o755)
    log = tmp_path / "apt.log"
    log.unlink(missing_ok=True)
    full = {"PATH": str(bin_), "LOG": str(log), "COUNT": str(tmp_path / "count"), **env}
    (tmp_path / "count").unlink(missing_ok=True)
    proc = subprocess.run([str(bin_ / "bash"), str(SCRIPT), step], env=full,
                          capture_output=True, text=True, timeout=60)
    return proc, log.read_text() if log.exists() else ""


@pytest.mark.parametrize("step", ["test", "bench"])
def test_test_step_installs_every_tool_with_a_dpkg_lock_timeout(tmp_path, step):
    proc, log = _run_script(tmp_path, step, APT_LOCK_TIMEOUT="120")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    packages = list(dict.fromkeys(r[3] for r in package_table() if r[1] in ("cmd", "venv")))
    missing = proc.stdout.splitlines()[0]   # the libraries too, on a machine without them
    assert missing.startswith("Missing system packages: ") and missing.endswith(" ".join(packages))
    assert "pandoc" in packages
    install = log.splitlines()[-1]
    assert install.startswith("-o DPkg::Lock::Timeout=120 install ")
    assert install.endswith(" ".join(packages))
    assert "waiting up to 120 s for it to finish" in proc.stdout
    assert f"Installed: {' '.join(packages)}" in proc.stdout


def test_build_step_needs_no_test_tools(tmp_path):
    proc, log = _run_script(tmp_path, "build")
    assert "pandoc" not in proc.stdout + log and "chromium" not in proc.stdout + log


def test_update_waits_while_another_package_manager_holds_the_lists_lock(tmp_path):
    proc, log = _run_script(tmp_path, LOCKED_UPDATES="1", APT_LOCK_TIMEOUT="30")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "waiting up to 30 s for another package manager to finish" in proc.stdout
    assert [line.split()[0] for line in log.splitlines()].count("update") == 2


def test_a_lock_held_too_long_fails_with_a_clear_message(tmp_path):
    proc, _ = _run_script(tmp_path, LOCKED_UPDATES="99", APT_LOCK_TIMEOUT="1")
    assert proc.returncode == 1
    assert "gave up after 1 s: another package manager still holds the apt lists lock" in proc.stderr
    proc, _ = _run_script(tmp_path, LOCKED_INSTALL="1", APT_LOCK_TIMEOUT="1")
    assert proc.returncode == 1
    assert "gave up after 1 s: another package manager still holds the dpkg lock" in proc.stderr
    assert "held by process 4242 (unattended-upgr)" in proc.stderr


def test_without_root_it_names_the_packages_and_installs_nothing(tmp_path):
    proc, log = _run_script(tmp_path, uid="1000")
    assert proc.returncode == 1 and log == ""
    assert "Install them first, for example: sudo apt-get install" in proc.stderr
    assert "pandoc" in proc.stderr
