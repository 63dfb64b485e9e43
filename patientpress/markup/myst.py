"""What MyST Markdown gives a book, read the way its authors mean it.

- Comments never reach a reader: HTML comments (``<!-- … -->``, on their own lines or
  inside a sentence, one line or many) are dropped by the Markdown parser, even when raw
  HTML is off (``myst_disable_syntax = ["html_block", "html_inline"]``), where MyST would
  print them as text; MyST's ``%`` comments are dropped too, instead of being kept in the
  doctree. Every other piece of raw HTML stays escaped or refused (``checks.py``).
- A hard line break (two spaces or a backslash at the end of a line) is a line break in
  every format: MyST writes it as a piece of raw HTML, which ``checks.py`` refuses, so
  here it becomes a ``hard_break`` node that each writer draws as its own line break.
- A task list (``- [x] done``, the ``tasklist`` extension) keeps its boxes in every format:
  MyST's raw HTML checkbox becomes a box the stylesheets draw, with its state in words.
- An unknown role or directive names the extension that provides it when it is a known
  one ("{cite:ps} needs sphinxcontrib-bibtex in extensions ..."), with the file and line.
  It stays a warning, so a strict build fails; ``suppress_warnings = ["myst.role_unknown"]``
  (or ``"myst.directive_unknown"``) passes it on purpose, whether the chapter is Markdown
  or reStructuredText. Sphinx's own "unknown role name: cite:ps", which names no file and
  has no type, is dropped when MyST's or docutils' message follows it.
- A ``.bib`` file is found where the author put it: sphinxcontrib-bibtex reads
  ``bibtex_bibfiles`` beside conf.py, so a book whose conf.py sits outside its sources (a
  new book's layout) that names ``references.bib`` as its Jupyter Book ``_config.yml`` did
  would get one warning per citation; the build stops at once saying what to write.

MyST's Sphinx parser is replaced by a subclass (``override=True``) that differs only in
the comment rules it adds; with myst-nb in ``extensions`` (listed before or after
patientpress), myst-nb's parser is replaced by one that reads notebooks as myst-nb does
and Markdown pages as ours (``notebooks.py``). Hard breaks, task boxes and ``%`` comments
are a transform (``Leftovers``), so they work whichever parser read the page.
"""

import logging as std_logging
import os
import re
import weakref

from docutils import nodes
from docutils.transforms import Transform
from myst_parser.config.main import TopmatterReadError, merge_file_level, read_topmatter
from myst_parser.mdit_to_docutils.sphinx_ import SphinxRenderer
from myst_parser.parsers.mdit import create_md_parser
from myst_parser.parsers.sphinx_ import MystParser
from myst_parser.warnings_ import create_warning
from sphinx.errors import ConfigError
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging

logger = logging.getLogger(__name__)

# Roles and directives of extensions books often use: {name: (PyPI package or None when it
# comes with Sphinx, the name to add to ``extensions``)}. A name ending in ":" stands for
# every name with that prefix.
_BIBTEX = ("sphinxcontrib-bibtex", "sphinxcontrib.bibtex")
_DESIGN = ("sphinx-design", "sphinx_design")
_NB = ("myst-nb", "myst_nb")
PROVIDERS = {
    **dict.fromkeys(["cite", "cite:", "footcite", "footcite:", "bibliography",
                     "footbibliography"], _BIBTEX),
    **dict.fromkeys(["dropdown", "tab-set", "tab-item", "tab-set-code", "grid", "grid-item",
                     "card", "grid-item-card", "card-carousel", "button-link", "button-ref",
                     "article-info", "octicon", "bdg", "bdg-"], _DESIGN),
    "tableofcontents": ("sphinx-external-toc", "sphinx_external_toc"),
    "prf:": ("sphinx-proof", "sphinx_proof"),
    **dict.fromkeys(["exercise", "solution", "exercise-start", "exercise-end",
                     "solution-start", "solution-end"], ("sphinx-exercise", "sphinx_exercise")),
    **dict.fromkeys(["glue", "glue:", "code-cell"], _NB),
    "mermaid": ("sphinxcontrib-mermaid", "sphinxcontrib.mermaid"),
    "toggle": ("sphinx-togglebutton", "sphinx_togglebutton"),
    **dict.fromkeys(["tabs", "tab", "group-tab", "code-tab"], ("sphinx-tabs", "sphinx_tabs.tabs")),
    **dict.fromkeys(["youtube", "vimeo"], ("sphinxcontrib-youtube", "sphinxcontrib.youtube")),
    "jupyter-execute": ("jupyter-sphinx", "jupyter_sphinx"),
    **dict.fromkeys(["todo", "todolist"], (None, "sphinx.ext.todo")),
    **dict.fromkeys(["graphviz", "graph", "digraph"], (None, "sphinx.ext.graphviz")),
    "ifconfig": (None, "sphinx.ext.ifconfig"),
}

_HTML_COMMENT_END = "-->"


# -- comments ---------------------------------------------------------------------------

def _comment_block(state, start, end, silent):
    """Lines that open with ``<!--`` and close with ``-->`` (and nothing after it).

    As CommonMark's HTML block of type 2, a blank line does not end the comment. A comment
    never closed, or followed by text on its closing line, is left to the paragraph (whose
    inline rule below still drops a comment that closes inside it).
    """
    if state.is_code_block(start):
        return False
    pos = state.bMarks[start] + state.tShift[start]
    if not state.src.startswith("<!--", pos, state.eMarks[start]):
        return False
    line, search_from = start, pos + 2   # "<!-->" closes at once, as in CommonMark
    while line < end:
        if line > start:
            if state.sCount[line] < state.blkIndent and not state.isEmpty(line):
                return False
            search_from = state.bMarks[line] + state.tShift[line]
        closing = state.src.find(_HTML_COMMENT_END, search_from, state.eMarks[line])
        if closing >= 0:
            after = state.src[closing + len(_HTML_COMMENT_END):state.eMarks[line]]
            if after.strip():
                return False
            if not silent:
                state.line = line + 1
            return True
        line += 1
    return False


def _comment_inline(state, silent):
    """``<!-- … -->`` inside a paragraph, on one line or across several."""
    pos = state.pos
    if not state.src.startswith("<!--", pos, state.posMax):
        return False
    if state.src.startswith(("<!-->", "<!--->"), pos):
        closing = state.src.find(">", pos + 3) + 1
    else:
        closing = state.src.find(_HTML_COMMENT_END, pos + 4, state.posMax)
        if closing < 0:
            return False
        closing += len(_HTML_COMMENT_END)
    state.pos = closing
    return True


def html_comments_plugin(md):
    """Drop HTML comments, whether or not MyST's HTML syntax is on (no token is made)."""
    md.block.ruler.before("html_block", "html_comment", _comment_block,
                          {"alt": ["paragraph", "reference", "blockquote"]})
    md.inline.ruler.before("html_inline", "html_comment", _comment_inline)


# -- hard line breaks -------------------------------------------------------------------

class hard_break(nodes.Inline, nodes.Element):
    """A line break inside a paragraph (Markdown's two trailing spaces or backslash)."""

    def astext(self):
        return "\n"


def _writes(line_break):
    """A visitor that writes each writer's own line break into its body."""
    def visit(translator, node):
        translator.body.append(line_break)
        raise nodes.SkipNode
    return visit


def _visit_text(translator, node):
    translator.add_text("\n")
    raise nodes.SkipNode


# -- task lists ---------------------------------------------------------------------------

def task_box(done):
    """A task list's box (``- [x]``, ``- [ ]``), which MyST writes as a raw HTML checkbox that
    ``checks.py`` refuses: a box the stylesheets draw (the print font has no ☐ or ☑), holding
    the state in words, which a screen reader reads and the print stylesheets hide."""
    state = "done" if done else "to do"
    return nodes.inline("", "", nodes.inline("", state + ": ", classes=["task-state"]),
                        classes=["task-box", "task-done" if done else "task-todo"])


class Leftovers(Transform):
    """What MyST's renderers (myst-parser's and myst-nb's alike) leave as raw HTML or comment
    nodes, made the nodes every writer draws: a hard line break, a task box; ``%``
    comments and HTML comments (raw HTML that holds nothing else) dropped. A transform, not a
    renderer of our own, so it applies whichever parser read the page (a notebook's Markdown
    cells are rendered by myst-nb's renderer)."""

    default_priority = 100   # before Sphinx's own transforms read the text

    def apply(self):
        for node in list(self.document.findall(lambda n: isinstance(n, (nodes.raw,
                                                                         nodes.comment)))):
            if isinstance(node, nodes.comment):
                node.parent.remove(node)   # a note to the other authors
                continue
            text = node.astext()
            if node.get("format") == "latex" and text == "\\\\\n":
                node.parent.remove(node)   # the hard break's LaTeX half, beside its HTML one
            if node.get("format") != "html":
                continue
            if text == "<br />\n":
                node.replace_self(hard_break())
            elif "task-list-item-checkbox" in text:
                node.replace_self(task_box("checked=" in text))
            elif not _HTML_COMMENTS.sub("", text).strip():
                node.parent.remove(node)


_HTML_COMMENTS = re.compile(r"<!--.*?-->", re.S)


# MystParser.parse names its renderer class inside and offers no hook for a markdown-it
# plugin, so Parser.parse below repeats its dozen lines (a hook is what myst-parser would
# need: a renderer class attribute and a plugin list). Proven on this version, and on the
# body of MystParser.parse it repeats: tests/test_private_apis.py fails when either changes,
# so that a fix upstream is taken over, not silently missed.
PROVEN_ON = {"myst-parser": "5.2.0"}
UPSTREAM_PARSE_SHA256 = "0d71d5731b4a6f7c643ac3d578f5c690f02710b43d18b270160ccdab3b28a0aa"


class Parser(MystParser):
    """MyST's Sphinx parser with the comment rules above."""

    def parse(self, inputstring, document):
        # As MystParser.parse (myst-parser 5.2), which makes its Markdown parser inside.
        config = document.settings.env.myst_config
        try:
            topmatter = read_topmatter(inputstring)
        except TopmatterReadError:
            pass   # reported during the render
        else:
            if topmatter:
                def warning(wtype, msg):
                    return create_warning(document, msg, wtype, line=1, append_to=document)
                config = merge_file_level(config, topmatter, warning)
        parser = create_md_parser(config, SphinxRenderer)
        parser.use(html_comments_plugin)
        parser.options["document"] = document
        parser.render(inputstring)


class UnresolvedAsText(SphinxPostTransform):
    """A link whose target was not found (already a warning naming it) is printed as its
    words in the e-book and the PDFs: MyST makes it a link to ``#target``, an anchor that
    is nowhere, which EPUBCheck reports (RSC-012) and WeasyPrint warns about in print."""
    default_priority = 11   # after MyST's resolver (9) and Sphinx's (10)
    builders = ("epub", "handout", "clinic-editions")

    def run(self, **kwargs):
        for ref in list(self.document.findall(nodes.reference)):
            if self._unresolved(ref):
                ref.replace_self(nodes.inline("", "", *ref.children))

    def _unresolved(self, ref):
        """MyST's stand-in for a target it did not find: a bare ``refid`` link (no
        ``internal``, which every resolved one has) around its ``xref myst`` words. A
        print document's chapters are resolved one by one, so an id elsewhere in the
        book is not in this tree: only MyST's own stand-ins are judged."""
        first = ref.children[0] if ref.children else None
        return (ref.get("refid") and not ref.get("internal") and "refuri" not in ref
                and isinstance(first, nodes.inline)
                and {"xref", "myst"} <= set(first["classes"])
                and ref["refid"] not in self.document.ids)


# -- unknown roles and directives ----------------------------------------------------------

def provider(name):
    """(package, extension) that provides role or directive ``name``, or None."""
    name = name.lower()
    if name in PROVIDERS:
        return PROVIDERS[name]
    for prefix, found in PROVIDERS.items():
        if prefix.endswith((":", "-")) and name.startswith(prefix):
            return found
    return None


def unknown_message(kind, name):
    """What an author reads for an unknown role or directive ``name``."""
    found = provider(name)
    if found is None:
        return (f"unknown {kind} {{{name}}}: no extension of this build provides it; check "
                f"its spelling, or add the extension that provides it to extensions in "
                f"conf.py")
    package, extension = found
    if package is None:
        return (f"{{{name}}} needs {extension} in extensions: add {extension!r} to "
                f"extensions in conf.py (it comes with Sphinx)")
    return (f"{{{name}}} needs {package} in extensions: add {extension!r} to extensions in "
            f"conf.py and {package} to the book's requirements")


_MYST_UNKNOWN = re.compile(r"Unknown (?:interpreted text (role)|directive type):? "
                           r"[\"']([^\"']+)[\"']")
_SPHINX_UNKNOWN = re.compile(r"unknown (role|directive) name: (\S+)")


class _UnknownMarkup(std_logging.Filter):
    """Rewords MyST's and docutils' unknown role/directive warnings, one type for both;
    drops Sphinx's untyped, unlocated duplicate when one of them follows."""

    app = None

    def filter(self, record):
        if getattr(record, "type", None) not in ("myst", "docutils"):
            return self._sphinx_duplicate(record)
        match = _MYST_UNKNOWN.search(record.getMessage())
        if match and (record.type == "docutils"
                      or getattr(record, "subtype", None) in ("role_unknown",
                                                              "directive_unknown")):
            kind = "role" if match.group(1) else "directive"
            record.msg, record.args = unknown_message(kind, match.group(2)), ()
            record.type, record.subtype = "myst", f"{kind}_unknown"
        return True

    def _sphinx_duplicate(self, record):
        if record.levelno != std_logging.WARNING:
            return True
        match = _SPHINX_UNKNOWN.search(record.getMessage())
        app = self.app() if self.app else None
        if not match or app is None:
            return True
        kind, name = match.groups()
        # Sphinx goes on to look the part after the colon up in the standard domain
        # ({prf:ref} finds :ref:); only then does no other message follow.
        std = app.env.domains.standard_domain
        rest = name.partition(":")[2]
        if (std.role if kind == "role" else std.directive)(rest) is None:
            return False
        record.msg, record.args = unknown_message(kind, name), ()
        record.type, record.subtype = "myst", f"{kind}_unknown"
        record.location = app.env.docname or None
        return True


_UNKNOWN = _UnknownMarkup()


def check_bibfiles(app, config):
    """A bibtex_bibfiles entry that is missing beside conf.py but in the sources is named
    with the path to write (see the module's docstring)."""
    for name in getattr(config, "bibtex_bibfiles", None) or ():
        beside, inside = os.path.join(app.confdir, name), os.path.join(app.srcdir, name)
        if not os.path.exists(beside) and os.path.exists(inside):
            raise ConfigError(
                f"bibtex_bibfiles: {name} is read from beside conf.py, where there is no such "
                f"file; it is in the book's sources: write "
                f"{os.path.relpath(inside, app.confdir)!r} in bibtex_bibfiles")


def wants_notebooks(app):
    """Whether the book reads notebooks: myst_nb in ``extensions``, before or after us."""
    return "myst_nb" in app.config.extensions or "myst_nb" in app.extensions


def setup(app):
    # One MyST parser for Markdown, ours: myst-nb registers its own for .md (and
    # .ipynb) and myst_parser's setup would then refuse the .md suffix, so with myst_nb in
    # extensions, wherever it is listed, myst-nb is set up here (now, or by Sphinx before
    # us) in place of myst_parser, and its parser replaced by ours (``notebooks.py``).
    if wants_notebooks(app):
        from . import notebooks

        notebooks.setup(app)
    else:
        app.setup_extension("myst_parser")   # first, so its parser is the one replaced
        app.add_source_parser(Parser, override=True)
    app.add_transform(Leftovers)
    app.add_post_transform(UnresolvedAsText)
    handlers = {"html": (_writes("<br />\n"), None), "latex": (_writes("\\\\\n"), None),
                "man": (_writes("\n.br\n"), None), "texinfo": (_writes("@*\n"), None),
                "text": (_visit_text, None)}
    app.add_node(hard_break, **handlers)
    app.connect("config-inited", check_bibfiles)
    _UNKNOWN.app = weakref.ref(app)
    for name in ("sphinx.myst_parser.warnings_", "sphinx.sphinx.util.docutils"):
        std_logging.getLogger(name).addFilter(_UNKNOWN)   # once: addFilter ignores repeats
    return {"parallel_read_safe": True, "parallel_write_safe": True}
