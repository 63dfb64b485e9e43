"""Every build equals a clean build: after each kind of edit, `make` leaves every output
folder, file list and bytes, as `make clean && make` leaves it on the same sources.

Sphinx alone does not: an incremental build keeps a deleted chapter's page, search terms
of old titles and a `.buildinfo.bak` after a `-D` override, and the EPUB builder packs
whatever the output folder holds. `scripts/build` writes each format into an empty folder
(only the doctrees and the PDF render cache carry over), and this test holds it to that.
"""

import os
import shutil
import subprocess
import time

import pytest

from conftest import ROOT

FORMATS = ("html", "epub", "handout")
pytestmark = pytest.mark.slow


def make(src, build, *variables):
    """`make all` exactly as a user runs it, on the book in ``src``, into ``build``."""
    proc = subprocess.run(
        ["make", "-C", str(ROOT), "all", f"SOURCEDIR={src}", f"CONFDIR={src}",
         f"BUILDDIR={build}", *variables],
        capture_output=True, text=True,
        env={**os.environ, "SOURCE_DATE_EPOCH": "1764000000"})
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return proc.stdout


def snapshot(build):
    """{format: {relative path: bytes}} of every output folder."""
    return {fmt: {p.relative_to(build / fmt).as_posix(): p.read_bytes()
                  for p in sorted((build / fmt).rglob("*")) if p.is_file()}
            for fmt in FORMATS}


def differences(incremental, clean):
    problems = []
    for fmt in FORMATS:
        inc, ref = incremental[fmt], clean[fmt]
        problems += [f"{fmt}: left over from an earlier build: {p}" for p in sorted(set(inc) - set(ref))]
        problems += [f"{fmt}: missing: {p}" for p in sorted(set(ref) - set(inc))]
        problems += [f"{fmt}: differs: {p}" for p in sorted(set(inc) & set(ref))
                     if inc[p] != ref[p]]
    return problems


def write(path, text):
    """Write ``text`` now, with the real time as its mtime. Never a time ahead of the clock:
    Sphinx reads a source again when its mtime is after the moment it last read it, so a
    future mtime marks the file changed in every build until the clock passes it, and how
    many sources a build reads would depend on the machine's speed. The pause lets the
    file system's coarse clock move past the end of the last build."""
    time.sleep(0.05)
    path.write_text(text, encoding="utf-8")


def replace(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    write(path, text.replace(old, new))


THIRD = "(third)=\n# Third Chapter\n\nText of the third chapter, on feet and hands.\n"
TOC = "chapters/01-first\nchapters/02-second\n"


def edits(src):
    """(name, make variables) after applying each edit of the sequence in turn."""
    index = src / "index.md"
    third = src / "chapters" / "03-third.md"

    write(third, THIRD)
    replace(index, TOC, TOC + "chapters/03-third\n")
    yield "add a chapter", ()
    replace(third, "# Third Chapter", "# Hands and Feet")
    yield "retitle it", ()
    replace(index, TOC + "chapters/03-third\n", "chapters/03-third\n" + TOC)
    yield "move it in the toctree", ()
    replace(src / "figures" / "box.svg", ">nerve<", ">nerve fiber<")
    yield "edit a figure", ()
    replace(src / "_static" / "web.css", "#444444", "#222222")
    yield "change a stylesheet", ()
    third.unlink()
    replace(index, "chapters/03-third\n" + TOC, TOC)
    yield "delete the chapter", ()
    yield "build with a -D override", ("SPHINXOPTS=-D html_title=Another_title",)
    yield "build again without it", ()
    yield "nothing changed", ()
    write(src / "chapters" / "01-first.md", (src / "chapters" / "01-first.md").read_text())
    yield "save a chapter again, the same words", ()
    yield "change PAPER", ("PAPER=a4",)


def test_every_edit_leaves_the_outputs_a_clean_build_would(tmp_path):
    src = tmp_path / "book"
    shutil.copytree(ROOT / "tests" / "roots" / "test-rebuild", src)
    build = tmp_path / "build"
    make(src, build)
    report, logs = [], {}
    for name, variables in edits(src):
        logs[name] = make(src, build, *variables)
        clean = tmp_path / f"clean-{len(report)}"
        make(src, clean, *variables)
        problems = differences(snapshot(build), snapshot(clean))
        report.append((name, problems))
        shutil.rmtree(clean)
    # Still incremental where it is safe: only the edited source is read again, and the
    # PDFs of the chapters the edit did not touch come from the render cache.
    assert "0 added, 1 changed, 0 removed" in logs["retitle it"]
    assert "unchanged, kept: chapters/02-second.pdf" in logs["retitle it"]
    # A build whose every input is as it was (the same bytes, whatever their time) is not
    # run again (scripts/build's stamp); every other one is.
    skipped = [name for name, log in logs.items() if "nothing it reads has changed" in log]
    assert skipped == ["nothing changed", "save a chapter again, the same words"]
    assert logs["nothing changed"].count("nothing it reads has changed") == 3
    failed = [(name, problems) for name, problems in report if problems]
    assert failed == [], "\n".join(f"after '{n}': {p}" for n, ps in failed for p in ps)
    assert [name for name, _ in report] == [
        "add a chapter", "retitle it", "move it in the toctree", "edit a figure",
        "change a stylesheet", "delete the chapter", "build with a -D override",
        "build again without it", "nothing changed", "save a chapter again, the same words",
        "change PAPER"]


def test_an_edit_leaves_no_trace_of_a_deleted_chapter_in_any_format(tmp_path):
    """The case users met: a chapter added, built, deleted, built again."""
    import zipfile

    src = tmp_path / "book"
    shutil.copytree(ROOT / "tests" / "roots" / "test-rebuild", src)
    build = tmp_path / "build"
    write(src / "chapters" / "03-third.md", THIRD)
    replace(src / "index.md", TOC, TOC + "chapters/03-third\n")
    make(src, build)
    assert (build / "html" / "chapters" / "03-third.html").is_file()
    (src / "chapters" / "03-third.md").unlink()
    replace(src / "index.md", TOC + "chapters/03-third\n", TOC)
    make(src, build)
    leftovers = [p.relative_to(build).as_posix() for p in build.rglob("*03-third*")
                 if "doctrees" not in p.parts]
    assert leftovers == []
    [epub] = (build / "epub").glob("*.epub")
    assert not [n for n in zipfile.ZipFile(epub).namelist() if "03-third" in n]
    assert "Third Chapter" not in (build / "html" / "searchindex.js").read_text()
    assert not list(build.glob("**/.buildinfo.bak"))


@pytest.mark.parametrize("umask, folder, file", [(0o022, 0o755, 0o644), (0o027, 0o750, 0o640)])
def test_outputs_follow_the_users_umask(tmp_path, umask, folder, file):
    """Folders 0755 and files 0644 under umask 022, as Sphinx's own are, so a web server
    that runs as another user can serve them; a stricter umask is kept as strict."""
    src = tmp_path / "book"
    shutil.copytree(ROOT / "tests" / "roots" / "test-rebuild", src)
    build = tmp_path / "build"
    old = os.umask(umask)
    try:
        make(src, build)
    finally:
        os.umask(old)
    wrong = [f"{p.relative_to(build)} {oct(p.stat().st_mode & 0o777)}"
             for fmt in FORMATS for p in [build / fmt, *(build / fmt).rglob("*")]
             if (p.stat().st_mode & 0o777) != (folder if p.is_dir() else file)]
    assert wrong == []
