"""Notebooks through myst-nb (issue 27, point 2), beyond what test_second_book.py reads from
each format: myst-nb works listed before patientpress (the second book) or after it;
execution is off unless the book asks, and honoured when it does (ipykernel comes with
myst-nb); an unreadable notebook is an error naming the file."""

import nbformat
import pytest
from bs4 import BeautifulSoup

from conftest import build_in_process

SECOND = ["sphinx_external_toc", "sphinx_design", "sphinxcontrib.bibtex"]


@pytest.mark.parametrize("extensions", [
    ["patientpress", *SECOND, "myst_nb"],
    ["myst_parser", "patientpress", *SECOND, "myst_nb"],
], ids=["patientpress-first", "myst_parser-patientpress-myst_nb"])
def test_myst_nb_works_in_any_order(built_root, extensions):
    result = built_root("html", "second-book", extensions=extensions)
    # The downloads are built by the other formats' builds, not here.
    assert [line for line in result.warnings.splitlines()
            if "[patientpress.download]" not in line] == []
    page = BeautifulSoup((result.outdir / "using" / "rainfall.html").read_bytes(), "lxml")
    assert "Rain in May: 52 mm" in page.select_one("div.cell_output").get_text()
    # Markdown pages still go through patientpress's parser: comments dropped, line break kept.
    index = (result.outdir / "collecting" / "index.html").read_text("utf-8")
    assert "SECRET" not in index and "<br />" in index


def _unrun_book(tmp_path, mode):
    src = tmp_path / "src"
    src.mkdir()
    nb = nbformat.v4.new_notebook()
    nb.metadata = {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                  "language": "python"}}
    nb.cells = [nbformat.v4.new_markdown_cell("# Sums"),
                nbformat.v4.new_code_cell("print(6 * 7)")]
    nbformat.write(nb, src / "sums.ipynb")
    (src / "index.md").write_text("# Book\n\n```{toctree}\nsums\n```\n", encoding="utf-8")
    (src / "conf.py").write_text(
        'project = "Sums"\nauthor = "T"\nversion = release = "1"\n'
        'extensions = ["patientpress", "myst_nb"]\nhandout_preset = "book"\n'
        + (f"nb_execution_mode = {mode!r}\n" if mode else ""), encoding="utf-8")
    return src


def _output(built):
    page = BeautifulSoup((built.outdir / "sums.html").read_bytes(), "lxml")
    out = page.select_one("div.cell_output")
    return out.get_text().strip() if out else None


def test_notebooks_are_not_run_unless_the_book_asks(tmp_path):
    built = build_in_process("html", _unrun_book(tmp_path, None), tmp_path / "_build")
    assert _output(built) is None


def test_a_book_that_asks_has_its_notebooks_run(tmp_path):
    built = build_in_process("html", _unrun_book(tmp_path, "force"), tmp_path / "_build")
    assert _output(built) == "42"


def test_an_unreadable_notebook_is_an_error_naming_it(tmp_path):
    src = _unrun_book(tmp_path, None)
    (src / "sums.ipynb").write_text('{"cells": [', encoding="utf-8")
    built = build_in_process("html", src, tmp_path / "_build")
    assert "sums.ipynb: WARNING: sums cannot be read as a notebook (NotJSONError" \
        in built.warnings
    assert "open it in Jupyter and save it again" in built.warnings
