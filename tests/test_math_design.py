"""Formulas (patientpress/mathsvg.py) and sphinx-design components (patientpress/design.py,
the print theme's components.css), on a book that uses them (tests/roots/test-math-design):
inline and display math ($…$, $$…$$, amsmath, the {math} role and directive, a MathJax
macro of the book's own), two numbered
equations referenced with {eq}, a dropdown, a tab set with two tabs and a grid of two cards
(one with an {octicon} icon).

Each format is read back: the e-book through its XHTML, its pictures and EPUBCheck; the PDF
through its text, its link annotations, its structure tree (the pictures' alternative
text) and where and in which font its words are set; the website through selectors.
"""

import re
import shutil
import types
import zipfile

import pikepdf
import pypdf
import pytest
from bs4 import BeautifulSoup
from lxml import etree

import epubread
import pdfread
from conftest import build_in_process, sphinx_build

from patientpress.markup import mathsvg

FORMATS = ["handout", "epub", "html"]
# Every formula of the first chapter, in reading order, as its picture's alternative text.
FORMULAS = [r"d = k \cdot w", "w", "a^2 + b^2 = c^2", r"k \in \RR", r"T = \sum_{i=1}^{n} d_i",
            r"\frac{1}{2} \sqrt{x}", r"A = \pi r^2",
            r"\begin{align*} y &= m x + c \\ z &= 2 y \end{align*}"]
# Each numbered equation: its id in the e-book and its number.
EQUATIONS = {"equation-daily-total": "(1)", "equation-area": "(2)"}
DROPDOWN = ("What if I miss a dose?",
            "Take the missed dose when you remember, unless the next one is due soon.")
TABS = {"Tablets": "Swallow tablets whole with a glass of water.",
        "Liquid": "Measure the liquid with the syringe from the pharmacy."}
CARDS = {"Morning": "Take the first dose with breakfast.",
         "Evening": "Take the second dose with supper."}
SVG = "{http://www.w3.org/2000/svg}svg"


class Built(dict):
    """The root built in-process into each format on first use, the website last (it links
    the other two), once per module; a failing build fails only the tests that read it."""

    def __init__(self, base, src):
        super().__init__()
        self.base, self.src = base, src

    def __missing__(self, builder):
        links = {"web_handout_dir": str(self["handout"].outdir),
                 "web_epub_dir": str(self["epub"].outdir)} if builder == "html" else {}
        self[builder] = build_in_process(builder, self.src, self.base / f"build-{builder}",
                                         links)
        return self[builder]


@pytest.fixture(scope="module")
def built(tmp_path_factory, rootdir):
    """``built[builder]``: the root's build in that format (``conftest.Built``)."""
    base = tmp_path_factory.mktemp("math-design")
    return Built(base, shutil.copytree(rootdir / "test-math-design", base / "src"))


def _epub(built):
    return epubread.find(built["epub"].outdir)


def _xhtml(built, docname):
    with zipfile.ZipFile(_epub(built)) as z:
        return BeautifulSoup(z.read(f"{docname}.xhtml"), "xml")


def _book_pdf(built):
    return built["handout"].outdir / "dose-book.pdf"


def _text(pdf):
    return " ".join(pdfread.text(pdf).split())


def _pdf_links(pdf):
    """[(page number, destination name, page number it lands on or None)] of a PDF's named
    links."""
    found = []
    with pikepdf.open(pdf) as doc:
        pages = {p.objgen: i for i, p in enumerate(doc.pages, 1)}
        names = doc.Root.get("/Names")
        tree = pikepdf.NameTree(names.Dests) if names is not None and "/Dests" in names else {}
        for number, page in enumerate(doc.pages, 1):
            for annot in page.get("/Annots", []):
                dest = annot.get("/Dest")
                if annot.get("/Subtype") != "/Link" or not isinstance(dest, pikepdf.String):
                    continue
                target = tree[str(dest)] if str(dest) in tree else None
                found.append((number, str(dest),
                              pages.get(target[0].objgen) if target is not None else None))
    return found


def _runs(pdf):
    """[(page number, text, x in pt from the left edge, font name)] of every run of text."""
    runs = []
    for number, page in enumerate(pypdf.PdfReader(str(pdf)).pages, 1):
        def visit(text, cm, tm, font, size, number=number):
            if text.strip():
                x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
                runs.append((number, text.strip(), x, str((font or {}).get("/BaseFont", ""))))
        page.extract_text(visitor_text=visit)
    return runs


def test_every_format_builds_strictly(built):
    for builder in FORMATS:
        assert built[builder].warnings == "", f"{builder}:\n{built[builder].warnings}"


# -- formulas in the e-book ---------------------------------------------------------

def test_ebook_formulas_are_svg_pictures_named_by_their_latex(built):
    page = _xhtml(built, "chapters/01-doses")
    pictures = [m.find("img", class_="math-svg") for m in page.select(".math")]
    assert [img["alt"] for img in pictures if img is not None] == FORMULAS
    assert "\\(" not in page.get_text() and "\\sum" not in page.get_text()
    with zipfile.ZipFile(_epub(built)) as z:
        for img in pictures:
            name = "chapters/" + img["src"]
            svg = etree.fromstring(z.read(_resolve(name)))
            assert svg.tag == SVG and svg.findall(".//{http://www.w3.org/2000/svg}path")


def _resolve(path):
    """``chapters/../_images/x`` as the archive names it: ``_images/x``."""
    parts = []
    for part in path.split("/"):
        if part == "..":
            parts.pop()
        else:
            parts.append(part)
    return "/".join(parts)


def test_ebook_metadata_says_its_formulas_are_described(built):
    features = [m.text for m in epubread.package(_epub(built)).iterfind(
        ".//opf:meta[@property='schema:accessibilityFeature']", epubread.NS)]
    assert "describedMath" in features and "alternativeText" in features


def test_ebook_runs_no_script(built):
    for name, doc in epubread.documents(_epub(built)).items():
        assert not doc.xpath("//*[local-name()='script']"), name


def test_ebook_equations_are_numbered_and_referenced(built):
    page = _xhtml(built, "chapters/01-doses")
    for id_, number in EQUATIONS.items():
        equation = page.find(id=id_)
        assert equation.find(class_="eqno").get_text().strip() == number
        assert equation.find("img", class_="math-svg") is not None
        refs = [a.get_text().strip() for a in page.select(f'a[href$="#{id_}"]')
                if "headerlink" not in a.get("class", [])]
        assert refs == [number]
    other = _xhtml(built, "chapters/02-choices")
    assert [a.get_text() for a in other.select('a[href$="01-doses.xhtml#equation-daily-total"]')
            ] == ["(1)"]


# -- sphinx-design in the e-book ----------------------------------------------------

def test_ebook_shows_every_tab_and_the_dropdown_without_forms_or_hidden_panels(built):
    page = _xhtml(built, "chapters/02-choices")
    assert not page.find_all(["input", "details", "svg"])
    # sphinx-design's CSS (in the e-book) hides every .sd-tab-content but a checked one.
    assert not page.select(".sd-tab-content")
    tabs = {tab.select_one(".pp-tab-label").get_text().strip():
            tab.select_one(".pp-tab-content").get_text().strip()
            for tab in page.select(".pp-tab-set > .pp-tab")}
    assert tabs == TABS
    box = page.select_one(".pp-dropdown")
    assert box.select_one(".pp-dropdown-title").get_text().strip() == DROPDOWN[0]
    assert DROPDOWN[1] in box.get_text()
    cards = {card.select_one(".sd-card-title").get_text().strip():
             card.select_one(".sd-card-text").get_text().strip()
             for card in page.select(".sd-card")}
    assert cards == CARDS


@pytest.mark.slow
def test_the_ebook_passes_epubcheck_with_no_message(built):
    assert epubread.epubcheck(_epub(built)) == []


# -- formulas in the PDF ------------------------------------------------------------

def test_pdf_formulas_are_pictures_with_their_latex_as_alternative_text(built):
    pdf = _book_pdf(built)
    alts = [alt for _, tag, _, alt in pdfread.structure(pdf) if tag == "Figure"]
    assert [alt for alt in alts if alt in FORMULAS] == FORMULAS
    text = _text(pdf)
    assert "\\(" not in text and "\\frac" not in text and "\\sum" not in text


def _equation_pages(pdf):
    """{equation id: the page its links land on} of a PDF, each checked to be one page."""
    links = _pdf_links(pdf)
    landing = {}
    for id_ in EQUATIONS:
        lands = {to for _, dest, to in links if dest == "chapters-01-doses--" + id_}
        assert len(lands) == 1 and None not in lands, links
        landing[id_] = lands.pop()
    return landing


@pytest.mark.parametrize("name", ["dose-book.pdf", "chapters/01-doses.pdf"])
def test_pdf_equation_numbers_print_beside_their_formulas_and_links_to_them_are_live(
        built, name):
    pdf = built["handout"].outdir / name
    pages = pdfread.page_texts(pdf)
    width = pdfread.info(pdf)["mediabox"][2]
    runs = _runs(pdf)
    for id_, page in _equation_pages(pdf).items():
        assert "Working out a dose" in pages[page - 1]
        # The number is set at the right of the text block, on the formula's line.
        xs = [x for p, text, x, _ in runs if p == page and text == EQUATIONS[id_]]
        assert xs and max(xs) > width / 2, (id_, xs)


def test_pdf_eq_link_from_another_chapter_is_live(built):
    pdf = _book_pdf(built)
    total = _equation_pages(pdf)["equation-daily-total"]
    choices = next(i for i, text in enumerate(pdfread.page_texts(pdf), 1)
                   if "Choosing together" in text and "Contents" not in text)
    assert (choices, "chapters-01-doses--equation-daily-total", total) in _pdf_links(pdf)
    assert f"The (1) (page {total}) formula" in _text(pdf)


# -- sphinx-design in the PDF -------------------------------------------------------

def test_pdf_prints_every_tab_under_its_label_and_the_dropdown_open(built):
    text = _text(_book_pdf(built))
    expected = [DROPDOWN[0], DROPDOWN[1]]
    for label, content in TABS.items():
        expected += [label, content]
    for title, content in CARDS.items():
        expected += [title, content]
    at = [text.find(words) for words in expected]
    assert -1 not in at and at == sorted(at), dict(zip(expected, at))
    # The labels are set as labels (bold), the contents as text.
    fonts = {text: font for _, text, _, font in _runs(_book_pdf(built))}
    for label in (DROPDOWN[0], *TABS):
        assert "Bold" in fonts[label], (label, fonts.get(label))
    assert "Bold" not in fonts[TABS["Tablets"]]


def test_print_document_has_no_form_controls_or_hidden_panels(built):
    page = BeautifulSoup((built["handout"].outdir / "index.html").read_text("utf-8"), "lxml")
    assert not page.find_all(["input", "details", "summary"])
    assert not page.select(".sd-tab-content, .sd-octicon")
    labels = [tab.select_one(".pp-tab-label").get_text().strip()
              for tab in page.select(".pp-tab-set > .pp-tab")]
    assert labels == list(TABS)


def test_pdf_grid_of_cards_is_one_column(built):
    lines = pdfread.text(_book_pdf(built)).splitlines()
    titles = [i for i, line in enumerate(lines) if line.strip() in CARDS]
    assert len(titles) == 2 and titles[0] < titles[1]
    assert not any("Morning" in line and "Evening" in line for line in lines)


@pytest.mark.parametrize("name", ["dose-book.pdf", "chapters/01-doses.pdf",
                                  "chapters/02-choices.pdf"])
def test_pdf_passes_the_accessibility_checks(built, name):
    """Formulas are figures with alternative text; icons (a card's {octicon}) are left out,
    not tagged as figures without any."""
    assert pdfread.accessibility_problems(built["handout"].outdir / name) == []


# -- the website keeps MathJax --------------------------------------------------------

def test_website_keeps_mathjax(built):
    page = BeautifulSoup((built["html"].outdir / "chapters/01-doses.html").read_text("utf-8"),
                         "lxml")
    assert any("mathjax" in (s.get("src") or "") for s in page.find_all("script"))
    assert not page.select("img.math-svg")
    assert "\\(d = k \\cdot w\\)" in page.get_text()


# -- bad LaTeX ----------------------------------------------------------------------

@pytest.mark.parametrize("latex, reason", [
    (r"\frac{1}{", "an opening brace '{' is never closed"),
    (r"x}", "a closing brace '}' has no opening one"),
    (r"\foo{x}", r"unknown command \foo (a macro of the book's own is given to every format "
                  "in conf.py: mathjax3_config = {'tex': {'macros': {'name': 'definition'}}})"),
    (r"\begin{bogus} x \end{bogus}", "unknown environment 'bogus'"),
])
def test_problem_names_what_is_wrong(latex, reason):
    assert mathsvg.problem(latex, display=False) == reason


def test_problem_accepts_what_books_write():
    for latex in FORMULAS + [r"\begin{align} a &= b \\ c &= d \end{align}", r"\{x\}",
                             r"\begin{cases} 1 & x > 0 \\ 0 & x \le 0 \end{cases}"]:
        assert mathsvg.problem(latex, True, r"\newcommand{\RR}{\mathbb{R}}") is None, latex


def test_the_books_mathjax_macros_are_known_to_the_pictures():
    config = types.SimpleNamespace(mathjax4_config=None, mathjax3_config={"tex": {"macros": {
        "RR": r"\mathbb{R}", "bvec": [r"\mathbf{#1}", 1]}}})
    prefix = mathsvg.macros(config)
    assert mathsvg.problem(r"v \in \RR, \bvec{v}", False, prefix) is None
    assert 'mathvariant="bold"' in mathsvg.to_mathml(r"\bvec{v}", False, prefix)
    assert mathsvg.problem(r"v \in \RR", False).startswith(r"unknown command \RR")


def test_bad_latex_fails_a_strict_build_naming_the_file_and_line(tmp_path, rootdir):
    src = shutil.copytree(rootdir / "test-math-design", tmp_path / "src")
    chapter = src / "chapters" / "02-choices.md"
    lines = chapter.read_text("utf-8").splitlines()
    lines += ["", r"A broken one: $\frac{1}{$, and one more: $\foo{x}$."]
    chapter.write_text("\n".join(lines) + "\n", "utf-8")
    proc = sphinx_build("epub", tmp_path / "epub", srcdir=src, confdir=src)
    assert proc.returncode != 0
    where = f"{chapter}:{len(lines)}: WARNING: "
    assert (where + "formula \"\\frac{1}{\" cannot be drawn for the e-book and the PDFs: "
            "an opening brace '{' is never closed [patientpress.math]") in proc.stderr
    assert where + "formula \"\\foo{x}\"" in proc.stderr
    assert "unknown command \\foo (a macro of the book's own" in proc.stderr
    assert "Traceback" not in proc.stderr and "Exception occurred" not in proc.stderr


@pytest.mark.parametrize("latex, display", [
    (r"\begin{equation}\label{eq:x} O = \max\lbrace 0, V - C \rbrace \end{equation}", True),
    (r"\begin{align} V &= A \cdot r \label{eq:v} \\ O &= V - C \nonumber \end{align}", True),
    (r"\definecolor{energy}{RGB}{255,226,140} \colorbox{energy}{$E$} = m c^2", False),
    (r"\require{color} \definecolor{c}{HTML}{003F7D} \textcolor{c}{x}", False),
])
def test_formulas_mathjax_draws_are_drawn_too(latex, display):
    """Issue 27, point 5: what a real Jupyter Book's MathJax drew and our pictures printed
    as LaTeX source."""
    assert mathsvg.problem(latex, display) is None
    mathml = mathsvg.to_mathml(latex, display)
    assert "\\" not in mathml and "$" not in mathml


def test_a_colour_box_holds_math_not_dollar_signs():
    mathml = mathsvg.to_mathml(r"\definecolor{e}{RGB}{255,226,140} \colorbox{e}{$E$}", False)
    assert 'mathbackground="#ffe28c"' in mathml and ">E</" in mathml


def test_latex_whose_mathml_is_not_xml_is_a_message():
    assert "not well-formed" in mathsvg.problem(r"\unicode{x}", False)


def test_a_formula_above_the_baseline_gets_valid_css():
    """A negative depth once gave 'vertical-align: --0.073em' (12 WeasyPrint warnings)."""
    drawing = mathsvg.draw(r"\overline{x}^{2}", False)
    style = f"vertical-align: {-drawing.depth:.3f}em"
    assert "--" not in style and re.fullmatch(r"vertical-align: -?\d+\.\d{3}em", style)


def test_limits_after_a_braced_operator_as_mathjax_takes_them():
    """'{\\min }\\limits_x' (a real book's formula): TeX refuses it, MathJax draws it."""
    assert mathsvg.problem(r"{\min }\limits_x f\left(x_{ij}\right) = 7x_{11}", True) is None
