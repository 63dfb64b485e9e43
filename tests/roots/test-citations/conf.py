"""A book shaped like an academic one: numbered figures and tables, {numref}, citations
from a .bib file and a bibliography page (sphinxcontrib-bibtex)."""
project = "Cited Book"
author = "Test Writers"
copyright = "2026, Test Writers"
version = release = "1.0"
language = "en"
extensions = ["myst_parser", "patientpress"]
extensions += ["sphinxcontrib.bibtex"]
bibtex_bibfiles = ["refs.bib"]
numfig = True
myst_enable_extensions = ["colon_fence"]
myst_disable_syntax = ["html_block", "html_inline"]
docutils_settings = {"raw_enabled": False, "file_insertion_enabled": False}
epub_uid = "cited-book"
epub_identifier = epub_uid   # the two agree, or EPUBCheck fails on NCX-001
epub_scheme = ""
handout_review_date = "November 2026"
handout_online_url = "https://cited-book.example.org/en/latest/"
handout_products = ["book", "chapters"]
