"""The website's accessibility check: it catches each fault in a broken site, and the book passes.

The check (tools/a11y.py) runs every page in Debian's Chromium with axe-core's
WCAG 2.0/2.1/2.2 A and AA rules and its AAA rule color-contrast-enhanced (7:1 text), light
and dark, at desktop width and at 320 px, and adds what axe does not cover: reflow, text
zoom, the skip link, the keyboard and focus ring, link names out of context, alt text.
"""

import json

import pytest
from PIL import Image

from conftest import LANGUAGES, built_in
from tools import a11y


@pytest.mark.parametrize("name, bad", [
    ("here", True), ("Click here", True), ("more", True), ("#", True), ("", True),
    ("Printable handout, whole guide (PDF)", False), ("Skip to main content", False)])
def test_link_names_out_of_context(name, bad):
    assert (a11y.link_name_problem(name) is not None) == bad


@pytest.fixture(scope="module")
def broken_site(built_root):
    # Broken for the audit, not for Sphinx: the strict build has no warning.
    built = built_root("html", "a11y-web-broken")
    assert built.warnings == "", built.status + built.warnings
    outdir = built.outdir
    report_dir = outdir.parent / "a11y"
    return a11y.audit_site(outdir, report_dir), report_dir


def messages(findings, check, where=""):
    return [f["message"] for f in findings if f["check"] == check and where in f["where"]]


@pytest.mark.slow
@pytest.mark.a11y
@pytest.mark.parametrize("check, where, expected", [
    ("axe", "index.html [light 1280px]", "image-alt (critical)"),
    ("axe", "index.html [dark 1280px]", "color-contrast (serious)"),
    ("contrast", "index.html [light 1280px]", "(#686868 on #ffffff) is below 7:1 at #broken-site"),
    ("reflow", "index.html [light 320px]", "page scrolls sideways"),
    ("text-zoom", "index.html", "text did not grow with the reader's font size setting"),
    ("skip-link", "index.html", "the first Tab does not reach a skip link"),
    ("focus-visible", "index.html", 'no visible focus ring on a.reference.internal "here"'),
    ("keyboard", "index.html", "keyboard trap: Tab stays on input"),
    ("link-text", "index.html", "link named 'here' does not say where it goes"),
    ("img-alt", "index.html", "image _static/dot.png has no alt attribute"),
])
def test_check_catches_the_fault(broken_site, check, where, expected):
    findings, _ = broken_site
    found = messages(findings, check, where)
    assert any(expected in m for m in found), (expected, found)


@pytest.mark.slow
@pytest.mark.a11y
def test_dark_only_fault_is_found_only_in_dark(broken_site):
    findings, _ = broken_site
    assert messages(findings, "axe", "[dark 320px]")
    assert not [m for m in messages(findings, "axe", "[light") if m.startswith("color-contrast")]


@pytest.mark.slow
@pytest.mark.a11y
def test_reports_and_screenshots_are_written(broken_site):
    findings, report_dir = broken_site
    web = report_dir / "web"
    for mode in ("light-1280", "light-320", "dark-1280", "dark-320"):
        report = json.loads((web / "axe" / mode / "index.html.json").read_text(encoding="utf-8"))
        assert "image-alt" in {v["id"] for v in report["violations"]}
        # 5.6:1 text: axe's AAA rule in light; in dark it falls below 4.5:1, axe's AA rule
        rule = "color-contrast-enhanced" if mode.startswith("light") else "color-contrast"
        assert rule in {v["id"] for v in report["violations"]}
    summary = json.loads((web / "findings.json").read_text(encoding="utf-8"))
    assert summary["findings"] == findings
    assert set(summary["tags"]) == {"wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"}
    assert summary["rules"] == ["color-contrast-enhanced"]
    shots = sorted(p.name for p in (web / "screenshots").glob("*.png"))
    assert shots == ["chapters__01-broken-dark.png", "chapters__01-broken-light.png",
                     "index-dark.png", "index-light.png"]
    for shot in shots:
        with Image.open(web / "screenshots" / shot) as image:
            assert image.format == "PNG" and image.width == max(a11y.WIDTHS)


@pytest.mark.slow
@pytest.mark.a11y
@pytest.mark.book
@pytest.mark.parametrize("language", LANGUAGES)
def test_whole_site_passes(request, language):
    """Every page of the website, in each language of the book."""
    built_html = built_in(request, "html", language)
    report_dir = built_html.parent / "a11y"
    findings = a11y.audit_site(built_html, report_dir)
    assert findings == [], "\n".join(f"{f['check']}: {f['where']}: {f['message']}" for f in findings)
    pages = a11y.site_pages(built_html)
    assert {"index.html", "search.html"} <= set(pages) and len(pages) >= 6
    for mode in ("light-1280", "light-320", "dark-1280", "dark-320"):
        assert len(list((report_dir / "web" / "axe" / mode).glob("*.json"))) == len(pages)
    assert len(list((report_dir / "web" / "screenshots").glob("*.png"))) == 4
