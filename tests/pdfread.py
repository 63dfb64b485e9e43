"""Read a PDF back for the tests: text, outline, links, fonts, metadata (pikepdf + poppler)."""

import subprocess
from pathlib import Path

import pikepdf


def text(pdf, first=None, last=None):
    cmd = ["pdftotext", "-layout", "-enc", "UTF-8"]
    if first:
        cmd += ["-f", str(first)]
    if last:
        cmd += ["-l", str(last)]
    return subprocess.run(cmd + [str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout


def page_texts(pdf):
    with pikepdf.open(pdf) as doc:
        n = len(doc.pages)
    return [text(pdf, i, i) for i in range(1, n + 1)]


def outline(pdf):
    """[(level, title, page number)] in reading order."""
    out = []
    with pikepdf.open(pdf) as doc:
        pages = {p.objgen: i + 1 for i, p in enumerate(doc.pages)}

        def walk(items, level):
            for item in items:
                dest = item.destination
                page = None
                if isinstance(dest, pikepdf.Array) and len(dest):
                    page = pages.get(dest[0].objgen)
                elif dest is not None:
                    named = _named_dest(doc, dest)
                    page = pages.get(named[0].objgen) if named is not None else None
                out.append((level, item.title, page))
                walk(item.children, level + 1)

        with doc.open_outline() as ol:
            walk(ol.root, 1)
    return out


def _named_dest(doc, name):
    names = doc.Root.get("/Names")
    tree = names.get("/Dests") if names is not None else None
    if tree is not None:
        nt = pikepdf.NameTree(tree)
        key = str(name)
        if key in nt:
            d = nt[key]
            return d.get("/D", d) if isinstance(d, pikepdf.Dictionary) else d
    dests = doc.Root.get("/Dests")
    if dests is not None and str(name) in dests:
        return dests[str(name)]
    return None


def internal_links(pdf):
    """[(page number, destination or None if it does not resolve)] for every GoTo link."""
    found = []
    with pikepdf.open(pdf) as doc:
        for number, page in enumerate(doc.pages, 1):
            for annot in page.get("/Annots", []):
                if annot.get("/Subtype") != "/Link":
                    continue
                dest = annot.get("/Dest")
                action = annot.get("/A")
                if dest is None and action is not None and action.get("/S") == "/GoTo":
                    dest = action.get("/D")
                if dest is None:
                    continue
                if isinstance(dest, (pikepdf.String, pikepdf.Name)):
                    dest = _named_dest(doc, dest)
                found.append((number, dest))
    return found


def fonts(pdf):
    """{font name: embedded?} over every page."""
    result = {}
    with pikepdf.open(pdf) as doc:
        for page in doc.pages:
            res = page.get("/Resources", {})
            for _, font in (res.get("/Font") or {}).items():
                descendants = font.get("/DescendantFonts")
                desc = descendants[0].get("/FontDescriptor") if descendants else font.get("/FontDescriptor")
                embedded = desc is not None and any(
                    k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3"))
                result[str(font.get("/BaseFont"))] = embedded
    return result


def info(pdf):
    with pikepdf.open(pdf) as doc:
        meta = doc.open_metadata()
        return {
            "title": str(doc.docinfo.get("/Title", "")),
            "author": str(doc.docinfo.get("/Author", "")),
            "lang": str(doc.Root.get("/Lang", "")),
            "pages": len(doc.pages),
            "mediabox": [float(x) for x in doc.pages[0].MediaBox],
            "display_title": bool(doc.Root.get("/ViewerPreferences", {}).get("/DisplayDocTitle", False)),
            "marked": bool(doc.Root.get("/MarkInfo", {}).get("/Marked", False)),
            "struct_tree": "/StructTreeRoot" in doc.Root,
            "pdfua": meta.get("pdfuaid:part"),
        }
