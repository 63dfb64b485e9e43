"""Each format of the book opens and says what it is: the website links every page, the
e-book is a well-formed EPUB, the PDF handout has the book's title on its first page."""

import json
import zipfile
from urllib.parse import urljoin
from xml.etree import ElementTree

from bs4 import BeautifulSoup
from pypdf import PdfReader

OPF_NS = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/"}


def words(text):
    return " ".join(text.split())


def test_the_website_opens_on_the_book_and_links_every_page(builddir, config):
    # The documents as the build saw them (patientpress.checks.book records them), so this
    # holds for any layout: docs/chapters/, a Jupyter Book _toc.yml, folders in folders.
    record = json.loads((builddir / "doctrees" / "bookchecks.json").read_text(encoding="utf-8"))
    root = record["root_doc"]
    page = builddir / "html" / f"{root}.html"
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    # The page title ends with html_title, the book's title as conf.py writes it.
    assert words(config["project"]) in words(soup.title.get_text())
    base = f"http://book/{root}.html"
    links = {urljoin(base, a["href"]).split("#")[0] for a in soup.select("a[href]")}
    others = [doc for doc in record["sources"] if doc != root]
    assert others, "the book has no page besides its opening page"
    for doc in others:
        assert f"http://book/{doc}.html" in links, f"{root}.html does not link to {doc}.html"
        assert (builddir / "html" / f"{doc}.html").is_file()


def test_the_ebook_is_a_well_formed_epub(builddir, config):
    [epub] = (builddir / "epub").glob("*.epub")
    with zipfile.ZipFile(epub) as book:
        first = book.infolist()[0]
        # Reading apps find the type in the first bytes: mimetype first, uncompressed.
        assert first.filename == "mimetype"
        assert first.compress_type == zipfile.ZIP_STORED
        assert book.read("mimetype") == b"application/epub+zip"
        assert book.testzip() is None
        opf = ElementTree.fromstring(book.read("content.opf"))
    assert words(opf.findtext(".//dc:title", namespaces=OPF_NS)) == words(config["project"])
    assert opf.findtext(".//dc:identifier", namespaces=OPF_NS) == config["epub_uid"]


def test_the_pdf_handout_has_the_title_on_its_first_page(builddir, config):
    pdf = builddir / "handout" / (config.get("handout_basename", "handout") + ".pdf")
    reader = PdfReader(pdf)
    assert words(config["project"]) in words(reader.pages[0].extract_text())
    assert reader.metadata.title == config["project"]
    assert len(reader.pages) >= 2

