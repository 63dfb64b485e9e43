"""A tiny book: two chapters that share a heading and link to each other."""
# patientpress is installed in the environment (make installs it, editable).
project = "Tiny Book"
author = "Test Writers"
copyright = "2026, Test Writers"
version = release = "1.0"
language = "en"
extensions = ["myst_parser", "patientpress"]
myst_enable_extensions = ["colon_fence"]
myst_disable_syntax = ["html_block", "html_inline"]
docutils_settings = {"raw_enabled": False, "file_insertion_enabled": False}
epub_uid = "tiny-book"
epub_identifier = "urn:uuid:1b0f8c4e-2f7a-4c55-9a51-4f3c2d9e6a11"
epub_scheme = "uuid"
handout_review_date = "November 2026"
handout_online_url = "https://tiny-book.example.org/en/latest/"
handout_products = ["book", "chapters"]
