"""One term for one thing, in each language of the book (issue 28, point 2).

A reader who meets "señal de alerta" on one page and "señal de alarma" on the next wonders
whether they are two things. For each language the book is written or translated in, a list
of the things the book names again and again: the one word it uses, and the other words a
writer or a translator may reach for. The English is read from the catalogs' msgids (the
book's text as the gettext builder cut it, no file names or markup), each translation from
its msgstrs, our own words (patientpress.po) included.

Three checks per translation: no other word for a listed thing; where the English says
the thing, the translation says its word; and the same English message (a heading such as
"What you can do next") is translated the same way in every catalog. Each is shown failing
on a catalog changed to break it. The glossary's own words are checked by
test_spanish_text.py; this list is for the words around them.
"""

import re
from collections import namedtuple
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from conftest import ROOT

#: ``word``: what the book says (a regular expression, case-insensitive); ``others``: what it
#: must not say instead; ``english``: the English it stands for (translations only), which,
#: where a message says it, the translation must render with ``word``.
Term = namedtuple("Term", "word others english", defaults=(None,))

TERMS = {
    "en": [
        # US spelling, as the book's readers (and ClinicalTrials.gov) spell it.
        Term(r"fib(er|ers)\b", [r"\bfibres?\b"]),
        Term(r"tumors?\b", [r"\btumours?\b"]),
        Term(r"centers?\b", [r"\bcentres?\b"]),
        Term(r"labeled\b", [r"\blabelled\b"]),
        Term(r"warning signs?", [r"\bred flags?\b", r"\balarm signs?\b"]),
        Term(r"stem cells?", [r"\bstem-cells?\b", r"\bstem-cell\b"]),
        Term(r"as of 2026", [r"\bas at 2026\b", r"\bas of now\b"]),
        Term(r"immune system", [r"\bimmunity\b"]),
    ],
    "es": [
        Term(r"hasta 2026", [r"(?:^|[.;:] )en 2026,", r"\ba 2026\b"], "as of 2026"),
        Term(r"señal(es)? de alerta", [r"señal(es)? de alarma", r"signos? de alarma",
                                        r"banderas? rojas?"], "warning sign"),
        Term(r"tratamiento estándar", [r"de uso común", r"tratamiento habitual"],
             "standard treatment"),
        Term(r"particip", [r"\bentre solo en\b", r"\bentrar en (un|otros) (ensayo|estudio)",
                           r"\bentre en otros ensayos\b", r"\bpor entrar\b"],
         r"\bjoin(?:ing)?\b(?! and)"),
        Term(r"número IND", [r"número de IND"], "IND number"),
        Term(r"junta de revisión institucional|\bla IRB\b|\buna IRB\b",
             [r"comité de ética \(IRB\)", r"\bel IRB\b", r"\bun IRB\b"],
             "Institutional Review Board"),
        Term(r"consulte a su médico", [r"\bvaya a su médico\b", r"\bvaya al médico\b"],
             "See your doctor"),
        Term(r"a largo plazo", [r"\bde largo plazo\b"], "long-term"),
        Term(r"célula(s)? madre", [r"célula(s)? troncal(es)?", r"célula(s)? estaminal(es)?"],
             "stem cell"),
        Term(r"sistema inmunitario", [r"sistema inmune\b", r"sistema inmunológico"],
             "immune system"),
        Term(r"adormecimiento", [r"entumecimiento"], "numbness"),
        Term(r"contenido", [r"\bíndice\b(?! alfabético)"], "Contents"),
        Term(r"“", [r"«", r"»", r'"'], '"'),
        # The review's wording fixes: calques, jargon and colloquialisms.
        Term(r"en los valores que le indiquen", [r"rango meta"], "target range"),
        Term(r"cambian", [r"reprogram"], r"\breset"),
        Term(r"en su mayor parte", [r"más que nada"], "mostly"),
        Term(r"contribuir", [r"ayudar a causar"], "play a part"),
        Term(r"estudios", [r"qué pruebas hay", r"sobre las pruebas"], r"\bproof that this"),
    ],
}

CATALOGS = ROOT / "locales"
OURS = ROOT / "patientpress" / "locale"


def read(path):
    with Path(path).open("rb") as f:
        return read_po(f)


def catalogs(language):
    """{name: catalog} of the book's catalogs in ``language`` and of our own words."""
    found = {p.relative_to(CATALOGS / language / "LC_MESSAGES").as_posix(): read(p)
             for p in sorted((CATALOGS / language / "LC_MESSAGES").rglob("*.po"))}
    found.update({f"patientpress/{p.name}": read(p)
                  for p in sorted((OURS / language / "LC_MESSAGES").glob("*.po"))})
    return found


def messages(catalog):
    return [m for m in catalog if m.id and isinstance(m.id, str)]


def prose(text):
    """The words a reader sees: no roles' targets, code, web addresses or CSS selectors."""
    text = re.sub(r"\{[\w:-]+\}`([^`<]*?)\s*<[^>]*>`", r"\1", text)
    text = re.sub(r"\{(?:ref|doc|numref|eq)\}`[^`]*`", " ", text)   # a label, not words
    text = re.sub(r"\{[\w:-]+\}`([^`]*)`", r"\1", text)
    text = re.sub(r"<https?://[^>]*>|https?://\S+", " ", text)
    return re.sub(r"`[^`]*`", " ", text)


def texts(language):
    """{where: text} in ``language``: the English msgids, or a translation's msgstrs (a
    message left as its msgid, such as a CSS selector, is not the translator's wording)."""
    english = language == "en"
    found = {}
    for name, catalog in catalogs("es" if english else language).items():
        for m in messages(catalog):
            if name.startswith("patientpress/") and english:
                continue
            text = m.id if english else m.string
            if text and (english or text != m.id):
                found[f"{name}: {m.id[:50]!r}"] = prose(text)
    return found


def other_word_problems(found, terms):
    problems = []
    for where, text in found.items():
        for term in terms:
            for other in term.others:
                hit = re.search(other, text, re.IGNORECASE | re.MULTILINE)
                if hit:
                    problems.append(f"{where}: says {hit.group(0)!r} where the book says "
                                    f"{term.word!r}")
    return problems


def missing_word_problems(catalogs_, terms):
    """Messages whose English says a listed thing and whose translation lacks its word."""
    problems = []
    for name, catalog in catalogs_.items():
        for m in messages(catalog):
            if not m.string or m.string == m.id:
                continue
            for term in terms:
                if term.english and re.search(term.english, prose(m.id), re.IGNORECASE) \
                        and not re.search(term.word, prose(m.string), re.IGNORECASE):
                    problems.append(f"{name}: the English says {term.english!r}, the "
                                    f"translation lacks {term.word!r}: {m.string[:70]!r}")
    return problems


def same_message_problems(catalogs_):
    """One English message translated two ways in different catalogs."""
    seen = {}
    for name, catalog in catalogs_.items():
        for m in messages(catalog):
            if m.string:
                seen.setdefault(m.id, {}).setdefault(m.string, []).append(name)
    return [f"{msgid!r} is translated {len(ways)} ways: {ways}"
            for msgid, ways in seen.items() if len(ways) > 1]


TRANSLATIONS = [lang for lang in TERMS if lang != "en"]


def test_the_english_says_one_word_for_one_thing():
    assert other_word_problems(texts("en"), TERMS["en"]) == []


@pytest.mark.parametrize("language", TRANSLATIONS)
def test_a_translation_says_one_word_for_one_thing(language):
    assert other_word_problems(texts(language), TERMS[language]) == []


@pytest.mark.parametrize("language", TRANSLATIONS)
def test_where_the_english_says_a_thing_the_translation_says_its_word(language):
    assert missing_word_problems(catalogs(language), TERMS[language]) == []


@pytest.mark.parametrize("language", TRANSLATIONS)
def test_one_english_message_is_translated_one_way(language):
    assert same_message_problems(catalogs(language)) == []


def changed(language, name, msgid_part, new):
    found = catalogs(language)
    message = next(m for m in messages(found[name]) if msgid_part in m.id)
    message.string = new
    return found


def test_another_word_a_missing_word_and_a_second_translation_are_caught():
    ch4 = "chapters/04-safety-and-choosing-care.po"
    # The second edition's "señal de alarma" on the questions page.
    found = changed("es", "questions.po", "that is a warning sign",
                    "Si una clínica no responde, es una señal de alarma.")
    texts_ = {f"{n}: {m.id[:50]!r}": prose(m.string) for n, c in found.items()
              for m in messages(c) if m.string and m.string != m.id}
    problems = other_word_problems(texts_, TERMS["es"])
    assert any("'señal de alarma' where the book says" in p for p in problems), problems
    # "as of 2026" said as "en 2026": another word, and the book's word missing.
    found = changed("es", ch4, "As of 2026, the FDA has not approved",
                    "En 2026, la FDA no ha aprobado ningún producto de células madre para "
                    "tratar la neuropatía periférica.")
    problems = missing_word_problems(found, TERMS["es"])
    assert any("the English says 'as of 2026', the translation lacks 'hasta 2026'" in p
               for p in problems), problems
    # The same heading translated two ways.
    found = changed("es", ch4, "What you can do next", "Qué puede hacer ahora")
    assert any("'What you can do next' is translated 2 ways" in p
               for p in same_message_problems(found))


def test_a_british_spelling_in_the_english_is_caught():
    problems = other_word_problems({"x": "A nerve fibre and a tumour."}, TERMS["en"])
    assert [p.split(" where")[0] for p in problems] == ["x: says 'fibre'", "x: says 'tumour'"]
