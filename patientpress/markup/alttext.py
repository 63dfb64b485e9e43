"""Honest alternative text: a picture with none, or with its file name as its words, is a
warning naming the chapter and line; the e-book then does not claim ``alternativeText``.

Sphinx writes a picture without alt text with its file path as ``alt``
(``../_images/economic-dispatch.jpg``), which a screen reader reads out, while the
e-book's metadata said every picture had words. A Markdown picture takes its words between
the brackets (``![A tank by the downpipe](tank.svg)``), a figure or image directive its
``:alt:``, a notebook's picture output the cell's metadata
(``"mystnb": {"image": {"alt": "..."}}``).
"""

import posixpath

from docutils import nodes
from sphinx.util import logging

logger = logging.getLogger(__name__)


def _file_name_only(alt, uri):
    """Whether ``alt`` says nothing but the picture's file name or path."""
    alt = alt.strip().lower()
    name = posixpath.basename(uri.replace("\\", "/")).lower()
    return alt in (uri.lower(), name, posixpath.splitext(name)[0]) or alt.endswith(
        ("/" + name, ".png", ".jpg", ".jpeg", ".svg", ".gif", ".webp"))


def lacking(doctree):
    """The pictures of ``doctree`` without words of their own."""
    for image in doctree.findall(nodes.image):
        uri = image.get("uri", "")
        alt = image.get("alt") or ""
        if not alt.strip() or _file_name_only(alt, uri):
            yield image


def _line(node):
    """The line of ``node`` or of its nearest ancestor that has one (a notebook's picture
    has none of its own; its cell does)."""
    while node is not None and not node.line:
        node = node.parent
    return node.line if node is not None else None


def check_alt_text(app, doctree):
    for image in lacking(doctree):
        uri = image.get("uri", "")
        what = "has no alt text" if not (image.get("alt") or "").strip() else \
            f"has its file name as its alt text ({image['alt']!r})"
        logger.warning("picture %s %s: a screen reader would read out its file name; say "
                       "what it shows, ![words](file) in Markdown, :alt: on a figure, or "
                       "for a notebook's picture the cell's metadata "
                       '"mystnb": {"image": {"alt": "words"}}',
                       posixpath.basename(uri) or "(no file)", what,
                       location=(app.env.docname, _line(image)),
                       type="patientpress", subtype="alt_text")


def all_described(env):
    """Whether every picture of the book has words of its own (the e-book's claim)."""
    return not any(next(lacking(env.get_doctree(doc)), None) is not None
                   for doc in sorted(env.found_docs))


def setup(app):
    # After the missing pictures are replaced by their alt text (sources.py, 450).
    app.connect("doctree-read", check_alt_text, priority=460)
