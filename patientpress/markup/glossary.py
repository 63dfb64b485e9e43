"""Glossaries in the alphabetical order of the book's language, in every format.

Sphinx's ``glossary`` directive with ``:sorted:`` sorts its entries when it reads the
source: by the source language's words, so a translation kept the English order of the
English terms (the Spanish glossary read "enfermedad autoinmune, quimioterapia, ..."), and
by lowercased code points, which put an accented or "Ñ" initial after "z". Once Sphinx has
translated the document, each sorted glossary is sorted again by its terms as the reader
sees them, with the Unicode Collation Algorithm (pyuca, the root collation) and, for
Spanish, CLDR's one tailoring for it: "ñ" is a letter of its own, after "n". The website,
the e-book and the PDFs read the same doctree, so they show one order. A glossary without
``:sorted:`` keeps its author's order.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import TYPE_CHECKING

from docutils import nodes
from sphinx import addnodes

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata

#: Languages whose alphabet has "ñ" as a letter after "n" (CLDR's tailoring).
N_TILDE_LANGUAGES = {"es", "gl", "eu", "ast"}
_N_TILDE = re.compile("([nN]\u0303)")


@functools.cache
def _collator():
    import pyuca

    return pyuca.Collator()


def sort_key(text: str, language: str | None) -> tuple[float, ...]:
    """``text``'s place in ``language``'s alphabetical order."""
    collator = _collator()
    text = unicodedata.normalize("NFD", text)
    if (language or "").split("_")[0].split("-")[0] not in N_TILDE_LANGUAGES:
        return collator.sort_key(text)
    elements = []
    for part in _N_TILDE.split(text):
        if _N_TILDE.fullmatch(part):
            # "n" with a primary weight half a step up: after every "n...", before "o".
            (primary, secondary, tertiary), *_ = collator.collation_elements(part[0])
            elements.append([primary + 0.5, secondary, tertiary])
        elif part:
            elements.extend(collator.collation_elements(part))
    return collator.sort_key_from_collation_elements(elements)


def entry_text(item: nodes.Element) -> str:
    """The words of a glossary entry's first term, as the reader sees them."""
    term = next(iter(item.findall(nodes.term)), None)
    return " ".join((term or item).astext().split())


def sort_glossaries(app: Sphinx, doctree: nodes.document) -> None:
    language = app.config.language
    for glossary in doctree.findall(addnodes.glossary):
        if not glossary.get("sorted"):
            continue
        for deflist in glossary.findall(nodes.definition_list):
            items = list(deflist.children)
            items.sort(key=lambda item: sort_key(entry_text(item), language))
            deflist.children = []
            deflist.extend(items)


def setup(app: Sphinx) -> ExtensionMetadata:
    # After Sphinx's own transforms, the translation among them.
    app.connect("doctree-read", sort_glossaries)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
