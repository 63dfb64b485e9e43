"""Sphinx configuration for the patient-education book.

Sources live in ``docs/``; this file and ``_static/`` sit at the repository root,
so every build runs as ``sphinx-build -c . docs <outdir>``.
"""

import os

# Reproducible builds: make dates every output by the last commit (it sets
# SOURCE_DATE_EPOCH from `git log -1 --format=%ct`, unless you set it).

# -- Project information -----------------------------------------------------

project = "Peripheral Neuropathy and Stem Cells"
# Shown on the cover, the EPUB metadata and the PDF metadata.
subtitle = "What research may and may not offer: a plain-language guide"
author = "The Patient Press writers"
copyright = "2026, The Patient Press writers"
# EPUBCheck fails on an empty version meta (see README: pinned facts).
version = "2026.12"
release = version
language = "en"
# The languages the book is published in (make builds each; the Spanish text is in
# locales/es/). Each website page links to itself in the others, named in that language.
book_languages = {"en": "Read this page in English", "es": "Leer esta página en español"}
# The Spanish edition's message catalogs (issue 18, in progress): one catalog per document,
# made with `sphinx-build -b gettext` and `sphinx-intl update -l es`; `-D language=es` reads them.
locale_dirs = ["../locales"]   # relative to the sources (docs/)
gettext_compact = False
# Said once here, printed in every format: the front matter (MyST substitutions below),
# every web and e-book page's notice, and every handout's cover and back page.
review_date = "December 2026"
# How a reader sends a correction: the front matter and the back page of every handout (a
# clinic edition's own feedback: field takes its place). The book has no address of its
# own yet, so readers go through whoever gave them the guide.
patient_feedback = ("Ask the clinic or group that gave you this guide to pass your note "
                    "on to the writers.")

# -- General configuration ---------------------------------------------------

extensions = [
    "myst_parser",
    "patientpress",
]
templates_path = ["_templates"]
exclude_patterns = []
# Broken references are errors, not silent plain text.
nitpicky = True
# Chapters never run raw HTML or the {raw} directive (hostile markup, see README).
docutils_settings = {"raw_enabled": False, "file_insertion_enabled": False}
# A build must not depend on today's date.
today_fmt = "%d %B %Y"

# -- MyST --------------------------------------------------------------------

myst_enable_extensions = [
    "colon_fence",   # ::: fences read better for admonitions than ```
    "deflist",
    "substitution",  # {{ review_date }}, {{ feedback }}: one source for every format
]
myst_substitutions = {"review_date": review_date, "feedback": patient_feedback}
# Escape raw HTML in chapters: <script>, onclick= and javascript: never reach output.
myst_disable_syntax = ["html_block", "html_inline"]
myst_heading_anchors = 0

# -- HTML (website) ----------------------------------------------------------

html_theme = "sphinx_book_theme"
html_title = project
# patientpress links its own stylesheet (accessible colours, focus rings, reflow) on every
# page; _static/book.css, linked after it, is for this book's own styles.
html_static_path = ["_static"]
html_css_files = ["book.css"]
html_theme_options = {
    "use_download_button": False,  # the theme's ".pdf" button is the print dialog, not our file
    "show_toc_level": 2,
    # pydata-sphinx-theme 0.20 puts a search field in a top bar unless this is set, beside
    # the book theme's own in the sidebar (wide) and the article header (narrow): one is enough.
    "navbar_persistent": [],
}
html_last_updated_fmt = None
# The book's canonical address: every print product carries it, as a QR code and written
# out. Read the Docs gives its own canonical URL when it builds (it no longer edits conf.py).
html_baseurl = (os.environ.get("READTHEDOCS_CANONICAL_URL")
                or "https://patient-press.readthedocs.io/en/latest/")

# -- EPUB (e-book) -----------------------------------------------------------

epub_theme = "epub"  # sphinx_book_theme breaks EPUBCheck
# The epub theme links epub.css itself, and patientpress's e-book styles replace the
# theme's file of that name. Empty, not left out: the default is html_css_files, which
# would bring in the website's book.css.
epub_css_files = []
epub_basename = "neuropathy-stem-cells"
# uid and identifier must agree (EPUBCheck NCX-001), and the uid is also an XML id,
# so one colon-free value serves both.
epub_uid = "patientpress-neuropathy-stem-cells-2026"
epub_identifier = epub_uid
epub_scheme = ""
epub_publisher = author
epub_show_urls = "footnote"  # readers of an e-book cannot hover a link
# Every heading, however deep, is in the navigation document (the a11y check requires it).
epub_tocdepth = 6
epub_exclude_files = ["search.html"]

# -- PDF handout -------------------------------------------------------------

# One dot in the name: Read the Docs renames the file by splitting on dots.
handout_basename = "handout"
handout_subtitle = subtitle
handout_review_date = review_date
# The back page's caution for this book's subject (after "not medical advice").
handout_back_notice = (
    "Stem cell treatments for nerve damage are still being tested. The safe way to try "
    "one is a regulated clinical trial. Ask your doctor to help you check any trial or "
    "clinic.")
# A handout per chapter; the back matter is not a chapter (the questions checklist travels
# with the chapter that points to it).
handout_chapter_exclude = ["questions", "glossary", "sources"]

# -- Book checks (tests/, patientpress.bookchecks) ----------------------------

# The pages whose text the tests judge: the chapters and the questions checklist, each one
# also a handout of its own; the front page, glossary and sources are not running prose.
bookcheck_pages = ["chapters/*", "questions"]
# The clinic handout's targets (content standards §0), which every chapter is also a handout
# of: grade 6 by Flesch-Kincaid, 8 by SMOG, no sentence over 20 words.
bookcheck_readability = {
    "max_fkgl": 6.0,
    "min_fre": 70.0,
    "max_smog": 8.0,
    "max_smog_book": 8.0,
    "max_mean_sentence": 12.0,
    "max_sentence_words": 20,
}
# The 67 factual claims of the source article (content standards §7), each mapped to a
# passage of 6 to 15 words in its chapter, and the PEMAT-P notes: the standards ask 80% for
# both scores, above AHRQ's 70%.
bookcheck_claims = {"file": "tests/coverage.yaml", "count": 67, "min_passage_words": 6,
                    "max_passage_words": 15, "min_pemat": 80.0}
# The glossary explains the hard words a reader meets: 15 terms or more, each linked from a
# chapter.
# The Spanish edition's targets take the place of bookcheck_readability in a Spanish build:
# Fernández-Huerta (textstat's reading ease for Spanish) per page, and short sentences.
bookcheck_readability_by_language = {
    "es": {"min_fernandez_huerta": 70.0, "max_sentence_words": 20},
}
bookcheck_glossary = {"min_terms": 15}
# The opening page says who wrote the book, when it was reviewed, and that it is not advice,
# in a box a reader cannot miss; it points to the sources.
bookcheck_front_matter = [
    "Written by the Patient Press writers",
    f"Last reviewed: {review_date}",
    "Next review due: December 2027",
    "It is not medical advice",
    "It is not a substitute for your own doctor",
    ["div.admonition.important", "It is not medical advice"],
    ['a.reference.internal[href="sources.html"]', "sources page"],
]
