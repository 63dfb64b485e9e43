"""The print theme's fixed words come from configuration (patientpress/words.py): the
``patient`` preset (this repository's book), the ``book`` preset for any other book, and
any phrase changed by name."""

import pytest
from bs4 import BeautifulSoup
from sphinx.errors import ConfigError

import pdfread
from conftest import build_in_process


def strict(result):
    assert result.warnings == "", result.warnings
    return result.outdir


def words(html_path):
    return " ".join(BeautifulSoup(html_path.read_text(encoding="utf-8"), "lxml").get_text(" ")
                    .split())


def test_the_patient_preset_prints_todays_words(built_root):
    text = words(strict(built_root("handout", "print-book")) / "index.html")
    for phrase in ("Patient information", "Given to you by:", "Before you go",
                   "It is not medical advice"):
        assert phrase in text


def test_the_book_preset_prints_no_patient_words(built_root):
    out = strict(built_root("handout", "print-book", handout_preset="book"))
    text = words(out / "index.html")
    for phrase in ("Patient information", "Given to you by:", "Your clinic:",
                   "Before you go", "Take your questions with you"):
        assert phrase not in text, phrase
    page = BeautifulSoup((out / "index.html").read_text(encoding="utf-8"), "lxml")
    back = " ".join(page.find(class_="back-page").get_text(" ").split())
    assert back.startswith("About this book") and "medical advice" not in back
    assert page.find(class_="clinic-box") is None
    pdf = " ".join(pdfread.text(out / "print-test-book.pdf").split())
    assert "Given to you by" not in pdf and "talk with your own doctor" not in pdf.lower()


def test_any_phrase_changes_by_name(built_root):
    out = strict(built_root("handout", "print-book",
                            handout_words={"back_title": "Before you leave",
                                           "given_by": "Handed to you by:"}))
    page = BeautifulSoup((out / "index.html").read_text(encoding="utf-8"), "lxml")
    assert page.find(class_="back-title").get_text() == "Before you leave"
    assert page.find(class_="clinic-label").get_text() == "Handed to you by:"


@pytest.mark.parametrize("overrides, message", [
    ({"handout_words": {"back_tittle": "x"}},
     "handout_words: unknown phrase name(s) ['back_tittle']; the names are: kicker,"),
    ({"handout_preset": "leaflet"}, "handout_preset must be one of ['book', 'patient']"),
])
def test_a_wrong_name_is_a_configuration_error(tmp_path, rootdir, overrides, message):
    import shutil

    src = shutil.copytree(rootdir / "test-print-book", tmp_path / "src")
    with pytest.raises(ConfigError) as caught:
        build_in_process("handout", src, tmp_path / "_build", overrides)
    assert message in str(caught.value)


def test_the_contents_heading_is_a_phrase_too(built_root):
    out = strict(built_root("handout", "print-book", handout_words={"contents": "In this book"}))
    page = BeautifulSoup((out / "index.html").read_text(encoding="utf-8"), "lxml")
    assert page.find(class_="print-toc-title").get_text() == "In this book"
