"""The website: the download links and files, the stylesheet every book wears
(``static/``), every page's navigation kept fresh after a title changes, and the theme's and
Sphinx's words in the book's language, with a 404 page (``chrome.py``, ``templates/``).

May import: ``patientpress.markup``, ``patientpress.book``, ``patientpress.files``,
``patientpress.i18n``.
"""
