"""The Spanish edition's message catalogs (issue 18, in progress) keep up with the English.

Each English message the book has now (Sphinx's gettext builder) must have a Spanish
translation in ``locales/es/LC_MESSAGES/`` that is neither empty nor marked fuzzy: when a
sentence of a chapter changes, its old translation no longer matches and this fails,
instead of the Spanish book silently printing the new English sentence. The e-book is
also built in Spanish, strictly, so a translation that breaks a reference fails too.
"""

import shutil
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from conftest import ROOT, sphinx_build

LOCALES = ROOT / "locales"
CATALOGS = LOCALES / "es" / "LC_MESSAGES"


def catalog(path):
    with Path(path).open("rb") as f:
        return read_po(f)


def untranslated(template, translation):
    """The messages of ``template`` (a .pot catalog) that ``translation`` (its .po) lacks,
    leaves empty or marks fuzzy."""
    missing = []
    for message in template:
        if not message.id:
            continue   # the header
        found = translation.get(message.id, message.context)
        if found is None or not found.string or found.fuzzy:
            missing.append(message.id)
    return missing


@pytest.fixture(scope="module")
def templates(tmp_path_factory):
    out = tmp_path_factory.mktemp("gettext") / "gettext"
    proc = sphinx_build("gettext", out)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return out


def test_every_document_has_a_spanish_catalog(templates):
    pots = {p.relative_to(templates).with_suffix("").as_posix() for p in templates.rglob("*.pot")}
    pos = {p.relative_to(CATALOGS).with_suffix("").as_posix() for p in CATALOGS.rglob("*.po")}
    assert pots and pots == pos


def test_every_english_message_has_a_current_spanish_translation(templates):
    stale = {}
    for pot in sorted(templates.rglob("*.pot")):
        name = pot.relative_to(templates).with_suffix(".po")
        missing = untranslated(catalog(pot), catalog(CATALOGS / name))
        if missing:
            stale[name.as_posix()] = [m[:60] for m in missing]
    assert stale == {}, ("messages with no current Spanish translation (edit the .po files "
                         f"after `sphinx-intl update -p <gettext dir> -l es -d locales`): {stale}")


def test_a_changed_sentence_is_caught(templates):
    """The check above can fail: a template with one sentence edited finds it untranslated."""
    pot = catalog(templates / "chapters" / "01-what-is-neuropathy.pot")
    po = catalog(CATALOGS / "chapters" / "01-what-is-neuropathy.po")
    assert untranslated(pot, po) == []
    first = next(m for m in pot if m.id and len(m.id) > 40)
    pot.delete(first.id, first.context)
    pot.add(first.id + " Edited.", context=first.context)
    assert untranslated(pot, po) == [first.id + " Edited."]


def test_the_spanish_ebook_builds_strictly(tmp_path):
    # A copy of the catalogs: Sphinx compiles .mo files beside them, never in the repository.
    locales = shutil.copytree(LOCALES, tmp_path / "locales")
    out = tmp_path / "epub"
    proc = sphinx_build("epub", out, "-D", "language=es", "-D", f"locale_dirs={locales}")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    chapter = (out / "chapters" / "01-what-is-neuropathy.xhtml").read_text(encoding="utf-8")
    assert "¿Qué es la neuropatía periférica?" in chapter and 'xml:lang="es"' in chapter
