"""Supply chain: every dependency is pinned exactly, hashed, and installed with --require-hashes."""

import re

from conftest import ROOT

REQ = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?==([^\s;\\]+)")


def requirements(path):
    """{name: (version, [hashes])} of a pip requirements file, continuation lines joined."""
    text = path.read_text(encoding="utf-8").replace("\\\n", " ")
    found = {}
    for line in text.splitlines():
        line = line.split(" #", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        match = REQ.match(line)
        assert match, f"{path.name}: not an exact pin: {line!r}"
        name = re.sub(r"[-_.]+", "-", match.group(1)).lower()
        found[name] = (match.group(3), re.findall(r"--hash=sha256:([0-9a-f]{64})", line))
    return found


def test_every_locked_requirement_is_exact_and_hashed():
    locked = requirements(ROOT / "requirements.txt")
    assert len(locked) > 20
    unhashed = sorted(name for name, (_, hashes) in locked.items() if not hashes)
    assert unhashed == []


def test_every_top_level_pin_is_in_the_lock_at_the_same_version():
    wanted = requirements(ROOT / "requirements.in")
    locked = requirements(ROOT / "requirements.txt")
    assert {n: v for n, (v, _) in wanted.items()} == {n: locked[n][0] for n in wanted if n in locked}
    assert sorted(set(wanted) - set(locked)) == []


def test_lock_says_how_it_was_made_and_is_installed_with_hashes():
    header = (ROOT / "requirements.txt").read_text(encoding="utf-8")[:600]
    assert "uv pip compile --generate-hashes" in header and "make lock" in header
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"pip install .*--require-hashes -r requirements\.txt", makefile)
    assert re.search(r"^lock:.*\n(\t.*\n)*\t.*pip compile --generate-hashes .*requirements\.in",
                     makefile, re.MULTILINE)


def test_the_parser_catches_a_loose_or_unhashed_line(tmp_path):
    bad = tmp_path / "requirements.txt"
    bad.write_text("sphinx==9.0.4 \\\n    --hash=sha256:" + "a" * 64 + "\nfoo==1.0\n",
                   encoding="utf-8")
    assert requirements(bad)["foo"] == ("1.0", [])
    bad.write_text("sphinx>=9\n", encoding="utf-8")
    try:
        requirements(bad)
    except AssertionError as exc:
        assert "not an exact pin" in str(exc)
    else:
        raise AssertionError("a loose pin went unnoticed")
