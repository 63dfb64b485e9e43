"""A tiny book with a figure and a stylesheet: every kind of edit has something to change."""
# patientpress is installed in the environment (make installs it, editable).
project = "Rebuild Book"
author = "Test Writers"
copyright = "2026, Test Writers"
version = release = "1.0"
language = "en"
extensions = ["myst_parser", "patientpress"]
myst_enable_extensions = ["colon_fence"]
myst_disable_syntax = ["html_block", "html_inline"]
docutils_settings = {"raw_enabled": False, "file_insertion_enabled": False}
html_static_path = ["_static"]
html_css_files = ["web.css"]
epub_uid = "rebuild-book"
epub_identifier = "rebuild-book"
epub_scheme = ""
handout_review_date = "November 2026"
handout_online_url = "https://rebuild-book.example.org/en/latest/"
handout_products = ["book", "chapters", "large-print"]
