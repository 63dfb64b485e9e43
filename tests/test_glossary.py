"""Every glossary entry is used, and every term link lands on a glossary entry."""

import pytest
from bs4 import BeautifulSoup

pytestmark = pytest.mark.book


def soup(path):
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def glossary_entries(built_html):
    return {dt["id"] for dt in soup(built_html / "glossary.html").select("dt[id^=term-]")}


def term_links(built_html):
    """{anchor: {pages}} for every term link in the book, outside the glossary itself."""
    links = {}
    for html in sorted(built_html.rglob("*.html")):
        rel = html.relative_to(built_html).as_posix()
        if rel in ("glossary.html", "search.html", "genindex.html"):
            continue
        for a in soup(html).select("a.reference.internal[href]"):
            href = a["href"]
            if "glossary.html#term-" in href:
                links.setdefault(href.split("#", 1)[1], set()).add(rel)
    return links


def test_glossary_has_entries(built_html):
    assert len(glossary_entries(built_html)) >= 15


def test_every_entry_is_used_in_a_chapter(built_html):
    links = term_links(built_html)
    chapters = {a for a, pages in links.items()
                if any(p.startswith("chapters/") or p == "questions.html" for p in pages)}
    unused = sorted(glossary_entries(built_html) - chapters)
    assert not unused, f"glossary entries never linked from a chapter: {unused}"


def test_every_term_link_resolves(built_html):
    entries = glossary_entries(built_html)
    broken = {a: sorted(p) for a, p in term_links(built_html).items() if a not in entries}
    assert not broken, f"term links without a glossary entry: {broken}"
