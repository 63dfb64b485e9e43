"""Rebuilding after an edit: only what changed is redone, and nothing stale is left."""

import os
import shutil
from pathlib import Path

from bs4 import BeautifulSoup

from conftest import ROOT, sphinx_build

OLD, NEW = "First Chapter Title", "Renamed First Chapter"


def copy_book(tmp_path):
    src = tmp_path / "src"
    shutil.copytree(ROOT / "tests" / "roots" / "test-book", src)
    return src


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    later = path.stat().st_mtime + 5          # newer than every output, whatever the clock
    os.utime(path, (later, later))


def build(builder, src, out, *extra):
    # The website alone: its download links are tested with the whole pipeline.
    extra = extra or ("-D", "suppress_warnings=patientpress.download")
    proc = sphinx_build(builder, out, *extra, srcdir=src, confdir=src)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc


def test_renaming_a_chapter_refreshes_every_pages_navigation(tmp_path):
    src, out = copy_book(tmp_path), tmp_path / "html"
    build("html", src, out)
    pages = sorted(out.rglob("*.html"))
    before = {p: p.stat().st_mtime_ns for p in pages}
    assert all(OLD in p.read_text(encoding="utf-8") for p in pages if p.name != "genindex.html"
               and p.name != "search.html")

    edit(src / "chapters" / "01-first.md", OLD, NEW)
    proc = build("html", src, out)

    stale = [str(p.relative_to(out)) for p in pages
             if OLD in BeautifulSoup(p.read_text(encoding="utf-8"), "lxml").get_text()]
    assert stale == []
    assert "rewriting every page's navigation" in proc.stdout
    second = out / "chapters" / "02-second.html"
    assert NEW in BeautifulSoup(second.read_text(encoding="utf-8"), "lxml").get_text()
    assert second.stat().st_mtime_ns != before[second]


def test_an_edit_that_keeps_the_titles_rewrites_only_its_page(tmp_path):
    src, out = copy_book(tmp_path), tmp_path / "html"
    build("html", src, out)
    second = out / "chapters" / "02-second.html"
    was = second.stat().st_mtime_ns

    edit(src / "chapters" / "01-first.md", "Text of the first chapter", "Words of chapter one")
    proc = build("html", src, out)
    assert "rewriting every page's navigation" not in proc.stdout
    assert "Words of chapter one" in (out / "chapters" / "01-first.html").read_text()
    assert second.stat().st_mtime_ns == was
