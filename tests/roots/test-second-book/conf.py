"""A second book, not a patient handout, laid out the Jupyter Book way and using every MyST
feature the pipeline supports at once (tests/test_second_book.py): a _toc.yml with two
parts and a chapter with a section sub-page, citations and a bibliography, a numbered
figure and table, formulas with a numbered equation, sphinx-design components, comments,
a hard line break, a footnote, a definition list, a task list, a substitution, a glossary;
a notebook with stored outputs, code, a wide table and formulas only MathJax used to draw."""
project = "Rain Garden"
author = "Test Writers"
copyright = "2026, Test Writers"
version = release = "1.0"
language = "en"
# myst_nb reads the notebook (using/rainfall.ipynb); listed before patientpress on purpose:
# patientpress works with it in either order (tests/test_notebooks.py tries the other).
extensions = ["myst_nb", "sphinx_external_toc", "sphinx_design", "sphinxcontrib.bibtex",
              "patientpress"]
external_toc_path = "_toc.yml"
bibtex_bibfiles = ["refs.bib"]
numfig = True
myst_enable_extensions = ["colon_fence", "dollarmath", "amsmath", "deflist", "tasklist",
                          "substitution"]
myst_substitutions = {"barrel": "a two-hundred-litre water butt"}
myst_disable_syntax = ["html_block", "html_inline"]
exclude_patterns = ["_build", "**.ipynb_checkpoints"]
docutils_settings = {"raw_enabled": False, "file_insertion_enabled": False}
html_theme = "sphinx_book_theme"
epub_uid = "rain-garden"
epub_identifier = epub_uid   # the two agree, or EPUBCheck fails on NCX-001
epub_scheme = ""
handout_preset = "book"
handout_review_date = "December 2026"
handout_online_url = "https://rain-garden.example.org/en/latest/"
handout_products = ["book", "chapters"]
# The back matter has no handout of its own.
handout_chapter_exclude = ["back/*"]
