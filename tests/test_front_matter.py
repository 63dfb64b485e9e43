"""The opening page says what the book's conf.py asks of it (``bookcheck_front_matter``;
patientpress.checks.book): for this book, who wrote it, when it was reviewed, that it is not
advice (in a box), and where its sources are."""

import pytest

from conftest import judge
from patientpress.checks import book as bookchecks

pytestmark = pytest.mark.book


def test_the_opening_page_has_the_front_matter(built_book):
    judge(bookchecks.front_matter_problems, built_book)
