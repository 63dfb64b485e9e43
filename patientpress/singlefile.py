"""Make one print document out of many chapters: unique ids and working links.

Sphinx's single-file assembly keeps each chapter's ids as they are (two chapters with a
"What you can do next" section collide) and writes cross-chapter references as
``#document-x#label`` (Sphinx issue 14221), which WeasyPrint cannot follow. Here every
id is prefixed with its chapter's slug and every internal reference is pointed at the
prefixed id, so links stay live in the PDF.
"""

import re

from docutils import nodes
from sphinx import addnodes


def doc_slug(docname):
    """A short id-safe slug for a document name: ``chapters/01-what`` -> ``chapters-01-what``."""
    return re.sub(r"[^A-Za-z0-9_-]+", "-", docname).strip("-") or "doc"


def _walk(node, docname, visit):
    if isinstance(node, addnodes.start_of_file):
        docname = node["docname"]
    visit(node, docname)
    for child in node.children:
        _walk(child, docname, visit)


def prefix_ids(tree, root_doc):
    """Prefix every id with its document's slug; return ``{(docname, old_id): new_id}``."""
    mapping = {}

    def visit(node, docname):
        if not isinstance(node, nodes.Element) or not node.get("ids"):
            return
        new_ids = []
        for old in node["ids"]:
            new = f"{doc_slug(docname)}--{old}"
            mapping.setdefault((docname, old), new)
            new_ids.append(new)
        node["ids"] = new_ids

    _walk(tree, root_doc, visit)
    return mapping


def first_section_ids(tree, root_doc):
    """``{docname: id of its top section}``: where a link to a whole document lands."""
    found = {}
    for start in [tree, *tree.findall(addnodes.start_of_file)]:
        docname = start.get("docname", root_doc)
        section = next((c for c in start.children if isinstance(c, nodes.section)), None)
        if section is not None and section["ids"]:
            found[docname] = section["ids"][0]
    return found


def fix_references(tree, root_doc, mapping, known_docs, in_file, online_url=""):
    """Point every internal reference at a prefixed id; return the references left broken.

    A reference to a document that is not in this print document (a chapter handout
    linking to another chapter) points at the online edition when its address is known,
    and otherwise prints as plain text.
    """
    broken = []
    doc_ids = first_section_ids(tree, root_doc)

    def visit(node, docname):
        if not isinstance(node, nodes.Element):
            return
        if node.get("refid"):
            new = mapping.get((docname, node["refid"]))
            if new:
                node["refid"] = new
        if node.get("backrefs"):
            node["backrefs"] = [mapping.get((docname, b), b) for b in node["backrefs"]]
        if not (isinstance(node, nodes.reference) and node.get("refuri", "").startswith("#")):
            return
        parts = node["refuri"][1:].split("#")
        if parts[0].startswith("document-") and parts[0][len("document-"):] in known_docs:
            todoc, anchor = parts[0][len("document-"):], (parts[1] if len(parts) > 1 else "")
        else:
            todoc, anchor = docname, parts[-1]
        if todoc not in in_file:
            if online_url:
                node["refuri"] = f"{online_url.rstrip('/')}/{todoc}.html" + (
                    f"#{anchor}" if anchor else "")
            else:
                node.replace_self(nodes.inline("", "", *node.children))
            return
        new = doc_ids.get(todoc) if not anchor else mapping.get((todoc, anchor))
        if new is None:
            broken.append((docname, node["refuri"]))
        else:
            node["refuri"] = "#" + new

    _walk(tree, root_doc, visit)
    return broken
