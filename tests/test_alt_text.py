"""Honest alt text (issue 27, point 7): a picture with none, or with its file name as its
words, is a warning naming the chapter and line, and the e-book then does not claim
``alternativeText``; a book whose pictures all have words keeps the claim."""

import shutil
import zipfile

import epubread
from conftest import ROOT, build_in_process

PICTURE = ROOT / "tests" / "roots" / "test-second-book" / "figures" / "tank.svg"


def _book(tmp_path, chapter):
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(PICTURE, src / "tank.svg")
    (src / "conf.py").write_text(
        'project = "Pictures"\nauthor = "T"\nversion = release = "1"\n'
        'extensions = ["myst_parser", "patientpress"]\nepub_uid = epub_identifier = "p"\n'
        'epub_scheme = ""\nhandout_preset = "book"\n', encoding="utf-8")
    (src / "index.md").write_text(f"# Pictures\n\n{chapter}\n", encoding="utf-8")
    return src


def _claims(built):
    with zipfile.ZipFile(epubread.find(built.outdir)) as z:
        opf = z.read("content.opf").decode()
    return "alternativeText" in opf


def test_pictures_without_words_are_warnings_and_the_ebook_claims_nothing(tmp_path):
    src = _book(tmp_path, "A tank: ![](tank.svg)\n\nAgain: ![tank.svg](tank.svg)\n\n"
                          "Well said: ![A square blue tank](tank.svg)\n")
    built = build_in_process("epub", src, tmp_path / "_build")
    assert "index.md:3: WARNING: picture tank.svg has no alt text" in built.warnings
    assert ("index.md:5: WARNING: picture tank.svg has its file name as its alt text "
            "('tank.svg')") in built.warnings
    assert built.warnings.count("[patientpress.alt_text]") == 2
    assert not _claims(built)


def test_a_book_whose_pictures_all_have_words_claims_alternative_text(tmp_path):
    src = _book(tmp_path, "Well said: ![A square blue tank](tank.svg)\n")
    built = build_in_process("epub", src, tmp_path / "_build")
    assert "alt_text" not in built.warnings
    assert _claims(built)
