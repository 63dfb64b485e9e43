"""A translation that lags behind the text (issue 28, point 5), both ways.

``make`` builds every language it is asked for: one whose catalogs lag (a new English
sentence not yet in the Spanish catalog) fails alone, named at the end, and every other
language is still built and published. With ``make DRAFT=1`` (``translation_draft``) the
lagging language is built as a draft for review instead: each untranslated passage stays in
English, marked ``lang="en"`` and labelled in Spanish where it stands, and a box at the top
of its page counts them. Read the Docs refuses a draft.

On the tiny root ``test-i18n`` (an English book with its Spanish catalogs), with one new
English sentence in ``care.md``.
"""

import shutil
import subprocess
import zipfile

import pytest
from bs4 import BeautifulSoup
from sphinx.errors import ConfigError

import pdfread
from conftest import ROOT, build_in_process
from patientpress import i18n

NEW = "Wear soft socks with no seams."


@pytest.fixture
def lagging(tmp_path, rootdir):
    """The tiny book with a sentence its Spanish catalog does not have yet."""
    src = shutil.copytree(rootdir / "test-i18n", tmp_path / "book")
    care = src / "care.md"
    care.write_text(care.read_text(encoding="utf-8") + f"\n{NEW}\n", encoding="utf-8")
    return src


def spanish(src, builder, out, **settings):
    return build_in_process(builder, src, out, {"language": "es", **settings})


def test_a_lagging_translation_fails_naming_the_sentence(lagging, tmp_path):
    result = spanish(lagging, "html", tmp_path / "_build")
    assert "not translated into 'es'" in result.warnings and NEW in result.warnings


@pytest.mark.parametrize("builder", ["html", "epub", "handout"])
def test_a_draft_leaves_the_sentence_in_english_marked_and_flagged(lagging, tmp_path, builder):
    result = spanish(lagging, builder, tmp_path / "_build", translation_draft=True,
                     suppress_warnings=["patientpress.download"])
    assert result.warnings == "", result.warnings
    if builder == "handout":
        text = " ".join(pdfread.text(next(result.outdir.glob("*.pdf"))).split())
        assert f"Sin traducir: {NEW}" in text
        assert "Borrador para revisar, no para lectores. Partes de esta página aún sin traducir: 1." in text
        return
    if builder == "epub":
        with zipfile.ZipFile(next(result.outdir.glob("*.epub"))) as z:
            markup = z.read(next(n for n in z.namelist() if n.endswith("care.xhtml")))
    else:
        markup = (result.outdir / "care.html").read_bytes()
    page = BeautifulSoup(markup, "html.parser")
    passage = next(p for p in page.select(".untranslated") if NEW in p.get_text())
    assert passage.get("lang") == "en"
    label = passage.select_one(".untranslated-label")
    assert label.get_text() == "Sin traducir: " and label.get("lang") == "es"
    notice = page.select_one(".draft-notice")
    assert "Partes de esta página aún sin traducir: 1." in " ".join(notice.get_text(" ").split())
    # The translated passages are Spanish and unmarked.
    assert "Mire sus pies todos los días." in page.get_text() and \
        len(page.select(".untranslated")) == 1


def test_a_draft_is_refused_on_read_the_docs(monkeypatch):
    class Config:
        translation_draft = True
    monkeypatch.setenv("READTHEDOCS", "True")
    with pytest.raises(ConfigError, match="translation_draft builds a draft for review"):
        i18n.refuse_draft_release(None, Config())
    monkeypatch.setenv("READTHEDOCS", "")
    i18n.refuse_draft_release(None, Config())


def make(src, out, *extra):
    return subprocess.run(["make", "--no-print-directory", "-C", str(ROOT), "all",
                           f"SOURCEDIR={src}", f"CONFDIR={src}", f"BUILDDIR={out}",
                           "LANGUAGES=es en", *extra],
                          capture_output=True, text=True, timeout=900)


@pytest.mark.slow
def test_make_publishes_every_language_that_builds_and_names_the_one_that_lags(lagging,
                                                                               tmp_path):
    out = tmp_path / "_build"
    proc = make(lagging, out)
    assert proc.returncode != 0
    assert "make: not published: es" in proc.stderr, proc.stderr[-2000:]
    assert "not translated into 'es'" in proc.stderr
    # Spanish came first and failed; English was still built and published after it.
    for made in ("html/index.html", "html/care.html", "epub", "handout"):
        assert (out / made).exists(), made
    assert not (out / "es" / "html").exists() and not (out / "es" / "epub").exists()


@pytest.mark.slow
def test_make_draft_builds_the_lagging_language_as_a_draft(lagging, tmp_path):
    out = tmp_path / "_build"
    proc = make(lagging, out, "DRAFT=1")
    assert proc.returncode == 0, proc.stderr[-2000:]
    page = BeautifulSoup((out / "es" / "html" / "care.html").read_text("utf-8"), "html.parser")
    assert [p.get("lang") for p in page.select(".untranslated")] == ["en"]
    assert page.select_one(".draft-notice") is not None
    # The source language is never a draft.
    english = (out / "html" / "care.html").read_text("utf-8")
    assert "untranslated" not in english and NEW in english
