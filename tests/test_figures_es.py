"""The figures in Spanish (issue 18, point 3).

Each drawing in ``docs/figures`` that has words has a Spanish twin, ``<name>.es.svg``, which
a ``language = "es"`` build takes in its place through Sphinx's ``figure_language_filename``
(its default, ``{root}.{language}{ext}``, which the book keeps).

The twin is the same drawing (the same shapes) with its labels, <title> and <desc> in
Spanish: no English word left, no empty label, none smaller than the English ones, and every
line inside the drawing, inside the box it starts in, and clear of the other lines, measured
with the book's font. The Spanish website, e-book and handouts show the twins, never the
English files, and the large-print handout prints their words at 16 pt or more.
"""

import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from fontTools.ttLib import TTFont

import epubread
from conftest import ROOT
from patientpress.print import fonts
from test_print import figure_word_sizes

FIGURES = ROOT / "docs" / "figures"
SVG = "{http://www.w3.org/2000/svg}"
SHAPES = ("rect", "circle", "ellipse", "line", "path", "polygon", "polyline", "marker")
# Words that are the same in both languages: names, abbreviations, and "a", "no", "control".
SAME_IN_BOTH = {"a", "no", "control", "fda", "ind", "irb", "isscr", "schwann",
                "clinicaltrials.gov"}


def spanish(svg):
    return svg.with_name(f"{svg.stem}.es.svg")


def label_lines(root):
    return ["".join(t.itertext()) for t in root.iter(SVG + "text")]


def words_of(root):
    """The lowercased words a reader meets: labels, <title>, <desc> and aria-labels."""
    texts = label_lines(root) + [el.text or "" for el in root.iter()
                                 if el.tag in (SVG + "title", SVG + "desc")]
    texts += [el.get("aria-label") for el in root.iter() if el.get("aria-label")]
    words = {w.strip("().,:;!?¿¡«»\"'").lower() for t in texts for w in t.split()}
    return {w for w in words if w and not w.isdigit()}


ENGLISH = sorted(p for p in FIGURES.glob("*.svg")
                 if len(p.suffixes) == 1 and label_lines(ET.parse(p).getroot()))


def test_the_figures_are_found():
    assert {p.name for p in ENGLISH} >= {"brain-and-nerves.svg", "check-a-trial.svg",
                                         "nerve-fibre.svg", "research-road.svg"}


@pytest.mark.parametrize("svg", ENGLISH, ids=lambda p: p.stem)
def test_every_figure_with_words_has_a_spanish_twin(svg):
    assert spanish(svg).is_file(), (f"{svg.name} has words but no Spanish version: draw "
                                    f"docs/figures/{spanish(svg).name} with its labels in Spanish")


def shapes(root):
    return {kind: len(list(root.iter(SVG + kind))) for kind in SHAPES}


@pytest.mark.parametrize("svg", ENGLISH, ids=lambda p: p.stem)
def test_the_spanish_twin_is_the_same_drawing_in_spanish(svg):
    en, es = ET.parse(svg).getroot(), ET.parse(spanish(svg)).getroot()
    assert shapes(es) == shapes(en), f"{spanish(svg).name} draws other shapes than {svg.name}"
    assert es.get("viewBox").split()[2] == en.get("viewBox").split()[2], \
        "the same width: the label sizes are fractions of it"
    assert es.get("{http://www.w3.org/XML/1998/namespace}lang") == "es"
    for part in ("title", "desc"):
        text = " ".join((es.findtext(SVG + part) or "").split())
        assert text and text != " ".join((en.findtext(SVG + part) or "").split()), \
            f"{spanish(svg).name}: its <{part}> is missing or still the English one"
    empty = [t.get("y") for t in es.iter(SVG + "text") if not "".join(t.itertext()).strip()]
    assert not empty, f"{spanish(svg).name}: empty labels at y = {empty}"
    left = (words_of(en) & words_of(es)) - SAME_IN_BOTH
    assert not left, f"{spanish(svg).name}: English words left: {sorted(left)}"


def label_sizes(root, inherited=16.0):
    size = float(root.get("font-size", inherited))
    own = [size] if root.tag == SVG + "text" else []
    return own + [s for child in root for s in label_sizes(child, size)]


@pytest.mark.parametrize("svg", ENGLISH, ids=lambda p: p.stem)
def test_the_spanish_labels_are_as_large_as_the_english(svg):
    en, es = ET.parse(svg).getroot(), ET.parse(spanish(svg)).getroot()
    assert min(label_sizes(es)) >= min(label_sizes(en))


# -- every line fits --------------------------------------------------------------------

@pytest.fixture(scope="module")
def book_font():
    files = {f.stem.rsplit("-", 1)[-1]: f for f in fonts.font_files()}
    return {False: TTFont(files["Regular"]), True: TTFont(files["Bold"])}


def ink(font, text, x, y, size, anchor):
    """(left, top, right, bottom) of ``text`` set at (x, y): advance widths across, the
    glyphs' own outlines up and down (an accent rises above a capital)."""
    cmap, glyf, upm = font.getBestCmap(), font["glyf"], font["head"].unitsPerEm
    names = [cmap.get(ord(c), ".notdef") for c in text]
    width = sum(font["hmtx"][n][0] for n in names) * size / upm
    drawn = [glyf[n] for n in names if getattr(glyf[n], "numberOfContours", 0)]
    top = max((g.yMax for g in drawn), default=0) * size / upm
    bottom = min((g.yMin for g in drawn), default=0) * size / upm
    left = x - {"start": 0, "middle": width / 2, "end": width}[anchor]
    return left, y - top, left + width, y - bottom


def lines_and_boxes(root, book_font):
    """Every label's ink box, and the boxes (untransformed <rect>s) it may sit in."""
    lines, boxes = [], []

    def walk(node, style, moved):
        style = {**style, **{k: node.get(k) for k in ("font-size", "font-weight", "text-anchor")
                             if node.get(k)}}
        moved = moved or bool(node.get("transform"))
        if node.tag == SVG + "rect" and not moved:
            boxes.append(tuple(float(node.get(k)) for k in ("x", "y", "width", "height")))
        if node.tag == SVG + "text":
            text = "".join(node.itertext())
            assert not moved and not list(node), f"{text!r}: give it its own x and y to measure"
            font = book_font[style.get("font-weight") == "bold"]
            lines.append((text, ink(font, text, float(node.get("x")), float(node.get("y")),
                                    float(style["font-size"]), style.get("text-anchor", "start"))))
        for child in node:
            walk(child, style, moved)

    walk(root, {"font-size": "16"}, False)
    return lines, boxes


def misfits(root, book_font, pad=2):
    """Lines outside the drawing, running out of the box they start in, or on each other."""
    width, height = (float(v) for v in root.get("viewBox").split()[2:])
    lines, boxes = lines_and_boxes(root, book_font)
    wrong = [f"{t!r} leaves the drawing" for t, (l, u, r, d) in lines
             if l < 0 or u < 0 or r > width or d > height]
    for text, (left, top, right, bottom) in lines:
        start = (left + right) / 2, (top + bottom) / 2
        around = [b for b in boxes if (b[2], b[3]) != (width, height)
                  and b[0] < start[0] < b[0] + b[2] and b[1] < start[1] < b[1] + b[3]]
        for x, y, w, h in around:
            if left < x + pad or right > x + w - pad or top < y + pad or bottom > y + h - pad:
                wrong.append(f"{text!r} runs out of its box at x={x:g}, y={y:g}")
    for i, (a, (l1, u1, r1, d1)) in enumerate(lines):
        for b, (l2, u2, r2, d2) in lines[i + 1:]:
            if l1 < r2 and l2 < r1 and u1 < d2 and u2 < d1:
                wrong.append(f"{a!r} and {b!r} overlap")
    return wrong


@pytest.mark.parametrize("svg", [p for f in ENGLISH for p in (f, spanish(f))],
                         ids=lambda p: p.name)
def test_every_label_fits(svg, book_font):
    assert not misfits(ET.parse(svg).getroot(), book_font)


# -- the Spanish outputs show them ------------------------------------------------------

TWINS = {spanish(f).name for f in ENGLISH}


def shown(*markups):
    """The figure files that the <img> elements of ``markups`` (HTML or XHTML text) show."""
    names = TWINS | {f.name for f in ENGLISH}
    found = set()
    for markup in markups:
        found |= {Path(img["src"]).name
                  for img in BeautifulSoup(markup, "html.parser").find_all("img", src=True)}
    return found & names


def assert_shows_twins(found, where):
    assert found == TWINS, (f"{where} shows {sorted(found - TWINS) or 'no'} English figures "
                            f"and misses {sorted(TWINS - found) or 'none'} of the Spanish ones")


def assert_shipped(read):
    """``read(file name)`` gives the bytes of ``_images/<file name>`` in an output, or None."""
    for f in ENGLISH:
        assert read(spanish(f).name) == spanish(f).read_bytes(), spanish(f).name
        assert read(f.name) is None, f"the English {f.name} ships in the Spanish book"


def folder_reader(images):
    return lambda name: (images / name).read_bytes() if (images / name).is_file() else None


@pytest.mark.slow
@pytest.mark.book
def test_the_spanish_website_shows_the_spanish_figures(built_html_es):
    pages = [p.read_text(encoding="utf-8") for p in built_html_es.rglob("*.html")]
    assert_shows_twins(shown(*pages), "the Spanish website")
    assert_shipped(folder_reader(built_html_es / "_images"))


@pytest.mark.slow
@pytest.mark.book
def test_the_spanish_ebook_shows_the_spanish_figures(built_epub_es):
    epub = epubread.find(built_epub_es)
    with zipfile.ZipFile(epub) as z:
        files = set(z.namelist())
        pages = (z.read(n).decode("utf-8") for n in files if n.endswith(".xhtml"))
        assert_shows_twins(shown(*pages), "the Spanish e-book")
        assert_shipped(lambda name: z.read(f"_images/{name}") if f"_images/{name}" in files
                       else None)
    listed = {Path(item.get("href")).name
              for item in epubread.package(epub).iterfind(".//opf:item", epubread.NS)}
    assert TWINS <= listed


@pytest.mark.slow
@pytest.mark.book
def test_the_spanish_handouts_show_the_spanish_figures(built_handout_es):
    """The whole book, its large print, and the chapter handouts together."""
    for page in ("index.html", "index-large-print.html"):
        assert_shows_twins(shown((built_handout_es / page).read_text(encoding="utf-8")), page)
    chapters = sorted((built_handout_es / "chapters").glob("*.html"))
    assert_shows_twins(shown(*(p.read_text(encoding="utf-8") for p in chapters)),
                       "the chapter handouts")
    assert_shipped(folder_reader(built_handout_es / "_images"))


@pytest.mark.slow
@pytest.mark.book
def test_the_spanish_figure_words_in_large_print_are_16pt_or_more(built_handout_es):
    sizes = figure_word_sizes(built_handout_es / "handout-large-print.pdf",
                              built_handout_es / "index-large-print.html",
                              [spanish(f) for f in ENGLISH], 18)
    assert sizes and min(sizes.values()) >= 16, sizes


BROKEN = """<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 200" font-size="28">
  <rect x="10" y="10" width="200" height="60"/>
  <text x="20" y="50">Una etiqueta demasiado larga</text>
  <text x="380" y="100" text-anchor="middle">Fuera del dibujo</text>
  <text x="20" y="130">Una línea</text>
  <text x="20" y="140">Otra línea</text>
</svg>"""


def test_the_fit_check_finds_each_misfit(book_font):
    """A label too long for its box, one off the drawing, two on each other."""
    assert misfits(ET.fromstring(BROKEN), book_font) == [
        "'Fuera del dibujo' leaves the drawing",
        "'Una etiqueta demasiado larga' runs out of its box at x=10, y=10",
        "'Una línea' and 'Otra línea' overlap",
    ]
