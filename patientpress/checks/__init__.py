"""The checks: bad input in the sources (``sources``: unsafe markup, missing images,
empty chapters, undrawable characters, clearer messages), and the book's own content
checks (``book``, ``readability``) with their targets from its ``conf.py``.

May import: ``patientpress.print`` (the print fonts' coverage), ``patientpress.markup``,
``patientpress.book``, ``patientpress.files``, ``patientpress.i18n``.
"""
