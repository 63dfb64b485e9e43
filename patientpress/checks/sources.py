"""Checks that keep a chapter's markup inert and make bad input fail with a clear message.

- Raw HTML and file insertion are off (docutils ``raw_enabled`` / ``file_insertion_enabled``),
  whatever the chapter asks; ``docutils_settings`` in ``conf.py`` is honoured (Sphinx itself
  has no such option, so without this module that line in ``conf.py`` did nothing).
  ``book_raw_html = True`` lets a book's HTML through the sanitizer of
  ``markup/rawhtml.py`` instead; a notebook's HTML output always goes through it.
- A link whose address is not web, mail or phone (``javascript:``, ``vbscript:``, ``data:``
  ...) is refused and printed as plain text: MyST already refuses them in Markdown links,
  but ``{eval-rst}`` and an image's ``:target:`` let them through.
- An image that lies outside the source folder (a path that climbs out with ``..`` or a
  symbolic link that leads out) is refused: Sphinx would otherwise copy it into the output.
- An image whose file does not exist is reported as the author wrote it, with the path
  that was looked for, and its alt text stands in (instead of Sphinx's "image file not
  readable").
- A missing image suggests the nearest picture file beside it; a reference to an unknown
  label, document or term, the nearest one that exists (``messages``).
- An empty chapter is reported (Sphinx builds it silently as a blank page).
- A chapter in no toctree is reported with the file whose toctree should list it
  (``messages``, with the other messages of Sphinx and MyST made clearer).
- Every character of the print document is checked against the embedded print font:
  one the font cannot draw would print as an empty box, so it is reported, with the file,
  the line, the character and the fix.

Each problem is a Sphinx warning, so a strict build (``-W``) fails on it.
"""

import difflib
import glob
import os
import re
import unicodedata
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.errors import ConfigError
from sphinx.util import logging
from sphinx.util.i18n import search_image_for_language

from . import messages
from ..builders import PRINT
from ..markup import notebooks, rawhtml

logger = logging.getLogger(__name__)

# Chapters are untrusted text: these two docutils settings stay off unless conf.py turns
# them on explicitly through ``docutils_settings``.
SAFE_DOCUTILS = {"raw_enabled": False, "file_insertion_enabled": False}
# Addresses a link may carry; anything else with a scheme is refused.
LINK_SCHEMES = {"http", "https", "mailto", "tel"}
# Image addresses with these schemes never reach an output.
SCRIPT_SCHEMES = {"javascript", "vbscript", "livescript"}
# Characters that are never drawn as a glyph (controls, formats, separators, spaces):
# a missing one cannot print as a box.
UNDRAWN = {"Cc", "Cf", "Zs", "Zl", "Zp"}
# Variation selectors (the U+FE0F after an emoji) only choose how the character before
# them looks: nothing of their own to draw.
SELECTORS = (range(0xFE00, 0xFE10), range(0xE0100, 0xE01F0))
# Nodes whose text does not reach the printed page.
UNPRINTED = (nodes.comment, nodes.raw, nodes.substitution_definition, nodes.system_message,
             nodes.target, nodes.image)
# Plain-text alternatives suggested for characters people paste from word processors.
SUGGEST = {"→": "the word “to”, or “-”", "←": "the word “from”", "✓": "the word “yes”",
           "✔": "the word “yes”", "✗": "the word “no”", "☐": "a list item",
           "★": "“*”", "❤": "the word “heart”"}

_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")


def scheme_of(uri):
    """The scheme of ``uri`` as a browser would read it (blanks and controls ignored)."""
    match = _SCHEME.match(re.sub(r"[\x00-\x20\x7f]+", "", uri or ""))
    return match.group(1).lower() if match else ""


# -- markup stays inert ------------------------------------------------------------------

def apply_docutils_settings(app, env, docnames):
    env.settings.update(SAFE_DOCUTILS)
    if app.config.book_raw_html:
        env.settings["raw_enabled"] = True   # {raw} html too goes through the sanitizer
    env.settings.update(app.config.docutils_settings or {})


def refuse_undecodable(app, env, docnames):
    """A chapter that is not UTF-8 is reported by name and line, and left out.

    Without this Sphinx stops with a traceback ("Encoding error!") naming no file.
    """
    encoding = app.config.source_encoding
    shown = "UTF-8" if encoding.lower().startswith("utf-8") else encoding
    for docname in list(docnames):
        path = Path(env.doc2path(docname))
        data = path.read_bytes()
        try:
            data.decode(encoding)
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            logger.warning("%s is not %s text (byte 0x%02x on line %d cannot be read) and was "
                           "left out: open it in your editor and save it as %s, then build "
                           "again", path.name, shown, data[exc.start], line, shown,
                           location=(docname, line), type="patientpress", subtype="encoding")
            docnames.remove(docname)
            env.found_docs.discard(docname)


def refuse_unsafe_markup(app, doctree):
    env = app.env
    docname = env.docname
    srcdir = Path(env.srcdir).resolve()
    # A notebook's pictures are written by myst-nb beside the output folder.
    made = notebooks.output_folder(env)
    made = Path(made).resolve() if made else None

    if app.config.book_raw_html:
        for parent in {id(r.parent): r.parent for r in doctree.findall(nodes.raw)}.values():
            rawhtml.join_inline(parent)
    for raw in list(doctree.findall(nodes.raw)):
        _raw(app, raw)

    for ref in list(doctree.findall(nodes.reference)):
        uri = ref.get("refuri")
        scheme = scheme_of(uri) if uri else ""
        if scheme and scheme not in LINK_SCHEMES:
            logger.warning("link to %r refused: only web (https://), mail (mailto:) and phone "
                           "(tel:) addresses may be linked; the text is kept without the "
                           "link", uri, location=ref, type="patientpress", subtype="link")
            ref.replace_self(nodes.inline("", "", *ref.children))

    for image in list(doctree.findall(nodes.image)):
        uri = image.get("uri", "")
        scheme = scheme_of(uri)
        if scheme in SCRIPT_SCHEMES:
            reason = f"image address {uri!r} refused: an image must be a file in the book"
        elif scheme or uri.startswith("data:"):
            continue  # web and file addresses are judged by the PDF's sandbox
        else:
            _, path = env.relfn2path(uri, docname)
            real = Path(path).resolve()
            if real.is_relative_to(srcdir) or (made and real.is_relative_to(made)):
                continue
            reason = (f"image {uri!r} refused: it lies outside the book's source folder "
                      f"({real}); copy the picture into the book's folder and link the copy")
        logger.warning("%s", reason, location=image, type="patientpress", subtype="image")
        image.parent.remove(image)


def _in_notebook_output(node):
    """Whether ``node`` is part of a notebook cell's output (myst-nb's containers)."""
    while node is not None:
        if isinstance(node, nodes.container) and (
                node.get("nb_element") == "mime_bundle" or "cell_output" in node["classes"]):
            return True
        node = node.parent
    return False


def _raw(app, raw):
    """Raw HTML through the sanitizer when the book opts in, or when a notebook's code made
    it; anything else is removed with the setting that would let it through."""
    fmt = raw.get("format", "markup")
    if "html" in fmt.split() and (app.config.book_raw_html or _in_notebook_output(raw)):
        before = raw.astext()
        clean = rawhtml.sanitize(before)
        taken = rawhtml.removed(before, clean)
        if taken and not _in_notebook_output(raw):
            logger.warning("raw HTML: %s removed by the sanitizer (book_raw_html lets only "
                           "inert HTML through): write it without them", taken,
                           location=raw, type="patientpress", subtype="raw_sanitized")
        raw.replace_self(nodes.raw(clean, clean, format="html", classes=raw["classes"]))
        return
    fix = ("write it as Markdown instead, or set book_raw_html = True in conf.py to let "
           "HTML through a sanitizer (tags and classes kept; scripts, event handlers and "
           "javascript: or file: addresses removed)" if "html" in fmt.split()
           else "write it as Markdown instead")
    logger.warning("raw %s in a chapter is not allowed and was removed: %s", fmt, fix,
                   location=raw, type="patientpress", subtype="raw")
    raw.parent.remove(raw)


def report_missing_images(app, doctree):
    """An image whose file is missing is named as written, with the path looked for.

    Sphinx's own warning ("image file not readable: chapters/figures/x.png") gives a path
    the author never wrote and does not say the file is missing. The image is replaced by
    its alt text, so that warning is not printed as well; the chapter stays dependent on
    the file, so it is read again (and the warning repeated) until the file is there.
    """
    env = app.env
    docname = env.docname
    folder = Path(env.srcdir, env.doc2path(docname, base=False)).parent
    for image in list(doctree.findall(nodes.image)):
        uri = image.get("uri", "")
        if not uri or scheme_of(uri) or uri.startswith("data:") or "://" in uri:
            continue  # not a file of the book (judged by refuse_unsafe_markup)
        if uri.endswith(os.extsep + "*"):
            rel, full = env.relfn2path(uri, docname)
            if glob.glob(full):
                continue
        else:
            rel, full = env.relfn2path(search_image_for_language(uri, env), docname)
            if os.access(full, os.R_OK):
                continue
        looked = (Path(env.srcdir, uri.lstrip("/\\")) if uri[:1] in "/\\"
                  else folder / uri)
        env.note_dependency(rel)
        near = _nearest_picture(looked)
        fix = (f"did you mean {near}? Fix the file name" if near
               else "check the file name or add the file")
        logger.warning("image %s not found (looked for %s); %s", uri, messages.shown_path(looked), fix,
                       location=image, type="patientpress", subtype="image_missing")
        # The alt text stands in, as a browser shows it for a broken picture; a figure
        # keeps its first child (its HTML needs one) and its label.
        missing = image
        if isinstance(image.parent, nodes.reference) and len(image.parent.children) == 1:
            missing = image.parent   # a linked picture: the link goes too
        alt = image.get("alt", "")
        inline = isinstance(missing.parent, nodes.TextElement)
        missing.replace_self(nodes.inline("", alt) if inline else nodes.paragraph("", alt))


PICTURE_SUFFIXES = {".svg", ".png", ".jpg", ".jpeg", ".gif", ".webp"}


def _nearest_picture(looked):
    """The picture file in the folder ``looked`` points into whose path is nearest the one
    written (as written: relative to that folder's parent path), or None."""
    folder = looked.parent
    if not folder.is_dir():   # a misspelt folder: look one up
        folder = folder.parent
        if not folder.is_dir():
            return None
    base = looked.parent if looked.parent.is_dir() else folder
    pictures = [p for p in folder.rglob("*") if p.suffix.lower() in PICTURE_SUFFIXES
                and len(p.relative_to(folder).parts) <= 3]
    written = os.path.relpath(looked, base)
    by_name = {os.path.relpath(p, base): p for p in pictures}
    near = difflib.get_close_matches(written, list(by_name), n=1, cutoff=0.6)
    return near[0] if near else None


# -- empty chapters ----------------------------------------------------------------------

def check_empty(app, doctree):
    """A chapter with no words under its title would print as a blank page. A toctree, or
    a {bibliography} (sphinxcontrib-bibtex fills it in after reading), is content."""
    docname = app.env.docname
    if any(isinstance(n, addnodes.toctree) or type(n).__name__ == "bibliography"
           for n in doctree.findall(nodes.Element)):
        return
    text = "".join(
        t.astext() for t in doctree.findall(nodes.Text)
        if not isinstance(t.parent, (nodes.title, *UNPRINTED)))
    if not text.strip():
        what = "has only a title" if any(doctree.findall(nodes.title)) else "is empty"
        logger.warning("chapter %s %s: write its text, or remove the file and its toctree "
                       "entry", docname, what, location=docname,
                       type="patientpress", subtype="empty")


# -- glyph coverage of the print font ----------------------------------------------------

def print_font_coverage(code=False):
    """Code points every face of the embedded print font (``code``: the code font) can
    draw, and the font's name."""
    from ..print import fonts

    if code:
        return fonts.mono_drawable(), fonts.MONO_FAMILY
    return fonts.drawable(), fonts.FAMILY


#: Nodes whose text the code font sets (components.css).
CODE = (nodes.literal, nodes.literal_block, nodes.doctest_block)


def _in_code(node):
    while node is not None:
        if isinstance(node, CODE):
            return True
        node = node.parent
    return False


def _undrawable(text, covered):
    return [c for c in dict.fromkeys(text)
            if ord(c) not in covered and unicodedata.category(c) not in UNDRAWN
            and not any(ord(c) in block for block in SELECTORS)]


def _describe(char, fix):
    name = unicodedata.name(char, "unnamed character")
    hint = SUGGEST.get(char)
    return (f"{char!r} (U+{ord(char):04X} {name}): {fix}; "
            + (f"write {hint} instead" if hint else "use another character or words")
            + ", or give the PDF's words for it in conf.py: "
            + f"handout_characters = {{{char!r}: ...}}")


def print_characters(config):
    """conf.py's ``handout_characters`` as a str.translate table; variation selectors go."""
    table = {k.strip("".join(map(chr, SELECTORS[0]))): v
             for k, v in (config.handout_characters or {}).items()}
    if not table:
        return {}
    if any(len(k) != 1 for k in table) or not all(isinstance(v, str) for v in table.values()):
        raise ConfigError("handout_characters maps one character to the words the PDF "
                          "prints for it, for example {'\u2705': 'yes'}; got "
                          f"{config.handout_characters!r}")
    return {**dict.fromkeys(SELECTORS[0]), **str.maketrans(table)}


class PrintCharacters(SphinxPostTransform):
    """The PDF prints conf.py's words for characters its font cannot draw (an emoji in a
    table); the website and the e-book keep the characters."""
    default_priority = 800  # after references are resolved: their texts too
    builders = PRINT

    def run(self, **kwargs):
        table = print_characters(self.config)
        for text in list(self.document.findall(nodes.Text)) if table else ():
            if (new := str(text).translate(table)) != str(text):
                text.parent.replace(text, nodes.Text(new))


def _printed_texts(doctree, tags, math_drawn=False):
    """(text node, line) for every piece of text the print font sets; with ``math_drawn``,
    formulas are pictures drawn with a font of their own, so their text is not."""
    unprinted = (*UNPRINTED, nodes.math, nodes.math_block) if math_drawn else UNPRINTED

    def printed(node):
        while node is not None:
            if isinstance(node, unprinted):
                return False
            if isinstance(node, addnodes.only) and not tags.eval_condition(node["expr"]):
                return False
            node = node.parent
        return True

    for text in doctree.findall(nodes.Text):
        if printed(text.parent):
            yield text, _line(text.parent)


def _line(node):
    while node is not None:
        if getattr(node, "line", None):
            return node.line
        node = node.parent
    return None


def check_glyphs(app, env):
    """Report every character of the print document the print font has no glyph for."""
    if app.builder.name != "handout":
        return
    covered, family = print_font_coverage()
    covered = covered | set(print_characters(app.config))
    code_covered, code_family = print_font_coverage(code=True)
    code_covered = code_covered | set(print_characters(app.config))
    fix = (f"the print font {family} has no glyph for it, so it would print as an empty box "
           "or in another font")
    code_fix = fix.replace(f"print font {family}", f"code font {code_family}")
    # A math renderer other than MathJax (which no PDF runs) draws formulas as pictures.
    math_drawn = getattr(app.builder, "math_renderer_name", None) not in (None, "mathjax")
    for docname in sorted(env.found_docs):
        seen = set()
        doctree = env.get_doctree(docname)
        for text, line in _printed_texts(doctree, app.builder.tags, math_drawn):
            code = _in_code(text.parent)
            for char in _undrawable(text.astext(), code_covered if code else covered):
                if (char, code) in seen:
                    continue
                seen.add((char, code))
                logger.warning("character %s", _describe(char, code_fix if code else fix),
                               location=(docname, line), type="patientpress", subtype="glyph")
    cfg = app.config
    for name in ("project", "author", "handout_subtitle", "handout_review_date",
                 "handout_characters"):
        value = getattr(cfg, name, "") or ""
        value = " ".join(value.values()) if isinstance(value, dict) else str(value)
        for char in _undrawable(value, covered):
            logger.warning("%s in conf.py: character %s", name, _describe(char, fix),
                           type="patientpress", subtype="glyph")


def setup(app):
    # Now, before MyST's builder-inited handler logs its settings.
    messages.install_message_filters(app)
    app.add_config_value("docutils_settings", {}, "env", types=(dict,))
    app.add_config_value("handout_characters", {}, "env", types=(dict,))
    # A book's own raw HTML (MyST's HTML, {raw} html) through the sanitizer (rawhtml.py).
    app.add_config_value("book_raw_html", False, "env", types=(bool,))
    app.connect("config-inited", lambda app, config: print_characters(config))
    app.connect("env-before-read-docs", apply_docutils_settings)
    app.connect("env-before-read-docs", refuse_undecodable)
    # Before Sphinx's image collector (priority 500) copies a refused image.
    app.connect("doctree-read", refuse_unsafe_markup, priority=400)
    # After the refusals above, before the image collector warns in its own words.
    app.connect("doctree-read", report_missing_images, priority=450)
    app.connect("doctree-read", check_empty)
    app.add_post_transform(PrintCharacters)
    # On every handout build, also one that reads no chapter because the e-book's build
    # just read them into the same doctrees (make's order): env-check-consistency would
    # only run after a read.
    app.connect("env-updated", check_glyphs)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
