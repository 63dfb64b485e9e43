"""An e-book with deliberate accessibility faults (tests/test_a11y_epub.py)."""
project = "Broken Book"
author = "Test Writers"
version = release = "1.0"
language = "en"
extensions = ["myst_parser", "patientpress"]
epub_uid = "broken-book"
copyright = "2026, Test Writers"
# epubcheck: the identifier disagrees with the uid in toc.ncx (NCX-001).
epub_identifier = "urn:uuid:5d0c1f7e-8a4b-4f0e-9c1d-2b7e6f3a9d10"
epub_scheme = "uuid"
# nav: the navigation document lists chapter titles only, not their sections.
epub_tocdepth = 1
# metadata: no accessibilityHazard declared.
epub_a11y_hazards = []
# headings: chapter.md has a rubric at level 4 right after an h2.
