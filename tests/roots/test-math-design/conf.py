"""A book with formulas and sphinx-design components: inline and display math (dollarmath,
amsmath, the {math} role and directive), a labelled numbered equation referenced with {eq},
a dropdown, a tab set and a grid of cards."""
project = "Dose Book"
author = "Test Writers"
copyright = "2026, Test Writers"
version = release = "1.0"
language = "en"
extensions = ["myst_parser", "patientpress", "sphinx_design"]
numfig = True
# A macro of the book's own, as Jupyter Book writes it: MathJax and the SVG pictures know it.
mathjax3_config = {"tex": {"macros": {"RR": r"\mathbb{R}"}}}
myst_enable_extensions = ["colon_fence", "dollarmath", "amsmath"]
myst_disable_syntax = ["html_block", "html_inline"]
docutils_settings = {"raw_enabled": False, "file_insertion_enabled": False}
epub_uid = "dose-book"
epub_identifier = epub_uid   # the two agree, or EPUBCheck fails on NCX-001
epub_scheme = ""
handout_review_date = "December 2026"
handout_online_url = "https://dose-book.example.org/en/latest/"
handout_products = ["book", "chapters"]
