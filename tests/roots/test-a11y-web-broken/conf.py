"""A website with one deliberate fault for each accessibility check (tests/test_a11y_web.py)."""
project = "Broken Site"
author = "Test Writers"
version = release = "1.0"
language = "en"
extensions = ["myst_parser"]
html_theme = "sphinx_book_theme"
html_static_path = ["_static"]
html_css_files = ["broken.css"]
templates_path = ["_templates"]
