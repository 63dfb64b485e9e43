"""A chapter as book authors write it: comments for the other authors, hard line breaks,
and raw HTML that must stay words (raw HTML is off, as in the house conf.py), and a task list."""
project = "MyST Markup"
author = "Test Writers"
copyright = "2026, Test Writers"
version = release = "1.0"
language = "en"
extensions = ["myst_parser", "patientpress"]
myst_enable_extensions = ["colon_fence", "tasklist"]
myst_disable_syntax = ["html_block", "html_inline"]
epub_uid = "myst-markup"
handout_products = ["book"]
