"""Find English a reader of a translated book would meet: every visible string, tooltip,
``aria-label`` and ``alt`` of the website and the e-book, the e-book's metadata, and every
PDF's text, title, bookmarks, link descriptions (``/Contents``) and figure descriptions.

A string is English when it holds one of ``ENGLISH_WORDS``: everyday English words that
are no word of Spanish (or of the other languages a book may be translated into), after
the names a reader is meant to see in English (``NAMES``) and web addresses are taken out.
Text inside an element marked ``lang="en"`` is English on purpose (the link to the English
edition) and is left alone, as a screen reader reads it in an English voice.
"""

import re
import zipfile
from pathlib import Path

import pikepdf
from bs4 import BeautifulSoup, Comment, Doctype, ProcessingInstruction

import pdfread

#: English words no Spanish sentence has (not "a", "no", "me", "he", "web", "menu"...).
ENGLISH_WORDS = frozenset("""
the and of to this that with for is are was be been will can on at by from into your you
we our my its it page pages link links search searching results toggle sidebar main skip
heading term image figure picture contents table close open theme light dark print
download edit view source show hide navigation section found match matches documents
please activate address go back top next previous home read book guide chapter handout
large questions notes phone hours given checked written reviewed last scan online type
edition booklet clinic patient information what which when where who how all any more
only also here there about before after not yet copyright built using powered unknown
""".split())

#: Names and English words a Spanish reader is meant to see: the project's and sites' names,
#: the English titles of acronyms the book explains, and the English search words it tells
#: the reader to type on ClinicalTrials.gov.
NAMES = ["Patient Press", "ClinicalTrials.gov", "MedWatch", "Investigational New Drug",
         "Institutional Review Board", "Pew Charitable Trusts", "diabetic neuropathy",
         "stem cell", "Atkinson Hyperlegible"]

# A web address, whole or a piece of one that the PDF's text wraps onto the next line (with
# a "/" in it, or words joined by two hyphens or more).
URL = re.compile(r"\b(?:https?://|www\.)\S+|\S+\.(?:html|pdf|epub|gov|org|int)\b\S*"
                 r"|\S*/\S*|\S*\w-\w+-\S*")
WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
ATTRIBUTES = ("title", "aria-label", "alt", "placeholder", "aria-description",
              "aria-roledescription")


def english_words(text):
    """The English words of ``text``, names and addresses left out."""
    for name in NAMES:
        text = text.replace(name, " ")
    text = URL.sub(" ", text)
    return [w for w in WORD.findall(text) if w.lower() in ENGLISH_WORDS]


def problems(strings):
    """``[(where, string)]`` -> one line per string that holds English."""
    found = []
    for where, string in strings:
        words = english_words(string)
        if words:
            found.append(f"{where}: {' '.join(string.split())[:100]!r} ({', '.join(words)})")
    return found


# -- markup: the website and the e-book's documents -------------------------------------------

def _english_on_purpose(element):
    return any((el.get("lang") or el.get("xml:lang") or "").startswith("en")
               for el in [element, *element.parents] if hasattr(el, "get"))


def markup_strings(markup, where, parser="html.parser"):
    """Every string a reader meets in an HTML or XHTML document: its text (not scripts,
    styles or comments), its title, and the tooltips, labels and descriptions of its
    elements."""
    soup = BeautifulSoup(markup, parser)
    for el in soup(["script", "style", "noscript"]):
        el.decompose()
    out = []
    for text in soup.find_all(string=True):
        if isinstance(text, (Comment, Doctype, ProcessingInstruction)) or not text.strip():
            continue
        if not _english_on_purpose(text.parent):
            out.append((where, str(text)))
    for el in soup.find_all(True):
        if _english_on_purpose(el):
            continue
        for name in ATTRIBUTES:
            value = el.get(name)
            if isinstance(value, str) and value.strip():
                out.append((f"{where} @{name}", value))
        if el.name == "input" and el.get("type") in ("submit", "button") and el.get("value"):
            out.append((f"{where} @value", el["value"]))
    return out


def website_strings(outdir):
    outdir = Path(outdir)
    return [s for page in sorted(outdir.rglob("*.html"))
            for s in markup_strings(page.read_text(encoding="utf-8"),
                                    page.relative_to(outdir).as_posix())]


def ebook_strings(epub):
    out = []
    with zipfile.ZipFile(epub) as z:
        for name in z.namelist():
            data = z.read(name).decode("utf-8", "replace")
            if name.endswith((".xhtml", ".html")):
                out += markup_strings(data, name, "xml")
            elif name.endswith(".ncx"):
                out += [(name, t) for t in BeautifulSoup(data, "xml").find_all("text")
                        for t in [t.get_text()]]
            elif name.endswith(".opf"):
                opf = BeautifulSoup(data, "xml")
                metadata = opf.find("metadata")
                out += [(f"{name} <{el.name}>", el.get_text()) for el in metadata.find_all(True)
                        if el.get_text().strip()]
    return out


# -- PDF ----------------------------------------------------------------------------------

def _annotations(doc):
    for number, page in enumerate(doc.pages, 1):
        for annot in page.get("/Annots") or []:
            contents = annot.get("/Contents")
            if contents is not None:
                yield number, str(contents)


def _structure_texts(doc):
    """The /Alt and /ActualText of the structure tree (a figure's description)."""
    root = doc.Root.get("/StructTreeRoot")
    seen, stack = set(), [root] if root is not None else []
    while stack:
        node = stack.pop()
        if not isinstance(node, pikepdf.Dictionary) or node.objgen in seen and node.objgen != (0, 0):
            continue
        seen.add(node.objgen)
        for key in ("/Alt", "/ActualText", "/T"):
            if key in node:
                yield key, str(node[key])
        kids = node.get("/K")
        if isinstance(kids, pikepdf.Array):
            stack.extend(kids)
        elif isinstance(kids, pikepdf.Dictionary):
            stack.append(kids)


def pdf_strings(pdf, where):
    out = []
    with pikepdf.open(pdf) as doc:
        info_title = str(doc.docinfo.get("/Title", ""))
        out.append((f"{where} /Title", info_title))
        with doc.open_metadata() as meta:
            out.append((f"{where} XMP dc:title", str(meta.get("dc:title", ""))))
        out += [(f"{where} p.{n} link /Contents", c) for n, c in _annotations(doc)]
        out += [(f"{where} structure {k}", t) for k, t in _structure_texts(doc)]
    out += [(f"{where} bookmark", title) for _, title, _ in pdfread.outline(pdf)]
    for number, text in enumerate(pdfread.page_texts(pdf), 1):
        out += [(f"{where} p.{number}", line) for line in text.splitlines() if line.strip()]
    return out
