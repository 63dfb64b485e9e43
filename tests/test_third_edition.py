"""The third edition's content fixes (issue 28, point 1), checked on the built book.

A clinical read found fourteen places where the second edition said too much or too little,
and five sentences a reader could take the wrong way. Each fix: the new wording is on its
page, the old one is gone, and the work it rests on is named on the Sources page. Then PEMAT
item 4 on every chapter handout (each is read alone): an abbreviation or medical term is
explained where the handout first uses it. And the main source is described as what it is:
an unpublished overview nobody can look up.
"""

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from test_second_edition import CH1, CH2, CH3, CH4, FIGURES, assert_fixed, main, normalise, text

pytestmark = pytest.mark.book

GLOSSARY = "glossary.html"

# (page, wording that must be there, wording that must be gone), one row a finding.
FINDINGS = {
    "1 blood sugar control prevents more than it eases": (CH1, [
        "This can help keep nerve damage from starting or getting worse.",
        "Good blood sugar control does not always ease pain you already have.",
        "In rare cases, lowering very high blood sugar too fast can bring on nerve pain.",
    ], ["Good control can ease symptoms."]),
    "2 vitamin B6 and B12": (CH1, [
        "Do not take high doses of vitamin B6 unless your doctor tells you to.",
        "Too much B6 can itself harm nerves.",
        "Do you take metformin, a common diabetes medicine? Ask about B12 checks.",
    ], []),
    "3 signs that need care fast": (CH1, [
        "When to get help fast",
        "Get medical help at once if weakness spreads over hours or days.",
        "Call your doctor the same day about a sore on your foot.",
    ], []),
    "4 pain medicines and alcohol": (CH1, [
        "Ask about medicines for nerve pain.",
        "drinking a lot of alcohol over many years",
    ], []),
    "5 what the FDA does not review": (CH4, [
        "must approve most new medicines before they are sold.",
        "Supplements, such as vitamins, can be sold without FDA approval.",
        "The FDA does not review these before they are used.",
    ], ["checks that medical products are safe and work"]),
    "6 the one stem cell treatment in use": (CH3, [
        "One stem cell treatment is already in use for one rare kind of neuropathy.",
        "It does not put new nerve cells in the body.",
        "In 2020, a group of transplant experts in Europe (EBMT) listed it as an option for "
        "hard-to-treat CIDP.",
    ], []),
    "7 a state law is not an approval": (CH4, [
        "Since July 2025, a Florida law lets doctors there use some stem cell treatments the FDA "
        "has not approved.",
        "Legal in one state does not mean approved or proven.",
    ], []),
    "8 exosomes and fat cell mixes": (CH2, [
        "They may call them exosomes or a secretome.",
        "In 2020, it said that it had approved no exosome product.",
    ], []),
    "9 the risks of getting and giving the cells": (CH4, [
        "Harm from collecting the cells.",
        "In rare cases, cells put into a vein have been linked to clots in the lungs.",
        "Doctors have also reported growths and nerve damage near the spine.",
    ], []),
    "10 few trials, small and early": (CH3, [
        "Around the world, some clinical trials in people have started, and a few are done.",
        "It found just seven.",
        "We know of no large, late-phase trial that shows stem cells help neuropathy, as of 2026.",
    ], ["many clinical trials in people have started or are done"]),
    "11 the road picture says what the text says": (CH3, [
        "As of 2026, most stem cell work for neuropathy is in animal studies or in early trials "
        "in people.",
    ], ["between animal studies and trials in people"]),
    "12 mesenchymal stromal cells": (CH3, [
        "Many experts call them mesenchymal stromal cells instead.",
        "it is not proven that most of them are true stem cells",
    ], []),
    "13 not every Schwann cell makes myelin": (CH2, [
        "Many Schwann cells wrap around nerve fibers and make myelin.",
        "Others hold thin nerve fibers that have no myelin.",
    ], ["A Schwann cell is a helper cell that wraps around a nerve fiber."]),
    "14 who must agree to expanded access": (CH4, [
        "Your doctor must ask the FDA. The maker must agree to supply the product.",
        "A board that protects patients must also approve it.",
    ], ["A doctor must ask for it, and the FDA must agree."]),
}


@pytest.mark.parametrize("finding", FINDINGS)
def test_clinical_finding_is_resolved(built_html, finding):
    page, present, gone = FINDINGS[finding]
    assert_fixed(text(built_html, page), present, gone)


def definition(built_html, term_id):
    dt = main(built_html, GLOSSARY).select_one(f"dt#{term_id}")
    assert dt is not None, term_id
    return normalise(dt.find_next_sibling("dd").get_text(" "))


@pytest.mark.parametrize("term_id, present, gone", [
    ("term-FDA", ["It does not do this for dietary supplements or for some cell products."], []),
    ("term-expanded-access", ["the maker agrees to supply the product, and an IRB approves it"],
     ["A doctor must ask for it, and the FDA must agree."]),
    ("term-mesenchymal-stem-cell", ["Many experts call it a mesenchymal stromal cell"], []),
    ("term-Schwann-cell", ["Many Schwann cells wrap a fiber in myelin."],
     ["wraps around a nerve fiber and makes myelin"]),
    ("term-CIDP", ["Chronic inflammatory demyelinating polyneuropathy."], []),
])
def test_glossary_says_what_the_chapters_say(built_html, term_id, present, gone):
    assert_fixed(definition(built_html, term_id), present, gone)


def test_the_road_picture_marks_early_trials_too():
    root = ET.parse(FIGURES / "research-road.svg").getroot()
    labels = " ".join("".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text"))
    assert "studies or early trials" in labels and "is here" not in labels, labels


# -- the five misreadable sentences --------------------------------------------------------

@pytest.mark.parametrize("page, old, new", [
    (CH2, "So much of any good effect",
     "This is why any good effect may come mainly from the substances the cells give off."),
    (CH3, "most stem cell treatments for neuropathy are still experimental",
     "As of 2026, stem cell treatments that aim to repair nerves in neuropathy are still "
     "experimental."),
    (CH4, "Stem cells are no different.", "Safety matters for any new treatment. This includes "
                                          "stem cells."),
    (CH4, "they are likely misleading you",
     "It says that if you are charged for an unapproved stem cell product, you are likely being "
     "deceived. The same goes for an offer made outside a clinical trial. Being asked to pay to "
     "join a study is also a warning sign."),
    (CH4, "These follow other rules.", "The FDA does not review these before they are used."),
])
def test_misreadable_sentence_is_rewritten(built_html, page, old, new):
    assert_fixed(text(built_html, page), [new], [old])


# -- sources -------------------------------------------------------------------------------

def test_the_main_source_is_described_as_nobody_can_look_it_up(built_html):
    assert_fixed(text(built_html, "sources.html"),
                 ["It was given to the writers and was never published.",
                  "It has no title, author or date, and it is not online."],
                 ["supplied to the writers."])
    assert_fixed(text(built_html, "index.html"),
                 ["It was never published. It has no title, author or date, so you cannot look "
                  "it up."],
                 ["We based this book on a published overview article"])


@pytest.mark.parametrize("address", [
    "flsenate.gov/Session/Bill/2025/1768",                  # 7 Florida
    "doi.org/10.1038/s41409-019-0684-0",                    # 6 EBMT guidance
    "doi.org/10.2337/dc16-2042",                            # 1, 4 ADA position statement
    "doi.org/10.1093/brain/awu307",                         # 1 blood sugar lowered too fast
    "ods.od.nih.gov/factsheets/VitaminB6-Consumer",         # 2 vitamin B6
    "metformin-vitamin-b12-deficiency",                     # 2 metformin and B12
    "guillain-barre-syndrome",                              # 3 weakness that spreads fast
    "foot-problems",                                        # 3 foot sores
    "fda-101-dietary-supplements",                          # 5 supplements
    "minimal",                                              # 5 minimally manipulated products
    "expanded-access",                                      # 14 expanded access
    "doi.org/10.1186/s13287-024-04033-3",                   # 10 the 2024 review
    "doi.org/10.1016/j.jcyt.2019.08.002",                   # 12 stromal cells
    "doi.org/10.3349/ymj.2013.54.5.1293",                   # 9 clots
    "doi.org/10.1056/NEJMc1600188",                         # 9 spinal injections
])
def test_every_new_fact_names_its_source(built_html, address):
    links = [a["href"] for a in main(built_html, "sources.html").select("a[href]")]
    assert any(address in href for href in links), address


# -- PEMAT item 4: terms explained where each chapter handout first uses them ---------------

#: An abbreviation or term a reader may not know, and the words that explain it. A handout
#: explains it where it first uses it: the explanation starts within WINDOW characters of the
#: first use, before or after ("the US Food and Drug Administration (FDA)", "a placebo. A
#: placebo is a fake treatment").
TERMS = {
    "FDA": ["Food and Drug Administration"],
    "ISSCR": ["International Society for Stem Cell Research"],
    "IND": ["Investigational New Drug"],
    "IRB": ["Institutional Review Board"],
    "MSCs?": ["Mesenchymal stem cell"],
    "iPSCs?": ["Induced pluripotent stem cell", "starts as an adult cell"],
    "CIDP": ["attacks the coating around nerve fibers"],
    "EBMT": ["transplant experts"],
    "WHO": ["World Health Organization"],
    "SVF": ["cells taken from your own belly fat"],
    "(?i:placebo)": ["fake treatment"],
    "(?i:myelin)": ["fatty coating"],
    "MedWatch": ["the FDA's way for you to report"],
    "ClinicalTrials\\.gov": ["list of studies"],
    "(?i:metformin)": ["diabetes medicine"],
}
WINDOW = 250


def unexplained(page_text, terms=TERMS, window=WINDOW):
    """Terms of ``terms`` whose first use in ``page_text`` has no explanation near it."""
    problems = []
    for pattern, explanations in terms.items():
        first = re.search(rf"(?<![\w.]){pattern}(?!\w)", page_text)
        if first is None:
            continue
        near = page_text[max(0, first.start() - window):first.end() + window].lower()
        if not any(e.lower() in near for e in explanations):
            problems.append(f"{first.group(0)!r} first used without {explanations[0]!r}: "
                            f"...{page_text[max(0, first.start() - 60):first.end() + 60]}...")
    return problems


def handout_text(built_handout, name):
    page = Path(built_handout) / "chapters" / name
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    return normalise(soup.body.get_text(" "))


@pytest.mark.parametrize("name", [Path(p).name for p in (CH1, CH2, CH3, CH4)])
def test_every_chapter_handout_explains_its_terms_at_first_use(built_handout, name):
    assert unexplained(handout_text(built_handout, name)) == []


def test_a_term_used_before_it_is_explained_is_caught():
    """The second edition's chapter 3: FDA and placebo before their explanations."""
    second = ("Mesenchymal stem cells (MSCs) can also come from the cord. The FDA warns that clinics sell many such "
              "products without approval. " + "Many research groups study MSCs. " * 12 +
              "The last phases often compare the treatment with a placebo or with usual care. "
              + "Trials in people go in steps. " * 12 + "A placebo is a fake treatment. "
              "The US Food and Drug Administration approves drugs.")
    problems = unexplained(second)
    assert [p.split(" first used")[0] for p in problems] == ["'FDA'", "'placebo'"], problems
    assert unexplained("The IRB, or Institutional Review Board, protects you.") == []
    assert unexplained("Kind words are kind.") == []   # no IND in "kind"
