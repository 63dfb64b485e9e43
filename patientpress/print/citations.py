"""A chapter handout lists the works it cites (sphinxcontrib-bibtex, or any citation).

In the website a citation links to the book's bibliography page. A chapter handout does
not hold that page, so its citations would print as bare labels, or as addresses of the
website. Here the bibliography entries a chapter cites are copied into its handout, under
the bibliography page's own title, at the end of the chapter: the citations become live
links to them, and the rest of the bibliography is left out.

sphinxcontrib-bibtex keeps its citation nodes in the environment and fills those same
nodes each time a document is resolved (one more label and entry each time), and the ids
of a print document are prefixed in place: :class:`Bibliographies` gives each resolution
fresh copies, so that a second print document is not printed with the first one's ids.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from docutils import nodes
from sphinx import addnodes
from sphinx.errors import ExtensionError

from . import singlefile

if TYPE_CHECKING:
    from sphinx.builders import Builder
    from sphinx.environment import BuildEnvironment

#: The class of the section that holds a chapter handout's cited works.
CITED_WORKS = "cited-works"


def _bibliographies(env):
    try:
        domain = env.get_domain("cite")
    except ExtensionError:   # no sphinxcontrib.bibtex in this book
        return {}
    return getattr(domain, "bibliographies", {})


class Bibliographies:
    """The citation nodes of sphinxcontrib-bibtex as they were before any was resolved."""

    def __init__(self, env):
        self.saved = {key: {k: n.deepcopy() for k, n in bib.citation_nodes.items()}
                      for key, bib in _bibliographies(env).items()}

    def refresh(self, env: BuildEnvironment) -> None:
        """Put fresh copies of the saved nodes in the environment."""
        for key, bib in _bibliographies(env).items():
            for k, node in self.saved.get(key, {}).items():
                bib.citation_nodes[k] = node.deepcopy()


def _outside_targets(tree, docname):
    """``{document: {anchors}}`` that ``tree``'s resolved references point at in documents
    it does not hold (singlefile.document_uri's addresses, with an anchor)."""
    held = {docname} | {s["docname"] for s in tree.findall(addnodes.start_of_file)}
    found = {}
    for ref in tree.findall(nodes.reference):
        target = singlefile.parse_document_uri(ref.get("refuri", ""))
        if target is not None and target[1] and target[0] not in held:
            found.setdefault(target[0], set()).add(target[1])
    return found


def _cited(builder, doc, anchors, bibliographies):
    """The resolved document ``doc``'s top section, and copies of its citations whose ids
    are among ``anchors``, in the order the document lists them."""
    if doc not in builder.env.all_docs:
        return None, []
    bibliographies.refresh(builder.env)
    tree = builder.env.get_and_resolve_doctree(doc, builder, tags=builder.tags)
    top = next(iter(tree.findall(nodes.section)), None)
    works = [c.deepcopy() for c in tree.findall(nodes.citation) if set(c["ids"]) & anchors]
    return top, works


def add_cited_works(builder: Builder, tree: nodes.document, docname: str,
                    bibliographies: Bibliographies) -> None:
    """Copy into the handout of ``docname`` (its resolved ``tree``) the citations it links
    to in other documents, one section per document that holds them, with that document's
    title and ids (so a link to the bibliography page itself lands on it too)."""
    chapter = next(iter(tree.findall(nodes.section)), None)
    if chapter is None or docname == builder.config.root_doc:
        return
    for doc, anchors in sorted(_outside_targets(tree, docname).items()):
        top, works = _cited(builder, doc, anchors, bibliographies)
        if not works:
            continue
        title = builder.env.titles[doc].astext()
        section = nodes.section("", nodes.title(title, title), *works,
                                ids=list(top["ids"]) if top is not None else [],
                                classes=[CITED_WORKS])
        for work in works:
            work["backrefs"] = []   # the citing spans are not this document's ids
        chapter += addnodes.start_of_file("", section, docname=doc)
