"""A good build prints Sphinx's progress and nothing else: no settings dumps."""

import shutil

from conftest import ROOT, sphinx_build

BOOK = ROOT / "tests" / "roots" / "test-book"
QUIET = ("-D", "suppress_warnings=patientpress.download")   # the website alone


def test_myst_settings_are_not_printed(tmp_path):
    src = tmp_path / "src"
    shutil.copytree(BOOK, src)
    proc = sphinx_build("html", tmp_path / "html", *QUIET, srcdir=src, confdir=src)
    assert proc.returncode == 0, proc.stderr
    printed = proc.stdout + proc.stderr
    assert "building [html]" in printed          # Sphinx's own progress stays
    assert "myst v" not in printed, printed
    assert "MdParserConfig" not in printed, printed


def test_myst_settings_still_shown_when_asked_for(tmp_path):
    src = tmp_path / "src"
    shutil.copytree(BOOK, src)
    proc = sphinx_build("html", tmp_path / "html", *QUIET, "-v", srcdir=src, confdir=src)
    assert proc.returncode == 0, proc.stderr
    assert "MdParserConfig(" in proc.stdout
