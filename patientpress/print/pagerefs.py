"""pydyf's ``PDF.page_references``, kept instead of rebuilt at every use.

pydyf builds the tuple of page references (``b"12 0 R"``...) afresh each time the
property is read, and WeasyPrint's PDF/UA tagging reads it once per structure element
and per link destination: the time grows with pages × elements. On the 304-page book ×10
it took 3.35 s of CPU out of a 68 s render; with this cache, 0.42 s.

:func:`install` replaces the one property with the same tuple, kept and rebuilt only when
the page count changes (pydyf only ever appends pages to ``Kids``, three entries each,
and never changes an entry once added). The render worker installs it before rendering
(:func:`patientpress.render.render_pdf`).

Measured on, and written for, pydyf 0.13.0 with WeasyPrint 70.0, both pinned in
requirements.txt. tests/test_pdfua_speed.py checks that the PDF of the print test book is
byte-identical with and without it, and that it is in effect during a render; on another
pydyf the test is the place to look first.
"""

# The private parts this module relies on were proven on these versions; tests/
# test_private_apis.py fails when another is installed, so they are checked again.
PROVEN_ON = {"pydyf": "0.13.0", "weasyprint": "70.0"}

_CACHE = "_patientpress_page_references"   # where a PDF keeps its tuple


def _page_references(pdf):
    kids = pdf.pages["Kids"]
    cached = pdf.__dict__.get(_CACHE)
    if cached is None or cached[0] != len(kids):
        cached = (len(kids), tuple(f"{number} 0 R".encode("ascii") for number in kids[::3]))
        pdf.__dict__[_CACHE] = cached
    return cached[1]


def install() -> None:
    """Make ``pydyf.PDF.page_references`` the cached property (once; again does nothing)."""
    import pydyf

    if not installed():
        _ORIGINAL.append(pydyf.PDF.__dict__["page_references"])
        pydyf.PDF.page_references = property(_page_references)


def installed() -> bool:
    """Whether the cached property is the one in effect."""
    import pydyf

    prop = pydyf.PDF.__dict__.get("page_references")
    return isinstance(prop, property) and prop.fget is _page_references


def uninstall() -> None:
    """pydyf's own property again (for the test that compares the two)."""
    import pydyf

    if installed():
        pydyf.PDF.page_references = _ORIGINAL.pop()


_ORIGINAL = []   # pydyf's own property, while ours is installed
