"""Readability gates on the built book's body text (textstat 0.7.13 + CMU dictionary).

Run with ``-s`` to see each page's figures; they are also in every assertion message.
"""

import pytest

import readability

pytestmark = pytest.mark.book

MAX_FKGL = 7.0
MIN_FRE = 65.0
MAX_MEAN_SENTENCE = 15.0
MAX_SENTENCE = 25
MAX_SMOG_BOOK = 9.0


@pytest.mark.parametrize("page", readability.CHAPTER_PAGES)
def test_chapter_readability(built_html, page):
    text = readability.body_text(built_html / page)
    assert text, f"{page}: no body text found"
    s = readability.stats(text)
    report = readability.describe(page, s)
    print("\n" + report)
    assert s["fkgl"] <= MAX_FKGL, report
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
