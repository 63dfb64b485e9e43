"""Make one print document out of many chapters: unique ids and working links.

Sphinx's single-file assembly keeps each chapter's ids as they are (two chapters with a
"What you can do next" section collide). Sphinx resolves a reference to another document
with the builder's ``get_target_uri``: the handout builder answers with an address of its
own, ``print-document:<docname, quoted>`` (:func:`document_uri`; the single-file builder's
``#document-x#label`` has two ``#``, which Sphinx 9 calls malformed and WeasyPrint cannot
follow). Here every id is prefixed with its chapter's slug and every internal reference,
read back with :func:`parse_document_uri`, is pointed at the prefixed id, so links stay
live in the PDF.

Then what the print document shows: web addresses a reader can type
(:func:`mark_external_links`, :func:`typeable_url`) and chapters lifted to sit under the
book's title (:func:`lift_chapters`).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import quote, unquote

import markupsafe
from docutils import nodes
from sphinx import addnodes

from .tables import WIDE_TABLE

if TYPE_CHECKING:
    from collections.abc import Callable, Container, Mapping


def doc_slug(docname: str) -> str:
    """A short id-safe slug for a document name: ``chapters/01-what`` -> ``chapters-01-what``."""
    return re.sub(r"[^A-Za-z0-9_-]+", "-", docname).strip("-") or "doc"


#: The scheme of a document's address inside a print document (never printed: every such
#: reference is pointed at an id, or at the online guide, by :func:`fix_references`).
DOCUMENT_SCHEME = "print-document:"


def document_uri(docname: str) -> str:
    """The address of document ``docname`` in a print document: no "/" (Sphinx makes the
    pictures' path relative to it) and no "#" (a label's anchor follows it)."""
    return DOCUMENT_SCHEME + quote(docname, safe="")


def parse_document_uri(uri: str) -> tuple[str, str] | None:
    """``(docname, anchor)`` of an address made by :func:`document_uri` (with a label's
    ``#anchor`` after it, or ""), or None for any other address."""
    if not uri.startswith(DOCUMENT_SCHEME):
        return None
    doc, _, anchor = uri[len(DOCUMENT_SCHEME):].partition("#")
    return unquote(doc), anchor


def _walk(node, docname, visit):
    if isinstance(node, addnodes.start_of_file):
        docname = node["docname"]
    visit(node, docname)
    for child in node.children:
        _walk(child, docname, visit)


def prefix_ids(tree: nodes.Element, root_doc: str) -> dict[tuple[str, str], str]:
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


def first_section_ids(tree: nodes.Element, root_doc: str) -> dict[str, str]:
    """``{docname: id of its top section}``: where a link to a whole document lands."""
    found = {}
    for start in [tree, *tree.findall(addnodes.start_of_file)]:
        docname = start.get("docname", root_doc)
        section = next((c for c in start.children if isinstance(c, nodes.section)), None)
        if section is not None and section["ids"]:
            found[docname] = section["ids"][0]
    return found


def fix_references(tree: nodes.Element, root_doc: str, mapping: Mapping[tuple[str, str], str],
                   known_docs: Container[str], in_file: Container[str], online_url: str = "",
                   where: Callable[[str, str, str, bool], str] | None = None,
                   typed_fragment: bool = True) -> list[tuple[str, str]]:
    """Point every internal reference at a prefixed id; return the references left broken.

    A reference to a document that is not in this print document (a chapter handout
    linking to another chapter) is never left dangling (:func:`_point_elsewhere`); its
    printed address ends at the page, without ``#label``, unless ``typed_fragment``.
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
        if not isinstance(node, nodes.reference):
            return
        uri = node.get("refuri", "")
        found = parse_document_uri(uri)
        if found is not None and found[0] in known_docs:
            todoc, anchor = found
        elif uri.startswith("#"):
            todoc, anchor = docname, uri[1:]
        else:
            return
        if todoc not in in_file:
            _point_elsewhere(node, todoc, anchor, online_url, where, typed_fragment)
            return
        new = doc_ids.get(todoc) if not anchor else mapping.get((todoc, anchor))
        if new is None:
            broken.append((docname, node["refuri"]))
        else:
            node["refuri"] = "#" + new

    _walk(tree, root_doc, visit)
    return broken


def _point_elsewhere(node, todoc, anchor, online_url, where, typed_fragment=True):
    """A link to ``todoc`` outside this print document: to its online address when there is
    one (else plain text), followed by where it is in the full guide, in brackets:
    ``where(todoc, anchor, link text, online)`` gives those words ("" for none), ending in
    words that lead to the address when ``online``; the guide's own short address follows
    as real text (the link goes to the page and section, but a section's address with its
    #fragment, printed mid-sentence, is no address a reader types)."""
    url = (f"{online_url.rstrip('/')}/{todoc}.html" + (f"#{anchor}" if anchor else "")
           if online_url else "")
    # A glossary word stays a word: where the glossary is would only clutter the sentence.
    place = where(todoc, anchor, node.astext(), bool(url)) if where and not _is_term(node) else ""
    if url:
        node["refuri"] = url
    else:
        text = nodes.inline("", "", *node.children)
        node.replace_self(text)
        node = text
    if place:
        node["classes"].append("elsewhere")   # mark_external_links: its address is said here
        # Set apart as a locator (class where-note), as a page number is: the readability
        # measures leave it out with the other navigation (patientpress.readability.SKIP).
        note = nodes.inline("", f" ({place}" + (" " if url else ")"), classes=["where-note"])
        if url:
            note += [_url_node(online_url), nodes.Text(")")]
        node.parent.insert(node.parent.index(node) + 1, note)


# -- what the print document shows --------------------------------------------------

#: A part of an address longer than this (a page name of many words) may also break
#: before a hyphen, so that it never runs off the page.
LONG_SEGMENT = 36


def url_segments(url: str) -> list[str]:
    """``url`` cut after each "/", ".", "?", "&" and "=": the places a printed address may
    break. Never after a hyphen (a reader would take it for a line-end hyphenation and drop
    it) and never inside "https://"; a part longer than LONG_SEGMENT characters is cut
    before hyphens too, the hyphen starting the next line, as style guides advise."""
    scheme, sep, rest = url.partition("://")
    parts = re.split(r"(?<=[/.?&=])", rest if sep else url)
    if sep:
        parts[0] = scheme + sep + parts[0]
    return [piece for part in parts if part for piece in _shorter(part)]


def _shorter(part):
    if len(part) <= LONG_SEGMENT:
        return [part]
    pieces = [""]
    for word in re.split(r"(?=-)", part):
        if pieces[-1] and len(pieces[-1]) + len(word) > LONG_SEGMENT:
            pieces.append("")
        pieces[-1] += word
    return pieces


def typeable_url(url: str) -> markupsafe.Markup:
    """A web address as HTML for the print theme's templates (see :func:`url_segments`)."""
    return markupsafe.Markup("").join(
        markupsafe.Markup('<span class="nobr">{}</span>').format(p) for p in url_segments(url))


def _url_node(url):
    """A web address as doctree nodes, each segment unbreakable (print.css ``.nobr``)."""
    node = nodes.inline(classes=["typed-url"])
    node.extend(nodes.inline(part, part, classes=["nobr"]) for part in url_segments(url))
    return node


def _is_term(ref):
    return any("std-term" in child.get("classes", ())
               for child in ref.findall(nodes.inline))


def mark_external_links(tree: nodes.Element) -> None:
    """Links print as addresses a reader can type, breaking only where an address may break:
    an address shown as the link's text is set in segments, and after any other link its
    address follows in brackets, as real text (copying it gives the address). In a table
    of many columns, whose columns are too narrow for an address, a link gets a number
    and its address is listed under the table (:func:`_addresses_under`)."""
    listed = {}   # {table: [addresses]}
    for ref in list(tree.findall(nodes.reference)):
        uri = ref.get("refuri", "")
        if (not uri.startswith(("http://", "https://", "mailto:")) or _is_term(ref)
                or "elsewhere" in ref["classes"]):
            continue  # a glossary word: its address would only clutter the sentence
        shown = uri.removeprefix("mailto:")
        text = ref.astext().strip()
        if text.rstrip("/") in (shown.rstrip("/"), shown.split("://", 1)[-1].rstrip("/")):
            if len(ref.children) == 1 and isinstance(ref.children[0], nodes.Text):
                del ref.children[:]
                ref += _url_node(text)
            continue
        at = ref.parent.index(ref) + 1
        table = _wide_table_of(ref)
        if table is not None:
            addresses = listed.setdefault(table, [])
            addresses.append(shown)
            ref.parent.insert(at, nodes.Text(f" [{len(addresses)}]"))
            continue
        ref.parent.insert(at, [nodes.Text(" ("), _url_node(shown), nodes.Text(")")])
    for table, addresses in listed.items():
        _addresses_under(table, addresses)


def _wide_table_of(node):
    """The table of WIDE_TABLE columns or more that holds ``node``, or None."""
    while node is not None and not isinstance(node, nodes.table):
        node = node.parent
    group = next(iter(node.findall(nodes.tgroup)), None) if node is not None else None
    return node if group is not None and group.get("cols", 0) >= WIDE_TABLE else None


def _addresses_under(table, addresses):
    """The addresses of a table's links, numbered, in a paragraph under it."""
    note = nodes.paragraph(classes=["table-addresses"])
    for number, address in enumerate(addresses, 1):
        note += [nodes.Text(("" if number == 1 else "; ") + f"[{number}] "), _url_node(address)]
    table.parent.insert(table.parent.index(table) + 1, note)


def lift_chapters(tree: nodes.Element) -> None:
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
        after = child
        for start in starts:
            holder = start.parent
            holder.remove(start)
            # Placed after the one before it, not at a counted index: removing an emptied
            # toctree wrapper would shift the count (two toctrees, as a _toc.yml's parts
            # make, then came out of reading order).
            root.insert(root.index(after) + 1, start)
            after = start
            if isinstance(holder, nodes.compound) and not holder.children:
                holder.parent.remove(holder)


def _ancestors(node, stop):
    node = node.parent
    while node is not None and node is not stop:
        yield node
        node = node.parent


#: A list this short is kept whole on one page, with the sentence before it (print.css).
SHORT_LIST = 4


#: What a section may hold and still print nothing under its heading.
_UNPRINTED = (nodes.title, nodes.target, nodes.comment, nodes.substitution_definition,
              addnodes.index)


def drop_empty_sections(tree: nodes.Element) -> None:
    """A section inside another with nothing to print under its heading is left out of the
    print document, its ids given to the section around it: a real book's "Questions,
    discussions and comments" held only a comment widget's script, which the sanitizer
    takes out, and its heading was printed alone at a page's foot. Innermost first, so a
    section whose only subsections are empty goes too."""
    def empty(node):
        return isinstance(node, _UNPRINTED) or (isinstance(node, nodes.raw)
                                                and not node.astext().strip())

    for section in reversed(list(tree.findall(nodes.section))):
        if isinstance(section.parent, nodes.section) and all(map(empty, section.children)):
            section.parent["ids"].extend(section["ids"])
            section.parent.remove(section)


def mark_short_lists(tree: nodes.Element) -> None:
    for node in tree.findall(lambda n: isinstance(n, (nodes.bullet_list, nodes.enumerated_list))):
        if len(node.children) <= SHORT_LIST:
            node["classes"].append("short-list")


def name_shared_headings(tree: nodes.Element, word: str = "in") -> None:
    """A link to a heading that several chapters share ("What you can do next") names the
    chapter it leads to, inside the link, before its page number: on paper the reader
    cannot tell which one it means. ``word`` is the print theme's word for it."""
    sections = {i: s for s in tree.findall(nodes.section) for i in s["ids"]}
    titles = {}
    for section in {id(s): s for s in sections.values()}.values():
        titles[_own_title(section)] = titles.get(_own_title(section), 0) + 1
    # inline_all_toctrees marks each section with its document (its parent links are not
    # kept): a document's chapter is the first section of its start_of_file.
    chapters = {}
    for start in tree.findall(addnodes.start_of_file):
        first = next((c for c in start.children if isinstance(c, nodes.section)), None)
        if first is not None:
            chapters.setdefault(start["docname"], first)
    for ref in tree.findall(nodes.reference):
        target = sections.get(ref.get("refid") or ref.get("refuri", "")[1:] or None)
        if target is None or titles.get(_own_title(target), 0) < 2:
            continue
        chapter = chapters.get(target.get("docname"))
        if chapter is not None and chapter is not target:
            # A locator, as a page number is (readability leaves out class where-note); the
            # page number follows inside the same brackets (page.html's a.in-chapter).
            ref += nodes.inline("", f" ({word} “{_own_title(chapter)}”,", classes=["where-note"])
            ref["classes"].append("in-chapter")


def _own_title(section):
    title = next((c for c in section.children if isinstance(c, nodes.title)), None)
    return " ".join(title.astext().split()) if title is not None else ""


def mark_page_refs(tree: nodes.Element) -> None:
    """Every link to a place in the print document prints that place's page (" (page 21)",
    page.html's ``a.page-ref``): on paper a reader cannot click. A link whose words are its
    section's title is set off as a title, in quotes (class ``title-ref``, the words in a
    ``ref-title`` inline): Read “How Stem Cells Might Help” (page 11) next. Glossary words
    are left as they are: a page number after each would only clutter the sentence."""
    sections = {i: s for s in tree.findall(nodes.section) for i in s["ids"]}
    for ref in tree.findall(nodes.reference):
        uri = ref.get("refuri", "")
        if not (ref.get("refid") or uri.startswith("#")) or _is_term(ref):
            continue
        ref["classes"].append("page-ref")
        target = sections.get(ref.get("refid") or uri[1:])
        if target is not None and _same_words(ref.astext(), _own_title(target)):
            ref["classes"].append("title-ref")
            words = list(ref.children)
            del ref.children[:]
            ref += nodes.inline("", "", *words, classes=["ref-title"])


def _same_words(a, b):
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()
