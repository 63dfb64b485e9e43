"""MyST as book authors write it (patientpress/myst.py), in the website, the e-book and the PDF.

tests/roots/test-myst-markup holds HTML comments (block, inline, across lines, in a list,
a quote and a note), a MyST ``%`` comment, hard line breaks (two spaces, a backslash) and
raw HTML that must stay words. Each format's parsed output is read: no comment text, real
line breaks, the raw HTML shown as typed, code that shows a comment kept. The unknown
role and directive messages are rows of tests/test_bad_input.py.
"""

import pickle
import re
import zipfile

import pytest
from bs4 import BeautifulSoup, Comment
from docutils import nodes

import pdfread
from conftest import ROOT, build_in_process
from test_bad_input import EPOCH, copy_book

from patientpress.markup import myst

SOURCE = ROOT / "tests" / "roots" / "test-myst-markup"
FORMATS = ["handout", "epub", "html"]    # the website links the PDF and the e-book


@pytest.fixture(scope="module")
def markup(tmp_path_factory):
    """The root built in every format into one build folder: {builder: Built}."""
    base = tmp_path_factory.mktemp("myst-markup")
    src = copy_book(base / "src", SOURCE)
    return {b: build_in_process(b, src, base / "_build", env=EPOCH) for b in FORMATS}


def chapter_page(built, builder):
    """The parsed page that holds the chapter, as each format writes it."""
    if builder == "epub":
        with zipfile.ZipFile(next(built.outdir.glob("*.epub"))) as z:
            return BeautifulSoup(z.read("chapters/notes.xhtml"), "lxml-xml")
    name = "index.html" if builder == "handout" else "chapters/notes.html"
    return BeautifulSoup((built.outdir / name).read_bytes(), "lxml")


@pytest.mark.parametrize("builder", FORMATS)
def test_the_strict_build_passes(markup, builder):
    assert markup[builder].warnings == ""


@pytest.mark.parametrize("builder", FORMATS)
def test_comments_never_reach_the_output(markup, builder):
    page = chapter_page(markup[builder], builder)
    text = page.get_text(" ")
    assert "Take the pill" in text and "Drink water." in text and "Quoted" in text
    assert "SECRET" not in text, re.findall(r".{30}SECRET.{30}", text)
    assert [c for c in page.find_all(string=lambda s: isinstance(s, Comment))
            if "SECRET" in c] == []
    # Code that shows a comment is content, and keeps it.
    code = [c.extract().get_text("") for c in page.find_all(["pre", "code"])]
    assert "<!-- KEPT-IN-CODE -->" in "".join(code)
    assert "<!--KEPT-INLINE-CODE-->" in "".join(code).replace(" ", "")
    assert "<!-" not in page.get_text(" ")     # outside code, no comment shown as text


@pytest.mark.parametrize("builder", FORMATS)
def test_hard_line_breaks_are_line_breaks(markup, builder):
    page = chapter_page(markup[builder], builder)
    para = page.find(lambda tag: tag.name == "p" and "Call us on weekdays" in tag.get_text())
    assert len(para.find_all("br")) == 2, para
    lines = [line.strip() for line in para.get_text().split("\n")]
    assert lines == ["Call us on weekdays", "between 9 and 5", "at the front desk."], lines


@pytest.mark.parametrize("builder", FORMATS)
def test_raw_html_stays_words(markup, builder):
    page = chapter_page(markup[builder], builder)
    assert [t.name for t in page.find_all(True) if "onclick" in t.attrs] == []
    assert not [s for s in page.find_all("script") if "alert" in (s.string or "")]
    text = page.get_text(" ")
    # Escaped, the markup is shown as typed (its quotes made typographic, as any text's).
    assert "<b onclick=" in text and ">bold</b>" in text
    assert "<script>alert(" in text and ")</script>" in text


def test_the_pdf_breaks_lines_and_prints_no_comment(markup):
    pdf = next(markup["handout"].outdir.glob("*.pdf"))
    text = pdfread.text(pdf)
    assert "SECRET" not in text and "Take the pill" in text
    lines = [line.strip() for line in text.splitlines()]
    assert "Call us on weekdays" in lines and "between 9 and 5" in lines, text


def test_comments_are_not_in_the_doctree(markup):
    """Every builder reads the same doctree: the comments are gone from it, `%` ones too
    (Sphinx's HTML writer skips a comment node, other writers need not)."""
    with (markup["html"].doctreedir / "chapters" / "notes.doctree").open("rb") as f:
        doctree = pickle.load(f)
    assert [c.astext() for c in doctree.findall(nodes.comment)] == []
    assert "SECRET" not in doctree.astext()


def test_comments_are_dropped_when_raw_html_is_on_too(tmp_path):
    """With MyST's HTML syntax on (its default), a comment is not raw HTML to refuse: only
    the sentence with real tags is reported."""
    src = copy_book(tmp_path / "src", SOURCE)
    built = build_in_process("html", src, tmp_path / "_build", env=EPOCH,
                             confoverrides={"myst_disable_syntax": []})
    source = (src / "chapters" / "notes.md").read_text(encoding="utf-8").splitlines()
    tags_line = next(n for n, line in enumerate(source, 1) if line.startswith("Raw markup"))
    refused = re.findall(r"notes\.md:(\d+): WARNING: raw html", built.warnings)
    assert refused and set(refused) == {str(tags_line)}, built.warnings
    page = BeautifulSoup((built.outdir / "chapters" / "notes.html").read_bytes(), "lxml")
    assert "SECRET" not in page.get_text() and "SECRET" not in str(page)


@pytest.mark.parametrize(("name", "package"), [
    ("cite:ps", "sphinxcontrib-bibtex"), ("footcite:t", "sphinxcontrib-bibtex"),
    ("bibliography", "sphinxcontrib-bibtex"), ("tab-item", "sphinx-design"),
    ("bdg-primary", "sphinx-design"), ("prf:theorem", "sphinx-proof"),
    ("solution", "sphinx-exercise"), ("glue:text", "myst-nb"),
    ("tableofcontents", "sphinx-external-toc"), ("mermaid", "sphinxcontrib-mermaid"),
    ("todo", None), ("nosuchthing", "")])
def test_known_roles_and_directives_name_their_package(name, package):
    found = myst.provider(name)
    assert (found[0] if found else "") == package


@pytest.mark.parametrize("builder", FORMATS)
def test_a_task_lists_boxes_are_kept_with_their_state_in_words(markup, builder):
    """MyST writes a task list's box as a raw HTML checkbox, which patientpress refuses: it
    becomes a box the stylesheets draw, its state in words for a screen reader."""
    page = chapter_page(markup[builder], builder)
    assert page.select("li input") == []
    boxes = page.select("li .task-box")
    classes = [" ".join(b["class"]) if isinstance(b["class"], list) else b["class"] for b in boxes]
    assert [(c.split()[-1], b.get_text()) for c, b in zip(classes, boxes)] == [
        ("task-done", "done: "), ("task-todo", "to do: ")]
    items = [b.find_parent("li").get_text(" ", strip=True) for b in boxes]
    assert items == ["done: Write down the pills you take",
                     "to do: Ask about the tingling in your feet"]


def test_the_pdf_prints_the_task_list(markup):
    """The print document carries both boxes (print.css draws them: a bordered square, a
    tick for a done one) and the PDF both items."""
    pdf = next(markup["handout"].outdir.glob("*.pdf"))
    text = " ".join(pdfread.text(pdf).split())
    assert "Write down the pills you take" in text and "Ask about the tingling" in text
    html = (markup["handout"].outdir / "index.html").read_text(encoding="utf-8")
    assert html.count('class="task-box') == 2


@pytest.mark.parametrize("builder", ["epub", "handout"])
def test_a_broken_link_prints_as_its_words_not_a_dangling_link(tmp_path, builder):
    """Issue 27, point 8: MyST makes a link whose target is missing a link to '#target',
    which EPUBCheck (RSC-012) and WeasyPrint report; the warning that names it stays."""
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text(
        'project = "B"\nauthor = "T"\nversion = release = "1"\n'
        'extensions = ["myst_parser", "patientpress"]\nepub_uid = epub_identifier = "b"\n'
        'epub_scheme = ""\nhandout_preset = "book"\nhandout_products = ["book"]\n',
        encoding="utf-8")
    (src / "index.md").write_text("# B\n\nSee [the other page](./missing.ipynb) and "
                                  "[an anchor](#nowhere).\n", encoding="utf-8")
    built = build_in_process(builder, src, tmp_path / "_build")
    missing = {line for line in built.warnings.splitlines() if "[myst.xref_missing]" in line}
    assert len(missing) == 2   # each named once (the e-book's builder resolves twice)
    assert "WeasyPrint" not in built.warnings
    if builder == "epub":
        with zipfile.ZipFile(next(built.outdir.glob("*.epub"))) as z:
            page = BeautifulSoup(z.read("index.xhtml"), "xml")
    else:
        page = BeautifulSoup((built.outdir / "index.html").read_bytes(), "lxml")
    assert "the other page" in page.get_text() and "an anchor" in page.get_text()
    assert not page.select('a[href="#./missing.ipynb"], a[href="#nowhere"]')
