"""The markup: what MyST sources become in every format. MyST as authors write it,
formulas as pictures, sphinx-design laid open, pictures from the web, the notice on
every page, glossaries in the alphabetical order of the book's language.

May import: ``patientpress.i18n``, ``patientpress.files``. Never a builder.
"""
