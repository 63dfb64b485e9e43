"""Every output is dated by the book's last commit: patientpress sets SOURCE_DATE_EPOCH
(unless the caller did), so a book needs no date code in its conf.py."""

import os
import subprocess

import pytest

from patientpress import files


def test_a_date_the_caller_set_is_kept(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764000000")
    files.pin_source_date(tmp_path)
    assert os.environ["SOURCE_DATE_EPOCH"] == "1764000000"


def test_a_book_in_git_is_dated_by_its_last_commit(tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    env = {**os.environ, "GIT_AUTHOR_DATE": "@1700000000 +0000",
           "GIT_COMMITTER_DATE": "@1700000000 +0000", "GIT_AUTHOR_NAME": "A",
           "GIT_AUTHOR_EMAIL": "a@example.org", "GIT_COMMITTER_NAME": "A",
           "GIT_COMMITTER_EMAIL": "a@example.org"}
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True, env=env)
    (tmp_path / "conf.py").write_text("project = 'x'\n")
    subprocess.run(["git", "-C", str(tmp_path), "add", "conf.py"], check=True, env=env)
    subprocess.run(["git", "-C", str(tmp_path), "commit", "-q", "-m", "x"], check=True, env=env)
    files.pin_source_date(tmp_path)
    assert os.environ["SOURCE_DATE_EPOCH"] == "1700000000"


def test_a_book_outside_git_is_dated_1980(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    files.pin_source_date(tmp_path)
    assert os.environ["SOURCE_DATE_EPOCH"] == str(files.ZIP_EPOCH_MIN) == "315532800"


# The test suite's own guard (conftest.pytest_fixture_setup): a module fixture that dates a
# build outside git must not date the rest of the run 1980.
@pytest.fixture(scope="module")
def dated_outside_git(tmp_path_factory):
    folder = tmp_path_factory.mktemp("outside-git")
    before = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ.pop("SOURCE_DATE_EPOCH", None)
    os.environ["GIT_CEILING_DIRECTORIES"] = str(folder.parent)
    files.pin_source_date(folder)
    return before, os.environ["SOURCE_DATE_EPOCH"]


def test_a_module_fixture_leaves_the_date_to_later_tests(dated_outside_git):
    before, inside = dated_outside_git
    assert inside == str(files.ZIP_EPOCH_MIN)
    assert os.environ.get("SOURCE_DATE_EPOCH") == before
