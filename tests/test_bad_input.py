"""Bad input, one row per case: the message a user reads, a non-zero exit, no half-written file.

Each case copies the tiny book (tests/roots/test-book) into a temporary folder, breaks it
in one way, and builds it once. The builder's behaviour (the warning, whole outputs) is
tested in-process (``build_in_process``), where a strict build fails by having warnings;
two rows run the real ``sphinx-build -n -W --keep-going`` instead, as ``make`` does, for what
only the command line shows: the exit status and the output folder it leaves. The tests
of ``scripts/build`` run it as a command too.
"""

import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pikepdf
import pytest
from docutils import nodes
from docutils.frontend import get_default_settings
from docutils.parsers.rst import Parser
from docutils.utils import new_document
from sphinx.errors import ConfigError

import pdfread
from conftest import ROOT, build_in_process, sphinx_build
from patientpress.checks import sources as checks

BOOK = ROOT / "tests" / "roots" / "test-book"
EPOCH = {"SOURCE_DATE_EPOCH": "1700000000"}


def copy_book(dest, source=BOOK):
    """A private, writable copy of a test root, ready to break."""
    shutil.copytree(source, dest)
    return Path(dest)


def append(path, text):
    with path.open("a", encoding="utf-8") as f:
        f.write(text)


def assert_nothing_half_written(outdir):
    """No temporary file is left behind, and every PDF or EPUB that exists is whole."""
    outdir = Path(outdir)
    if not outdir.exists():
        return
    leftovers = [p for p in outdir.rglob("*") if p.name.endswith(".part") or "-building-" in p.name]
    assert leftovers == [], leftovers
    for pdf in outdir.rglob("*.pdf"):
        with pikepdf.open(pdf) as doc:
            assert len(doc.pages) > 0, pdf
    for epub in outdir.rglob("*.epub"):
        with zipfile.ZipFile(epub) as z:
            assert z.testzip() is None, epub


# -- the cases: (id, how to break the book, builders, what the user must read) -------------

def orphan(src):
    (src / "chapters" / "03-orphan.md").write_text("# Orphan\n\nText.\n", encoding="utf-8")


def broken_xref(src):
    append(src / "chapters" / "01-first.md", "\nSee {ref}`no-such-label`.\n")


def duplicate_label(src):
    append(src / "chapters" / "02-second.md", "\n(first)=\n## Again\n\nMore text.\n")


def orphan_under_a_folder_index(src):
    """A book whose chapters are listed by chapters/index.md, not by the opening page."""
    (src / "chapters" / "index.md").write_text(
        "# Chapters\n\nThe chapters.\n\n```{toctree}\n01-first\n02-second\n```\n",
        encoding="utf-8")
    index = src / "index.md"
    index.write_text(index.read_text(encoding="utf-8").replace(
        "chapters/01-first\nchapters/02-second\n", "chapters/index\n"), encoding="utf-8")
    orphan(src)


def missing_image(src):
    append(src / "chapters" / "01-first.md", "\n![A nerve cell](figures/nope.png)\n")


def missing_figure(src):
    append(src / "chapters" / "02-second.md",
           "\n```{figure} ../figures/nope.svg\n:alt: A nerve cell\n:name: nerve-figure\n\n"
           "A nerve cell.\n```\n\nSee {ref}`nerve-figure`.\n")


def malformed_front_matter(src):
    chapter = src / "chapters" / "01-first.md"
    chapter.write_text("---\ntitle: [unclosed\n---\n" + chapter.read_text(encoding="utf-8"),
                       encoding="utf-8")


def unknown_directive(src):
    append(src / "chapters" / "01-first.md", "\n```{nosuchthing}\nText.\n```\n")


def citation_without_its_extension(src):
    append(src / "chapters" / "01-first.md",
           "\nAs shown {cite:ps}`smith2020`.\n\n```{bibliography}\n```\n")


def dropdown_without_its_extension(src):
    append(src / "chapters" / "02-second.md", "\n:::{dropdown} More\nHidden text.\n:::\n")


def proof_reference_without_its_extension(src):
    """Sphinx reads {prf:ref} as the standard {ref} when sphinx-proof is missing."""
    append(src / "chapters" / "01-first.md", "\nSee {prf:ref}`first`.\n")


def not_utf8(src):
    with (src / "chapters" / "01-first.md").open("ab") as f:
        f.write("\nCaf\u00e9 au lait.\n".encode("latin-1"))


def empty_chapter(src):
    (src / "chapters" / "03-empty.md").write_text("", encoding="utf-8")
    index = src / "index.md"
    index.write_text(index.read_text(encoding="utf-8").replace(
        "chapters/02-second\n", "chapters/02-second\nchapters/03-empty\n"), encoding="utf-8")


def title_only_chapter(src):
    (src / "chapters" / "03-stub.md").write_text("# A Stub\n", encoding="utf-8")
    index = src / "index.md"
    index.write_text(index.read_text(encoding="utf-8").replace(
        "chapters/02-second\n", "chapters/02-second\nchapters/03-stub\n"), encoding="utf-8")


def undrawable_character(src):
    append(src / "chapters" / "02-second.md", "\nTake the pill \u2192 then rest.\n")


def picture_on_the_web(src):
    append(src / "chapters" / "02-second.md", "\n![A walking frame](https://example.org/frame.png)\n")


CASES = [
    ("chapter-in-no-toctree", orphan, ["handout", "html"],
     r"chapters/03-orphan\.md: WARNING: document isn't included in any toctree, so no reader "
     r"can reach it: add the line chapters/03-orphan to the toctree in \S*/src/index\.md, or "
     r"delete the file .*\[toc\.not_included\]"),
    ("chapter-in-no-toctree-under-a-folder-index", orphan_under_a_folder_index, ["html"],
     r"chapters/03-orphan\.md: WARNING: document isn't included in any toctree, so no reader "
     r"can reach it: add the line 03-orphan to the toctree in \S*/src/chapters/index\.md"),
    ("broken-cross-reference", broken_xref, ["handout", "epub"],
     r"chapters/01-first\.md:\d+: WARNING: undefined label: 'no-such-label'"),
    ("duplicate-label", duplicate_label, ["handout"],
     r"chapters/02-second\.md:\d+: WARNING: duplicate label first, other instance in "
     r".*chapters/01-first\.md"),
    ("missing-image", missing_image, ["handout", "html"],
     r"chapters/01-first\.md:\d+: WARNING: image figures/nope\.png not found \(looked for "
     r"\S*/src/chapters/figures/nope\.png\); check the file name or add the file "
     r"\[patientpress\.image_missing\]"),
    ("missing-figure", missing_figure, ["handout", "html", "epub"],
     r"chapters/02-second\.md:\d+: WARNING: image \.\./figures/nope\.svg not found \(looked "
     r"for \S*/src/figures/nope\.svg\); check the file name or add the file"),
    ("malformed-front-matter", malformed_front_matter, ["handout"],
     r"chapters/01-first\.md:1: WARNING: Malformed YAML"),
    ("unknown-directive", unknown_directive, ["handout"],
     r"chapters/01-first\.md:\d+: WARNING: unknown directive \{nosuchthing\}: no extension of "
     r"this build provides it; check its spelling, or add the extension that provides it to "
     r"extensions in conf\.py \[myst\.directive_unknown\]"),
    ("citation-without-its-extension", citation_without_its_extension, ["handout", "html"],
     r"chapters/01-first\.md:\d+: WARNING: \{cite:ps\} needs sphinxcontrib-bibtex in "
     r"extensions: add 'sphinxcontrib\.bibtex' to extensions in conf\.py and "
     r"sphinxcontrib-bibtex to the book's requirements \[myst\.role_unknown\]"),
    ("bibliography-without-its-extension", citation_without_its_extension, ["epub"],
     r"chapters/01-first\.md:\d+: WARNING: \{bibliography\} needs sphinxcontrib-bibtex in "
     r"extensions.*\[myst\.directive_unknown\]"),
    ("dropdown-without-its-extension", dropdown_without_its_extension, ["epub"],
     r"chapters/02-second\.md:\d+: WARNING: \{dropdown\} needs sphinx-design in extensions: "
     r"add 'sphinx_design' to extensions in conf\.py"),
    ("proof-reference-without-its-extension", proof_reference_without_its_extension, ["epub"],
     r"chapters/01-first\.md: WARNING: \{prf:ref\} needs sphinx-proof in extensions: add "
     r"'sphinx_proof' to extensions in conf\.py.*\[myst\.role_unknown\]"),
    ("file-not-utf8", not_utf8, ["handout", "html", "epub"],
     r"chapters/01-first\.md:\d+: WARNING: 01-first\.md is not UTF-8 text \(byte 0xe9 on line "
     r"\d+ cannot be read\).*save it as UTF-8"),
    ("empty-chapter", empty_chapter, ["html", "epub", "handout"],
     r"chapters/03-empty\.md: WARNING: chapter chapters/03-empty is empty: write its text"),
    ("title-only-chapter", title_only_chapter, ["handout"],
     r"chapters/03-stub\.md: WARNING: chapter chapters/03-stub has only a title"),
    ("picture-on-the-web", picture_on_the_web, ["epub", "handout"],
     r"chapters/02-second\.md:\d+: WARNING: picture https://example\.org/frame\.png is on the "
     r"web: the e-book and the PDFs show its address instead; save it into the book's folder"),
    ("character-the-font-cannot-draw", undrawable_character, ["handout"],
     r"chapters/02-second\.md:\d+: WARNING: character '\u2192' \(U\+2192 RIGHTWARDS ARROW\): "
     r"the print font Atkinson Hyperlegible has no glyph for it, so it would print as an empty "
     r"box"),
]


# Rows built by the real sphinx-build instead: Sphinx's test application never turns a
# warning into an exit status, so only the command shows the failed build and the folder
# it leaves. One warning raised while reading (a chapter in no toctree), with a PDF, and one
# while writing (a reference with no target), with an EPUB, a zip that must still open; the
# other rows are built in-process.
ON_THE_COMMAND_LINE = {("chapter-in-no-toctree", "handout"), ("broken-cross-reference", "epub")}


def _rows(command_line=False):
    for case_id, breaker, builders, message in CASES:
        for builder in builders:
            name = builder if isinstance(builder, str) else builder.values[0]
            if ((case_id, name) in ON_THE_COMMAND_LINE) != command_line:
                continue
            if isinstance(builder, str):
                yield pytest.param(breaker, builder, message, id=f"{case_id}-{builder}")
            else:
                yield pytest.param(breaker, *builder.values, message, marks=builder.marks,
                                   id=f"{case_id}-{name}")


# Sphinx's and MyST's words for problems our messages explain better: never printed too.
REPLACED = ["image file not readable", "MdParserConfig(", "unknown role name",
            "unknown directive name", "Unknown interpreted text role", "Unknown directive type"]


def broken_book(tmp_path, breaker):
    src = copy_book(tmp_path / "src")
    breaker(src)
    return src


@pytest.mark.parametrize(("breaker", "builder", "message"), list(_rows()))
def test_bad_input_is_reported_clearly(tmp_path, breaker, builder, message):
    # An exception (a crash report instead of a message) fails the test by itself.
    built = build_in_process(builder, broken_book(tmp_path, breaker), tmp_path / "_build",
                             env=EPOCH)
    assert re.search(message, built.warnings), built.warnings
    for words in REPLACED:
        assert words not in built.status + built.warnings, built.status + built.warnings
    assert_nothing_half_written(built.outdir)


@pytest.mark.parametrize(("breaker", "builder", "message"), list(_rows(command_line=True)))
def test_a_strict_build_of_bad_input_exits_non_zero(tmp_path, breaker, builder, message):
    src = broken_book(tmp_path, breaker)
    outdir = tmp_path / "out" / builder
    proc = sphinx_build(builder, outdir, srcdir=src, confdir=src, env=EPOCH)
    assert proc.returncode != 0, proc.stderr
    assert re.search(message, proc.stderr), proc.stderr
    assert "Traceback" not in proc.stderr, proc.stderr   # a message, not a crash report
    for words in REPLACED:
        assert words not in proc.stdout + proc.stderr, proc.stdout + proc.stderr
    assert_nothing_half_written(outdir)


def test_character_the_font_cannot_draw_in_conf_is_reported(tmp_path):
    src = copy_book(tmp_path / "src")
    append(src / "conf.py", 'handout_subtitle = "Care \u2713 guide"\n')
    built = build_in_process("handout", src, tmp_path / "_build", env=EPOCH)
    assert ("handout_subtitle in conf.py: character '\u2713' (U+2713 CHECK MARK)"
            in built.warnings), built.warnings


def test_the_glyph_check_runs_when_the_e_book_read_the_chapters_first(tmp_path):
    """make builds the e-book first into the same doctrees; the handout build that follows
    reads no chapter again and must still report what its font cannot draw."""
    src = broken_book(tmp_path, undrawable_character)
    build_in_process("epub", src, tmp_path / "_build", env=EPOCH)
    built = build_in_process("handout", src, tmp_path / "_build", env=EPOCH, freshenv=False)
    assert "0 added, 0 changed" in built.status, built.status
    assert "character '\u2192' (U+2192 RIGHTWARDS ARROW)" in built.warnings, built.warnings


def test_the_glyph_check_skips_variation_selectors_and_formulas_drawn_as_pictures():
    """'\u2611\ufe0f' is one undrawable character, not two; a formula's letters are the
    math renderer's to draw when it draws pictures, and the print font's when it does not."""
    doc = new_document("x", get_default_settings(Parser))
    doc += nodes.paragraph("", "", nodes.Text("Ready \u2611\ufe0f "),
                           nodes.math("", "\U0001d44b"))
    covered = {ord(c) for c in "Ready "}

    def undrawable(math_drawn):
        return {c for text, _ in checks._printed_texts(doc, None, math_drawn)
                for c in checks._undrawable(text.astext(), covered)}

    assert undrawable(math_drawn=True) == {"\u2611"}
    assert undrawable(math_drawn=False) == {"\u2611", "\U0001d44b"}


def test_a_picture_on_the_web_is_its_address_in_the_e_book(tmp_path):
    """Passed on purpose, the e-book links the picture and carries no copy of it."""
    src = broken_book(tmp_path, picture_on_the_web)
    built = build_in_process("epub", src, tmp_path / "_build", env=EPOCH,
                             confoverrides={"suppress_warnings": ["patientpress.remote_image"]})
    assert built.warnings == ""
    page = (built.outdir / "chapters" / "02-second.xhtml").read_text(encoding="utf-8")
    assert 'href="https://example.org/frame.png"' in page, page
    assert "Picture online:" in page and 'src="https://' not in page, page
    assert not list(built.outdir.rglob("frame.png"))


def test_the_pdf_prints_conf_words_for_characters_its_font_cannot_draw(tmp_path):
    """A table of emoji marks (a real book's) prints the words conf.py gives for them,
    with no glyph warning; the e-book and the website keep the marks."""
    src = copy_book(tmp_path / "src")
    append(src / "chapters" / "02-second.md", "\n| Feature | Ready |\n| --- | --- |\n"
           "| Walking | \u2705 |\n| Running | \u2611\ufe0f |\n")
    append(src / "conf.py", "handout_characters = {'\u2705': 'yes', '\u2611\ufe0f': 'soon'}\n")
    built = build_in_process("handout", src, tmp_path / "_build", env=EPOCH)
    assert built.warnings == ""
    printed = " ".join(pdfread.text(next(built.outdir.glob("*.pdf"))).split())
    assert "Walking yes" in printed and "Running soon" in printed, printed
    assert "\u2705" not in printed and "\ufe0f" not in printed
    append(src / "conf.py", "handout_characters = {'ok': 'yes'}\n")
    with pytest.raises(ConfigError, match="handout_characters maps one character"):
        build_in_process("handout", src, tmp_path / "_build2", env=EPOCH)


def test_unknown_roles_and_directives_can_be_passed_on_purpose(tmp_path):
    """Each message has a type, so suppress_warnings passes it (and only it)."""
    src = copy_book(tmp_path / "src")
    citation_without_its_extension(src)
    dropdown_without_its_extension(src)
    passed = {"suppress_warnings": ["myst.role_unknown", "myst.directive_unknown"]}
    built = build_in_process("epub", src, tmp_path / "_build", env=EPOCH, confoverrides=passed)
    assert built.warnings == ""


# -- an output folder that cannot be written (scripts/build: one line, old output kept) -----

def scripts_build(outdir, src, builder="handout"):
    cmd = [sys.executable, str(ROOT / "scripts" / "build"), str(outdir), "-b", builder,
           "-n", "-W", "--keep-going", "-q", "-d", str(Path(outdir).parent / ".doctrees"),
           "-c", str(src), str(src)]
    return subprocess.run(cmd, capture_output=True, text=True,
                          env={**os.environ, **EPOCH})


def test_output_folder_that_cannot_be_written(tmp_path):
    src = copy_book(tmp_path / "src")
    blocker = tmp_path / "_build"
    blocker.write_text("a file where the output folder should be", encoding="utf-8")
    proc = scripts_build(blocker / "handout", src)
    assert proc.returncode != 0
    assert (f"build: cannot write the output folder {blocker / 'handout'}: {blocker} is a "
            "file, not a folder; remove it or choose another folder") in proc.stderr
    assert "Traceback" not in proc.stderr
    assert blocker.read_text(encoding="utf-8").startswith("a file")


def test_failed_build_keeps_the_previous_output_whole(tmp_path):
    src = copy_book(tmp_path / "src")
    outdir = tmp_path / "_build" / "handout"
    assert scripts_build(outdir, src).returncode == 0
    before = {p.relative_to(outdir): p.read_bytes() for p in outdir.rglob("*") if p.is_file()}
    broken_xref(src)
    proc = scripts_build(outdir, src)
    assert proc.returncode != 0
    assert f"the build failed (see the messages above); {outdir} was left as it was" in proc.stderr
    after = {p.relative_to(outdir): p.read_bytes() for p in outdir.rglob("*") if p.is_file()}
    assert after == before
    assert sorted(p.name for p in outdir.parent.iterdir()) == [".doctrees", "handout"]


def test_renderer_messages_name_the_source_file_not_a_temporary_folder(tmp_path):
    """A picture Sphinx copies but WeasyPrint cannot read: the message names the picture
    the author can fix, never the staging folder the build wrote into."""
    src = copy_book(tmp_path / "src")
    (src / "chapters" / "pic.gif").write_bytes(b"GIF89a not really a picture")
    append(src / "chapters" / "01-first.md", "\n```{image} pic.gif\n:alt: a picture\n```\n")
    proc = scripts_build(tmp_path / "_build" / "handout", src)
    assert proc.returncode != 0
    assert f"WeasyPrint: Failed to load image at '{src / 'chapters' / 'pic.gif'}'" in proc.stderr
    assert "-building-" not in proc.stderr and "_images" not in proc.stderr


def test_a_failed_build_fails_again_when_nothing_changed(tmp_path):
    """Sphinx reads no unchanged source again, so a warning raised while reading (a chapter
    in no toctree) would not come back: scripts/build drops the environment of a failed build."""
    src = copy_book(tmp_path / "src")
    outdir = tmp_path / "_build" / "handout"
    orphan(src)
    first = scripts_build(outdir, src)
    assert first.returncode != 0 and "03-orphan" in first.stderr
    again = scripts_build(outdir, src)
    assert again.returncode != 0
    assert "03-orphan" in again.stderr
    assert not outdir.exists()


def test_several_formats_in_one_run_stop_at_the_first_failure(tmp_path):
    """scripts/build A ... --next B ...: each format swapped in on its own success."""
    src = copy_book(tmp_path / "src")
    build = tmp_path / "_build"
    common = ["-n", "-W", "--keep-going", "-q", "-d", str(build / ".doctrees"), "-c", str(src),
              "-D", "handout_products=book"]

    def run():
        cmd = [sys.executable, str(ROOT / "scripts" / "build"),
               str(build / "epub"), "-b", "epub", *common, str(src), "--next",
               str(build / "handout"), "-b", "handout", *common, str(src), "--next",
               str(build / "html"), "-b", "html", *common,
               "-D", "suppress_warnings=patientpress.download", str(src)]
        return subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, **EPOCH})

    proc = run()
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count("build: finished, output in") == 3
    assert list((build / "epub").glob("*.epub")) and list((build / "handout").glob("*.pdf"))
    assert (build / "html" / "index.html").is_file()

    broken_xref(src)
    proc = run()
    assert proc.returncode != 0
    assert f"{build / 'epub'} was left as it was" in proc.stderr
    assert "output in" not in proc.stdout   # the handout and the website were not attempted
    assert sorted(p.name for p in build.iterdir()) == [".doctrees", "epub", "handout", "html"]


def test_build_with_a_dangling_next_says_how_to_call_it(tmp_path):
    proc = subprocess.run([sys.executable, str(ROOT / "scripts" / "build"),
                           str(tmp_path / "out"), "-b", "html", "docs", "--next"],
                          capture_output=True, text=True)
    assert proc.returncode == 2
    assert "every --next needs an output folder and sphinx-build arguments" in proc.stderr
