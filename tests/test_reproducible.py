"""Reproducible: two clean builds of the same sources give the same bytes in every format.

The two builds differ in everything that must not matter: the folder the sources and the
output sit in, the hash seed (set and dict order), the time zone and the clock. Only
SOURCE_DATE_EPOCH is shared, as it is between two builds of one commit.
"""

import subprocess
import time
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT, sphinx_build
from test_bad_input import copy_book

import epubread

EPOCH = "1700000000"                       # 2023-11-14 22:13:20 UTC
FORMATS = ["handout", "epub", "html"]


def tree_bytes(outdir):
    outdir = Path(outdir)
    return {str(p.relative_to(outdir)): p.read_bytes() for p in sorted(outdir.rglob("*"))
            if p.is_file()}


def differences(a, b):
    return sorted(name for name in a.keys() | b.keys() if a.get(name) != b.get(name))


def build_all(base, env, **where):
    """Every format, in make's order (the website links the PDFs and the EPUB beside it)."""
    trees = {}
    for builder in FORMATS:
        proc = sphinx_build(builder, base / builder, env=env, **where)
        assert proc.returncode == 0, f"{builder}:\n{proc.stderr}"
        trees[builder] = tree_bytes(base / builder)
    return trees


def twice(tmp_path, epoch, source=None):
    """Two clean builds that differ in folder, hash seed, time zone and clock."""
    runs = []
    for run, (seed, tz) in enumerate([("1", "UTC"), ("4242", "Pacific/Kiritimati")]):
        where = {}
        if source is not None:
            src = source(tmp_path / f"src{run}")
            where = {"srcdir": src, "confdir": src}
        env = {"SOURCE_DATE_EPOCH": epoch, "PYTHONHASHSEED": seed, "TZ": tz}
        runs.append(build_all(tmp_path / f"run{run}", env, **where))
        time.sleep(1.1)                    # the second build runs at another second
    return runs


def tiny_book(dest):
    src = copy_book(dest)
    with (src / "conf.py").open("a", encoding="utf-8") as conf:
        # Every product, as the website links them all.
        conf.write('handout_products = ["book", "chapters", "large-print"]\n')
    return src


@pytest.fixture(scope="module")
def tiny_twice(tmp_path_factory):
    return twice(tmp_path_factory.mktemp("repro"), EPOCH, tiny_book)


@pytest.mark.parametrize("builder", FORMATS)
def test_two_builds_of_the_tiny_book_are_byte_identical(tiny_twice, builder):
    first, second = (run[builder] for run in tiny_twice)
    assert differences(first, second) == []
    products = {"handout": "tiny-book.pdf", "epub": "TinyBook.epub",
                "html": "_downloads/tiny-book.pdf"}
    assert products[builder] in first


def test_epub_dates_come_from_source_date_epoch(tmp_path):
    src = copy_book(tmp_path / "src")
    proc = sphinx_build("epub", tmp_path / "epub", srcdir=src, confdir=src,
                        env={"SOURCE_DATE_EPOCH": EPOCH})
    assert proc.returncode == 0, proc.stderr
    book = epubread.find(tmp_path / "epub")
    modified = epubread.package(book).find(
        ".//opf:meta[@property='dcterms:modified']", epubread.NS).text
    assert modified == "2023-11-14T22:13:20Z"
    with zipfile.ZipFile(book) as z:
        infos = z.infolist()
    assert infos[0].filename == "mimetype" and infos[0].compress_type == zipfile.ZIP_STORED
    assert {i.date_time for i in infos} == {(2023, 11, 14, 22, 13, 20)}


@pytest.fixture(scope="module")
def book_twice(tmp_path_factory):
    epoch = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=ROOT, capture_output=True,
                           text=True, check=True).stdout.strip()
    return twice(tmp_path_factory.mktemp("repro-book"), epoch)


@pytest.mark.slow
@pytest.mark.book
@pytest.mark.parametrize("builder", FORMATS)
def test_two_builds_of_the_whole_book_are_byte_identical(book_twice, builder):
    first, second = (run[builder] for run in book_twice)
    assert differences(first, second) == []
