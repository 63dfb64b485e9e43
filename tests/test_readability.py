"""Readability gates on the built book's body text (textstat 0.7.13 + CMU dictionary).

Run with ``-s`` to see each page's figures; they are also in every assertion message.
"""

import pytest

import readability

pytestmark = pytest.mark.book

# The clinic handout's targets (content standards §0), which every chapter is also a
# handout of: grade 6 by Flesch-Kincaid, 8 by SMOG, no sentence over 20 words.
MAX_FKGL = 6.0
MIN_FRE = 70.0
MAX_MEAN_SENTENCE = 12.0
MAX_SENTENCE = 20
MAX_SMOG = 8.0
MAX_SMOG_BOOK = 8.0


@pytest.mark.parametrize("page", readability.CHAPTER_PAGES)
def test_chapter_readability(built_html, page):
    text = readability.body_text(built_html / page)
    assert text, f"{page}: no body text found"
    s = readability.stats(text)
    report = readability.describe(page, s)
    print("\n" + report)
    assert s["fkgl"] <= MAX_FKGL, report
    assert s["sentences"] >= 30, report  # SMOG is only valid on 30 sentences or more
    assert s["smog"] <= MAX_SMOG, report
    assert s["fre"] >= MIN_FRE, report
    assert s["mean_sentence"] <= MAX_MEAN_SENTENCE, report
    assert s["longest_sentence"] <= MAX_SENTENCE, f"{report}\nlongest: {s['longest_text']}"


def test_whole_book_smog(built_html):
    text = " ".join(readability.body_text(built_html / page) for page in readability.CHAPTER_PAGES)
    s = readability.stats(text)
    report = readability.describe("whole book", s)
    print("\n" + report)
    assert s["sentences"] >= 30, report  # SMOG is only valid on 30 sentences or more
    assert s["smog"] <= MAX_SMOG_BOOK, report
