"""The book checks (patientpress.checks.book) judge whichever book they are given, by its own
conf.py: a small gardening book with targets of its own passes them, and fails each one when
conf.py tightens it. The repository's book runs the same checks in test_readability.py,
test_coverage.py, test_glossary.py and test_front_matter.py."""

import shutil

import pytest
from sphinx.errors import ConfigError

from conftest import build_in_process
from patientpress.checks import book as bookchecks

# The website alone: no PDFs or e-book to link (as in test_notice.py, whose build this shares).
WEB = {"suppress_warnings": ["patientpress.download"]}
TIGHTER = {
    "bookcheck_readability": {"max_fkgl": 0.0, "max_sentence_words": 8, "max_smog_book": 10.0},
    "bookcheck_claims": {"file": "claims.yaml", "count": 5},
    "bookcheck_glossary": {"min_terms": 4},
    "bookcheck_front_matter": ["Written by The Allotment Group", "Last checked in May 2026",
                               ["div.admonition", "Wear gloves"]],
}


def book(built_root, **confoverrides):
    built = built_root("html", "bookchecks", **WEB, **confoverrides)
    assert built.warnings == ""
    return bookchecks.BuiltBook(built.outdir, built.doctreedir)


def test_the_build_records_the_books_own_settings(built_root):
    record = book(built_root).record
    assert record["pages"] == ["chapters/*"]
    assert record["readability"]["max_sentence_words"] == 25
    assert record["claims"] == {"file": "claims.yaml", "count": 4, "min_passage_words": 0,
                                "max_passage_words": 12, "min_pemat": 70.0}
    # The default front matter: the author and the review date; a "book" has no notice.
    assert record["front_matter"] == ["The Allotment Group", "March 2026"]
    assert sorted(anchor for _, anchor in record["terms"]) == [
        "term-compost", "term-pod", "term-seedling"]


@pytest.mark.parametrize("check", [bookchecks.readability_problems, bookchecks.claims_problems,
                                   bookchecks.glossary_problems,
                                   bookchecks.front_matter_problems])
def test_the_small_book_passes_its_own_checks(built_root, check):
    assert check(book(built_root)) == []


def test_its_readability_is_measured_on_its_own_pages(built_root):
    shown = []
    bookchecks.readability_problems(book(built_root), show=shown.append)
    assert [line.split(":")[0] for line in shown] == [
        "chapters/01-sowing", "chapters/02-picking", "all pages"]


def test_a_tighter_readability_target_fails(built_root):
    problems = bookchecks.readability_problems(book(built_root, **TIGHTER))
    assert any(p.startswith("chapters/01-sowing: FKGL") and "FKGL over 0.0" in p
               for p in problems), problems
    assert any("a sentence over 8 (longest: " in p for p in problems), problems
    assert not any("SMOG" in p.split(": ")[-1] for p in problems), problems


def test_a_claim_count_the_file_does_not_meet_fails(built_root):
    assert bookchecks.claims_problems(book(built_root, **TIGHTER)) == [
        "claims.yaml: the claims are not numbered 1 to 5: missing [5], extra []"]


def test_a_passage_the_page_lacks_or_too_long_fails(built_root, tmp_path):
    built = book(built_root)
    claims = tmp_path / "claims.yaml"
    claims.write_text(
        "1: {chapter: chapters/01-sowing.md, passage: Sow the peas when the soil is warm}\n"
        "2: {chapter: chapters/02-picking.md, passage: The more you pick the more the plant"
        " makes for you all summer long}\n3: {chapter: chapters/03-none.md, passage: Beans}\n"
        "4: {chapter: chapters/02-picking.md, passage: Pick the pods}\n", encoding="utf-8")
    built.record["claims"]["file"] = str(claims)
    assert bookchecks.claims_problems(built) == [
        "claim 1: 'Sow the peas when the soil is warm' is not on the page of "
        "chapters/01-sowing.md",
        "claim 2: the passage has 14 words, not 0 to 12",
        "claim 3: chapters/03-none.md is no document of the book",
    ]


def test_pemat_notes_are_judged_when_the_claims_file_has_them(built_root, tmp_path):
    built = book(built_root)
    with pytest.raises(bookchecks.NotApplicable, match="claims.yaml has no pemat: notes"):
        bookchecks.pemat_problems(built)
    claims = tmp_path / "claims.yaml"
    # Understandability: 12 of 15 rated items agree (80%, met); actionability: 3 of 5 (60%).
    ratings = {i: "agree" for i in bookchecks.PEMAT_P}
    ratings.update({2: "disagree", 3: "disagree", 4: "disagree", 5: "n/a", 6: "n/a",
                    20: "disagree", 21: "disagree", 22: "n/a", 23: "n/a"})
    claims.write_text("pemat:\n" + "".join(f"  {i}: {{rating: {r}, note: why}}\n"
                                           for i, r in ratings.items()), encoding="utf-8")
    built.record["claims"].update(file=str(claims), min_pemat=80.0)
    assert bookchecks.pemat_problems(built) == ["PEMAT actionability 60% is under 80.0%"]
    claims.write_text("pemat:\n  1: {rating: agree, note: why}\n", encoding="utf-8")
    assert bookchecks.pemat_problems(built) == [
        f"{claims}: the PEMAT-P items are not {bookchecks.PEMAT_P}"]


def test_a_larger_glossary_asked_for_fails(built_root):
    assert bookchecks.glossary_problems(book(built_root, **TIGHTER)) == [
        "the glossary has 3 terms, fewer than 4"]


def test_an_unused_term_and_a_term_link_to_nowhere_fail(built_root, tmp_path):
    built = book(built_root)
    built.html_dir = shutil.copytree(built.html_dir, tmp_path / "html")
    page = built.page("chapters/02-picking")
    page.write_text(page.read_text(encoding="utf-8").replace(
        "glossary.html#term-pod", "glossary.html#term-pods"), encoding="utf-8")
    built.terms.add(("glossary", "term-trowel"))
    assert bookchecks.glossary_problems(built) == [
        "glossary terms no page of bookcheck_pages links to: ['glossary#term-pod', "
        "'glossary#term-trowel']",
        "term links that land on no glossary term: {'glossary#term-pods': "
        "['chapters/02-picking']}",
    ]


def test_front_matter_the_opening_page_lacks_fails(built_root):
    assert bookchecks.front_matter_problems(book(built_root, **TIGHTER)) == [
        "the opening page does not say 'Last checked in May 2026'",
        "the opening page has no 'div.admonition' that says 'Wear gloves'",
    ]


def test_a_book_that_asks_for_no_checks_skips_them(built_root):
    built = built_root("html", "book", **WEB)
    plain = bookchecks.BuiltBook(built.outdir, built.doctreedir)
    for check, reason in ((bookchecks.readability_problems, "no bookcheck_readability"),
                          (bookchecks.claims_problems, "no bookcheck_claims file"),
                          (bookchecks.glossary_problems, "has no glossary")):
        with pytest.raises(bookchecks.NotApplicable, match=reason):
            check(plain)
    # Its front matter is still judged: the author, the review date and the notice.
    problems = bookchecks.front_matter_problems(plain)
    assert problems[0] == "the opening page does not say 'Test Writers'"
    assert len(problems) == 3, problems


def test_an_unknown_target_is_a_configuration_error(tmp_path, rootdir):
    src = shutil.copytree(rootdir / "test-bookchecks", tmp_path / "src")
    with pytest.raises(ConfigError, match=r"bookcheck_readability: unknown key\(s\) \['max_fk'\]"):
        build_in_process("html", src, tmp_path / "_build",
                         {"bookcheck_readability": {"max_fk": 6}, **WEB})


def test_an_incremental_build_records_a_changed_target(tmp_path, rootdir):
    """A new target reads no document again (Sphinx then keeps its old environment pickle),
    yet the record the tests read is the new one."""
    src = shutil.copytree(rootdir / "test-bookchecks", tmp_path / "src")
    first = build_in_process("html", src, tmp_path / "_build", WEB)
    again = build_in_process("html", src, tmp_path / "_build",
                             {"bookcheck_readability": {"max_fkgl": 0.0}, **WEB}, freshenv=False)
    assert "0 source files that are out of date" in again.status
    record = bookchecks.BuiltBook(again.outdir, again.doctreedir).record
    assert record["readability"] == {"max_fkgl": 0.0}
    assert first.doctreedir == again.doctreedir


def test_a_book_built_without_patientpress_has_no_record(tmp_path):
    with pytest.raises(FileNotFoundError, match="bookchecks.json is missing"):
        bookchecks.BuiltBook(tmp_path / "html", tmp_path / "doctrees")
