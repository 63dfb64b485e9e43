"""Read the Docs: run the commands of .readthedocs.yaml as RTD would, check what RTD checks."""

import copy
import os
import shutil
import subprocess
import sys
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
def test_rtd_build_commands_publish_site_pdf_and_epub(tmp_path):
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
           "READTHEDOCS_CANONICAL_URL": "https://neuropathy-guide.readthedocs.io/en/latest/",
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
    assert 'rel="canonical" href="https://neuropathy-guide.readthedocs.io/en/latest/' in index
