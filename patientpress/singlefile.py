"""Make one print document out of many chapters: unique ids and working links.

Sphinx's single-file assembly keeps each chapter's ids as they are (two chapters with a
"What you can do next" section collide) and writes cross-chapter references as
``#document-x#label`` (Sphinx issue 14221), which WeasyPrint cannot follow. Here every
id is prefixed with its chapter's slug and every internal reference is pointed at the
prefixed id, so links stay live in the PDF.

Then what the print document shows: web addresses a reader can type
(:func:`mark_external_links`, :func:`typeable_url`) and chapters lifted to sit under the
book's title (:func:`lift_chapters`).
"""

import re

import markupsafe
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


# -- what the print document shows --------------------------------------------------

def typeable_url(url):
    """A web address as HTML that breaks lines only after a slash, never at a hyphen (a
    reader would type the hyphen as a line-end hyphenation, or miss it)."""
    scheme, sep, rest = url.partition("://")
    parts = re.split(r"(?<=/)", rest if sep else url)
    if sep:
        parts[0] = scheme + sep + parts[0]
    return markupsafe.Markup("").join(
        markupsafe.Markup('<span class="nobr">{}</span>').format(p) for p in parts if p)


def _is_term(ref):
    return any("std-term" in child.get("classes", ())
               for child in ref.findall(nodes.inline))


def mark_external_links(tree):
    """Links print as text a reader can type: show the address when the text is not it."""
    for ref in tree.findall(nodes.reference):
        uri = ref.get("refuri", "")
        if uri.startswith(("http://", "https://", "mailto:")):
            shown = uri.removeprefix("mailto:")
            text = ref.astext().strip()
            if _is_term(ref):
                continue  # a glossary word: its address would only clutter the sentence
            if text.rstrip("/") not in (shown.rstrip("/"), shown.split("://", 1)[-1].rstrip("/")):
                ref["classes"].append("show-url")


def lift_chapters(tree):
    """Make each chapter a sibling of the opening page's sections, not a child of the one
    that held the toctree: chapters then get ``h2`` headings under the book's ``h1``
    (no level skipped, none nested under "Review dates"), in the same reading order."""
    root = next(iter(tree.findall(nodes.section)), None)
    if root is None:
        return
    for child in list(root.children):
        starts = [s for s in child.findall(addnodes.start_of_file)
                  if s is not child and not any(isinstance(a, addnodes.start_of_file)
                                                for a in _ancestors(s, child))]
        at = root.index(child) + 1
        for start in starts:
            holder = start.parent
            holder.remove(start)
            if isinstance(holder, nodes.compound) and not holder.children:
                holder.parent.remove(holder)
            root.insert(at, start)
            at += 1


def _ancestors(node, stop):
    node = node.parent
    while node is not None and node is not stop:
        yield node
        node = node.parent
