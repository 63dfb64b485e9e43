"""The second edition's content fixes (issue 17), checked on the built book, as the third
edition (issue 28, tests/test_third_edition.py) words them.

Each accuracy fix: the corrected statement is on its page and the old one is gone.
Each misreadable sentence: the old wording is gone. Then the trust items, the two
pictures that help the reader act, and the sentence-length and readability gates
on every page and on each chapter's handout.
"""

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

import readability

pytestmark = pytest.mark.book

FIGURES = Path(__file__).resolve().parent.parent / "docs" / "figures"

CH1 = "chapters/01-what-is-neuropathy.html"
CH2 = "chapters/02-how-stem-cells-might-help.html"
CH3 = "chapters/03-where-research-stands.html"
CH4 = "chapters/04-safety-and-choosing-care.html"

MAX_SENTENCE = 20  # words, in every sentence of the book (handout gate, content standards §0)
MAX_FKGL = 6.0
MAX_SMOG = 8.0


def normalise(text):
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    text = text.replace("\u201c", '"').replace("\u201d", '"').replace("\u00a0", " ")
    text = " ".join(text.split())
    return re.sub(r"\s+([,.;:!?)])", r"\1", re.sub(r"\(\s+", "(", text))


def main(built_html, page):
    soup = BeautifulSoup((built_html / page).read_text(encoding="utf-8"), "html.parser")
    return soup.find("article") or soup.find(attrs={"role": "main"}) or soup.body


def text(built_html, page):
    return normalise(main(built_html, page).get_text(" "))


def book_pages(built_html):
    skip = {"search.html", "genindex.html", "404.html"}
    return sorted(p.relative_to(built_html).as_posix() for p in built_html.rglob("*.html")
                  if p.relative_to(built_html).as_posix() not in skip
                  and not p.relative_to(built_html).as_posix().startswith("_"))


def assert_fixed(page_text, present, gone):
    missing = [s for s in present if normalise(s) not in page_text]
    left = [s for s in gone if normalise(s) in page_text]
    assert not missing, f"corrected wording missing: {missing}"
    assert not left, f"old wording still there: {left}"


# -- The six accuracy fixes -----------------------------------------------------

def test_fda_approval_is_general_with_its_exceptions(built_html):
    assert_fixed(
        text(built_html, CH4),
        present=["For sale does not mean approved.",
                 "a stem cell product generally needs FDA approval before it can be sold",
                 "it should only be given in a clinical trial watched over by the FDA",
                 '"minimally manipulated."',
                 "This is called expanded access. Your doctor must ask the FDA.",
                 "These cases do not make a clinic's offer safe or proven."],
        gone=["must be approved by the FDA before it can be sold",
              "it may only be given in a clinical trial that the FDA oversees"])


def test_no_trusted_hospital_only_a_regulated_trial(built_html):
    for page in book_pages(built_html):
        assert "trusted hospital" not in text(built_html, page).lower(), page
    assert_fixed(
        text(built_html, CH4),
        present=["If you want to try stem cells, join only a regulated trial. "
                 "This is true even at a well-known hospital.",
                 "A big name does not make a stem cell offer safe."],
        gone=["Only get care from a trusted hospital or within a regulated clinical trial"])


def test_how_to_check_a_trial_outside_the_us(built_html):
    assert_fixed(
        text(built_html, CH4),
        present=["If the trial is outside the US",
                 "The country's health regulator has approved the trial.",
                 "An ethics committee has reviewed the trial.",
                 "International Clinical Trials Registry Platform",
                 "In other countries, a regulator approved it and an ethics committee reviewed it."],
        gone=["Only join a regulated clinical trial that has an IND number and an IRB."])
    links = [a["href"] for a in main(built_html, "sources.html").select("a[href]")]
    assert any("trialsearch.who.int" in href for href in links), links


def test_mesenchymal_stem_cell_sources_include_cord_and_placenta(built_html):
    glossary = main(built_html, "glossary.html")
    dt = glossary.select_one("dt#term-mesenchymal-stem-cell")
    assert dt is not None
    definition = normalise(dt.find_next_sibling("dd").get_text(" "))
    for source in ("bone marrow", "body fat", "umbilical cord", "Wharton's jelly",
                   "cord blood", "placenta"):
        assert source in definition, source
    assert "taken from bone marrow or body fat. Also called an MSC" not in definition
    assert_fixed(
        text(built_html, CH3),
        present=["This is the umbilical cord.", "called Wharton's jelly",
                 "Others come from cord blood or from the placenta.",
                 "(FDA) warns that clinics sell many such products without approval."],
        gone=[])


def test_mixed_evidence_keeps_every_hedge(built_html):
    assert_fixed(
        text(built_html, CH2),
        present=["But the results are mixed.",
                 "Many cells put into the body do not live for long.",
                 "any good effect may come mainly from the substances the cells give off.",
                 "whether stem cells work the same way in people"],
        gone=["stem cells can do the things in this chapter"])


def test_research_figure_caption_has_a_source_and_explains_phases(built_html):
    page = main(built_html, CH3)
    captions = [normalise(c.get_text(" ")) for c in page.select("figcaption")]
    road = [c for c in captions if c.startswith("The road from the lab")]
    assert len(road) == 1, captions
    assert "Sources: the FDA and the International Society for Stem Cell Research (ISSCR)." in road[0]
    assert "Trials in people go in steps called phases." in road[0]
    assert "As of 2026" in road[0]
    assert "between animal studies and clinical trials." not in road[0]
    # The body text explains phases too, for the reader who skips captions.
    assert "Early phases test safety in a small group of people." in text(built_html, CH3)
    svg = (FIGURES / "research-road.svg").read_text(encoding="utf-8")
    assert "(done in steps called phases)" in svg and "several phases" not in svg


# -- The six misreadable sentences ----------------------------------------------

@pytest.mark.parametrize("page, old", [
    (CH4, "A stem cell product must be approved"),
    (CH3, "not a standard treatment your doctor can give you outside a controlled clinical trial"),
    ("index.html", "No doctor has checked this book for your own health"),
    (CH4, "this is a rare risk that is possible in theory"),
    (CH4, "This harm is not a theory"),
    (CH3, "like the stem cells in an embryo"),
])
def test_misreadable_sentence_is_gone(built_html, page, old):
    assert normalise(old) not in text(built_html, page)


def test_no_link_reads_what_you_can_do_next(built_html):
    """Every chapter has a section of that name: a link with it says nothing of where it goes."""
    vague = []
    for page in book_pages(built_html):
        for a in main(built_html, page).select("a.reference.internal"):
            if a.find_parent(class_="toctree-wrapper"):
                continue  # the contents list names every section, under its chapter
            if normalise(a.get_text(" ")).lower() == "what you can do next":
                vague.append(page)
    assert not vague, vague


def test_ipscs_are_not_said_to_come_from_embryos(built_html):
    assert "No embryo is used to make them." in text(built_html, CH3)


# -- Trust and definitions --------------------------------------------------------

def test_front_matter_trust_items(built_html):
    opening = text(built_html, "index.html")
    for item in ("Written by the Patient Press writers",
                 "We are not doctors.",
                 "a reviewer who did not write the book checked it",
                 "No doctor has reviewed this book.",
                 "Who paid for this book",
                 "No clinic, drug company or maker of a stem cell product paid for this book.",
                 "The writers have no ties to any stem cell clinic or company.",
                 "This edition (the third) published: December 2026",
                 "Last reviewed: December 2026",
                 "Tell us what you think"):
        assert item in opening, item


def test_glossary_defines_consent_form(built_html):
    assert main(built_html, "glossary.html").select_one("dt#term-consent-form") is not None


def test_safety_chapter_defines_its_own_terms(built_html):
    """Its handout is read alone: MedWatch and iPSC are explained in its own text."""
    safety = text(built_html, CH4)
    assert "MedWatch is the FDA's way for you to report a problem with a medical product." in safety
    assert "An iPSC starts as an adult cell, such as a skin cell." in safety
    assert "A lab resets it so it can turn into almost any kind of cell." in safety


def test_dates_that_may_change_say_as_of(built_html):
    for page in (CH3, CH4):
        t = text(built_html, page)
        assert "As of 2026, stem cell treatments" in t or "As of 2026, the FDA" in t, page
    assert "As of 2026, no stem cell product has FDA approval" in text(built_html, CH4)


# -- The pictures that help the reader act ----------------------------------------

@pytest.mark.parametrize("page, svg, words", [
    (CH1, "brain-and-nerves.svg", ("brain", "spinal cord", "peripheral nerves")),
    (CH4, "check-a-trial.svg", ("Step 1", "Step 2", "Step 3", "IND number", "ethics committee",
                                "doctor")),
])
def test_action_picture_is_on_its_page_with_alt_text(built_html, page, svg, words):
    imgs = [i for i in main(built_html, page).select("img") if i.get("src", "").endswith(svg)]
    assert len(imgs) == 1, f"{svg} not on {page}"
    alt = imgs[0].get("alt", "")
    for word in words:
        assert word.lower() in alt.lower(), (svg, word)


SVG = "{http://www.w3.org/2000/svg}"
# Every label must print at 14 pt or more in the regular handout: the figures are drawn at the
# 134 mm text width, so a label must be at least 27/720 of the drawing's width (27 units in a
# viewBox 720 wide = 14.3 pt; 18.3 pt at the large-print width of 171 mm).
MIN_LABEL = 27 / 720
FONT_SIZE = re.compile(r"^\s*([0-9]*\.?[0-9]+)\s*(px|pt|em|%)?\s*$")


def viewbox_width(root):
    if root.get("viewBox"):
        return float(root.get("viewBox").replace(",", " ").split()[2])
    return float(FONT_SIZE.match(root.get("width")).group(1))


def font_size(node, inherited, where):
    """The node's own font size in user units, from style="font-size:..." (which wins, as in
    CSS) or the font-size attribute; else the size it inherits from its parent."""
    style = dict(decl.split(":", 1) for decl in node.get("style", "").split(";") if ":" in decl)
    style = {k.strip().lower(): v.strip() for k, v in style.items()}
    assert "font" not in style, f"{where}: use font-size, not the font shorthand, in style"
    value = style.get("font-size") or node.get("font-size")
    if value is None or value.strip() == "inherit":
        return inherited
    m = FONT_SIZE.match(value)
    assert m, f"{where}: font-size {value!r} is not a number, px, pt, em or %"
    number, unit = float(m.group(1)), m.group(2)
    return {None: number, "px": number, "pt": number * 4 / 3,
            "em": number * inherited, "%": number / 100 * inherited}[unit]


def svg_label_sizes(path):
    """(words, font size in user units, size / viewBox width) for every <text>, <tspan> or
    <textPath> that draws words, with the size each one inherits from its <g>s and the root."""
    root = ET.parse(path).getroot()
    assert not [s for s in root.iter(SVG + "style") if "font" in (s.text or "")], \
        f"{path.name}: set label sizes on the elements, not in a <style> sheet"
    width, out = viewbox_width(root), []

    def walk(node, inherited, scaled):
        size = font_size(node, inherited, f"{path.name} <{node.tag.replace(SVG, '')}>")
        scaled = scaled or any(f in node.get("transform", "") for f in ("scale", "matrix"))
        if node.tag in (SVG + "text", SVG + "tspan", SVG + "textPath"):
            words = " ".join(w for w in [node.text, *(c.tail for c in node)] if w and w.strip())
            if words.strip():
                assert not scaled, f"{path.name}: {words!r} is scaled by a transform"
                out.append((" ".join(words.split()), size, size / width))
        for child in node:
            walk(child, size, scaled)

    walk(root, 16.0, False)  # 16 px: the SVG default
    return out


FIGURE_FILES = sorted(p.name for p in FIGURES.glob("*.svg"))


def test_every_figure_is_checked():
    assert {"brain-and-nerves.svg", "check-a-trial.svg", "research-road.svg",
            "nerve-fibre.svg"} <= set(FIGURE_FILES)


@pytest.mark.parametrize("svg", FIGURE_FILES)
def test_figure_text_is_text_and_large(svg):
    ns = {"s": "http://www.w3.org/2000/svg"}
    root = ET.parse(FIGURES / svg).getroot()
    assert root.find("s:title", ns) is not None and root.find("s:desc", ns) is not None
    assert "sans-serif" in root.get("font-family", "")
    texts = root.findall(".//s:text", ns)
    assert texts, f"{svg}: no <text>"
    assert not root.findall(".//s:image", ns), f"{svg}: embeds a bitmap"
    labels = svg_label_sizes(FIGURES / svg)
    assert labels, f"{svg}: no words in its <text>"
    small = [(words, size) for words, size, ratio in labels if ratio < MIN_LABEL - 1e-9]
    assert not small, (f"{svg}: labels smaller than 27/720 of the drawing's width "
                       f"(under 14 pt in the handout): {small}")


# -- Sentence length and readability -------------------------------------------------

def blocks(element):
    """Paragraphs, list items, definitions, captions and alt text: every sentence a reader meets."""
    out = []
    for el in element.find_all(["p", "li", "dd", "figcaption", "td", "th"]):
        if el.find_parent(class_="toctree-wrapper"):
            continue  # the contents list: headings, not sentences
        if el.name == "li" and (el.find("p") or el.find(["ul", "ol"])):
            continue  # its paragraphs and nested items are counted on their own
        if el.name in ("dd", "figcaption") and el.find("p"):
            continue
        out.append(" ".join(el.get_text(" ", strip=True).split()))
    out += [img["alt"] for img in element.select("img[alt]")]
    return [b for b in out if b]


def test_no_sentence_over_twenty_words(built_html):
    long = []
    for page in book_pages(built_html):
        for block in blocks(main(built_html, page)):
            block = re.sub(r"(?<=\w)\.(?=\w)", "", block)  # "ClinicalTrials.gov" ends nothing
            for sentence in readability.sentences(block):
                n = len(readability.words(sentence))
                if n > MAX_SENTENCE:
                    long.append(f"{page}: {n} words: {sentence}")
    assert not long, "\n".join(long)


HANDOUT_CHAPTERS = [Path(p).name for p in readability.CHAPTER_PAGES if p.startswith("chapters/")]


@pytest.mark.parametrize("name", HANDOUT_CHAPTERS)
def test_chapter_handout_readability(built_handout, name):
    page = built_handout / "chapters" / name
    s = readability.stats(readability.body_text(page))
    report = readability.describe(f"handout {name}", s)
    print("\n" + report)
    assert s["sentences"] >= 30, report  # SMOG is only valid on 30 sentences or more
    assert s["fkgl"] <= MAX_FKGL, report
    assert s["smog"] <= MAX_SMOG, report
    assert s["longest_sentence"] <= MAX_SENTENCE, f"{report}\nlongest: {s['longest_text']}"
