"""The opening page says who wrote the book, when it was reviewed, and that it is not advice."""

import pytest
from bs4 import BeautifulSoup

pytestmark = pytest.mark.book

REQUIRED = [
    "Written by the Patient Press writers",
    "Last reviewed: November 2026",
    "Next review due: November 2027",
    "It is not medical advice",
    "It is not a substitute for your own doctor",
]


def opening_text(built_html):
    soup = BeautifulSoup((built_html / "index.html").read_text(encoding="utf-8"), "html.parser")
    main = soup.find("article") or soup.find(attrs={"role": "main"}) or soup.body
    return main, " ".join(main.get_text(" ").split())


def test_opening_page_front_matter(built_html):
    _, text = opening_text(built_html)
    missing = [s for s in REQUIRED if s not in text]
    assert not missing, f"opening page lacks: {missing}"


def test_disclaimer_is_an_admonition(built_html):
    main, _ = opening_text(built_html)
    box = main.select_one("div.admonition.important")
    assert box is not None and "not medical advice" in box.get_text(" ")


def test_opening_page_links_to_sources(built_html):
    main, _ = opening_text(built_html)
    assert main.select_one('a.reference.internal[href="sources.html"]') is not None
