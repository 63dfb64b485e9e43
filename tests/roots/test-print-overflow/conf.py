"""A book whose pictures and tables are wider than the page (a screenshot in a list, at its
pixel size twice the text block, and a table of eight columns headed by links), and two
chapters that share a heading ("What you can do next") the opening page links to."""
project = "Overflow Book"
author = "Test Writers"
copyright = "2026, Test Writers"
version = release = "1.0"
language = "en"
extensions = ["myst_parser", "patientpress"]
myst_disable_syntax = ["html_block", "html_inline"]
docutils_settings = {"raw_enabled": False, "file_insertion_enabled": False}
epub_uid = "overflow-book"
epub_identifier = "urn:uuid:5d7c1c2e-8a4b-4f0e-9b57-0e2a6c3d9f41"
epub_scheme = "uuid"
handout_review_date = "November 2026"
handout_products = ["book"]
