"""A deliberately broken book: a picture without alternative text, a skipped heading level."""
project = "Broken Book"
author = "Test Writers"
version = release = "1.0"
language = "en"
extensions = ["myst_parser", "patientpress"]
myst_disable_syntax = ["html_block", "html_inline"]
docutils_settings = {"raw_enabled": False, "file_insertion_enabled": False}
handout_products = ["book"]
