"""This book's readability helpers for tests/test_second_edition.py: the measures of
``patientpress.checks.readability`` (the book checks' own) on a built HTML file, and the pages the
book's conf.py judges (``bookcheck_pages``) as HTML paths."""

import fnmatch
import runpy
from pathlib import Path

from bs4 import BeautifulSoup

from patientpress.checks import readability as measure
# What tests/test_second_edition.py uses besides body_text.
from patientpress.checks.readability import describe, sentences, stats, words  # noqa: F401

ROOT = Path(__file__).resolve().parent.parent


def _judged_pages():
    patterns = runpy.run_path(str(ROOT / "conf.py"))["bookcheck_pages"]
    docs = sorted(p.relative_to(ROOT / "docs").with_suffix("").as_posix()
                  for p in (ROOT / "docs").rglob("*.md"))
    return [f"{doc}.html" for doc in docs if any(fnmatch.fnmatch(doc, p) for p in patterns)]


# The judged pages, relative to the HTML output folder.
CHAPTER_PAGES = _judged_pages()


def body_text(html_path):
    """The page's body text, one string, with every block ending a sentence."""
    soup = BeautifulSoup(Path(html_path).read_text(encoding="utf-8"), "html.parser")
    main = soup.find("article") or soup.find(attrs={"role": "main"}) or soup.body
    return measure.body_text(main)
