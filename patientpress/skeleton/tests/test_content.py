"""The book's content, judged against the targets its own conf.py sets (the bookcheck_
values; patientpress.checks.book): the opening page says who wrote the book, every glossary
term is used and every term link lands, the pages meet the readability targets, every
claim is covered. A check conf.py does not ask for is skipped, with the reason."""

import pytest

from patientpress.checks import book as bookchecks


@pytest.fixture(scope="module")
def book(builddir):
    """The website as built, with the settings its build recorded."""
    return bookchecks.BuiltBook(builddir / "html", builddir / "doctrees")


def judge(check, book, **kwargs):
    try:
        problems = check(book, **kwargs)
    except bookchecks.NotApplicable as why:
        pytest.skip(str(why))
    assert not problems, "\n".join(problems)


def test_the_opening_page_has_the_front_matter(book):
    judge(bookchecks.front_matter_problems, book)


def test_every_glossary_term_is_used_and_every_term_link_lands(book):
    judge(bookchecks.glossary_problems, book)


def test_the_pages_meet_the_readability_targets(book):
    judge(bookchecks.readability_problems, book, show=print)


def test_every_claim_is_covered(book):
    judge(bookchecks.claims_problems, book)
