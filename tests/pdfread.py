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
                if dest is None and item.action is not None:   # a GoTo action (pypdf writes one)
                    dest = item.action.get("/D")
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


# -- tagged-PDF reading: marked content, structure tree, text sizes -------------------------

def _marked_runs(pdf):
    """[(page index, mcid or "artifact" or None, text, size in pt)] for every text run (the
    preflight's reader, patientpress/print/preflight/reading.py, reads them)."""
    from patientpress.print.preflight.reading import page_runs

    return [(index, owner, text, size) for index, runs in enumerate(page_runs(pdf))
            for _base, _x, text, size, owner in runs]


def text_sizes(pdf):
    """[(page number, size in pt, text, is page furniture)] for every run of text, except
    the words drawn inside figures (labels of a drawing are part of the picture)."""
    pictures = _figure_content(pdf)
    return [(i + 1, size, text, owner == "artifact") for i, owner, text, size in _marked_runs(pdf)
            if (i, owner) not in pictures]


def _figure_content(pdf):
    """{(page index, mcid)} of the marked content owned by Figure elements."""
    owned = set()
    with pikepdf.open(pdf) as doc:
        pages = {p.objgen: i for i, p in enumerate(doc.pages)}

        def walk(elem, page, inside):
            if isinstance(elem, pikepdf.Array):
                for kid in elem:
                    walk(kid, page, inside)
            elif isinstance(elem, pikepdf.Dictionary) and "/S" in elem:
                page = pages.get(elem.Pg.objgen, page) if "/Pg" in elem else page
                if "/K" in elem:
                    walk(elem.K, page, inside or elem.S == "/Figure")
            elif isinstance(elem, int) and inside:
                owned.add((page, int(elem)))

        walk(doc.Root.StructTreeRoot.K, 0, False)
    return owned


def structure(pdf):
    """The structure tree in reading order: [(depth, tag, words, alt)], with each element's
    words gathered from the marked content it owns (and its descendants')."""
    runs = {}
    for index, owner, text, _ in _marked_runs(pdf):
        if isinstance(owner, int):
            runs.setdefault((index, owner), []).append(text)
    out = []
    with pikepdf.open(pdf) as doc:
        pages = {p.objgen: i for i, p in enumerate(doc.pages)}

        def walk(elem, depth, page):
            if not isinstance(elem, pikepdf.Dictionary) or "/S" not in elem:
                return ""
            page = pages.get(elem.Pg.objgen, page) if "/Pg" in elem else page
            kids = elem.get("/K")
            kids = list(kids) if isinstance(kids, pikepdf.Array) else [] if kids is None else [kids]
            slot = len(out)
            out.append(None)
            words = []
            for kid in kids:
                if isinstance(kid, int):
                    words.append("".join(runs.get((page, int(kid)), [])))
                elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
                    kp = pages.get(kid.Pg.objgen, page) if "/Pg" in kid else page
                    words.append("".join(runs.get((kp, int(kid.MCID)), [])))
                else:
                    words.append(walk(kid, depth + 1, page))
            text = " ".join(" ".join(words).split())
            alt = str(elem.Alt) if "/Alt" in elem else None
            out[slot] = (depth, str(elem.S)[1:], text, alt)
            return text

        tops = doc.Root.StructTreeRoot.K
        for top in (tops if isinstance(tops, pikepdf.Array) else [tops]):
            walk(top, 0, 0)
    return out


def headings(pdf):
    """[(level, words)] of the structure tree's H1…H6, in reading order."""
    return [(int(tag[1]), words) for _, tag, words, _ in structure(pdf)
            if len(tag) == 2 and tag[0] == "H" and tag[1].isdigit()]


def accessibility_problems(pdf):
    """What this project checks of PDF/UA-1 beyond the `pdfua` tool, as readable messages."""
    problems = []
    meta = info(pdf)
    for key, message in (("struct_tree", "no structure tree (untagged PDF)"),
                         ("marked", "MarkInfo /Marked is not true"),
                         ("display_title", "the viewer does not show the title (DisplayDocTitle)"),
                         ("lang", "no document language (/Lang)"),
                         ("title", "no document title"),
                         ("pdfua", "no PDF/UA identification in the XMP metadata")):
        if not meta[key]:
            problems.append(message)
    if not meta["struct_tree"]:
        return problems
    previous = 0
    for level, words in headings(pdf):
        if level > previous + 1:
            problems.append(f"heading level skipped: H{previous} to H{level} at {words!r}")
        if not words:
            problems.append(f"empty H{level}")
        previous = level
    for _, tag, words, alt in structure(pdf):
        if tag == "Figure" and not (alt or "").strip():
            problems.append("a figure has no alternative text")
    for name, embedded in fonts(pdf).items():
        if not embedded:
            problems.append(f"font {name} is not embedded")
    with pikepdf.open(pdf) as doc:
        nums = doc.Root.StructTreeRoot.ParentTree.Nums
        parents = {int(nums[i]) for i in range(0, len(nums), 2)}
        for number, page in enumerate(doc.pages, 1):
            for annot in page.get("/Annots", []):
                if annot.get("/Subtype") != "/Link":
                    continue
                contents = str(annot.get("/Contents", "")).strip()
                if not contents or "--" in contents:
                    problems.append(f"page {number}: a link has no description ({contents!r})")
                if annot.get("/StructParent") is None or int(annot.StructParent) not in parents:
                    problems.append(f"page {number}: a link is not in the structure tree")
    runs = _marked_runs(pdf)
    loose = sorted({i + 1 for i, owner, _, _ in runs if owner is None})
    if loose:
        problems.append(f"text that is neither tagged nor an artifact on pages {loose}")
    tagged = {(i, o) for i, o, _, _ in runs if isinstance(o, int)}
    with pikepdf.open(pdf) as doc:
        reachable = set()

        def reach(elem):
            if isinstance(elem, pikepdf.Array):
                for kid in elem:
                    reach(kid)
            elif isinstance(elem, pikepdf.Dictionary) and "/S" in elem:
                reachable.add(elem.objgen)
                if "/K" in elem:
                    reach(elem.K)

        reach(doc.Root.StructTreeRoot.K)
        nums = doc.Root.StructTreeRoot.ParentTree.Nums
        tree = {int(k): v for k, v in zip(list(nums)[::2], list(nums)[1::2])}
        orphans = set()
        for page, mcid in tagged:
            mcids = tree.get(page)
            ref = mcids[int(mcid)] if mcids is not None and mcid < len(mcids) else None
            if not isinstance(ref, pikepdf.Dictionary) or ref.objgen not in reachable:
                orphans.add(page + 1)
        if orphans:
            problems.append("text tagged with structure elements outside the tree (page "
                            f"furniture not marked as an artifact?) on pages {sorted(orphans)}")
    return problems


def named_links(pdf):
    """[(page number, destination name, page number it lands on or None)] of every link
    to a named destination, in page order."""
    found = []
    with pikepdf.open(pdf) as doc:
        pages = {p.objgen: i for i, p in enumerate(doc.pages, 1)}
        for number, page in enumerate(doc.pages, 1):
            for annot in page.get("/Annots", []):
                dest = annot.get("/Dest")
                if annot.get("/Subtype") != "/Link" or not isinstance(dest, pikepdf.String):
                    continue
                target = _named_dest(doc, dest)
                found.append((number, str(dest),
                              pages.get(target[0].objgen) if target is not None else None))
    return found
