"""The website: the download links and files, the stylesheet every book wears
(``static/``), and every page's navigation kept fresh after a title changes.

May import: ``patientpress.markup``, ``patientpress.book``, ``patientpress.files``,
``patientpress.i18n``.
"""
