"""A book that writes HTML of its own (Jupyter Book's substitutions holding <span>s styled by
its CSS), with a handler and a script slipped in: book_raw_html lets it through nh3."""
project = "Raw HTML"
author = "Test Writers"
copyright = "2026, Test Writers"
version = release = "1.0"
language = "en"
extensions = ["myst_parser", "patientpress"]
myst_enable_extensions = ["substitution"]
myst_substitutions = {"P": '<span class="circ">P</span>'}
book_raw_html = True
epub_uid = "raw-html"
epub_identifier = epub_uid
epub_scheme = ""
handout_preset = "book"
handout_products = ["book"]
html_static_path = ["_static"]
html_css_files = ["raw.css"]       # the website and the e-book
handout_css_files = ["raw.css"]    # the print documents
