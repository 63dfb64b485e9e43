"""Readability of the built book's pages, against the targets its conf.py sets
(``bookcheck_pages``, ``bookcheck_readability``; patientpress.checks.book).

Run with ``-s`` to see each page's figures; the failures name them too.
"""

import pytest

from conftest import judge
from patientpress.checks import book as bookchecks

pytestmark = pytest.mark.book


def test_every_page_meets_the_books_readability_targets(built_book):
    judge(bookchecks.readability_problems, built_book, show=print)
