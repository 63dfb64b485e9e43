"""Read the Docs: run the commands of .readthedocs.yaml as RTD would, check what RTD checks."""

import copy
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
CONFIG = yaml.safe_load((ROOT / ".readthedocs.yaml").read_text())
CHECK_JSONSCHEMA = Path(sys.executable).with_name("check-jsonschema")


def check_against_rtd_schema(path):
    """check-jsonschema with the Read the Docs schema it bundles (no network)."""
    return subprocess.run([str(CHECK_JSONSCHEMA), "--builtin-schema", "vendor.readthedocs",
                           str(path)], capture_output=True, text=True, timeout=120)


def test_config_is_strict_and_offers_our_pdf_and_epub():
    assert CONFIG["version"] == 2
    assert CONFIG["sphinx"]["configuration"] == "conf.py"
    assert CONFIG["sphinx"]["fail_on_warning"] is True
    assert set(CONFIG["formats"]) == {"pdf", "epub"}
    assert set(CONFIG["build"]["jobs"]["build"]) == {"html", "pdf", "epub"}
    assert "--require-hashes" in " ".join(CONFIG["build"]["jobs"]["install"])
    script = (ROOT / "scripts" / "rtd-build").read_text()
    assert "-n -W --keep-going" in script


def test_config_passes_read_the_docs_schema():
    proc = check_against_rtd_schema(ROOT / ".readthedocs.yaml")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "ok -- validation done" in proc.stdout


def test_schema_check_rejects_an_unknown_build_job(tmp_path):
    config = copy.deepcopy(CONFIG)
    config["build"]["jobs"]["build"]["website"] = ["scripts/rtd-build html"]
    bad = tmp_path / ".readthedocs.yaml"
    bad.write_text(yaml.safe_dump(config), encoding="utf-8")
    proc = check_against_rtd_schema(bad)
    assert proc.returncode != 0
    assert "Additional properties are not allowed ('website' was unexpected)" in proc.stdout


@pytest.mark.slow
@pytest.mark.parametrize("language", ["en", "es"])
def test_rtd_build_commands_publish_site_pdf_and_epub(tmp_path, language):
    """The main project (English) and its translation project (Spanish, served by Read the
    Docs at /es/ and passed READTHEDOCS_LANGUAGE) both publish all three formats."""
    # A clean checkout of the tracked files, as Read the Docs clones it.
    checkout = tmp_path / "checkout"
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True,
                           check=True).stdout.decode().split("\0")
    for name in filter(None, files):
        if (ROOT / name).is_file():
            (checkout / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, checkout / name)
    output = tmp_path / "rtd-output"
    env = {**os.environ, "READTHEDOCS": "True", "READTHEDOCS_OUTPUT": str(output),
           "READTHEDOCS_CANONICAL_URL": f"https://neuropathy-guide.readthedocs.io/{language}/latest/",
           "READTHEDOCS_LANGUAGE": language,
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    env.pop("SOURCE_DATE_EPOCH", None)   # RTD does not set it
    for fmt in ("html", "pdf", "epub"):   # RTD's order; each command in a fresh shell
        for command in CONFIG["build"]["jobs"]["build"][fmt]:
            proc = subprocess.run(["bash", "-c", command], cwd=checkout, env=env,
                                  capture_output=True, text=True)
            assert proc.returncode == 0, f"{command}\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    assert (output / "html" / "index.html").is_file()
    for fmt in ("pdf", "epub"):
        entries = list((output / fmt).iterdir())
        assert len(entries) == 1 and entries[0].is_file(), entries
        assert entries[0].name.count(".") == 1, entries[0].name
    assert not (checkout / "_build" / "html").exists()
    index = (output / "html" / "index.html").read_text(encoding="utf-8")
    assert f'rel="canonical" href="https://neuropathy-guide.readthedocs.io/{language}/latest/' in index
    assert f'<html lang="{language}"' in index
    # Each page links to itself in the other project.
    other = "es" if language == "en" else "en"
    page = (output / "html" / "chapters" / "01-what-is-neuropathy.html").read_text(encoding="utf-8")
    assert (f'href="https://neuropathy-guide.readthedocs.io/{other}/latest/chapters/'
            f'01-what-is-neuropathy.html" hreflang="{other}" lang="{other}"') in page
    with zipfile.ZipFile(next((output / "epub").iterdir())) as epub:
        opf = epub.read("content.opf").decode()
    assert f"<dc:language>{language}</dc:language>" in opf


def test_rtd_pdf_and_epub_steps_never_publish_an_earlier_builds_file(tmp_path):
    """A failed html step leaves the pdf and epub steps nothing to copy: they fail and say
    why, even when an earlier build's PDF and EPUB are still in _build/."""
    checkout = tmp_path / "checkout"
    for name in ("scripts/rtd-build", "scripts/build", "conf.py"):
        (checkout / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, checkout / name)
    for folder in ("_static", "patientpress"):
        shutil.copytree(ROOT / folder, checkout / folder)
    (checkout / "docs").mkdir()
    (checkout / "docs" / "index.md").write_text("# Book\n\nSee {ref}`no-such-label`.\n")
    stale = checkout / "_build" / "rtd"
    (stale / "handout").mkdir(parents=True)
    (stale / "epub").mkdir()
    (stale / "handout" / "handout.pdf").write_bytes(b"%PDF- from an earlier build")
    (stale / "epub" / "old.epub").write_bytes(b"from an earlier build")
    output = tmp_path / "rtd-output"
    (stale / "finished-for").write_text(str(output))   # an earlier run's success
    env = {**os.environ, "READTHEDOCS": "True", "READTHEDOCS_OUTPUT": str(output),
           "PYTHON": sys.executable}

    def step(fmt):
        return subprocess.run(["bash", "scripts/rtd-build", fmt], cwd=checkout, env=env,
                              capture_output=True, text=True)

    html = step("html")
    assert html.returncode != 0 and "no-such-label" in html.stderr, html.stderr[-2000:]
    for fmt in ("pdf", "epub"):
        proc = step(fmt)
        assert proc.returncode != 0
        assert f"no {fmt} from this build: the html step did not finish" in proc.stderr
        assert not (output / fmt).exists()
