"""The e-book's accessibility: our structure check, EPUBCheck and Ace by DAISY each catch
the faults of a broken e-book, and the book passes all three; content.opf carries the
epub_a11y_* settings, written through the builder's template."""

import zipfile
from pathlib import Path

import pytest
from lxml import etree
from sphinx.builders.epub3 import Epub3Builder

import epubread
from conftest import LANGUAGES, built_in
from tools import a11y
from patientpress.epub.builder import CONFORMS_TO, AccessibleEpubBuilder, add_aria


DOC = b"""<?xml version="1.0" encoding="utf-8"?>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops">
<body><h1>Title</h1><h2>Part</h2>
<p class="caption" role="heading">Contents</p>
<p>Text<a epub:type="noteref" href="#n1">1</a></p>
<aside epub:type="footnote" id="n1">A note.</aside>
</body></html>"""


@pytest.mark.a11y
def test_document_check_finds_language_heading_and_role_faults():
    found = a11y.document_findings("ch.xhtml", etree.fromstring(DOC), "en")
    assert [f["message"] for f in found] == [
        "<html> lacks lang and xml:lang (both should be 'en')",
        "role=\"heading\" without aria-level: 'Contents'",
        '<a epub:type="noteref"> needs role="doc-noteref"',
        '<aside epub:type="footnote"> needs role="doc-footnote"',
    ]


@pytest.mark.a11y
def test_builder_post_processing_adds_roles_and_levels():
    root = etree.fromstring(DOC)
    assert add_aria(root) is True
    root.set("lang", "en")
    root.set(a11y.XML_LANG, "en")
    assert a11y.document_findings("ch.xhtml", root, "en") == []
    assert root.find(".//{*}p[@role='heading']").get("aria-level") == "2"
    assert add_aria(root) is False  # a second pass changes nothing


# content.opf property: the content_metadata() key that feeds it (one value or a list)
A11Y_PROPERTIES = {
    "schema:accessMode": "a11y_access_modes",
    "schema:accessModeSufficient": "a11y_access_modes_sufficient",
    "schema:accessibilityFeature": "a11y_features",
    "schema:accessibilityHazard": "a11y_hazards",
    "schema:accessibilitySummary": "a11y_summary",
    "dcterms:conformsTo": "a11y_conforms_to",
    "a11y:certifiedBy": "a11y_certifier",
}


def opf_values(outdir):
    """{property: [text, ...]} of content.opf's accessibility metadata, as a reader parses it."""
    package = etree.parse(str(Path(outdir) / "content.opf")).getroot()
    return package, {prop: [m.text for m in a11y._meta(package, prop)] for prop in A11Y_PROPERTIES}


@pytest.fixture
def built_app(app):
    app.build()
    assert app.warning.getvalue() == "", app.warning.getvalue()
    return app


@pytest.mark.a11y
@pytest.mark.sphinx("epub", testroot="epub-footnotes", freshenv=True)
def test_accessibility_metadata_comes_from_the_template_context(built_app):
    # Sphinx writes content.opf from content_metadata() through our template; nothing
    # rewrites the file afterwards.
    assert AccessibleEpubBuilder.build_content is Epub3Builder.build_content
    context = built_app.builder.content_metadata()
    assert {key: context[key] for key in A11Y_PROPERTIES.values()} == {
        "a11y_access_modes": ["textual", "visual"],
        "a11y_access_modes_sufficient": ["textual"],
        "a11y_features": ["structuralNavigation", "alternativeText", "tableOfContents",
                          "readingOrder", "displayTransformability"],
        "a11y_hazards": ["none"],
        "a11y_summary": built_app.config.epub_a11y_summary,
        "a11y_conforms_to": CONFORMS_TO,
        "a11y_certifier": "The Patient Press project (self-assessed)",
    }
    package, values = opf_values(built_app.outdir)
    for prop, key in A11Y_PROPERTIES.items():
        wanted = context[key] if isinstance(context[key], list) else [context[key]]
        assert values[prop] == wanted, prop
    assert package.get("prefix").startswith("a11y: http://www.idpf.org/epub/vocab/package/a11y/# ")
    [certifier] = a11y._meta(package, "a11y:certifiedBy")
    [conforms] = a11y._meta(package, "dcterms:conformsTo")
    assert certifier.get("refines") == "#" + conforms.get("id")
    # Sphinx's own metadata is still there
    assert package.findtext(".//{*}metadata/{*}title") == "Footnote Book"


OTHER_A11Y = {
    "epub_a11y_access_modes": ["textual"],
    "epub_a11y_access_modes_sufficient": ["textual", "auditory"],
    "epub_a11y_features": ["tableOfContents", "largePrint"],
    "epub_a11y_hazards": ["noFlashingHazard", "noSoundHazard", "noMotionSimulationHazard"],
    "epub_a11y_summary": "Short text & large type; no <images>.",
    "epub_a11y_certifier": "St Elsewhere's Clinic & Partners",
}


@pytest.mark.a11y
# its own copy of the root (srcdir=): an output folder built with other settings warns
@pytest.mark.sphinx("epub", testroot="epub-footnotes", srcdir="epub-other-a11y", freshenv=True,
                    confoverrides=OTHER_A11Y)
def test_a_book_with_other_a11y_settings_gets_them_in_content_opf(built_app):
    _, values = opf_values(built_app.outdir)
    assert values == {
        "schema:accessMode": ["textual"],
        "schema:accessModeSufficient": ["textual", "auditory"],
        "schema:accessibilityFeature": ["tableOfContents", "largePrint"],
        "schema:accessibilityHazard": ["noFlashingHazard", "noSoundHazard",
                                       "noMotionSimulationHazard"],
        "schema:accessibilitySummary": ["Short text & large type; no <images>."],
        "dcterms:conformsTo": [CONFORMS_TO],
        "a11y:certifiedBy": ["St Elsewhere's Clinic & Partners"],
    }


@pytest.fixture(scope="module")
def broken_epub(built_root):
    # Broken for the checkers, not for Sphinx: the strict build has no warning.
    built = built_root("epub", "a11y-epub-broken")
    assert built.warnings == "", built.status + built.warnings
    return epubread.find(built.outdir)


def messages(findings, check):
    return [f"{f['where']}: {f['message']}" for f in findings if f["check"] == check]


@pytest.mark.a11y
def test_structure_check_catches_the_broken_book(broken_epub):
    found = a11y.epub_findings(broken_epub)
    assert messages(found, "metadata") == ["content.opf: no schema:accessibilityHazard"]
    assert messages(found, "headings") == [
        "chapter.xhtml: heading level skipped: h4 'A heading two levels too deep' follows h2"]
    assert "chapter.xhtml: heading h2 'A section' is missing from the navigation document " \
           "(raise epub_tocdepth?)" in messages(found, "nav")
    assert not messages(found, "language") and not messages(found, "epub-type-role")


@pytest.mark.slow
@pytest.mark.a11y
def test_epubcheck_catches_the_broken_book(broken_epub):
    found = messages(a11y.epubcheck_findings(broken_epub), "epubcheck")
    assert len(found) == 1 and "ERROR NCX-001" in found[0], found


@pytest.mark.slow
@pytest.mark.a11y
def test_ace_catches_the_broken_book(broken_epub):
    report_dir = broken_epub.parent.parent / "a11y"
    found = messages(a11y.run_ace(broken_epub, report_dir), "ace")
    assert any(m.startswith("content.opf: metadata-accessibilityhazard (serious)") for m in found), found
    assert any(m.startswith("chapter.xhtml: heading-order") for m in found), found
    assert (report_dir / "ace" / "report.json").is_file()


@pytest.mark.slow
@pytest.mark.a11y
@pytest.mark.book
@pytest.mark.parametrize("language", LANGUAGES)
def test_book_metadata_language_and_nav(request, language):
    epub = epubread.find(built_in(request, "epub", language))
    assert a11y.epub_findings(epub) == []
    package = epubread.package(epub)
    assert package.find(".//dc:language", epubread.NS).text == language
    conforms = a11y._meta(package, "dcterms:conformsTo")
    assert [m.text for m in conforms] == ["EPUB Accessibility 1.1 - WCAG 2.2 Level AA"]
    certifier = a11y._meta(package, "a11y:certifiedBy")
    assert [m.get("refines") for m in certifier] == ["#" + conforms[0].get("id")]
    features = {m.text for m in a11y._meta(package, "schema:accessibilityFeature")}
    assert a11y.REQUIRED_FEATURES <= features
    with zipfile.ZipFile(epub) as z:
        nav = etree.fromstring(z.read("nav.xhtml"))
    assert nav.find(".//{*}nav").get("role") == "doc-toc"
    # the opening page's own sections are in the navigation document, after its title
    hrefs = [a.get("href") for a in nav.iterfind(".//{*}a")]
    assert hrefs[0] == "index.xhtml" and hrefs[1].startswith("index.xhtml#")


@pytest.mark.slow
@pytest.mark.a11y
@pytest.mark.book
@pytest.mark.parametrize("language", LANGUAGES)
def test_book_passes_epubcheck_and_ace(request, language):
    built_epub = built_in(request, "epub", language)
    epub = epubread.find(built_epub)
    report_dir = built_epub.parent / "a11y"
    found = a11y.audit_epub(epub, report_dir)
    assert found == [], "\n".join(f"{f['check']}: {f['where']}: {f['message']}" for f in found)
    assert (report_dir / "ace" / "report.json").is_file()
    assert (report_dir / "epub-findings.json").is_file()
