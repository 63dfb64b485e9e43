"""The Makefile: quiet (no messages of make's own) and still in the quickstart shape.

Only ``make -n`` is run: it prints the commands without running them.
"""

import shutil
import subprocess

import pytest

from conftest import ROOT

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="needs make")

TARGETS = ["all", "venv", "html", "epub", "pdf", "handout", "clinics", "a11y", "test",
           "test-fast", "bench", "live", "lock", "clean", "help", "singlehtml", "linkcheck"]


def make_n(target, tmp_path, *, fresh):
    """``make -n target``; ``fresh`` points VENV at a folder that does not exist yet."""
    venv = [f"VENV={tmp_path / 'venv'}"] if fresh else []
    return subprocess.run(["make", "-n", "--no-print-directory", "-C", str(ROOT), target, *venv,
                           f"BUILDDIR={tmp_path / '_build'}"],
                          capture_output=True, text=True)


@pytest.mark.parametrize("fresh", [False, True], ids=["venv-as-is", "no-venv-yet"])
@pytest.mark.parametrize("target", TARGETS)
def test_make_prints_no_messages_of_its_own(tmp_path, target, fresh):
    proc = make_n(target, tmp_path, fresh=fresh)
    assert proc.returncode == 0, proc.stderr
    assert "Circular" not in proc.stderr, proc.stderr
    assert "make:" not in proc.stderr, proc.stderr


def test_unknown_targets_still_go_to_sphinx(tmp_path):
    proc = make_n("singlehtml", tmp_path, fresh=True)
    assert proc.returncode == 0, proc.stderr
    last = proc.stdout.splitlines()[-1]
    assert " -m sphinx -M singlehtml docs " in last, proc.stdout
    assert "-n -W --keep-going" in last
    # a fresh checkout makes the virtual environment first
    assert "pip install --quiet --no-deps --require-hashes -r requirements.txt" in proc.stdout
    assert "pip check" in proc.stdout


def test_make_clinics_passes_a_shard_on_only_when_asked(tmp_path):
    def clinics_line(*variables):
        proc = subprocess.run(["make", "-n", "--no-print-directory", "-C", str(ROOT), "clinics",
                               f"BUILDDIR={tmp_path / '_build'}", *variables],
                              capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr
        return next(line for line in proc.stdout.splitlines() if "patientpress.clinics" in line)

    assert clinics_line("SHARD=2/8").endswith("--shard 2/8")
    assert "--shard" not in clinics_line()


@pytest.mark.slow
@pytest.mark.parametrize("strict", ["1", "0"])
def test_strict_0_builds_a_book_with_a_fault_and_lists_it(tmp_path, strict):
    """`make STRICT=0`: the warning is shown, every output is written, and the end of the run
    counts and lists it; `make` (STRICT=1) fails on it and writes nothing."""
    book = tmp_path / "book"
    shutil.copytree(ROOT / "tests" / "roots" / "test-book", book)
    chapter = book / "chapters" / "01-first.md"
    chapter.write_text(chapter.read_text(encoding="utf-8").replace("<second>", "<secnd>"),
                       encoding="utf-8")
    out = tmp_path / "_build"
    proc = subprocess.run(["make", "--no-print-directory", "-C", str(ROOT), "all",
                           f"STRICT={strict}", f"SOURCEDIR={book}", f"CONFDIR={book}",
                           f"BUILDDIR={out}", "LANGUAGES=en"],
                          capture_output=True, text=True, timeout=600)
    said = "undefined label: 'secnd'; did you mean 'second'?"
    assert said in proc.stderr, proc.stderr[-3000:]
    if strict == "1":
        assert proc.returncode != 0
        assert not (out / "epub").exists() and not (out / "html").exists()
        return
    assert proc.returncode == 0, proc.stderr[-3000:]
    for made in ("epub/TinyBook.epub", "handout/tiny-book.pdf", "handout/chapters/01-first.pdf",
                 "html/index.html"):
        assert (out / made).is_file(), made
    summary = proc.stderr[proc.stderr.index("warning(s) in all"):]
    assert said in summary
    # one fault, one warning, met by every format
    assert "build: 1 warning(s) in all" in proc.stderr, summary
    assert "(in epub, handout, html)" in summary, summary
