"""The Spanish text of the book (issue 18, point 2): readable, with its glossary words used
the way the glossary uses them, dates written the Spanish way, and every claim translated.

- Readability: each chapter and the questions page against the Spanish targets of conf.py
  (``bookcheck_readability_by_language["es"]``: Fernández-Huerta, sentence length),
  through the book check (patientpress.checks.book), on the Spanish website.
- Glossary: every ``{term}`` role of the Spanish catalogs keeps the English role's target and
  shows the Spanish glossary's word for it (plural and capitals aside); where the English
  text uses a glossary term or one of a few everyday words in plain words, the Spanish uses
  the same Spanish word everywhere, the glossary's definitions included.
- Dates: no English month is left in the Spanish website, e-book or handouts.
- Claims: every catalog message that carries one of the 67 claims of tests/coverage.yaml has
  a current (non-empty, non-fuzzy) Spanish translation.

Run with ``-s`` to see each page's figures.
"""

import copy
import re
import runpy
import unicodedata
import zipfile
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml
from babel.messages.pofile import read_po
from bs4 import BeautifulSoup
from sphinx.errors import ConfigError

import pdfread
from conftest import ROOT, judge
from patientpress.checks import book as bookchecks, readability

CATALOGS = ROOT / "locales" / "es" / "LC_MESSAGES"
CONF = runpy.run_path(str(ROOT / "conf.py"))


def read_catalog(path):
    with Path(path).open("rb") as f:
        return read_po(f)


def catalogs():
    """{name: catalog} of every Spanish catalog, by its path under LC_MESSAGES."""
    return {p.relative_to(CATALOGS).as_posix(): read_catalog(p)
            for p in sorted(CATALOGS.rglob("*.po"))}


def messages(catalog):
    return [m for m in catalog if m.id and isinstance(m.id, str)]


# -- readability -----------------------------------------------------------------------------

# The pages conf.py's bookcheck_pages names: the chapters and the questions checklist.
JUDGED = sorted(p.relative_to(ROOT / "docs").with_suffix("").as_posix()
                for p in [*(ROOT / "docs" / "chapters").glob("*.md"),
                          ROOT / "docs" / "questions.md"])


def only(book, docname, **targets):
    """``book`` judging one page, with ``targets`` in place of its recorded ones if given."""
    book = copy.copy(book)
    book.record = {**book.record, "pages": [docname]}
    if targets:
        book.record["readability"] = targets
    return book


@pytest.mark.slow
@pytest.mark.book
def test_the_spanish_build_records_the_spanish_targets(built_book_es):
    assert built_book_es.record["language"] == "es"
    assert built_book_es.record["readability"] == CONF["bookcheck_readability_by_language"]["es"]
    assert set(JUDGED) <= set(built_book_es.pages())


@pytest.mark.slow
@pytest.mark.book
@pytest.mark.parametrize("docname", JUDGED)
def test_every_spanish_page_meets_the_spanish_readability_targets(built_book_es, docname):
    judge(bookchecks.readability_problems, only(built_book_es, docname), show=print)


@pytest.mark.slow
@pytest.mark.book
def test_a_stricter_spanish_target_fails(built_book_es):
    """The gate can fail: the same page against targets it cannot meet."""
    doc = "chapters/01-what-is-neuropathy"
    problems = bookchecks.readability_problems(
        only(built_book_es, doc, min_fernandez_huerta=110.0, max_sentence_words=5))
    assert any(p.startswith(f"{doc}: Fernández-Huerta") and "Fernández-Huerta under 110.0" in p
               for p in problems), problems
    assert any("a sentence over 5 (longest: " in p for p in problems), problems


@pytest.mark.slow
@pytest.mark.book
def test_english_targets_are_refused_for_the_spanish_book(built_book_es):
    book = only(built_book_es, "questions", **CONF["bookcheck_readability"])
    assert bookchecks.readability_problems(book)[0] == (
        "readability targets: max_fkgl is measured in English, and this build's language is "
        "'es' (set its targets in bookcheck_readability_by_language)")


def test_spanish_words_and_sentences_are_counted_whole():
    text = ("¿Qué es la información? ¡Pregunte! Es de EE. UU. (en inglés). Vive en EE. UU. "
            "Ella no.")
    assert readability.words("información médica") == ["información", "médica"]
    assert readability.sentences(text) == [
        "¿Qué es la información?", "¡Pregunte!", "Es de EEUU (en inglés).", "Vive en EEUU.",
        "Ella no."]
    assert readability.sentences("Fuera de EE. UU., este grupo revisa.") == [
        "Fuera de EEUU, este grupo revisa."]
    # English counts as it always did.
    assert readability.words("It's a well-known U.S. rule_book") == [
        "It's", "a", "well-known", "U", "S", "rule", "book"]


def test_spanish_syllables_come_from_spanish_hyphenation_not_the_english_dictionary():
    """"come" is one syllable in the CMU dictionary and two in Spanish (co-me): the English
    dictionary must not reach the Spanish count. Fernández-Huerta = 206.84 - 60 syllables per
    word - 1.02 words per sentence."""
    text = "Usted come pan con miel."   # us-ted co-me pan con miel: 7 syllables, 5 words
    s = readability.stats(text, "es")
    assert s["fernandez_huerta"] == pytest.approx(206.84 - 60 * 7 / 5 - 1.02 * 5, abs=0.01)


def test_measuring_spanish_leaves_english_as_it_was():
    import textstat

    english = "The nerves carry messages. Stem cell products are not approved for this."
    before = readability.stats(english)
    readability.stats("Las células madre todavía se están probando.", "es")
    assert textstat.textstat._textstatistics__lang == "en_US"
    assert readability.stats(english) == before
    assert "fernandez_huerta" not in before
    assert "fkgl" not in readability.stats("Hola a todos.", "es")


def config(language, **values):
    return SimpleNamespace(language=language, bookcheck_readability={"max_fkgl": 6.0},
                           bookcheck_readability_by_language={"es": {"max_sentence_words": 20}},
                           bookcheck_claims={}, bookcheck_glossary={}, bookcheck_front_matter=[],
                           **values)


def test_a_language_with_targets_replaces_the_english_ones():
    assert bookchecks.readability_targets(config("es")) == {"max_sentence_words": 20}
    assert bookchecks.readability_targets(config("es_MX")) == {"max_sentence_words": 20}
    assert bookchecks.readability_targets(config("en")) == {"max_fkgl": 6.0}
    assert bookchecks.readability_targets(config("fr")) == {"max_fkgl": 6.0}


def test_an_english_measure_for_spanish_is_a_configuration_error():
    bad = config("en")
    bad.bookcheck_readability_by_language = {"es": {"max_fkgl": 6.0}}
    with pytest.raises(ConfigError, match=r"bookcheck_readability_by_language\['es'\]: max_fkgl "
                                          r"is measured in English"):
        bookchecks.check_config(None, bad)
    bad.bookcheck_readability_by_language = {"es": {"min_fernandez": 70}}
    with pytest.raises(ConfigError, match=r"unknown key\(s\) \['min_fernandez'\]"):
        bookchecks.check_config(None, bad)


# -- glossary words --------------------------------------------------------------------------

ROLE = re.compile(r"\{term\}`([^`]*)`")
# Everyday words that are no glossary term but recur across chapters and the glossary: the
# English word (singular; a plural "s" is allowed) and the Spanish the book uses for it.
# "gérmenes" rather than "microbios": the everyday word, which patient pages in Spanish lead
# with and gloss the other by ("Los gérmenes ..., que también se conocen como microbios":
# Mayo Clinic's Spanish page on germs); "médula ósea" as chapter 3 explains it.
EVERYDAY = {"germ": "germen", "bone marrow": "médula ósea", "spinal cord": "médula espinal"}
# Spanish turns some nouns into adjectives: "nerve cell" is "célula nerviosa".
ADJECTIVES = {"nerve": ("nervioso", "nerviosa")}


def fold(text):
    """Lowercase, no accents, single spaces: "Células" and "celulas" compare equal."""
    text = unicodedata.normalize("NFD", " ".join(text.split()).lower())
    return "".join(c for c in text if unicodedata.category(c) != "Mn")


def _plurals(word):
    return [word, word + "s", word + "es", *([word[:-1] + "ces"] if word.endswith("z") else [])]


def spanish_forms(term):
    """A regular expression for ``term`` (folded), singular or plural: each word may take the
    plural ending ("células madre", "ensayos clínicos", "factores de crecimiento")."""
    return r"(?<!\w)" + r"\s+".join("(?:" + "|".join(map(re.escape, _plurals(w))) + ")"
                                    for w in fold(term).split()) + r"(?!\w)"


def same_word(shown, term):
    return re.fullmatch(spanish_forms(term), fold(shown)) is not None


def role_parts(role):
    """(text, target) of a role's inside: "células madre <stem cell>" or "FDA"."""
    m = re.fullmatch(r"(.*?)\s*<([^<>]*)>", role, re.S)
    text, target = (m.group(1), m.group(2)) if m else (role, role)
    return " ".join(text.split()), " ".join(target.split())


def glossary(catalog):
    """{English term (lowercase): (Spanish term, Spanish definition)} from glossary.po: a
    term's definition is the message that follows it."""
    source = (ROOT / "docs" / "glossary.md").read_text(encoding="utf-8")
    block = source.split("```{glossary}")[1].split("```")[0]
    terms = [line.strip() for line in block.splitlines()
             if line.strip() and line[0] != " " and not line.startswith(":")]   # not :sorted:
    found, ids = {}, [m.id for m in messages(catalog)]
    for term in terms:
        message = catalog.get(term)
        assert message is not None and message.string, f"glossary.po: no Spanish for {term!r}"
        definition = catalog.get(ids[ids.index(term) + 1]).string
        found[term.lower()] = (message.string, definition)
    return found


def names(entry):
    """The names a Spanish glossary entry gives its term: its title, and any other name its
    definition introduces ("También se llama iPSC")."""
    title, definition = entry
    return [title, *re.findall(r"se llama (\w[\w.-]*)", definition)]


def shows_term(shown, entry):
    """``shown`` is one of the entry's names, or a gloss with the name in brackets
    ("comité de ética (IRB)" for IRB)."""
    bracketed = re.fullmatch(r"(.*?)\s*\(([^()]*)\)", shown)
    candidates = [shown, *(bracketed.groups() if bracketed else ())]
    return any(same_word(c, name) for c in candidates for name in names(entry))


def by_target(role):
    return role[1].lower()


def role_problems(catalogs, terms):
    """Roles whose target differs from the English message's, whose Spanish text is not the
    glossary's word, or which show different Spanish for the same English word."""
    problems, shown_for = [], {}
    for name, catalog in catalogs.items():
        for m in messages(catalog):
            english = sorted((role_parts(r) for r in ROLE.findall(m.id)), key=by_target)
            spanish = sorted((role_parts(r) for r in ROLE.findall(m.string or "")), key=by_target)
            if m.string and [by_target(r) for r in spanish] != [by_target(r) for r in english]:
                problems.append(f"{name}: the roles' targets {[t for _, t in spanish]} are not "
                                f"the English message's {[t for _, t in english]}: "
                                f"{m.string[:70]!r}")
                continue
            for (en_text, target), (shown, _) in zip(english, spanish):
                entry = terms.get(target.lower())
                if entry and not shows_term(shown, entry):
                    problems.append(f"{name}: {{term}} {target!r} shows {shown!r}; the "
                                    f"glossary calls it {entry[0]!r}")
                key = (target.lower(), fold(en_text).rstrip("s"))
                shown_for.setdefault(key, set()).add((fold(shown), name))
    for (target, _), shown in sorted(shown_for.items()):
        words = {s for s, _ in shown}
        if not all(same_word(a, b) or same_word(b, a) for a in words for b in words):
            problems.append(f"{{term}} {target!r}: the same English word shows as "
                            f"{sorted(shown)} in Spanish")
    return problems


def plain_word_problems(catalogs, terms):
    """Messages whose English uses a glossary term or an everyday word of EVERYDAY in plain
    words (not a role) where the Spanish lacks the Spanish word for it."""
    words = {term: [entry[0]] for term, entry in terms.items()}
    words.update({en: [es] for en, es in EVERYDAY.items()})
    problems = []
    for name, catalog in catalogs.items():
        for m in messages(catalog):
            if not m.string:
                continue   # untranslated: test_translation.py's to report
            english = fold(ROLE.sub(" ", m.id))
            spanish = fold(m.string or "")
            for term, forms in words.items():
                if not re.search(r"\b" + re.escape(fold(term)) + r"s?\b", english):
                    continue
                forms = [*forms, *ADJECTIVES.get(term, ())]
                if not any(re.search(spanish_forms(f), spanish) for f in forms):
                    problems.append(f"{name}: the English says {term!r}, the Spanish has no "
                                    f"{' or '.join(forms)!r}: {m.string[:80]!r}")
    return problems


def test_every_term_role_shows_the_glossarys_spanish_word():
    found = catalogs()
    assert role_problems(found, glossary(found["glossary.po"])) == []


def test_the_glossarys_words_are_the_chapters_words():
    found = catalogs()
    assert plain_word_problems(found, glossary(found["glossary.po"])) == []


def _with(catalog_name, msgid, msgstr):
    """The catalogs with one message's Spanish replaced."""
    found = catalogs()
    message = found[catalog_name].get(msgid)
    assert message is not None, msgid
    message.string = msgstr
    return found


def test_an_inconsistent_spanish_word_is_caught():
    terms = glossary(catalogs()["glossary.po"])
    ch2 = "chapters/02-how-stem-cells-might-help.po"
    msgid = next(m.id for m in messages(catalogs()[ch2]) if "{term}`immune system`" in m.id)
    # Another word for the glossary's "sistema inmunitario", in a role.
    changed = _with(ch2, msgid, "Las células madre podrían calmar las {term}`defensas "
                                "<immune system>` del cuerpo contra los gérmenes.")
    problems = role_problems(changed, terms)
    assert any("'immune system' shows 'defensas'" in p for p in problems), problems
    assert any("the same English word shows as" in p for p in problems), problems
    # A role whose target is translated (Sphinx would not resolve it) or dropped.
    changed = _with(ch2, msgid,
                    "Las células madre podrían calmar el {term}`sistema inmunitario`.")
    assert any("are not the English message's" in p for p in role_problems(changed, terms))
    # "microbios" in the glossary where the chapters say "gérmenes".
    glossary_msgid = "The body's defense against germs and other harm."
    changed = _with("glossary.po", glossary_msgid, "La defensa del cuerpo contra los microbios.")
    assert plain_word_problems(changed, terms) == [
        "glossary.po: the English says 'germ', the Spanish has no 'germen': "
        "'La defensa del cuerpo contra los microbios.'"]


@pytest.mark.slow
@pytest.mark.book
def test_every_spanish_term_link_lands_on_a_glossary_term(built_book_es):
    judge(bookchecks.glossary_problems, built_book_es)


# -- dates -----------------------------------------------------------------------------------

ENGLISH_MONTH = re.compile(
    r"\b(January|February|March|April|May|June|July|August|September|October|November|"
    r"December|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?(?=\s+\d))\b")
SPANISH_MONTH = ("enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|"
                 "noviembre|diciembre")
# "noviembre 2026": a Spanish date is "noviembre de 2026".
NOT_SPANISH_DATE = re.compile(rf"\b(?:{SPANISH_MONTH})\s+\d{{4}}\b", re.IGNORECASE)


def date_problems(texts):
    """English months, and month-year dates not written "noviembre de 2026", in
    ``texts`` ({where: text})."""
    problems = []
    for where, text in texts.items():
        text = " ".join(text.split())
        for m in [*ENGLISH_MONTH.finditer(text), *NOT_SPANISH_DATE.finditer(text)]:
            problems.append(f"{where}: {text[max(0, m.start() - 40):m.end() + 20]!r}")
    return problems


def html_texts(outdir):
    texts = {}
    for page in sorted(Path(outdir).rglob("*.html")):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for el in soup(["script", "style"]):
            el.decompose()
        attrs = " ".join(v for tag in soup.find_all(True) for k, v in tag.attrs.items()
                         if k in ("alt", "title", "aria-label", "content") and isinstance(v, str))
        texts[page.relative_to(outdir).as_posix()] = soup.get_text(" ") + " " + attrs
    return texts


def test_an_english_date_is_caught():
    assert date_problems({"a": "Revisado en noviembre de 2026. Hasta 2026."}) == []
    assert len(date_problems({"a": "Última revisión: November 2026",
                              "b": "Próxima revisión: noviembre 2027", "c": "Nov 2026"})) == 3


@pytest.mark.slow
@pytest.mark.book
def test_no_english_date_in_the_spanish_website(built_html_es):
    assert date_problems(html_texts(built_html_es)) == []


@pytest.mark.slow
@pytest.mark.book
def test_no_english_date_in_the_spanish_ebook(built_epub_es):
    (epub,) = Path(built_epub_es).glob("*.epub")
    with zipfile.ZipFile(epub) as z:
        texts = {n: BeautifulSoup(z.read(n), "xml").get_text(" ")
                 for n in z.namelist() if n.endswith((".xhtml", ".opf", ".ncx"))}
    assert date_problems(texts) == []


@pytest.mark.slow
@pytest.mark.book
def test_no_english_date_in_the_spanish_handouts(built_handout_es):
    pdfs = sorted(Path(built_handout_es).rglob("*.pdf"))
    assert pdfs
    assert date_problems({p.relative_to(built_handout_es).as_posix(): pdfread.text(p)
                          for p in pdfs}) == []


# -- claims ----------------------------------------------------------------------------------

def plain(source):
    """A message's Markdown as the page shows it: roles and links as their text."""
    text = re.sub(r"\{[\w:-]+\}`([^`<]*?)\s*(?:<[^>]*>)?`", r"\1", source)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    return bookchecks.normalise(text.replace("**", "").replace("`", ""))


def claims():
    data = yaml.safe_load((ROOT / CONF["bookcheck_claims"]["file"]).read_text(encoding="utf-8"))
    return {k: v for k, v in data.items() if k != "pemat"}


def claim_problems(claims, catalogs):
    """Claims no message of their chapter's catalog carries, and claim messages without a
    current Spanish translation (missing, empty, fuzzy or left in English)."""
    problems = []
    for number, entry in sorted(claims.items()):
        name = Path(entry["chapter"]).relative_to("docs").with_suffix(".po").as_posix()
        carrying = [m for m in messages(catalogs[name])
                    if bookchecks.normalise(entry["passage"]) in plain(m.id)]
        if not carrying:
            problems.append(f"claim {number}: no message of {name} carries "
                            f"{entry['passage']!r}")
        for m in carrying:
            if not m.string or m.fuzzy or m.string == m.id:
                state = "fuzzy" if m.fuzzy else "untranslated"
                problems.append(f"claim {number}: {name}: {state}: {m.id[:60]!r}")
    return problems


def test_every_claim_is_carried_by_a_current_spanish_translation():
    found = claims()
    assert len(found) == CONF["bookcheck_claims"]["count"]
    assert claim_problems(found, catalogs()) == []


def test_a_fuzzy_or_emptied_claim_translation_is_caught():
    found, cats = claims(), catalogs()
    ch1 = cats["chapters/01-what-is-neuropathy.po"]
    germs = ch1.get("infections, which are illnesses caused by germs")   # claim 13
    germs.flags.add("fuzzy")
    tingling = ch1.get("tingling, or a feeling of pins and needles")        # claim 7
    tingling.string = ""
    assert claim_problems(found, cats) == [
        "claim 7: chapters/01-what-is-neuropathy.po: untranslated: "
        "'tingling, or a feeling of pins and needles'",
        "claim 13: chapters/01-what-is-neuropathy.po: fuzzy: "
        "'infections, which are illnesses caused by germs'"]
