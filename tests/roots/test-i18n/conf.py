"""A tiny book in English with a Spanish translation: the message catalogs in locales/es/."""
project = "Tiny Guide"
author = "Test Writers"
copyright = "2026, Test Writers"
version = release = "1.0"
language = "en"
locale_dirs = ["locales"]
gettext_compact = False
book_languages = {"en": "Read this page in English", "es": "Leer esta página en español"}
extensions = ["myst_parser", "patientpress"]
myst_disable_syntax = ["html_block", "html_inline"]
docutils_settings = {"raw_enabled": False, "file_insertion_enabled": False}
epub_uid = "tiny-guide"
epub_identifier = "urn:uuid:6b7f5d0e-2a4c-4d53-9a51-4f3c2d9e6a12"
epub_scheme = "uuid"
handout_subtitle = "A short guide"
handout_review_date = "November 2026"
html_baseurl = "https://tiny-guide.example.org/en/latest/"
handout_products = ["book"]
