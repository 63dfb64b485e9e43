"""A chapter that points the PDF at files outside the book and at the network."""
project = "Hostile Files"
author = "Test Writers"
copyright = "2026, Test Writers"
version = release = "1.0"
language = "en"
extensions = ["myst_parser", "patientpress"]
epub_uid = "hostile-files"
handout_products = ["book"]
