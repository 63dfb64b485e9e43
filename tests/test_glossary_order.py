"""Glossaries in the alphabetical order of each language, in every format (issue 28, point 4).

A ``:sorted:`` glossary (this book's) is sorted after translation, by its terms as the
reader sees them, with the Unicode Collation Algorithm and, for Spanish, "ñ" as a letter
after "n" (patientpress/markup/glossary.py). The Spanish glossary was in the English order of
the English terms in every format; here the website's, the e-book's and the whole-book
PDF's glossaries are read back in both languages.
"""

import zipfile
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

import pdfread
from conftest import built_in, LANGUAGES
from patientpress.markup.glossary import sort_key


def out_of_order(terms, language):
    """Neighbouring terms of ``terms`` that ``language``'s alphabet puts the other way round."""
    return [(a, b) for a, b in zip(terms, terms[1:])
            if sort_key(a, language) > sort_key(b, language)]


def test_spanish_order_puts_n_tilde_after_n_and_reads_through_accents_and_case():
    terms = ["oso", "ñu", "nube", "Ñandú", "número", "célula", "Cerebro", "CIDP", "acceso"]
    assert sorted(terms, key=lambda t: sort_key(t, "es")) == [
        "acceso", "célula", "Cerebro", "CIDP", "nube", "número", "Ñandú", "ñu", "oso"]
    # The root order (English) keeps "ñ" with "n"; Spanish puts it after every "n".
    assert sorted(["oso", "nube", "ñandú"], key=lambda t: sort_key(t, "en")) == [
        "ñandú", "nube", "oso"]
    assert sorted(["oso", "nube", "ñandú"], key=lambda t: sort_key(t, "es")) == [
        "nube", "ñandú", "oso"]


def test_the_second_editions_spanish_glossary_is_caught_out_of_order():
    english_order = ["enfermedad autoinmune", "quimioterapia", "neuropatía periférica por "
                     "quimioterapia", "ensayo clínico", "ClinicalTrials.gov"]
    assert out_of_order(english_order, "es") == [
        ("quimioterapia", "neuropatía periférica por quimioterapia"),
        ("neuropatía periférica por quimioterapia", "ensayo clínico"),
        ("ensayo clínico", "ClinicalTrials.gov")]


def _terms(soup):
    return [" ".join(dt.get_text(" ", strip=True).replace("¶", "").replace("#", "").split())
            for dt in soup.select("dl.glossary > dt")]


def website_terms(request, language):
    html = built_in(request, "html", language)
    return _terms(BeautifulSoup((html / "glossary.html").read_text("utf-8"), "html.parser"))


@pytest.mark.slow
@pytest.mark.book
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_website_and_ebook_glossaries_are_in_the_languages_order(request, language):
    web = website_terms(request, language)
    (epub,) = Path(built_in(request, "epub", language)).glob("*.epub")
    with zipfile.ZipFile(epub) as z:
        name = next(n for n in z.namelist() if n.endswith("glossary.xhtml"))
        ebook = _terms(BeautifulSoup(z.read(name), "html.parser"))
    assert len(web) >= 15 and ebook == web
    assert out_of_order(web, language) == []


@pytest.mark.slow
@pytest.mark.book
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_pdf_glossary_is_in_the_languages_order(request, language):
    terms = website_terms(request, language)
    pdf = Path(built_in(request, "handout", language)) / "handout.pdf"
    # Each term is a line of its own, at the left margin; its definition is indented.
    lines = [line.rstrip() for line in pdfread.text(pdf).splitlines()]
    start = lines.index(terms[0])
    printed = [line for line in lines[start:] if line in terms]
    assert printed[:len(terms)] == terms, printed
