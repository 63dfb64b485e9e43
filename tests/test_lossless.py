"""Lossless: every piece of text of the sources is in every format, and no internal link is broken.

The sources' text is read from the doctrees Sphinx pickled during the build (one block per
heading, paragraph, list item, admonition, figure caption, table cell, footnote and
glossary entry) and looked for in the text of the website page, the e-book page and the
whole-book PDF, compared on letters and digits only (white space, hyphenation, ligatures,
quotes and case do not count). The checker is proved on outputs with one paragraph cut.
"""

import pickle
import re
import unicodedata
import zipfile
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlsplit

import pytest
from bs4 import BeautifulSoup
from docutils import nodes
from sphinx import addnodes

import pdfread
from conftest import LANGUAGES, build_in_process, built_in
from test_bad_input import EPOCH, copy_book

FORMATS = ["handout", "epub", "html"]
FIGURE = ('<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20" viewBox="0 0 40 20">'
          '<rect width="40" height="20" fill="#246"/></svg>\n')
RICH = """\
(rich)=
# A Chapter With Everything

An opening paragraph with a footnote.[^why] It links to {ref}`the first chapter <first>`
and to [the project site](https://example.org/patients).

## Things to try

- A list item about walking every day.
- A list item with a nested list:
  - the nested item about comfortable shoes.

:::{note}
An admonition paragraph that print must never hide.
:::

:::{admonition} Questions for your doctor
Ask whether a trial is regulated.
:::

```{figure} figure.svg
:alt: A dark blue box

A figure caption describing the blue box.
```

| Symptom | What to do |
| --- | --- |
| Numb toes | Check your feet daily |
| Burning pain | Tell your care team |

```{glossary}
Neuropathy
  Damage to the nerves outside the brain and spinal cord.
```

[^why]: A footnote explaining the first sentence.
"""
KINDS = [(nodes.Admonition, "admonition"), (nodes.caption, "figure caption"),
         (nodes.entry, "table cell"), (nodes.footnote, "footnote"),
         (addnodes.glossary, "glossary entry"), (nodes.list_item, "list item"),
         (nodes.title, "heading")]
# Inline pieces whose printed form differs between formats (a reference may print its
# address after it, a footnote mark is a number or a link): text is split around them.
SPLIT_AT = (nodes.reference, addnodes.pending_xref, nodes.footnote_reference,
            nodes.citation_reference)
SKIP = (nodes.label, nodes.footnote_reference, nodes.citation_reference, nodes.comment,
        nodes.system_message, nodes.raw)


def norm(text):
    """Letters and digits only: white space, hyphens, ligatures, quotes and case do not count."""
    text = unicodedata.normalize("NFKC", text).replace("\u00ad", "").casefold()
    return re.sub(r"[\W_]+", "", text)


# -- the sources' text ---------------------------------------------------------------------

def _kind(node):
    while node is not None:
        for cls, kind in KINDS:
            if isinstance(node, cls):
                return kind
        node = node.parent
    return "paragraph"


def _fragments(block):
    """Text of a block, as pieces that each must appear whole."""
    pieces, current = [], []

    def walk(node):
        if isinstance(node, SPLIT_AT):
            pieces.append("".join(current))
            current.clear()
            # A footnote mark's number, or a reference whose text Sphinx fills in later
            # (the target's title), is not the writer's text: only split there.
            if not isinstance(node, SKIP) and (not isinstance(node, addnodes.pending_xref)
                                               or node.get("refexplicit")):
                pieces.append(node.astext())
            return
        if isinstance(node, SKIP):
            return
        if isinstance(node, nodes.Text):
            current.append(node.astext())
            return
        for child in node.children:
            walk(child)

    walk(block)
    pieces.append("".join(current))
    return [p for p in pieces if len(norm(p)) >= 3]


def source_units(doctree_dir):
    """{docname: [(kind, fragment)]} for every text block of every document."""
    units = {}
    for path in sorted(Path(doctree_dir).rglob("*.doctree")):
        docname = path.relative_to(doctree_dir).with_suffix("").as_posix()
        with path.open("rb") as f:
            tree = pickle.load(f)
        found = []
        blocks = tree.findall(lambda n: isinstance(n, (nodes.paragraph, nodes.title,
                                                       nodes.caption, nodes.term)))
        for block in blocks:
            found += [(_kind(block), piece) for piece in _fragments(block)]
        units[docname] = found
    return units


# -- each format's text --------------------------------------------------------------------

def html_text(markup, parser="lxml"):
    page = BeautifulSoup(markup, parser)
    return page.get_text(" ")


def pdf_body_text(pdf):
    """The PDF's text without page furniture: a line among the first one and the last two
    of a page (running head; the footer's book title and "Page n of m", which a text
    extractor may give as one line or two) that repeats on three or more pages."""
    pages = [[line for line in p.splitlines() if line.strip()] for p in pdfread.page_texts(pdf)]
    shape = lambda line: " ".join(re.sub(r"\d+", "#", line).split())  # noqa: E731
    counts = {}
    for lines in pages:
        for line in {shape(line) for line in lines[:1] + lines[-2:]}:
            counts[line] = counts.get(line, 0) + 1
    furniture = {line for line, n in counts.items() if n >= 3}
    body = []
    for lines in pages:
        edge = {0, len(lines) - 2, len(lines) - 1}
        body += [line for i, line in enumerate(lines)
                 if not (i in edge and shape(line) in furniture)]
    return "\n".join(body)


def missing(units, text):
    """The (kind, fragment) pairs of ``units`` not found in ``text``."""
    haystack = norm(text)
    return [(kind, piece) for kind, piece in units if norm(piece) not in haystack]


def format_texts(outdir, builder, docnames):
    """{docname: text of that document in this format} (the PDF holds every document)."""
    outdir = Path(outdir)
    if builder == "handout":
        whole = pdf_body_text(next(p for p in outdir.glob("*.pdf") if "large" not in p.name))
        return dict.fromkeys(docnames, whole)
    if builder == "epub":
        with zipfile.ZipFile(next(outdir.glob("*.epub"))) as z:
            return {d: html_text(z.read(f"{d}.xhtml"), "lxml-xml") for d in docnames}
    return {d: html_text((outdir / f"{d}.html").read_bytes()) for d in docnames}


# -- the build -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def rich_book(tmp_path_factory):
    base = tmp_path_factory.mktemp("lossless")
    src = copy_book(base / "src")
    (src / "chapters" / "03-rich.md").write_text(RICH, encoding="utf-8")
    (src / "chapters" / "figure.svg").write_text(FIGURE, encoding="utf-8")
    index = src / "index.md"
    index.write_text(index.read_text(encoding="utf-8").replace(
        "chapters/02-second\n", "chapters/02-second\nchapters/03-rich\n"), encoding="utf-8")
    with (src / "conf.py").open("a", encoding="utf-8") as conf:
        conf.write('handout_products = ["book", "chapters", "large-print"]\n')
    built = {}
    for builder in FORMATS:   # in-process, strictly; the website links the other two
        links = {"web_handout_dir": str(built["handout"].outdir),
                 "web_epub_dir": str(built["epub"].outdir)} if builder == "html" else {}
        built[builder] = build_in_process(builder, src, base / f"build-{builder}", links, EPOCH)
        assert built[builder].warnings == "", f"{builder}:\n{built[builder].warnings}"
    return built


@pytest.fixture(scope="module")
def units(rich_book):
    return source_units(rich_book["handout"].doctreedir)


def test_the_sources_have_every_kind_of_block(units):
    kinds = {kind for found in units.values() for kind, _ in found}
    assert kinds >= {"heading", "paragraph", "list item", "admonition", "figure caption",
                     "table cell", "footnote", "glossary entry"}


@pytest.mark.parametrize("builder", FORMATS)
def test_every_block_of_the_sources_is_in_every_format(rich_book, units, builder):
    texts = format_texts(rich_book[builder].outdir, builder, units)
    lost = {d: missing(found, texts[d]) for d, found in units.items()}
    assert {d: m for d, m in lost.items() if m} == {}


def test_checker_reports_a_paragraph_cut_from_the_website(rich_book, units):
    page = BeautifulSoup((rich_book["html"].outdir / "chapters" / "03-rich.html").read_bytes(), "lxml")
    note = page.find(class_="admonition note")
    note.find("p", class_=lambda c: c != "admonition-title").decompose()
    lost = missing(units["chapters/03-rich"], page.get_text(" "))
    assert lost == [("admonition", "An admonition paragraph that print must never hide.")]


def test_checker_reports_a_table_cell_cut_from_the_pdf(rich_book, units):
    text = pdf_body_text(rich_book["handout"].outdir / "tiny-book.pdf")
    assert "Burning pain" in text
    lost = missing(units["chapters/03-rich"], text.replace("Burning pain", ""))
    assert lost == [("table cell", "Burning pain")]


# -- internal links ------------------------------------------------------------------------

def _ids(markup, parser):
    page = BeautifulSoup(markup, parser)
    return {el["id"] for el in page.find_all(id=True)} | {
        el["name"] for el in page.find_all("a", attrs={"name": True})}


def broken_links(files, parser):
    """[(page, href)] of every internal link whose file or id does not exist.

    ``files`` maps a path (posix, relative to the output root) to its bytes.
    """
    ids = {}
    broken = []
    for name, data in sorted(files.items()):
        if not name.endswith((".html", ".xhtml")) or name.startswith(("_static/", "_sources/")):
            continue
        for a in BeautifulSoup(data, parser).find_all("a", href=True):
            href = a["href"]
            # A link to another site, or to this page in another language's build (checked
            # by test_spanish_formats.py against that build).
            if urlsplit(href).scheme or href.startswith("//") or a.get("hreflang"):
                continue
            path, fragment = urldefrag(href)
            target = (Path(name).parent / unquote(path)).as_posix() if path else name
            target = re.sub(r"(^|/)\./", r"\1", target)
            while "/../" in f"/{target}" and not target.startswith("../"):
                target = re.sub(r"[^/]+/\.\./", "", target, count=1)
            if target not in files:
                broken.append((name, href))
                continue
            if fragment and target.endswith((".html", ".xhtml")):
                if target not in ids:
                    ids[target] = _ids(files[target], parser)
                if unquote(fragment) not in ids[target]:
                    broken.append((name, href))
    return broken


def _tree(outdir):
    return {p.relative_to(outdir).as_posix(): p.read_bytes()
            for p in Path(outdir).rglob("*") if p.is_file()}


def test_no_broken_internal_link_on_the_website(rich_book):
    files = _tree(rich_book["html"].outdir)
    assert broken_links(files, "lxml") == []


def test_no_broken_internal_link_in_the_ebook(rich_book):
    with zipfile.ZipFile(next(rich_book["epub"].outdir.glob("*.epub"))) as z:
        files = {n: z.read(n) for n in z.namelist()}
    assert broken_links(files, "lxml-xml") == []


@pytest.mark.parametrize("pdf", ["tiny-book.pdf", "tiny-book-large-print.pdf",
                                 "chapters/03-rich.pdf"])
def test_no_broken_internal_link_in_the_pdfs(rich_book, pdf):
    links = pdfread.internal_links(rich_book["handout"].outdir / pdf)
    assert [page for page, dest in links if dest is None] == []


def test_link_checker_reports_a_missing_target():
    files = {"a.html": b'<a href="b.html#x">x</a><a href="#here">h</a><p id="here"></p>',
             "b.html": b'<p id="y"></p>'}
    assert broken_links(files, "lxml") == [("a.html", "b.html#x")]


# -- the whole book (slow: built once per session by conftest) -----------------------------

@pytest.fixture(params=LANGUAGES)
def book_outputs(request):
    """The whole book's three formats, in each language it is published in."""
    return {builder: built_in(request, builder, request.param) for builder in FORMATS}


@pytest.mark.slow
@pytest.mark.book
@pytest.mark.parametrize("builder", FORMATS)
def test_whole_book_is_lossless_in_every_format(book_outputs, builder):
    outdir = book_outputs[builder]
    book_units = source_units(outdir.parent / f".doctrees-{builder}")
    texts = format_texts(outdir, builder, book_units)
    lost = {d: missing(found, texts[d]) for d, found in book_units.items()}
    assert {d: m for d, m in lost.items() if m} == {}


@pytest.mark.slow
@pytest.mark.book
def test_whole_book_has_no_broken_internal_link(book_outputs):
    assert broken_links(_tree(book_outputs["html"]), "lxml") == []
    with zipfile.ZipFile(next(book_outputs["epub"].glob("*.epub"))) as z:
        assert broken_links({n: z.read(n) for n in z.namelist()}, "lxml-xml") == []
    for pdf in sorted(book_outputs["handout"].rglob("*.pdf")):
        assert [p for p, dest in pdfread.internal_links(pdf) if dest is None] == [], pdf
