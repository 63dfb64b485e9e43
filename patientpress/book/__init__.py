"""What a book is made of, for every format: its chapters and parts (read from its
toctrees) and the fixed words of its preset (``handout_preset``, ``handout_words``).

May import: ``patientpress.i18n``, ``patientpress.files``.
"""
