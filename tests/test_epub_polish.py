"""The e-book as a reading app shows it: no empty "Footnotes" heading, one stylesheet link
and one viewport per document, and boxes (key points, admonitions, figures, the glossary)
drawn as boxes by epub.css in relative units and without colours that break night mode."""

import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import cssselect2
import pytest
import tinycss2
import tinycss2.color3
from lxml import etree

import epubread

ROOT = Path(__file__).resolve().parent.parent
X = "{http://www.w3.org/1999/xhtml}"
HEADINGS = "//x:h1 | //x:h2 | //x:h3 | //x:h4 | //x:h5 | //x:h6 | //x:p[@class='rubric']"


def classes(el):
    return (el.get("class") or "").split()


def empty_headings(doc):
    """Headings (rubrics included) with no text after them in the whole document."""
    return [" ".join(h.itertext()).strip() for h in doc.xpath(HEADINGS, namespaces=epubread.NS)
            if not h.xpath("following::text()[normalize-space()]")]


def viewports(doc):
    return doc.xpath("//x:head/x:meta[@name='viewport']", namespaces=epubread.NS)


def stylesheets(doc):
    return [link.get("href") for link in
            doc.xpath("//x:head/x:link[@rel='stylesheet']", namespaces=epubread.NS)]


def content_documents(epub):
    """{name: parsed XHTML} for every content document but the navigation document."""
    package = epubread.package(epub)
    nav = {item.get("href") for item in package.iterfind(".//opf:item", epubread.NS)
           if "nav" in (item.get("properties") or "").split()}
    return {name: doc for name, doc in epubread.documents(epub).items() if name not in nav}


# -- Footnotes, on a root with every kind of chapter --------------------------------

@pytest.fixture
def built(built_root):
    """The footnote root's e-book, built strictly once per test run."""
    result = built_root("epub", "epub-footnotes")
    assert result.warnings == "", result.warnings
    return result.outdir


def parse(path):
    return etree.parse(str(path)).getroot()


def footnote_block(doc):
    """The "Footnotes" rubrics, and the footnotes, in reading order."""
    rubrics = [r for r in doc.iterfind(f".//{X}p") if "rubric" in classes(r)]
    notes = [a for a in doc.iterfind(f".//{X}aside") if "footnote" in classes(a)]
    return rubrics, notes


def test_footnotes_rubric_only_over_footnotes(built):
    for name in ("index", "chapters/plain"):
        doc = parse(built / f"{name}.xhtml")
        assert footnote_block(doc) == ([], []), name
        assert empty_headings(doc) == [], name

    expected = {"chapters/links": ["https://example.org/trials", "https://example.org/safety"],
                "chapters/notes": ["The writers’ own note."],
                "chapters/both": ["The writers’ own note.", "https://example.org/both"]}
    for name, texts in expected.items():
        doc = parse(built / f"{name}.xhtml")
        rubrics, notes = footnote_block(doc)
        assert [r.text for r in rubrics] == ["Footnotes"], name
        # the heading sits right above the list of notes, and every note is under it
        listing = rubrics[0].getnext()
        assert listing.tag == f"{X}aside" and "footnote-list" in classes(listing), name
        assert [n.getparent() for n in notes] == [listing] * len(notes), name
        assert [n.find(f"{X}p").text for n in notes] == texts, name
        # each note is reached from its mark in the text and leads back to it
        for note in notes:
            refs = doc.xpath(f"//x:a[@href='#{note.get('id')}']", namespaces=epubread.NS)
            assert len(refs) == 1 and refs[0].get("role") == "doc-noteref", name
        assert empty_headings(doc) == [], name


def test_one_viewport_per_document(built):
    for path in sorted(built.rglob("*.xhtml")):
        if path.name == "nav.xhtml":
            continue
        assert len(viewports(parse(path))) == 1, path.name


@pytest.mark.slow
def test_footnote_root_passes_epubcheck(built):
    assert epubread.epubcheck(epubread.find(built)) == []


# -- The whole book ------------------------------------------------------------------

@pytest.fixture(scope="module")
def book(built_epub):
    return epubread.find(built_epub)


@pytest.mark.slow
@pytest.mark.book
def test_book_has_no_empty_heading(book):
    found = {name: empty_headings(doc) for name, doc in content_documents(book).items()}
    assert {name: h for name, h in found.items() if h} == {}


@pytest.mark.slow
@pytest.mark.book
def test_book_links_its_stylesheet_once_and_has_one_viewport(book):
    docs = content_documents(book)
    assert len(docs) > 5
    for name, doc in docs.items():
        sheets = [href.rsplit("/", 1)[-1] for href in stylesheets(doc)]
        assert sheets.count("epub.css") == 1, (name, sheets)
        assert len(sheets) == len(set(sheets)), (name, sheets)
        assert "web.css" not in sheets, name
        assert len(viewports(doc)) == 1, name
    with zipfile.ZipFile(book) as z:
        shipped = z.read("_static/epub.css").decode("utf-8")
    assert shipped == (ROOT / "patientpress/epub/static/epub.css").read_text(encoding="utf-8")


# -- epub.css against the boxes the book uses ------------------------------------------

def css_rules():
    """(selector text, {property: value}) for every rule of patientpress/epub/static/epub.css."""
    sheet = (ROOT / "patientpress/epub/static/epub.css").read_text(encoding="utf-8")
    rules = []
    for rule in tinycss2.parse_stylesheet(sheet, skip_comments=True, skip_whitespace=True):
        if rule.type == "at-rule" and rule.lower_at_keyword == "font-face":
            continue   # the code font the e-book carries (epub/builder.py): no rule to judge
        assert rule.type == "qualified-rule", f"epub.css: unexpected {rule.type}"
        decls = tinycss2.parse_blocks_contents(rule.content, skip_comments=True,
                                               skip_whitespace=True)
        props = {d.lower_name: d.value for d in decls if d.type == "declaration"}
        rules.append((tinycss2.serialize(rule.prelude).strip(), props))
    return rules


def styled(root, rules):
    """{element: merged declarations of every rule that matches it} (cascade order ignored)."""
    matcher = cssselect2.Matcher()
    for selector_text, props in rules:
        for selector in cssselect2.compile_selector_list(selector_text):
            matcher.add_selector(selector, props)
    found = {}
    for wrapper in cssselect2.ElementWrapper.from_xml_root(root).iter_subtree():
        for *_, props in matcher.match(wrapper):
            found.setdefault(wrapper.etree_element, {}).update(props)
    return found


def boxes(root):
    """The elements the book draws as boxes: admonitions (key points, note, important...),
    topics and sidebars, with their titles; figures with their captions; the glossary."""
    out = []
    for el in root.iter():
        cls = classes(el)
        if {"admonition", "topic", "sidebar"} & set(cls):
            title = next((c for c in el if {"admonition-title", "topic-title",
                                            "sidebar-title"} & set(classes(c))), None)
            out.append(("box", el, title))
        elif el.tag == f"{X}figure":
            out.append(("figure", el, el.find(f"{X}figcaption")))
        elif el.tag == f"{X}dl" and "glossary" in cls:
            out.append(("glossary", el, el.find(f"{X}dt")))
    return out


def has(props, prefix):
    return any(name == prefix or name.startswith(prefix + "-") for name in props)


@pytest.mark.slow
@pytest.mark.book
def test_every_box_in_the_book_is_styled_as_a_box(book):
    rules = css_rules()
    kinds = set()
    with zipfile.ZipFile(book) as z:
        names = [n for n in z.namelist() if n.endswith(".xhtml") and n != "nav.xhtml"]
        for name in names:
            root = ET.fromstring(z.read(name))
            style = styled(root, rules)
            for kind, el, title in boxes(root):
                kinds.add((kind, " ".join(classes(el))))
                props = style.get(el, {})
                where = f"{name}: <{el.tag.removeprefix(X)} class={el.get('class')!r}>"
                if kind == "box":
                    assert has(props, "border") and has(props, "padding"), where
                    assert title is not None and "font-weight" in style.get(title, {}), where
                elif kind == "figure":
                    assert has(props, "margin"), where
                    assert title is not None and has(style.get(title, {}), "border"), where
                else:
                    assert "font-weight" in style.get(title, {}), where
    # the book's own boxes are all there, so the loop above checked something
    assert {("box", "key-points admonition"), ("box", "admonition important"),
            ("glossary", "simple glossary")} <= kinds, kinds
    assert any(kind == "figure" for kind, _ in kinds), kinds


ABSOLUTE_UNITS = {"px", "pt", "pc", "cm", "mm", "q", "in"}


def tokens(values):
    for value in values:
        for token in value:
            yield token
            if token.type == "function":
                yield from tokens([token.arguments])


def test_epub_css_uses_relative_units_and_no_fixed_colours():
    rules = css_rules()
    assert rules, "epub.css has no rules"
    for selector, props in rules:
        assert not {"color", "background", "background-color"} & set(props), selector
        for token in tokens(props.values()):
            if token.type == "dimension":
                assert token.lower_unit not in ABSOLUTE_UNITS, (selector, token.serialize())
            colour = tinycss2.color3.parse_color(token)
            # currentColor follows the reading app's text colour, day or night
            assert colour in (None, "currentColor"), (selector, token.serialize())
