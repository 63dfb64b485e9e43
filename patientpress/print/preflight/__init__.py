"""Preflight: every PDF read back as printed, page by page, before a reader gets it.

Run on every PDF the handout and clinic-editions builders write (in the render worker,
after the PDF/UA finishing) and on any PDF with ``python -m patientpress.print.preflight
FILE...`` (``make preflight``). Each finding names its page and its check; a build reports it
as a warning of type ``patientpress``, subtype ``preflight.<check>``, so a strict build
fails and a book may allow one kind on purpose with ``suppress_warnings``.

It reads the PDF's own text positions and structure tree (:mod:`.reading`), never renders
a page again. It may import nothing of patientpress but this package.
"""

from .checks import CHECKS, Design, Finding
from .reading import read

__all__ = ["CHECKS", "Design", "Finding", "check", "read", "words_of"]


def words_of(html_text):
    """The words a print document prints (folded), for the broken-word check."""
    import html
    import re

    from .checks import WORD

    text = html.unescape(re.sub(r"<[^>]*>", " ", html_text))
    return frozenset(word.casefold() for word in WORD.findall(text))


def check(pdf, design=None):
    """[:class:`Finding`] of the PDF at ``pdf`` (a tagged PDF, as WeasyPrint writes)."""
    design = design or Design()
    doc = read(pdf)
    if not doc.elements:
        return [Finding("untagged", 0, "the PDF has no structure tree: nothing to check "
                        "but its pages (write it tagged: PDF/UA)")]
    return [finding for run in CHECKS for finding in run(doc, design)]
