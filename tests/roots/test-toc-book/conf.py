"""A book laid out as Jupyter Book lays one out: a _toc.yml (sphinx-external-toc) with two
parts, chapters in folders of their own, two documents named intro.md, a chapter with
sub-pages, links between chapters and to the questions checklist (tests/test_chapters.py)."""
project = "Toc Book"
author = "Test Writers"
copyright = "2026, Test Writers"
version = release = "1.0"
language = "en"
extensions = ["myst_parser", "sphinx_external_toc", "patientpress"]
external_toc_path = "_toc.yml"
myst_disable_syntax = ["html_block", "html_inline"]
docutils_settings = {"raw_enabled": False, "file_insertion_enabled": False}
epub_uid = "toc-book"
epub_identifier = epub_uid   # the two agree, or EPUBCheck fails on NCX-001
epub_scheme = ""
handout_review_date = "November 2026"
handout_online_url = "https://toc-book.example.org/en/latest/"
handout_products = ["book", "chapters"]
# The checklist travels with the chapter that points to it: no handout of its own.
handout_chapter_exclude = ["questions"]
