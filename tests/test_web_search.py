"""The website shows one way to search at every width, and it opens one search field.

pydata-sphinx-theme 0.20 adds a search field in a top bar unless ``navbar_persistent`` is
set, beside sphinx-book-theme's own (sidebar when wide, article header when narrow): a
reader saw two "Search" boxes at desktop width. Counted here in Debian's Chromium, by what
the browser lays out on screen, not by what the HTML holds.
"""

import pytest

from conftest import sphinx_build
from tools import a11y

# Phone, tablet, the theme's two breakpoints either side, desktop.
WIDTHS = [375, 768, 991, 992, 1280]
PAGES = ["index.html", "chapters/01-what-is-neuropathy.html", "glossary.html"]

# Search controls a reader can see: fields, and buttons or links named "search" that open
# one (marked data-test-search, to be clicked). Visible means laid out, not hidden by CSS
# or opacity, and inside the window (the narrow layout keeps the sidebar off screen).
SEARCH_CONTROLS = r"""() => {
  const field = el => el.matches('input[type=search], [role=searchbox], input[name=q]');
  const named = el => [el.getAttribute('aria-label'), el.getAttribute('title'), el.textContent]
      .some(text => text && /\bsearch\b/i.test(text));
  const shown = el => {
    if (!el.checkVisibility({checkOpacity: true, checkVisibilityCSS: true})) return false;
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.height > 0 && box.right > 0 && box.left < innerWidth;
  };
  const found = {fields: [], buttons: []};
  for (const el of document.querySelectorAll('input, button, a, [role=button], [role=searchbox]')) {
    if (!shown(el)) continue;
    const name = `${el.tagName.toLowerCase()}.${[...el.classList].join('.')}`;
    if (field(el)) found.fields.push(name);
    else if (named(el)) { found.buttons.push(name); el.dataset.testSearch = ''; }
  }
  return found;
}"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The whole book's website, built with conf.py's HTML section (no downloads needed)."""
    outdir = tmp_path_factory.mktemp("web-search") / "html"
    proc = sphinx_build("html", outdir, "-D", "suppress_warnings=patientpress.download")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    with a11y.serve(outdir) as base, a11y.chromium() as browser:
        yield base, browser


@pytest.mark.slow
@pytest.mark.book
@pytest.mark.parametrize("width", WIDTHS)
def test_one_search_control_at_every_width_and_it_opens_one_field(site, width):
    base, browser = site
    context = browser.new_context(reduced_motion="reduce", viewport={"width": width, "height": 900})
    try:
        page = context.new_page()
        for name in PAGES:
            page.goto(base + name)
            page.wait_for_load_state("load")
            shown = page.evaluate(SEARCH_CONTROLS)
            where = f"{name} at {width} px"
            assert len(shown["buttons"]) == 1, (where, shown)
            assert shown["fields"] == [], (where, shown)   # the field waits in its dialog

            page.click("[data-test-search]")   # as a reader would, so nothing may cover it
            opened = page.evaluate(SEARCH_CONTROLS)
            assert len(opened["fields"]) == 1, (where, opened)
            assert page.evaluate("document.activeElement.type") == "search", where
            page.keyboard.press("Escape")
    finally:
        context.close()
