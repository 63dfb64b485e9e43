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


PEMAT_P = [*range(1, 13), *range(15, 27)]  # items 13 and 14 are audiovisual only
UNDERSTANDABILITY = range(1, 20)
MIN_PEMAT = 80.0  # per cent, the content standards' target for both scores


def load_all():
    return yaml.safe_load(COVERAGE.read_text(encoding="utf-8"))


def load():
    """The claims alone: every key but the PEMAT notes."""
    return {k: v for k, v in load_all().items() if k != "pemat"}


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


def test_every_pemat_item_is_noted():
    pemat = load_all()["pemat"]
    assert sorted(pemat) == PEMAT_P, "PEMAT-P items missing or extra in coverage.yaml"
    for item, entry in pemat.items():
        assert set(entry) == {"rating", "note"}, item
        assert entry["rating"] in ("agree", "disagree", "n/a"), item
        assert entry["note"].strip(), item


def score(pemat, items):
    rated = [pemat[i]["rating"] for i in items if pemat[i]["rating"] != "n/a"]
    return 100 * rated.count("agree") / len(rated)


def test_pemat_scores_meet_the_target():
    pemat = load_all()["pemat"]
    understandability = score(pemat, [i for i in PEMAT_P if i in UNDERSTANDABILITY])
    actionability = score(pemat, [i for i in PEMAT_P if i not in UNDERSTANDABILITY])
    assert understandability >= MIN_PEMAT, understandability
    assert actionability >= MIN_PEMAT, actionability
