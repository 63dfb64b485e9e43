"""PDF/UA-1 touches that WeasyPrint 70 leaves undone, applied to a rendered PDF in place.

- Running heads and page numbers (margin boxes) become pagination artifacts.
- One link is one annotation (WeasyPrint writes one per inline box of a link).
- A link's description (``/Contents``) is words a person understands, not an anchor name,
  in the document's language (a screen reader reads it aloud in that voice).

Used for every PDF this package writes: the handouts and the clinic editions.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from ..files import atomic_write
from ..i18n import N_, gettext

if TYPE_CHECKING:
    import os

# A link's description, in the print document's language (i18n.py's catalog).
WEB_ADDRESS = N_("Web address {url}")
EMAIL = N_("Email {address}")
GO_TO_PAGE = N_("Go to “{title}”, page {page}")
GO_TO = N_("Go to “{title}”")
ELSEWHERE = N_("another part of this document")


def link_descriptions(html_text: str) -> dict[str | None, str]:
    """{id: words} for every id of the print document: what a link to it leads to; and the
    document's language (its ``<html lang>``) under the key ``None``."""
    import lxml.html

    doc = lxml.html.document_fromstring(html_text)
    words = {None: doc.get("lang") or ""}
    for el in doc.iter():
        ident = el.get("id") if isinstance(el.tag, str) else None
        if not ident:
            continue
        target = el
        if el.tag == "section" or not el.text_content().strip():
            # A section, or an empty marker before a heading: name it by its heading.
            scope = el if el.tag == "section" else el.getparent()
            target = next((h for h in scope.iter("h1", "h2", "h3", "h4", "h5", "h6")), el)
        text = " ".join(target.text_content().split())
        if text:
            words[ident] = text
    return words


def _struct_kids(elem):
    import pikepdf

    kids = elem.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids]


def finish_pdf(pdf_path: str | os.PathLike[str], html_text: str) -> None:
    """Make a WeasyPrint PDF/UA-1 file meet what WeasyPrint 70 does not, in place (atomic):

    - running heads and page numbers (margin boxes) are marked content whose structure
      elements are left out of the tree: they become ``/Artifact`` (pagination);
    - every inline box inside a link gets its own, duplicate link annotation: one link is
      one annotation (a screen reader lists it once);
    - a link's ``/Contents`` is its anchor name: it becomes words a person understands.
    """
    import pikepdf

    pdf_path = Path(pdf_path)
    words = link_descriptions(html_text)
    with pikepdf.open(pdf_path) as pdf:
        root = pdf.Root.get("/StructTreeRoot")
        if root is None:
            return
        pages = {p.objgen: i + 1 for i, p in enumerate(pdf.pages)}
        dests = _named_destinations(pdf)
        nums = root.ParentTree.Nums
        parent_tree = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}

        reachable, dropped = _walk_links(root)
        _drop_duplicate_links(pdf, dropped, pages, parent_tree)

        for number, page in enumerate(pdf.pages):
            mcids = parent_tree.get(number)
            if mcids is None:
                continue
            furniture = {m for m, ref in enumerate(mcids)
                         if isinstance(ref, pikepdf.Dictionary) and ref.objgen not in reachable}
            if furniture:
                _mark_artifacts(pdf, page, furniture)
                for m in furniture:
                    mcids[m] = None
            for annot in page.get("/Annots", []):
                if annot.get("/Subtype") == "/Link":
                    annot.Contents = pikepdf.String(
                        _describe(annot, words, dests, pages))

        root.ParentTree.Nums = pikepdf.Array(
            [x for key in sorted(parent_tree) for x in (key, parent_tree[key])])
        atomic_write(pdf_path, lambda tmp: pdf.save(tmp, deterministic_id=True))


def _walk_links(root):
    """The structure elements reachable from the tree's root, and the link annotations
    (element, object reference, annotation) that repeat the link around them."""
    import pikepdf

    reachable = set()
    dropped = []

    def walk(elem, link_target):
        reachable.add(elem.objgen)
        own_target = link_target
        for kid in _struct_kids(elem):
            if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/OBJR":
                annot = kid.Obj
                target = _annot_target(annot)
                if link_target is not None and target == link_target:
                    dropped.append((elem, kid, annot))
                else:
                    own_target = target
            elif isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                walk(kid, own_target)

    for top in _struct_kids(root):
        walk(top, None)
    return reachable, dropped


def _drop_duplicate_links(pdf, dropped, pages, parent_tree):
    """Remove each repeated annotation from its page, its structure element and the
    parent tree; an element left with no link of its own is a ``/Span``."""
    import pikepdf

    for elem, objr, annot in dropped:
        elem.K = pikepdf.Array([k for k in _struct_kids(elem) if not (
            isinstance(k, pikepdf.Dictionary) and k.objgen == objr.objgen)])
        if elem.S == "/Link" and not any(
                isinstance(k, pikepdf.Dictionary) and k.get("/Type") == "/OBJR"
                for k in _struct_kids(elem)):
            elem.S = pikepdf.Name("/Span")
        page = pdf.pages[pages[objr.Pg.objgen] - 1]
        page.Annots = pikepdf.Array([a for a in page.Annots if a.objgen != annot.objgen])
        parent_tree.pop(int(annot.StructParent), None)


def _annot_target(annot):
    dest = annot.get("/Dest")
    if dest is not None:
        return ("dest", str(dest))
    action = annot.get("/A")
    if action is not None and action.get("/URI") is not None:
        return ("uri", str(action.URI))
    return None


def _named_destinations(pdf):
    import pikepdf

    names = pdf.Root.get("/Names")
    if names is None or names.get("/Dests") is None:
        return {}
    return {key: value for key, value in pikepdf.NameTree(names.Dests).items()}


def _describe(annot, words, dests, pages):
    language = words.get(None, "").replace("-", "_")

    def say(phrase, **values):
        return gettext(language, phrase).format(**values)

    kind, target = _annot_target(annot) or (None, "")
    if kind == "uri":
        if target.startswith("mailto:"):
            return say(EMAIL, address=target.removeprefix("mailto:"))
        return say(WEB_ADDRESS, url=target)
    text = words.get(target) or say(ELSEWHERE)
    dest = dests.get(target)
    page = pages.get(dest[0].objgen) if dest is not None and len(dest) else None
    return say(GO_TO_PAGE, title=text, page=page) if page else say(GO_TO, title=text)


# WeasyPrint (through pydyf) writes each marked-content sequence it tags as three lines,
# ``/Tag``, ``<</MCID n>>``, ``BDC``, and page text as hexadecimal glyph strings, so this
# form cannot occur inside a string of the page.
_TAGGED = re.compile(rb"(?<![^\n])/[A-Za-z][A-Za-z0-9]*\n<</MCID (\d+)>>\nBDC(?=\n|\Z)")
_ARTIFACT = b"/Artifact\n<</Type /Pagination>>\nBDC"


def _mark_artifacts(pdf, page, mcids):
    """Rewrite the marked-content sequences ``mcids`` of ``page`` as pagination artifacts.

    The page's content stream is edited as bytes, where WeasyPrint wrote the fixed form
    above, rather than parsed into operators and written back (finishing the 304-page
    book ×10 took 1.5 s of CPU instead of 4.8 s); a page where any of ``mcids`` is not
    found exactly once in that form is parsed and rewritten operator by operator instead.
    """
    import pikepdf

    contents = page.obj.get("/Contents")
    if isinstance(contents, pikepdf.Stream):
        data = contents.read_bytes()
        found = [int(m.group(1)) for m in _TAGGED.finditer(data)]
        if all(found.count(m) == 1 for m in mcids):
            page.Contents = pdf.make_stream(_TAGGED.sub(
                lambda m: _ARTIFACT if int(m.group(1)) in mcids else m.group(0), data))
            return
    _mark_artifacts_parsed(pdf, page, mcids)


def _mark_artifacts_parsed(pdf, page, mcids):
    """:func:`_mark_artifacts` for content streams of any form: parse, edit, write back."""
    import pikepdf

    ops = []
    for operands, operator in pikepdf.parse_content_stream(page):
        if (str(operator) == "BDC" and len(operands) == 2
                and isinstance(operands[1], pikepdf.Dictionary)
                and operands[1].get("/MCID") is not None
                and int(operands[1].MCID) in mcids):
            operands = [pikepdf.Name("/Artifact"),
                        pikepdf.Dictionary(Type=pikepdf.Name("/Pagination"))]
        ops.append((operands, operator))
    page.Contents = pdf.make_stream(pikepdf.unparse_content_stream(ops))
