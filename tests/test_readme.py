"""The README stays true: what it shows is what ships, and what it tells you to run exists."""

import re
import subprocess

from conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_clinic_example_is_the_shipped_file():
    shown = re.search(r"`clinics/example-clinic.yaml`.*?```yaml\n(.*?)```", README, re.S)
    assert shown, "the README shows no clinic example"
    assert shown[1] == (ROOT / "clinics" / "example-clinic.yaml").read_text(encoding="utf-8")


def test_every_clinic_file_that_ships_is_named():
    for path in (ROOT / "clinics").glob("*.y*ml"):
        assert f"clinics/{path.name}" in README, path.name


def test_every_make_target_the_readme_names_is_in_make_help():
    listed = subprocess.run(["make", "--no-print-directory", "-C", str(ROOT), "help"],
                            capture_output=True, text=True, check=True).stdout
    targets = set(re.findall(r"^  ([a-z0-9-]+)\s", listed, re.M))
    named = set(re.findall(r"`make ([a-z][a-z0-9-]*)", README))
    # Targets Sphinx itself answers through the catch-all (make singlehtml, linkcheck).
    assert named - targets <= {"singlehtml", "linkcheck"}, named - targets


def test_the_readmes_map_names_every_module_in_its_room():
    """The room table under "How it works" names each module of the package in its room's
    row (a module at the top, in any row), so that the map matches the tree."""
    table = README.split("| room | job | tests |", 1)[1].split("\n\n", 1)[0]
    rows = {}
    for row in table.splitlines():
        cells = row.split("|")
        if len(cells) > 2:
            for room in re.findall(r"`([\w./]+)`", cells[1]):
                rows[room] = cells[2]
    package = ROOT / "patientpress"
    unnamed = []
    for path in sorted(package.rglob("*.py")):
        rel = path.relative_to(package)
        if rel.name in ("__init__.py", "__main__.py") or rel.parts[0] in ("skeleton", "locale"):
            continue
        if len(rel.parts) == 1:
            named = any(f"`{rel.name}`" in room or f"`{rel.name}`" in job
                        for room, job in rows.items()) or rel.name in rows
        else:
            job = rows.get(f"{rel.parts[0]}/", "")
            named = f"`{rel.name}`" in job
        if not named:
            unnamed.append(str(rel))
    assert unnamed == [], unnamed
