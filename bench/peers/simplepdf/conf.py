"""sphinx-simplepdf peer: the book with only what it needs to parse (no patientpress)."""
project = "Peripheral Neuropathy and Stem Cells"
author = "The Patient Press writers"
version = release = "2026.11"
language = "en"
extensions = ["myst_parser", "sphinx_simplepdf"]
myst_enable_extensions = ["colon_fence", "deflist"]
