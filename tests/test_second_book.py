"""A second book in the tests (issue 15, point 7): tests/roots/test-second-book is no patient
handout (``handout_preset = "book"``) but a small book laid out the Jupyter Book way, a
_toc.yml with two parts and a chapter with a section sub-page, that uses together every
feature the pipeline supports: citations and a bibliography page, a numbered figure and
table ({numref}), inline and display math with a numbered equation ({eq}), a dropdown, a
tab set and a grid of cards, comments of both kinds, a hard line break, a footnote, a
definition list, a substitution and a glossary ({term}); and (issue 27) a notebook with
stored outputs read by myst-nb, a page of code, a nine-column table and the formulas only
MathJax used to draw.

It is built strictly into the website, the e-book and the PDFs, and each feature is read
back from each format (``test_feature[<feature>-<format>]``): the website's and the
e-book's pages through selectors, with every link followed to its target; the PDF through
its text and its named links, each landing on the page that holds its target. Then each
format as a whole: EPUBCheck, no script in the e-book, the PDFs' accessibility checks and
live links, the chapter handouts, axe on the website's pages.
"""

import functools
import posixpath
import re
import shutil
import zipfile

import pytest
from bs4 import BeautifulSoup

import epubread
import pdfread
from conftest import build_in_process
from tools import a11y

FORMATS = ["html", "epub", "pdf"]
BOOK_PDF = "rain-garden.pdf"
# One handout per top-level chapter of the _toc.yml (the back matter is left out in conf.py),
# with the pages it holds.
CHAPTERS = {"chapters/collecting-index.pdf": ["collecting/index", "collecting/tanks"],
            "chapters/using-watering.pdf": ["using/watering"],
            "chapters/using-rainfall.pdf": ["using/rainfall"],
            "chapters/using-sizing.pdf": ["using/sizing"]}
# Words of each page's own text.
WORDS = {"collecting/index": "A roof sheds more water", "collecting/tanks": "Most gardens do well",
         "using/watering": "A roof of area", "back/glossary": "The top layer of earth",
         "using/rainfall": "The tank fills in the wet months", "using/sizing": "Call tank_size()"}
# The reading order of the _toc.yml: parts, chapters, the chapter's section.
ORDER = ["Catching Rain", "Choosing a Tank", "Watering the Garden", "Rain by Month",
         "Sizing the Tank", "Glossary", "References"]
PARTS = ["Catching rain", "Using rain"]
WORKS = {"MR20": "Roofs as rain catchers", "Oko17": "Water from the shed roof"}
FIGURE = "A tank that stands by the downpipe."
TABS = {"Watering can": "Pour slowly at the foot of each plant.",
        "Drip line": "Run the drip line for ten minutes at dawn."}
DROPDOWN = ("What if the tank runs dry?",
            "Use tap water left to stand for a day before it goes on the beds.")
CARDS = {"Spring": "Water new seedlings every other day.",
         "Summer": "Water deeply twice a week."}
FOOTNOTE = "A fine steel mesh over the gutter outlet."
TERMS = {"mulch": "A layer of bark or compost that keeps the soil damp.",
         "soil": "The top layer of earth that plants grow in."}
DEFINITIONS = {"Overflow": "The pipe that takes water away when the tank is full.",
               "Downpipe": "The pipe that brings water from the gutter."}
SUBSTITUTED = "Most gardens do well with a two-hundred-litre water butt."
BROKEN_LINE = ["Fit a filter at the top of the pipe", "and empty it after every storm."]
FORMULAS = ["A", "V", r"V = A \cdot r"]   # in reading order; the last is equation (1)
SUFFIX = {"html": ".html", "epub": ".xhtml"}
# What axe and the site checks still find, each with its cause (see the test).
KNOWN = {
    # pydata-sphinx-theme 0.20 gives a sidebar entry with sub-pages (a _toc.yml chapter with
    # sections) a <summary> holding only an icon, and keeps the sub-page's link in it
    # closed: no name to read out, no Tab stop.
    ("axe", "summary-name (serious)"),
    ("keyboard", 'controls never reached by Tab: a.reference.internal "Choosing a Tank"'),
}


def flat(text):
    return " ".join(text.split())


class Book:
    """The root's three builds, read back."""

    def __init__(self, html, epub, handout):
        self.built = {"html": html, "epub": epub, "pdf": handout}
        self.epub = epubread.find(epub.outdir)
        self.pdf = handout.outdir / BOOK_PDF

    @functools.cache
    def page(self, fmt, doc):
        """A page of the website or the e-book, parsed whole."""
        if fmt == "epub":
            with zipfile.ZipFile(self.epub) as z:
                return BeautifulSoup(z.read(f"{doc}.xhtml"), "xml")
        return BeautifulSoup((self.built["html"].outdir / f"{doc}.html").read_bytes(), "lxml")

    @functools.cached_property
    def print_document(self):
        """The one HTML document the whole-book PDF is printed from."""
        return BeautifulSoup((self.built["pdf"].outdir / "index.html").read_bytes(), "lxml")

    def content(self, fmt, doc):
        """The page's own content, without the theme's navigation (for the PDF: the whole
        print document)."""
        if fmt == "pdf":
            return self.print_document.body
        page = self.page(fmt, doc)
        return page.select_one("article.bd-article" if fmt == "html" else "div.body")

    def follow(self, fmt, doc, link):
        """The element a link of page ``doc`` leads to (None if there is none)."""
        path, _, anchor = link["href"].partition("#")
        if path:
            doc = posixpath.normpath(posixpath.join(posixpath.dirname(doc), path))
            doc = doc.removesuffix(SUFFIX[fmt])
        return self.page(fmt, doc).find(id=anchor)

    @functools.cached_property
    def pages(self):
        """The whole-book PDF's text, page by page, white space made single spaces."""
        return [flat(t) for t in pdfread.page_texts(self.pdf)]

    @functools.cached_property
    def text(self):
        return " ".join(self.pages)

    def lands(self, prefix):
        """{destination: the text of the page it lands on} of the whole-book PDF's links whose
        destination starts with ``prefix``; each live."""
        found = {}
        for _, dest, page in pdfread.named_links(self.pdf):
            if dest.startswith(prefix):
                assert page is not None, f"link to {dest} leads nowhere"
                found[dest] = self.pages[page - 1]
        assert found, f"no link to {prefix}…"
        return found


@pytest.fixture(scope="module")
def book(built_root):
    handout = built_root("handout", "second-book")
    epub = built_root("epub", "second-book")
    html = built_root("html", "second-book", web_handout_dir=str(handout.outdir),
                      web_epub_dir=str(epub.outdir))
    return Book(html, epub, handout)


# -- each feature in each format ----------------------------------------------------

CHECKS = {}


def check(feature, *formats):
    """Register a function as the check of ``feature`` in each of ``formats``."""
    def register(fn):
        for fmt in formats:
            CHECKS[feature, fmt] = fn
        return fn
    return register


def titles(soup, selector):
    return [flat(t.get_text()).rstrip("#¶ ") for t in soup.select(selector)]


@check("reading-order", "html")
def _order_website(book, fmt):
    page, seen = "index", []
    while page:   # the website's "next" links
        soup = book.page(fmt, page)
        seen.append(titles(soup, "h1")[0])
        link = soup.find("link", rel="next")
        page = posixpath.normpath(posixpath.join(posixpath.dirname(page), link["href"])
                                  ).removesuffix(".html") if link else ""
    assert seen == ["Rain Garden", *ORDER]
    # The _toc.yml's parts are the sidebar's captions.
    assert titles(book.page(fmt, "index"), "nav.bd-links p.caption") == PARTS


@check("reading-order", "epub")
def _order_ebook(book, fmt):
    assert [t for t in epubread.nav_titles(book.epub) if t in ORDER] == ORDER


@check("reading-order", "pdf")
def _order_pdf(book, fmt):
    outline = [(t, page) for _, t, page in pdfread.outline(book.pdf) if t in ORDER]
    assert [t for t, _ in outline] == ORDER
    assert [page for _, page in outline] == sorted(page for _, page in outline)


@check("citations", "html", "epub")
def _citations_pages(book, fmt):
    doc = "collecting/index"
    cites = book.content(fmt, doc).select(".bibtex-citation")
    assert [flat(c.get_text()) for c in cites] == ["[MR20]", "Okoro [Oko17]"]
    for cite in cites:
        entry = book.follow(fmt, doc, cite.a)
        assert entry is not None and "citation" in entry["class"], cite
        assert WORKS[cite.a.get_text()] in entry.get_text()
    listed = book.content(fmt, "back/references").select(".citation")
    assert [flat(e.select_one(".label").get_text()) for e in listed] == ["[MR20]", "[Oko17]"]
    # Items of their list, not DPUB-ARIA's deprecated doc-biblioentry.
    assert {e.parent.get("role") for e in listed} == {"list"}
    assert [e.get("role") for e in listed] == ["listitem", "listitem"]


@check("citations", "pdf")
def _citations_pdf(book, fmt):
    assert re.search(r"need \[MR20, page \d+\]\. Okoro \[Oko17, page \d+\] measured", book.text)
    references = book.text[book.text.rindex("References [MR20]"):]
    for label, title in WORKS.items():
        assert f"[{label}]" in references and title in references
    for dest, page in book.lands("back-references--").items():
        assert "References [MR20]" in page, dest


def _numbered(book, fmt, doc, label, number, caption):
    """A numbered figure or table: its number, its caption, the {numref} link to it."""
    content = book.content(fmt, doc)
    target = content.find(id=label)
    assert flat(target.select_one(".caption-number").get_text()) == number
    assert caption in target.get_text()
    refs = [a for a in content.select(f'a[href="#{label}"]') if "headerlink" not in a["class"]]
    assert [flat(a.get_text()) for a in refs] == [number]
    return target


def _numbered_pdf(book, dest, number, caption, verb):
    assert f"{number} {caption}" in book.text
    assert re.search(rf"{number} \(page \d+\) {verb}", book.text)
    for page in book.lands(dest).values():
        assert caption in page


@check("figure", "html", "epub")
def _figure_pages(book, fmt):
    figure = _numbered(book, fmt, "collecting/index", "tank-figure", "Fig. 1", FIGURE)
    img = figure.find("img")
    assert img["src"].endswith("_images/tank.svg") and img["alt"]
    if fmt == "epub":
        with zipfile.ZipFile(book.epub) as z:
            assert "_images/tank.svg" in z.namelist()
    else:
        assert (book.built["html"].outdir / "_images" / "tank.svg").is_file()


@check("figure", "pdf")
def _figure_pdf(book, fmt):
    _numbered_pdf(book, "collecting-index--tank-figure", "Fig. 1", FIGURE, "shows")
    alts = [alt for _, tag, _, alt in pdfread.structure(book.pdf) if tag == "Figure"]
    assert "A square blue tank with the word Tank on it." in alts


@check("table", "html", "epub")
def _table_pages(book, fmt):
    table = _numbered(book, fmt, "collecting/tanks", "tank-table", "Table 1", "Tank sizes")
    assert [flat(td.get_text()) for td in table.select("td")] == [
        "Water butt", "200", "Cistern", "1000"]


@check("table", "pdf")
def _table_pdf(book, fmt):
    _numbered_pdf(book, "collecting-tanks--tank-table", "Table 1", "Tank sizes", "lists")
    assert "Water butt 200 Cistern 1000" in book.text


@check("math", "html")
def _math_website(book, fmt):
    """The website keeps MathJax, as a Jupyter Book's does."""
    page = book.page(fmt, "using/watering")
    assert any("mathjax" in (s.get("src") or "") for s in page.find_all("script"))
    text = book.content(fmt, "using/watering").get_text()
    assert r"\(A\)" in text and r"\[V = A \cdot r\]" in text


@check("math", "epub")
def _math_ebook(book, fmt):
    """SVG pictures named by their LaTeX, no script."""
    pictures = book.content(fmt, "using/watering").select(".math img.math-svg")
    assert [img["alt"] for img in pictures] == FORMULAS
    with zipfile.ZipFile(book.epub) as z:
        names = set(z.namelist())
    assert all(posixpath.normpath("using/" + img["src"]) in names for img in pictures)
    assert "\\cdot" not in book.content(fmt, "using/watering").get_text()


@check("math", "pdf")
def _math_pdf(book, fmt):
    alts = [alt for _, tag, _, alt in pdfread.structure(book.pdf) if tag == "Figure"]
    assert [alt for alt in alts if alt in FORMULAS] == FORMULAS
    assert "\\cdot" not in book.text and "\\(" not in book.text


@check("equation", "html", "epub")
def _equation_pages(book, fmt):
    content = book.content(fmt, "using/watering")
    equation = content.find(id="equation-roof-volume")
    assert flat(equation.select_one(".eqno").find(string=True)) == "(1)"
    refs = [a for a in content.select('a[href="#equation-roof-volume"]')
            if "headerlink" not in a.get("class", [])]
    assert [flat(a.get_text()) for a in refs] == ["(1)"]


@check("equation", "pdf")
def _equation_pdf(book, fmt):
    assert re.search(r"as \(1\) \(page \d+\) shows", book.text)
    for page in book.lands("using-watering--equation-roof-volume").values():
        assert "Watering the Garden A roof of area" in page and "shows. (1)" in page


@check("dropdown", "html")
def _dropdown_website(book, fmt):
    box = book.content(fmt, "using/watering").select_one("details.sd-dropdown")
    assert flat(box.summary.get_text()) == DROPDOWN[0] and DROPDOWN[1] in box.get_text()


@check("dropdown", "epub")
def _dropdown_ebook(book, fmt):
    """Open, as a box with its title as a label (in the e-book and in print)."""
    content = book.content(fmt, "using/watering")
    assert not content.find_all(["details", "input"])
    box = content.select_one(".pp-dropdown")
    assert flat(box.select_one(".pp-dropdown-title").get_text()) == DROPDOWN[0]
    assert DROPDOWN[1] in box.get_text()


def _in_order(text, *words):
    at = [text.find(w) for w in words]
    assert -1 not in at and at == sorted(at), dict(zip(words, at))


@check("dropdown", "pdf")
def _dropdown_pdf(book, fmt):
    _dropdown_ebook(book, fmt)
    _in_order(book.text, *DROPDOWN)


@check("tabs", "html")
def _tabs_website(book, fmt):
    tabs = book.content(fmt, "using/watering").select_one(".sd-tab-set")
    assert titles(tabs, ".sd-tab-label") == list(TABS)
    assert titles(tabs, ".sd-tab-content") == list(TABS.values())


@check("tabs", "epub")
def _tabs_ebook(book, fmt):
    """Every tab shown under its label (in the e-book and in print)."""
    tabs = book.content(fmt, "using/watering").select_one(".pp-tab-set")
    assert titles(tabs, ".pp-tab-label") == list(TABS)
    assert titles(tabs, ".pp-tab-content") == list(TABS.values())


@check("tabs", "pdf")
def _tabs_pdf(book, fmt):
    _tabs_ebook(book, fmt)
    assert not book.content(fmt, "").select(".sd-tab-content, input")
    _in_order(book.text, *(words for tab in TABS.items() for words in tab))


@check("cards", "html", "epub")
def _cards_pages(book, fmt):
    cards = book.content(fmt, "using/watering").select("div.sd-card")
    assert {flat(c.select_one(".sd-card-title").get_text()): flat(
        c.select_one(".sd-card-text").get_text()) for c in cards} == CARDS


@check("cards", "pdf")
def _cards_pdf(book, fmt):
    _cards_pages(book, fmt)
    _in_order(book.text, *(words for card in CARDS.items() for words in card))


@check("comments", "html", "epub", "pdf")
def _comments(book, fmt):
    """No comment of either kind anywhere: not as text, not as an HTML comment."""
    if fmt == "pdf":
        out = book.built[fmt].outdir
        files = {p.relative_to(out).as_posix(): pdfread.text(p) for p in out.rglob("*.pdf")}
        files |= {p.relative_to(out).as_posix(): p.read_text("utf-8") for p in out.rglob("*.html")}
    elif fmt == "epub":
        with zipfile.ZipFile(book.epub) as z:
            files = {n: z.read(n).decode("utf-8", "replace") for n in z.namelist()}
    else:
        out = book.built[fmt].outdir
        files = {p.relative_to(out).as_posix(): p.read_text("utf-8", "replace")
                 for p in out.rglob("*") if p.is_file() and p.suffix in {".html", ".js"}}
    assert len(files) > 3
    assert [name for name, text in files.items() if "SECRET" in text] == []
    assert "A leaf guard keeps the water clean." in "".join(files.values())


def test_the_website_publishes_no_comment_in_its_sources(book):
    """patientpress turns html_copy_source off (conf.py leaves it alone): no chapter's
    Markdown, comments and all, in _sources/, and no page links one (the theme's download
    button, Sphinx's "Show Source")."""
    out = book.built["html"].outdir
    published = {p.relative_to(out).as_posix() for p in out.rglob("_sources/**/*")
                 if p.is_file() and "SECRET" in p.read_text("utf-8", "replace")}
    assert published == set()
    assert [p for p in (out / "_sources").rglob("*") if p.is_file()] == []
    linking = [p.relative_to(out).as_posix() for p in out.rglob("*.html")
               if "_sources/" in p.read_text("utf-8", "replace")]
    assert linking == []


@check("hard-break", "html", "epub")
def _break_pages(book, fmt):
    para = next(p for p in book.content(fmt, "collecting/index").find_all("p")
                if BROKEN_LINE[0] in p.get_text())
    assert len(para.find_all("br")) == 1
    assert [line.strip() for line in para.get_text().split("\n")] == BROKEN_LINE


@check("hard-break", "pdf")
def _break_pdf(book, fmt):
    lines = [line.strip() for line in pdfread.text(book.pdf).splitlines()]
    at = lines.index(BROKEN_LINE[0])
    assert lines[at + 1] == BROKEN_LINE[1]


@check("footnote", "html", "epub")
def _footnote_pages(book, fmt):
    doc = "collecting/index"
    refs = book.content(fmt, doc).select("a.footnote-reference")
    assert [flat(a.get_text()) for a in refs] == ["[1]"]
    note = book.follow(fmt, doc, refs[0])
    assert note["role"] == "doc-footnote" and FOOTNOTE in note.get_text()


@check("footnote", "pdf")
def _footnote_pdf(book, fmt):
    assert "keeps the water clean.[1]" in book.text
    for page in book.lands("collecting-index--guard").values():
        assert f"[1] {FOOTNOTE}" in page


@check("definition-list", "html", "epub")
def _deflist_pages(book, fmt):
    dl = book.content(fmt, "collecting/tanks").find("dl")
    assert dict(zip(titles(dl, "dt"), titles(dl, "dd"))) == DEFINITIONS


@check("definition-list", "pdf")
def _deflist_pdf(book, fmt):
    for term, meaning in DEFINITIONS.items():
        assert f"{term} {meaning}" in book.text


@check("substitution", "html", "epub")
def _substitution_pages(book, fmt):
    text = flat(book.content(fmt, "collecting/tanks").get_text())
    assert SUBSTITUTED in text and "{{" not in text


@check("substitution", "pdf")
def _substitution_pdf(book, fmt):
    assert SUBSTITUTED in book.text and "{{" not in book.text


@check("glossary", "html", "epub")
def _glossary_pages(book, fmt):
    dl = book.content(fmt, "back/glossary").select_one("dl.glossary")
    assert dict(zip(titles(dl, "dt"), titles(dl, "dd"))) == TERMS
    doc = "using/watering"
    links = book.content(fmt, doc).select("a:has(> .std-term)")
    assert [a.get_text() for a in links] == ["soil", "mulch"]
    for a in links:
        term = book.follow(fmt, doc, a)
        assert term is not None and term.name == "dt" and a.get_text() in term.get_text()


@check("glossary", "pdf")
def _glossary_pdf(book, fmt):
    for term, meaning in TERMS.items():
        assert f"{term} {meaning}" in book.text
    assert "when the soil is cool, and keep mulch on the beds" in book.text
    assert set(book.lands("back-glossary--term-")) == {
        "back-glossary--term-soil", "back-glossary--term-mulch"}
    for page in book.lands("back-glossary--term-").values():
        assert "Glossary mulch" in page



# -- a notebook, code, a wide table, formulas MathJax draws (issue 27) ----------------------

NB_TEXT = "Rain in May: 52 mm"
NB_ALT = "Three blue bars that grow from May to July."
NB_WIDGET = "Slider for the month: May"
NB_ERROR = "ZeroDivisionError: division by zero"
CODE_LINE = "def tank_size(roof_area_in_square_metres, rain_in_mm, days_between_storms=10, spare=0.2):"
SUPPLIER = {"Supplier": "Suppliersworth", "Capacity": "Two hundred litres",
            "Availability": "Nationwide"}
HARD_FORMULAS = ["\\label", "\\definecolor", "\\colorbox", "\\nonumber", "\\rbrace"]


def _id(fmt, label):
    """A label's id: the print document prefixes each with its chapter."""
    return f"using-sizing--{label}" if fmt == "pdf" else label


def _notebook_cells(book, fmt):
    """The notebook page's stored outputs, in any format, from its HTML."""
    content = book.content(fmt, "using/rainfall")
    text = flat(content.get_text(" ")).replace(" : ", ": ")   # highlighting splits the error
    for words in (NB_TEXT, NB_WIDGET, NB_ERROR, "Month Rain (mm) May 52 June 61"):
        assert words in text, words
    table = content.select_one("div.cell_output table.dataframe")
    assert [flat(td.get_text()) for td in table.select("td")] == ["May", "52", "June", "61"]
    # The HTML output went through the sanitizer: no script, no handler, no style.
    assert not content.select("script, style, [onclick]")
    assert "alert(" not in str(content)
    img = content.select_one("div.cell_output img")
    assert img["alt"] == NB_ALT
    return img


@check("notebook", "html")
def _notebook_website(book, fmt):
    img = _notebook_cells(book, fmt)
    assert (book.built["html"].outdir / posixpath.normpath(
        posixpath.join("using", img["src"]))).is_file()
    assert not book.page(fmt, "using/rainfall").select('script[type*="widget"]')


@check("notebook", "epub")
def _notebook_ebook(book, fmt):
    img = _notebook_cells(book, fmt)
    with zipfile.ZipFile(book.epub) as z:
        assert posixpath.normpath(posixpath.join("using", img["src"])) in z.namelist()


@check("notebook", "pdf")
def _notebook_pdf(book, fmt):
    _notebook_cells(book, fmt)
    _in_order(book.text, "Rain by Month", NB_TEXT, "Month Rain (mm) May 52 June 61",
              NB_WIDGET, NB_ERROR)
    alts = [alt for _, tag, _, alt in pdfread.structure(book.pdf) if tag == "Figure"]
    assert NB_ALT in alts


def _code_block(book, fmt):
    content = book.content(fmt, "using/sizing")
    wrapper = content.find(id=_id(fmt, "sizing-code"))
    assert "Sizing a tank" in flat(wrapper.select_one(".code-block-caption").get_text())
    pre = wrapper.select_one("div.highlight pre")
    assert pre.select("span.k") and pre.select("span.linenos"), "highlighted, numbered"
    return pre


@check("code", "html")
def _code_website(book, fmt):
    pre = _code_block(book, fmt)
    assert CODE_LINE in pre.get_text()        # the website scrolls: the line stays whole
    assert not pre.select(".wrap-mark")


def _wrapped(pre):
    """The code's lines as printed: each at most code.COLUMNS long, a long one broken
    after a mark, nothing lost."""
    from patientpress.markup import code

    lines = pre.get_text().splitlines()
    assert max(len(line) for line in lines) <= code.COLUMNS, lines
    marks = pre.select(".wrap-mark")
    assert marks and all(m.get_text() == "\u21aa" for m in marks)
    assert CODE_LINE in pre.get_text().replace("\n\u21aa ", "")


@check("code", "epub")
def _code_ebook(book, fmt):
    _wrapped(_code_block(book, fmt))
    with zipfile.ZipFile(book.epub) as z:
        assert "_static/fonts/IBMPlexMono-Regular.ttf" in z.namelist()
        css = z.read("_static/epub.css").decode()
    assert "IBM Plex Mono" in css


@check("code", "pdf")
def _code_pdf(book, fmt):
    _wrapped(_code_block(book, fmt))
    embedded = {name.split("+")[-1]: yes for name, yes in pdfread.fonts(book.pdf).items()}
    assert embedded.get("IBM-Plex-Mono") is True, embedded
    assert "\u21aa rain_in_mm" in book.text


def _supplier_table(book, fmt):
    content = book.content(fmt, "using/sizing")
    table = content.find(id=_id(fmt, "supplier-table"))
    assert flat(table.select_one(".caption-number").get_text()) == "Table 2"
    return table


@check("wide-table", "html", "epub")
def _wide_table_pages(book, fmt):
    """On a screen the table stays a table: it scrolls or reflows."""
    table = _supplier_table(book, fmt)
    heads = [flat(th.get_text()) for th in table.select("thead th")]
    assert len(heads) == 9 and heads[0] == "Supplier"
    assert not table.select(".stacked-label")


@check("wide-table", "pdf")
def _wide_table_pdf(book, fmt):
    """Nine columns do not fit 134 mm without breaking words: stacked, each cell under
    its heading, every word whole."""
    table = _supplier_table(book, fmt)
    assert "stacked-table" in table["class"]
    for label, value in SUPPLIER.items():
        assert f"{label}: {value}" in book.text, label
    words = set(book.text.split())
    assert {"Suppliersworth", "Certification:", "Nationwide"} <= words
    _numbered_pdf(book, "using-sizing--supplier-table", "Table 2", "Supplier offers", "lists")


@check("hard-math", "html")
def _hard_math_website(book, fmt):
    """MathJax gets the LaTeX as written."""
    text = book.content(fmt, "using/sizing").get_text()
    assert all(command in text for command in HARD_FORMULAS)


@check("hard-math", "epub", "pdf")
def _hard_math_drawn(book, fmt):
    """Every formula a picture (none printed as LaTeX), valid CSS for its baseline."""
    content = book.content(fmt, "using/sizing" if fmt == "epub" else "")
    assert not content.select("code.math-source")
    styles = [img.get("style", "") for img in content.select("img.math-svg")]
    assert styles and not [s for s in styles if "--" in s]
    text = book.text if fmt == "pdf" else content.get_text()
    assert not [c for c in HARD_FORMULAS if c in text]
    alts = [img["alt"] for img in content.select("img.math-svg")]
    assert any("\\colorbox" in alt for alt in alts)

@pytest.mark.parametrize("feature, fmt", sorted(CHECKS), ids=[f"{f}-{t}" for f, t in sorted(CHECKS)])
def test_feature(book, feature, fmt):
    CHECKS[feature, fmt](book, fmt)


def test_every_feature_is_checked_in_every_format():
    features = {feature for feature, _ in CHECKS}
    assert set(CHECKS) == {(f, fmt) for f in features for fmt in FORMATS}


# -- each format as a whole -----------------------------------------------------------

@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_builds_strictly(book, fmt):
    assert book.built[fmt].warnings == "", book.built[fmt].warnings


def test_ebook_runs_no_script(book):
    for name, doc in epubread.documents(book.epub).items():
        assert not doc.xpath("//*[local-name()='script']"), name


@pytest.mark.slow
def test_ebook_passes_epubcheck_with_no_message(book):
    assert epubread.epubcheck(book.epub) == []


@pytest.mark.parametrize("name", [BOOK_PDF, *CHAPTERS])
def test_pdf_passes_the_accessibility_checks_and_every_link_is_live(book, name):
    pdf = book.built["pdf"].outdir / name
    assert pdfread.accessibility_problems(pdf) == []
    links = pdfread.internal_links(pdf)
    assert links and [page for page, dest in links if dest is None] == []


def test_pdf_speaks_as_a_book_not_a_patient_handout(book):
    for pdf in book.built["pdf"].outdir.rglob("*.pdf"):
        text = flat(pdfread.text(pdf))
        for words in ("Patient information", "Given to you by", "medical advice"):
            assert words not in text, (pdf.name, words)


def test_one_handout_per_top_level_chapter_holding_its_sub_pages(book):
    out = book.built["pdf"].outdir
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.pdf")) == sorted(
        [BOOK_PDF, *CHAPTERS])
    for name, held in CHAPTERS.items():
        text = flat(pdfread.text(out / name))
        assert [doc for doc, words in WORDS.items() if words in text] == held, name
    # A chapter handout lists the works it cites, and only those.
    cited = flat(pdfread.text(out / "chapters/collecting-index.pdf"))
    assert all(title in cited for title in WORKS.values())
    assert not any(title in flat(pdfread.text(out / "chapters/using-watering.pdf"))
                   for title in WORKS.values())


@pytest.mark.slow
@pytest.mark.a11y
def test_website_passes_axe_and_the_site_checks(book):
    """Every page with a feature on it (the opening page, the search and index pages are
    judged on the whole book in test_a11y_web.py): only the KNOWN findings, each of them."""
    html = book.built["html"].outdir
    pages = [p for p in a11y.site_pages(html) if "/" in p]
    assert len(pages) == 7
    findings = a11y.audit_site(html, html.parent / "a11y", pages)
    unknown = [f"{f['check']}: {f['where']}: {f['message']}" for f in findings
               if not any(f["check"] == check and words in f["message"]
                          for check, words in KNOWN)]
    assert unknown == [], "\n".join(unknown)
    still = {(check, words) for check, words in KNOWN
             if any(f["check"] == check and words in f["message"] for f in findings)}
    assert still == KNOWN, "fixed: take it out of KNOWN"


def test_a_task_list_builds_strictly(tmp_path, rootdir):
    """MyST writes a task list's box as raw HTML, which patientpress refuses; myst.py makes
    it a box the stylesheets draw (tests/test_myst_features.py reads it in every format)."""
    src = shutil.copytree(rootdir / "test-second-book", tmp_path / "src")
    with (src / "collecting" / "tanks.md").open("a", encoding="utf-8") as f:
        f.write("\n- [x] Clean the gutter\n- [ ] Fit the overflow pipe\n")
    built = build_in_process("epub", src, tmp_path / "_build")
    assert built.warnings == ""
    with zipfile.ZipFile(next(built.outdir.glob("*.epub"))) as book:
        page = book.read("collecting/tanks.xhtml").decode("utf-8")
    assert page.count('class="task-box') == 2 and "<input" not in page
