"""Checks that keep a chapter's markup inert and make bad input fail with a clear message.

- Raw HTML and file insertion are off (docutils ``raw_enabled`` / ``file_insertion_enabled``),
  whatever the chapter asks; ``docutils_settings`` in ``conf.py`` is honoured (Sphinx itself
  has no such option, so without this module that line in ``conf.py`` did nothing).
- A link whose address is not web, mail or phone (``javascript:``, ``vbscript:``, ``data:``
  ...) is refused and printed as plain text: MyST already refuses them in Markdown links,
  but ``{eval-rst}`` and an image's ``:target:`` let them through.
- An image that lies outside the source folder (a path that climbs out with ``..`` or a
  symbolic link that leads out) is refused: Sphinx would otherwise copy it into the output.
- An image whose file does not exist is reported as the author wrote it, with the path
  that was looked for, and its alt text stands in (instead of Sphinx's "image file not
  readable").
- A reference to an unknown label, document or term suggests the nearest one that exists
  ("did you mean 'how-nerves-heal'?"), in Sphinx's own words and warning type; a missing
  image suggests the nearest picture file beside it.
- An empty chapter is reported (Sphinx builds it silently as a blank page).
- A chapter in no toctree is reported with the file whose toctree should list it.
- Every character of the print document is checked against the embedded print font:
  one the font cannot draw would print as an empty box, so it is reported, with the file,
  the line, the character and the fix.

Each problem is a Sphinx warning, so a strict build (``-W``) fails on it. MyST's
settings line (``myst v…: MdParserConfig(…)``), printed on every build, is kept for
``sphinx-build -v``.
"""

import difflib
import glob
import logging as std_logging
import os
import posixpath
import re
import unicodedata
import weakref
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.errors import ConfigError
from sphinx.util import logging
from sphinx.util.i18n import search_image_for_language

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

    for raw in list(doctree.findall(nodes.raw)):
        logger.warning("raw %s in a chapter is not allowed and was removed: write it as "
                       "Markdown instead", raw.get("format", "markup"),
                       location=raw, type="patientpress", subtype="raw")
        raw.parent.remove(raw)

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
            if real.is_relative_to(srcdir):
                continue
            reason = (f"image {uri!r} refused: it lies outside the book's source folder "
                      f"({real}); copy the picture into the book's folder and link the copy")
        logger.warning("%s", reason, location=image, type="patientpress", subtype="image")
        image.parent.remove(image)


def _shown(path):
    """A path as the author would type it: from the current folder when it lies inside."""
    path = Path(os.path.normpath(path))
    try:
        return path.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return path.as_posix()


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
        logger.warning("image %s not found (looked for %s); %s", uri, _shown(looked), fix,
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


def nearest_reference(env, node):
    """For a reference Sphinx could not resolve (an unknown label, document or term), the
    words to add to its warning: the nearest one that exists, or that none comes close."""
    kind, target = node.get("reftype"), node.get("reftarget", "")
    domain = env.domains.standard_domain
    if kind in ("ref", "numref"):
        known = [name for name in domain.anonlabels if not name.startswith("_")]
        target = target.lower()
    elif kind == "doc":
        known = sorted(env.found_docs)
        base = posixpath.dirname(node.get("refdoc", ""))
        if not target.startswith("/") and base:
            known = [posixpath.relpath(doc, base) for doc in known]
        target = target.lstrip("/")
    elif kind == "myst":   # [text](target): a label, or a document by its file name
        known = [*(n for n in domain.anonlabels if not n.startswith("_")),
                 *(env.doc2path(doc, base=False) for doc in env.found_docs)]
        base = posixpath.dirname(node.get("refdoc", ""))
        if base:
            known = [posixpath.relpath(k, base) if "." in k else k for k in known]
    elif kind == "term":
        known = sorted({name for (typ, name) in domain.objects if typ == "term"})
        target = target.lower()
    else:
        return ""
    near = difflib.get_close_matches(target, known, n=1, cutoff=0.6)
    return (f"; did you mean {near[0]!r}?" if near
            else "; nothing of that name in the book: check the spelling")


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


# -- messages of Sphinx and MyST, made quieter or clearer ------------------------------

class _Messages(std_logging.Filter):
    """Rewrites Sphinx's "not in any toctree" warning; names the nearest label, document or
    term in its warning for an unknown one; drops MyST's settings line.

    A logging filter, installed once per process on the two loggers concerned, that looks
    at the app being built (held weakly, so a finished app is not kept alive).
    """

    app = None

    def filter(self, record):
        app = self.app() if self.app else None
        if record.name == "sphinx.myst_parser.sphinx_ext.main":
            # myst-parser logs its whole configuration at info level on every build and
            # has no option to stop it; -v still shows it.
            return not (record.levelno == std_logging.INFO
                        and any(type(a).__name__ == "MdParserConfig" for a in record.args or ())
                        and not (app and app.verbosity > 0))
        location = getattr(record, "location", None)
        if (app is not None and isinstance(location, addnodes.pending_xref)
                and ((getattr(record, "type", None) == "ref"
                      and location.get("refdomain") in ("std", "", None))
                     or (getattr(record, "type", None) == "myst"
                         and getattr(record, "subtype", None) == "xref_missing"))):
            hint = nearest_reference(app.env, location)
            if hint and "did you mean" not in str(record.msg):
                text = str(record.msg) % record.args if record.args else str(record.msg)
                record.msg, record.args = text + hint, ()
        if (app is not None and getattr(record, "type", None) == "toc"
                and getattr(record, "subtype", None) == "not_readable"
                and isinstance(location, addnodes.toctree) and record.args):
            _toctree_entry(app.env, record, location)
        if (app is not None and getattr(record, "type", None) == "toc"
                and getattr(record, "subtype", None) == "not_included"
                and isinstance(getattr(record, "location", None), str)):
            record.msg, record.args = _not_in_toctree(app.env, record.location), ()
        return True


_MESSAGES = _Messages()


def _toctree_entry(env, record, toctree):
    """Sphinx's "toctree contains reference to nonexisting document" names the directive's
    first line: name the entry's own line instead, and the nearest document that exists."""
    missing = str(record.args[0])
    docname = env.docname
    written = posixpath.relpath(missing, posixpath.dirname(docname) or ".")
    try:
        lines = Path(toctree.source).read_text(encoding="utf-8").splitlines()
    except (OSError, TypeError):
        lines = []
    start = max((toctree.line or 1) - 1, 0)
    for number in range(start, len(lines)):
        entry = lines[number].strip().rstrip(">").split("<")[-1].strip()
        if entry in (written, "/" + missing, missing):
            record.location = (docname, number + 1)
            break
    base = posixpath.dirname(docname)
    known = [posixpath.relpath(doc, base) if base else doc for doc in env.found_docs]
    near = difflib.get_close_matches(written, known, n=1, cutoff=0.6)
    fix = (f"; did you mean {near[0]!r}?" if near else
           f"; write the file {written}.md, or remove the line")
    record.msg, record.args = str(record.msg) % record.args + fix, ()


def _not_in_toctree(env, docname):
    """Which toctree should list ``docname``: the nearest folder index above it, else the
    root document; and the line to add there."""
    folders = docname.split("/")[:-1]
    if docname.rsplit("/", 1)[-1] == "index":
        folders = folders[:-1]   # a folder's own index is listed one folder up
    parent = env.config.root_doc
    for depth in range(len(folders), 0, -1):
        candidate = "/".join(folders[:depth] + ["index"])
        if candidate != docname and candidate in env.found_docs:
            parent = candidate
            break
    base = posixpath.dirname(parent)
    entry = (docname[len(base) + 1:] if base and docname.startswith(base + "/")
             else docname if not base else "/" + docname)
    return (f"document isn't included in any toctree, so no reader can reach it: add the "
            f"line {entry} to the toctree in {_shown(env.doc2path(parent))}, or delete the "
            "file (a page meant to stand alone takes 'orphan: true' in its front matter)")


def install_message_filters(app):
    _MESSAGES.app = weakref.ref(app)
    for name in ("sphinx.myst_parser.sphinx_ext.main", "sphinx.sphinx.environment",
                 "sphinx.sphinx.domains.std", "sphinx.sphinx.transforms.post_transforms",
                 "sphinx.myst_parser.sphinx_ext.myst_refs", "sphinx.sphinx.directives.other"):
        std_logging.getLogger(name).addFilter(_MESSAGES)   # once: addFilter ignores repeats


# -- glyph coverage of the print font ----------------------------------------------------

def print_font_coverage():
    """Code points every face of the embedded print font can draw, and the font's name."""
    from . import fonts

    return fonts.drawable(), fonts.FAMILY


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
    builders = ("handout", "clinic-editions")

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
    fix = (f"the print font {family} has no glyph for it, so it would print as an empty box "
           "or in another font")
    # A math renderer other than MathJax (which no PDF runs) draws formulas as pictures.
    math_drawn = getattr(app.builder, "math_renderer_name", None) not in (None, "mathjax")
    for docname in sorted(env.found_docs):
        seen = set()
        doctree = env.get_doctree(docname)
        for text, line in _printed_texts(doctree, app.builder.tags, math_drawn):
            for char in _undrawable(text.astext(), covered):
                if char in seen:
                    continue
                seen.add(char)
                logger.warning("character %s", _describe(char, fix),
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
    install_message_filters(app)
    app.add_config_value("docutils_settings", {}, "env", types=(dict,))
    app.add_config_value("handout_characters", {}, "env", types=(dict,))
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
