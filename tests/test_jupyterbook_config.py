"""A Jupyter Book's _config.yml read as Jupyter Book 1 reads it (issue 27, point 1):
patientpress/book/jupyterbook.py carries each documented key over or says why not, and
``python -m patientpress new --from BOOK`` writes the three-line conf.py that reads it."""

import subprocess
import sys

import pytest
import yaml

from conftest import build_in_process
from patientpress import new
from patientpress.book import jupyterbook

CONFIG = """
title: Power Systems
author: A. Writer
copyright: "2024"
logo: logo.png
exclude_patterns: [drafts/*]
only_build_toc_files: true
bibtex_bibfiles: [references.bib]
execute:
  execute_notebooks: cache
  timeout: 60
parse:
  myst_enable_extensions: [amsmath, dollarmath, colon_fence]
  myst_substitutions:
    P: '<span class="circ">P</span>'
html:
  use_repository_button: true
  google_analytics_id: UA-1
  favicon: favicon.ico
launch_buttons:
  binderhub_url: https://mybinder.org
latex:
  latex_documents:
    targetname: power.tex
sphinx:
  extra_extensions: [sphinx_copybutton, sphinx.ext.todo, sphinx_proof]
  config:
    mathjax3_config: {tex: {macros: {RR: '\\mathbb{R}'}}}
    html_theme_options: {show_toc_level: 2}
spelling_mistake: 1
"""


def test_every_key_is_carried_over_or_reported():
    cfg = yaml.safe_load(CONFIG)
    values = jupyterbook.sphinx_values(cfg)
    assert values["project"] == "Power Systems" and values["author"] == "A. Writer"
    assert values["copyright"] == "2024, A. Writer" and values["html_logo"] == "logo.png"
    assert values["exclude_patterns"][-1] == "drafts/*" and "_build" in values["exclude_patterns"]
    assert values["external_toc_exclude_missing"] is True
    assert values["bibtex_bibfiles"] == ["references.bib"]
    assert values["nb_execution_mode"] == "cache" and values["nb_execution_timeout"] == 60
    assert values["myst_enable_extensions"] == ["amsmath", "dollarmath", "colon_fence"]
    assert values["myst_substitutions"]["P"].startswith("<span")
    assert values["html_theme_options"] == {"use_repository_button": True, "show_toc_level": 2}
    assert values["handout_basename"] == "power" and values["numfig"] is True
    assert values["mathjax3_config"]["tex"]["macros"]["RR"] == "\\mathbb{R}"
    # Jupyter Book's extensions, the book's extra ones, web-only buttons left out, and one
    # that is not installed left out (conf_values logs it).
    assert values["extensions"] == ["myst_nb", "sphinx_external_toc", "sphinx_design",
                                    "sphinxcontrib.bibtex", "sphinx.ext.todo", "patientpress"]
    assert values["_left_out"] == ["sphinx_proof"]
    assert values["handout_preset"] == "book"
    unused = dict(jupyterbook.unused(cfg))
    assert set(unused) == {"html.google_analytics_id", "launch_buttons.binderhub_url",
                           "spelling_mistake"}
    assert "tracker" in unused["html.google_analytics_id"]
    assert "spelling" in unused["spelling_mistake"]


def test_jupyter_books_defaults_apply_to_an_empty_config():
    values = jupyterbook.sphinx_values({})
    assert values["myst_enable_extensions"] == jupyterbook.MYST_EXTENSIONS
    assert values["external_toc_path"] == "_toc.yml" and values["numfig"] is True


def _book(tmp_path):
    book = tmp_path / "book"
    book.mkdir()
    (book / "_config.yml").write_text(
        "title: Tiny Book\nauthor: T. Writer\nlaunch_buttons: {colab_url: x}\n"
        "parse: {myst_enable_extensions: [dollarmath]}\n", encoding="utf-8")
    (book / "_toc.yml").write_text("format: jb-book\nroot: intro\nchapters:\n- file: one\n",
                                   encoding="utf-8")
    (book / "intro.md").write_text("# Tiny Book\n\nHello.\n", encoding="utf-8")
    (book / "one.md").write_text("# One\n\nThe area is $a^2$.\n", encoding="utf-8")
    return book


def test_new_from_writes_a_conf_that_reads_the_config_at_build_time(tmp_path):
    book = _book(tmp_path)
    assert new.main(["--from", str(book)]) == 0
    assert "conf_values(__file__)" in (book / "conf.py").read_text(encoding="utf-8")
    built = build_in_process("html", book, tmp_path / "_build",
                             confoverrides={"handout_products": []})
    page = (built.outdir / "one.html").read_text(encoding="utf-8")
    assert "<title>One" in page and "Tiny Book" in page
    assert "launch_buttons.colab_url is not carried over" in built.status
    assert new.main(["--from", str(book)]) == 2   # conf.py exists: never overwritten


def test_new_from_a_folder_that_is_no_jupyter_book_says_so(tmp_path, capsys):
    assert new.main(["--from", str(tmp_path)]) == 2
    assert "has no _config.yml and _toc.yml" in capsys.readouterr().err


def test_a_page_left_out_of_the_toc_is_named_with_the_toc_yml(tmp_path):
    """Issue 27, point 8: a _toc.yml book is told to add the page to _toc.yml, not to a
    toctree in a page it does not have."""
    book = _book(tmp_path)
    (book / "two.md").write_text("# Two\n\nMore.\n", encoding="utf-8")
    assert new.main(["--from", str(book)]) == 0
    built = build_in_process("html", book, tmp_path / "_build",
                             confoverrides={"handout_products": []})
    assert ("two.md: WARNING: document isn't included in any toctree, so no reader can "
            "reach it: add '- file: two' where it belongs in") in built.warnings
    assert "_toc.yml" in built.warnings and "toctree in" not in built.warnings
