"""The HTML translator of the print document: HTML for paper, not for a screen."""

import contextlib

from docutils import nodes
from sphinx.writers.html5 import HTML5Translator

from ..markup import code


class PrintTranslator(code.WrapsCode, HTML5Translator):
    """HTML for paper: no pilcrow permalinks (they would print and pollute running heads);
    long code lines wrapped after a mark (markup/code.py)."""

    def add_permalink_ref(self, node, title):
        pass

    def visit_start_of_file(self, node):
        # No empty marker span: links to a document point at its first heading instead,
        # and an empty inline box would start a blank page before each chapter.
        self.docnames.append(node["docname"])

    # A section's ids go on its heading, not on <section>: a link and its printed page
    # number ("page 24") then land where the heading's text is printed. On the section (or
    # an empty span before the heading) they stayed at the foot of the page before when
    # the heading was pushed over the page to keep with its first lines.
    def visit_section(self, node):
        if _heading_of(node) is None:
            return super().visit_section(node)
        with _ids(node, []):
            super().visit_section(node)

    def section_title_tags(self, node):
        if _heading_of(node.parent) is not node:
            return super().section_title_tags(node)
        with _ids(node, [*node.parent["ids"], *node["ids"]]):
            return super().section_title_tags(node)


def _heading_of(section):
    """The title of ``section`` that carries its ids in print, or None."""
    title = next(iter(section.children), None) if isinstance(section, nodes.section) else None
    return title if isinstance(title, nodes.title) else None


@contextlib.contextmanager
def _ids(node, ids):
    """``node`` with ``ids`` while the translator writes its start tag."""
    kept = node["ids"]
    node["ids"] = ids
    try:
        yield
    finally:
        node["ids"] = kept
