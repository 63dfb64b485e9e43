"""The print: the ``handout`` builder and everything that turns its print documents into
PDFs a clinic can hand out.

- ``builder``: the single-file print document per product (whole book, large print, one per
  chapter), its contents, page references and options;
- ``singlefile``, ``numbers``, ``citations``: what the single file needs that Sphinx's
  single-file builder does not give (unique ids, live links, figure numbers, a chapter's works);
- ``render`` (WeasyPrint, sandboxed), ``pool`` (worker processes, time limits), ``pdfua``
  (PDF/UA finishing), ``pagerefs`` (pydyf's page references, kept), ``booklet`` (imposition);
- ``paper``, ``fonts``, ``qr``: paper sizes and stylesheets, the embedded fonts, QR codes;
- ``theme/``: the print theme (``page.html``, ``print.css`` and one stylesheet per edition).

May import: ``patientpress.markup``, ``patientpress.book``, ``patientpress.files``,
``patientpress.i18n``. Never the clinics, the checks, the website or the e-book.
"""
