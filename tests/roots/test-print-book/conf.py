"""A small book for the print tests: a chapter long enough for running heads, a figure,
key points, a questions checklist and sources, and an online address for the QR codes."""
project = "Print Test Book"
author = "Test Writers"
version = release = "1.0"
language = "en"
extensions = ["myst_parser", "patientpress"]
myst_enable_extensions = ["colon_fence"]
myst_disable_syntax = ["html_block", "html_inline"]
docutils_settings = {"raw_enabled": False, "file_insertion_enabled": False}
epub_uid = "print-test-book"
epub_identifier = epub_uid
handout_subtitle = "A book that exercises the print theme"
handout_review_date = "November 2026"
handout_online_url = "https://print-test.example.org/en/latest/"
handout_back_notice = "Bring this page to every visit."
# The back matter has no handout of its own, as in the book's own conf.py.
handout_chapter_exclude = ["questions", "sources"]
