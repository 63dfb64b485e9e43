"""Single-file HTML peer: Sphinx's ``singlehtml`` with the plain ``basic`` theme (web
themes' CSS makes WeasyPrint minutes slower), then WeasyPrint with ``print.css``."""
project = "Peripheral Neuropathy and Stem Cells"
author = "The Patient Press writers"
version = release = "2026.11"
language = "en"
extensions = ["myst_parser"]
myst_enable_extensions = ["colon_fence", "deflist"]
html_theme = "basic"
