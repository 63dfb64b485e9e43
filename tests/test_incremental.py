"""Rebuilding after an edit: only what changed is redone, and nothing stale is left."""

import os
import shutil
from pathlib import Path

from bs4 import BeautifulSoup

import pdfread
from conftest import ROOT, build_in_process

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


def build(builder, src, builddir, **confoverrides):
    """Build in-process into ``builddir/<builder>``, incrementally, strictly (no warning)."""
    # The website alone: its download links are tested with the whole pipeline.
    confoverrides = confoverrides or {"suppress_warnings": ["patientpress.download"]}
    result = build_in_process(builder, src, builddir, confoverrides, freshenv=False)
    assert result.warnings == "", result.status + result.warnings
    return result


def test_renaming_a_chapter_refreshes_every_pages_navigation(tmp_path):
    src, out = copy_book(tmp_path), tmp_path / "html"
    build("html", src, tmp_path)
    pages = sorted(out.rglob("*.html"))
    before = {p: p.stat().st_mtime_ns for p in pages}
    assert all(OLD in p.read_text(encoding="utf-8") for p in pages
               if p.name not in ("genindex.html", "search.html", "404.html"))

    edit(src / "chapters" / "01-first.md", OLD, NEW)
    proc = build("html", src, tmp_path)

    stale = [str(p.relative_to(out)) for p in pages
             if OLD in BeautifulSoup(p.read_text(encoding="utf-8"), "lxml").get_text()]
    assert stale == []
    assert "rewriting every page's navigation" in proc.status
    second = out / "chapters" / "02-second.html"
    assert NEW in BeautifulSoup(second.read_text(encoding="utf-8"), "lxml").get_text()
    assert second.stat().st_mtime_ns != before[second]


def test_an_edit_that_keeps_the_titles_rewrites_only_its_page(tmp_path):
    src, out = copy_book(tmp_path), tmp_path / "html"
    build("html", src, tmp_path)
    second = out / "chapters" / "02-second.html"
    was = second.stat().st_mtime_ns

    edit(src / "chapters" / "01-first.md", "Text of the first chapter", "Words of chapter one")
    proc = build("html", src, tmp_path)
    assert "rewriting every page's navigation" not in proc.status
    assert "Words of chapter one" in (out / "chapters" / "01-first.html").read_text()
    assert second.stat().st_mtime_ns == was


def pdf_times(out):
    return {p.relative_to(out).as_posix(): p.stat().st_mtime_ns for p in out.rglob("*.pdf")}


def test_the_handout_renders_again_only_the_pdfs_whose_text_changed(tmp_path):
    src, out = copy_book(tmp_path), tmp_path / "handout"
    build("handout", src, tmp_path, handout_products=["book", "chapters", "large-print"])
    first = pdf_times(out)
    assert set(first) == {"tiny-book.pdf", "tiny-book-large-print.pdf",
                          "chapters/01-first.pdf", "chapters/02-second.pdf"}

    edit(src / "chapters" / "01-first.md", "Text of the first chapter", "Words of chapter one")
    proc = build("handout", src, tmp_path, handout_products=["book", "chapters", "large-print"])
    again = pdf_times(out)
    assert [rel for rel in first if again[rel] == first[rel]] == ["chapters/02-second.pdf"]
    assert "unchanged, kept: chapters/02-second.pdf" in proc.status
    for rel in ("tiny-book.pdf", "tiny-book-large-print.pdf", "chapters/01-first.pdf"):
        words = " ".join(pdfread.text(out / rel).split())
        assert "Words of chapter one" in words and "Text of the first chapter" not in words, rel


def test_a_missing_pdf_or_another_paper_size_is_rendered_again(tmp_path):
    src, out = copy_book(tmp_path), tmp_path / "handout"
    build("handout", src, tmp_path, handout_products=["book", "chapters"])
    first = pdf_times(out)
    (out / "chapters" / "02-second.pdf").unlink()
    build("handout", src, tmp_path, handout_products=["book", "chapters"])
    again = pdf_times(out)
    assert [rel for rel in first if again[rel] != first[rel]] == ["chapters/02-second.pdf"]

    build("handout", src, tmp_path, handout_products=["book", "chapters"], handout_paper="a4")
    a4 = pdf_times(out)
    assert all(a4[rel] != again[rel] for rel in first), (again, a4)
    assert [round(x) for x in pdfread.info(out / "tiny-book.pdf")["mediabox"]] == [0, 0, 595, 842]


def test_titles_stay_fresh_when_the_builders_share_one_doctree_folder(tmp_path):
    """The e-book build reads the edit first; the website still rewrites every page."""
    src = copy_book(tmp_path)   # one builddir: both builders use tmp_path / "doctrees"
    build("epub", src, tmp_path)
    build("html", src, tmp_path)
    edit(src / "chapters" / "01-first.md", OLD, NEW)
    build("epub", src, tmp_path)
    build("html", src, tmp_path)
    second = (tmp_path / "html" / "chapters" / "02-second.html").read_text(encoding="utf-8")
    assert NEW in second and OLD not in second


def test_pdfs_from_worker_processes_match_pdfs_rendered_in_the_main_process(tmp_path):
    src = copy_book(tmp_path)
    made = {}
    for workers in ("-1", "2"):   # -1: in the main process
        result = build_in_process("handout", src, tmp_path / f"workers-{workers}",
                                  {"handout_products": ["book", "chapters"],
                                   "handout_workers": int(workers)},
                                  env={"SOURCE_DATE_EPOCH": "1764000000"})
        assert result.warnings == "", result.warnings
        out = result.outdir
        made[workers] = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*.pdf")}
    assert len(made["-1"]) == 3 and made["-1"] == made["2"]
