"""Every factual claim of the source article is covered by a passage of the built book, and
the PEMAT-P notes meet the target: the claims file and targets are the book's own
(``bookcheck_claims`` in conf.py; patientpress.checks.book)."""

import pytest

from conftest import judge
from patientpress.checks import book as bookchecks

pytestmark = pytest.mark.book


def test_every_claim_is_mapped_to_a_passage_its_chapter_shows(built_book):
    judge(bookchecks.claims_problems, built_book)


def test_every_pemat_item_is_noted_and_the_scores_meet_the_target(built_book):
    judge(bookchecks.pemat_problems, built_book)
