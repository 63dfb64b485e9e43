"""Every glossary term is used on a judged page, and every term link lands on a term
(``bookcheck_glossary``, ``bookcheck_pages`` in conf.py; patientpress.checks.book)."""

import pytest

from conftest import judge
from patientpress.checks import book as bookchecks

pytestmark = pytest.mark.book


def test_every_term_is_used_and_every_term_link_resolves(built_book):
    judge(bookchecks.glossary_problems, built_book)
