"""A chapter written to attack readers: scripts, event handlers and javascript: links."""
project = "Hostile Markup"
author = "Test Writers"
copyright = "2026, Test Writers"
version = release = "1.0"
language = "en"
extensions = ["myst_parser", "patientpress"]
myst_enable_extensions = ["colon_fence"]
myst_disable_syntax = ["html_block", "html_inline"]
epub_uid = "hostile-markup"
handout_products = ["book"]
