"""Every factual claim of the source article is covered by a passage of the built book."""

import re
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

pytestmark = pytest.mark.book

ROOT = Path(__file__).resolve().parent.parent
COVERAGE = Path(__file__).resolve().parent / "coverage.yaml"
CLAIMS = range(1, 68)  # the 67 claims, numbered as in the content standards


def normalise(text):
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    text = text.replace("\u201c", '"').replace("\u201d", '"').replace("\u00a0", " ")
    text = " ".join(text.split())
    # Inline markup (term links) can leave a space before punctuation.
    return re.sub(r"\s+([,.;:!?)])", r"\1", re.sub(r"\(\s+", "(", text))


def load():
    return yaml.safe_load(COVERAGE.read_text(encoding="utf-8"))


def page_text(built_html, chapter):
    rel = Path(chapter).relative_to("docs").with_suffix(".html")
    soup = BeautifulSoup((built_html / rel).read_text(encoding="utf-8"), "html.parser")
    main = soup.find("article") or soup.find(attrs={"role": "main"}) or soup.body
    return normalise(main.get_text(" "))


def test_every_claim_is_mapped():
    coverage = load()
    assert sorted(coverage) == list(CLAIMS), "claims missing or extra in coverage.yaml"
    for claim, entry in coverage.items():
        assert set(entry) == {"chapter", "passage"}, claim
        assert (ROOT / entry["chapter"]).is_file(), (claim, entry["chapter"])
        n = len(entry["passage"].split())
        assert 6 <= n <= 15, f"claim {claim}: passage has {n} words"


def test_every_passage_is_in_its_chapter(built_html):
    missing = []
    texts = {}
    for claim, entry in sorted(load().items()):
        chapter = entry["chapter"]
        if chapter not in texts:
            texts[chapter] = page_text(built_html, chapter)
        if normalise(entry["passage"]) not in texts[chapter]:
            missing.append(f"claim {claim}: {entry['passage']!r} not in {chapter}")
    assert not missing, "\n".join(missing)
