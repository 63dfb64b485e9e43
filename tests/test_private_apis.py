"""Public APIs only, and where none exists, one module owns the private use, names the
versions it was proven on, and this test fails loudly when another version is installed.

Upgrading a pin in requirements.in? This is the list of what to check again: read each
module's comment, check that the private part still does what it did, then update its
PROVEN_ON.
"""

import ast
import hashlib
import importlib.metadata
import inspect

import pytest
from myst_parser.parsers.sphinx_ import MystParser

from conftest import ROOT
from patientpress.checks import readability
from patientpress.epub import builder as epub
from patientpress.markup import myst
from patientpress.print import counters, lastnotes, pagerefs
from patientpress.print.preflight import content

OWNERS = [pagerefs, lastnotes, counters, epub, readability, myst, content]


@pytest.mark.parametrize("module", OWNERS, ids=lambda m: m.__name__)
def test_the_private_parts_are_used_on_the_versions_they_were_proven_on(module):
    for dist, proven in module.PROVEN_ON.items():
        installed = importlib.metadata.version(dist)
        assert installed == proven, (
            f"{module.__name__} relies on private parts of {dist}, proven on {proven}; "
            f"{installed} is installed: check them again (see the module), then update "
            f"its PROVEN_ON")


def test_the_myst_parse_it_repeats_is_myst_parsers_own():
    upstream = hashlib.sha256(inspect.getsource(MystParser.parse).encode()).hexdigest()
    assert upstream == myst.UPSTREAM_PARSE_SHA256, (
        "MystParser.parse changed upstream: take its change into "
        "patientpress/markup/myst.py's Parser.parse, then update UPSTREAM_PARSE_SHA256")


def private_imports(tree):
    """Imports of a private module of Sphinx (sphinx.x._y), and reads of ``_raw_config``."""
    found = []
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        found += [n for n in names if n.split(".")[0] == "sphinx"
                  and any(part.startswith("_") for part in n.split(".")[1:])]
        if isinstance(node, ast.Attribute) and node.attr == "_raw_config":
            found.append("._raw_config")
        if isinstance(node, ast.Constant) and node.value == "_raw_config":
            found.append("'_raw_config'")
    return found


def test_no_module_imports_a_private_sphinx_module_or_reads_the_raw_config():
    offenders = {}
    for path in (ROOT / "patientpress").rglob("*.py"):
        found = private_imports(ast.parse(path.read_text(encoding="utf-8")))
        if found:
            offenders[str(path.relative_to(ROOT))] = found
    assert offenders == {}
    # the scan sees what it looks for: the lines the package had before
    assert private_imports(ast.parse("from sphinx.builders._epub_base import x\n"
                                     "y = getattr(config, '_raw_config', {})\n"
                                     "z = config._raw_config\n")) != []
    for line in ("from sphinx.builders._epub_base import x", "y = getattr(c, '_raw_config')",
                 "z = config._raw_config", "import sphinx.util._pathlib"):
        assert private_imports(ast.parse(line)), line
