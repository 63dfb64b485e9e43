"""patientpress/stamp.py: a build whose every input is as it was is not run again, and any
change to what it read, to a folder it looked into, to its settings or to its outputs
runs it again.

Each "build" here is a small Python program run in a process of its own (the recorder's
audit hook stays in the process that starts it): it reads what a real build reads, the
way a real build reads it (open, listdir, the audit event patientpress raises), and writes
an output folder.
"""

import os
import subprocess
import sys
import textwrap
import time

import pytest

from conftest import ROOT

PROGRAM = """
import os, sys, time
sys.path.insert(0, {root!r})
from patientpress.stamp import Recorder, Stamp, INPUTS_EVENT
book, out, doctrees = {book!r}, {out!r}, {doctrees!r}
stamp = Stamp([[out, "-d", doctrees, book]], [out], [doctrees])
recorder = Recorder()
recorder.start()
{build}
recorder.stop()
print("stamped" if stamp.write(recorder) else "not stamped")
"""

# What a build of the tiny book reads: the configuration, a source, the sources' folder
# (Sphinx finds its documents by listing it), a picture beside the source, and a page it
# did not read again this time, which Sphinx's environment still names.
BUILD = """
open(os.path.join(book, "conf.py")).read()
os.listdir(os.path.join(book, "docs"))
open(os.path.join(book, "docs", "one.md")).read()
open(os.path.join(book, "pictures", "logo.svg"), "rb").read()
sys.audit(INPUTS_EVENT, (os.path.join(book, "notes", "two.md"),))
os.makedirs(out, exist_ok=True)
with open(os.path.join(out, "index.html"), "w") as f:
    f.write("built")
"""


@pytest.fixture
def book(tmp_path):
    root = tmp_path / "book"
    for rel, text in {"conf.py": "project = 'x'\n", "docs/one.md": "# One\n",
                      "pictures/logo.svg": "<svg/>", "notes/two.md": "# Two\n",
                      "notes/deep/three.md": "# Three\n"}.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


def paths(book):
    build = book.parent / "build"
    return str(build / "html"), str(build / "doctrees")


def record(book, build=BUILD, env=None):
    out, doctrees = paths(book)
    program = PROGRAM.format(root=str(ROOT), book=str(book), out=out, doctrees=doctrees,
                             build=textwrap.dedent(build))
    proc = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True,
                          env={**os.environ, "SOURCE_DATE_EPOCH": "1764000000", **(env or {})},
                          cwd=book.parent)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


def unchanged(book, env=None, monkeypatch=None):
    sys.path.insert(0, str(ROOT))
    from patientpress.stamp import Stamp

    out, doctrees = paths(book)
    environ = {**os.environ, "SOURCE_DATE_EPOCH": "1764000000", **(env or {})}
    old = os.getcwd()
    os.chdir(book.parent)
    try:
        return Stamp([[out, "-d", doctrees, str(book)]], [out], [doctrees], environ).unchanged()
    finally:
        os.chdir(old)


def later(path, text):
    """Write ``text`` with a time that has moved on, whatever the file system's clock."""
    time.sleep(0.01)
    path.write_text(text, encoding="utf-8")
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))


def test_nothing_changed_is_unchanged_and_a_touched_file_with_the_same_bytes_too(book):
    assert record(book) == "stamped"
    assert unchanged(book)
    later(book / "docs" / "one.md", "# One\n")   # a new time, the same bytes
    assert unchanged(book)


@pytest.mark.parametrize("change", [
    "edit the source it read",
    "edit the page Sphinx did not read again",
    "edit the configuration",
    "add a source to the folder it listed",
    "add a translated picture beside the one it read",
    "add a file one folder further down",
    "delete the picture",
    "remove an output",
    "edit an output",
])
def test_any_change_to_what_it_read_or_made_runs_it_again(book, change):
    assert record(book) == "stamped"
    out = paths(book)[0]
    {
        "edit the source it read": lambda: later(book / "docs" / "one.md", "# Uno\n"),
        "edit the page Sphinx did not read again":
            lambda: later(book / "notes" / "two.md", "# Dos\n"),
        "edit the configuration": lambda: later(book / "conf.py", "project = 'y'\n"),
        "add a source to the folder it listed":
            lambda: (book / "docs" / "new.md").write_text("# New\n"),
        "add a translated picture beside the one it read":
            lambda: (book / "pictures" / "logo.es.svg").write_text("<svg/>"),
        "add a file one folder further down":
            lambda: (book / "notes" / "deep" / "four.md").write_text("# Four\n"),
        "delete the picture": lambda: (book / "pictures" / "logo.svg").unlink(),
        "remove an output": lambda: os.remove(os.path.join(out, "index.html")),
        "edit an output": lambda: later(type(book)(out) / "index.html", "edited"),
    }[change]()
    assert not unchanged(book), change


def test_other_settings_or_environment_are_another_build(book):
    assert record(book) == "stamped"
    assert not unchanged(book, env={"SOURCE_DATE_EPOCH": "1765000000"})
    assert not unchanged(book, env={"READTHEDOCS_CANONICAL_URL": "https://x.example/"})
    # A terminal session's own variables are no input.
    assert unchanged(book, env={"OLDPWD": "/somewhere/else", "SHLVL": "7"})


def test_no_stamp_without_a_date_or_when_an_input_changed_while_it_ran(book):
    assert record(book, env={"SOURCE_DATE_EPOCH": ""}) == "not stamped"
    assert not unchanged(book)
    while_running = BUILD + (
        "\nopen(os.path.join(book, 'docs', 'one.md'), 'a').write('more')\n"
        "st = os.stat(os.path.join(book, 'docs', 'one.md'))\n"
        "os.utime(os.path.join(book, 'docs', 'one.md'), ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))\n")
    assert record(book, while_running) == "not stamped"


def test_a_temporary_file_the_build_made_and_removed_is_no_input(book):
    temporary = BUILD + (
        "\nimport tempfile\n"
        "with tempfile.NamedTemporaryFile('w', delete=False, dir=book) as f: f.write('x')\n"
        "open(f.name).read(); os.remove(f.name)\n")
    assert record(book, temporary) == "stamped"
    assert unchanged(book)


def test_what_the_build_makes_is_no_input(book):
    """The doctrees and the output folder are read by a build too (the environment, a
    print document read back to render it): they are its products, not its inputs."""
    reads_back = BUILD + (
        "\nos.makedirs(doctrees, exist_ok=True)\n"
        "open(os.path.join(doctrees, 'environment.pickle'), 'w').write('env')\n"
        "open(os.path.join(doctrees, 'environment.pickle')).read()\n"
        "open(os.path.join(out, 'index.html')).read()\n")
    assert record(book, reads_back) == "stamped"
    later(type(book)(paths(book)[1]) / "environment.pickle", "another env")
    assert unchanged(book)
