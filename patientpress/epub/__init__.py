"""The e-book: Sphinx's EPUB 3 builder with accessibility metadata, languages, roles,
footnotes and a reproducible zip; its templates (``theme/``) and stylesheet (``static/``).

May import: ``patientpress.markup``, ``patientpress.book``, ``patientpress.files``,
``patientpress.i18n``.
"""
