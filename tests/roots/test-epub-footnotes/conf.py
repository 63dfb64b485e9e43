"""A book whose chapters have no footnotes, URL footnotes, author footnotes, or both."""
# patientpress is installed in the environment (make installs it, editable).
project = "Footnote Book"
author = "Test Writers"
copyright = "2026, Test Writers"
version = release = "1.0"
language = "en"
extensions = ["myst_parser", "patientpress"]
myst_disable_syntax = ["html_block", "html_inline"]
docutils_settings = {"raw_enabled": False, "file_insertion_enabled": False}
epub_uid = "footnote-book"
epub_identifier = epub_uid
epub_scheme = ""
# As in the book: a named web link gets its address as a footnote.
epub_show_urls = "footnote"
