"""Jupyter notebooks in every format, through myst-nb (``extensions = [..., "myst_nb"]``).

- myst-nb works listed before or after patientpress: it is set up here in place of
  myst_parser (whose own setup would refuse the ``.md`` suffix myst-nb has taken), and its
  parser replaced by :class:`NbParser`, which reads a notebook (``.ipynb``, or a MyST text
  notebook) as myst-nb does and a Markdown page as ``myst.Parser`` does.
- The stored outputs of each cell (text, pictures, HTML tables, errors) reach the website,
  the e-book and the PDFs: myst-nb chooses one form of each output per builder, and knows
  no ``handout`` builder; :func:`choose_outputs` gives every builder of ours the forms it
  can show, without script: a widget or a JavaScript output falls back to its picture or
  text, and one that has no other form is reported by myst-nb, naming the file.
- A notebook's HTML output (a pandas table) is HTML the notebook's code made: it goes
  through the raw-HTML sanitizer (``rawhtml.py``) in every build, where the book's own raw
  HTML does only when the book opts in.
- A Markdown cell's pasted pictures (attachments) are shown: myst-nb leaves them as links
  to nothing; :func:`attachments_saved` writes them beside the outputs.
- Execution stays off unless the book asks (``nb_execution_mode = "cache"``, ``"force"``
  or ``"inline"``; Jupyter Book's ``execute.execute_notebooks``): a book's notebooks are
  published with the outputs their authors stored. myst-nb's own default, ``"auto"``, is
  taken as off. ipykernel comes with myst-nb, so the notebooks run when asked.
"""

from pathlib import Path

from sphinx.util import logging

logger = logging.getLogger(__name__)

# The forms of an output each of our builders shows, best first (myst-nb's priority
# numbers: lower wins; None leaves a form out). No builder of ours runs script.
SHOWN = {"text/html": 30, "image/svg+xml": 40, "image/png": 50, "image/gif": 60,
         "image/jpeg": 70, "text/markdown": 80, "text/latex": 90, "text/plain": 100}
SCRIPT = ("application/vnd.jupyter.widget-view+json", "application/javascript")
BUILDERS = ("html", "dirhtml", "singlehtml", "epub", "handout", "clinic-editions")


def choose_outputs(app, config):
    """Every builder of ours shows the forms of :data:`SHOWN`, none with script; the
    book's own ``nb_mime_priority_overrides`` still win (they come after)."""
    ours = [(builder, mime, rank) for builder in BUILDERS
            for mime, rank in [*SHOWN.items(), *((m, None) for m in SCRIPT)]]
    config.nb_mime_priority_overrides = [*ours, *(config.nb_mime_priority_overrides or ())]


def execution_off(app, config):
    """A book's notebooks are published with their stored outputs unless the book asks to
    run them ("cache", "force" or "inline"): myst-nb's default, "auto", would run every
    notebook that has a cell without output, on whatever kernel the machine has."""
    if config.nb_execution_mode == "auto":
        config.nb_execution_mode = "off"


def notebook_suffixes(app, config):
    """``.md`` and ``.ipynb`` read by myst-nb's parser (ours), even after another build in the
    same process: Sphinx 9's ``merge_source_suffix`` writes the registry's suffixes into
    ``source_suffix``'s default dict itself, shared by every later configuration, so a build
    with myst_parser left ``.md: markdown`` there, which then outranks myst-nb's own
    ``.md: myst-nb`` and fails ("Source parser for markdown not registered"). A copy is
    used here, never that shared dict."""
    suffixes = dict(config.source_suffix)
    for suffix, filetype in app.registry.source_suffix.items():
        if filetype == "myst-nb" and suffixes.get(suffix) == "markdown":
            suffixes[suffix] = "myst-nb"
    config.source_suffix = suffixes


def output_folder(env):
    """Where myst-nb writes a notebook's pictures (beside the output folder), or None."""
    nb_config = getattr(env, "mystnb_config", None)
    return getattr(nb_config, "output_folder", None) or None


def attachments_saved(notebook, env):
    """A Markdown cell's pasted pictures (``![](attachment:image.png)``, kept inside the
    notebook), which myst-nb leaves as a link to nothing, written as files beside its
    outputs and linked from the cell; True when the notebook held any."""
    import base64
    import hashlib
    import mimetypes
    import os

    folder = output_folder(env)
    found = False
    for cell in notebook.cells:
        for name, bundle in (cell.get("attachments") or {}).items() if folder else ():
            mime = next((m for m in bundle if m.startswith("image/")), None)
            if mime is None:
                continue
            data = base64.b64decode(bundle[mime])
            path = Path(folder, "attachments", hashlib.sha256(data).hexdigest()[:20]
                        + (mimetypes.guess_extension(mime) or ".png"))
            path.parent.mkdir(parents=True, exist_ok=True)
            if not path.exists():
                path.write_bytes(data)
            # As myst-nb links its own outputs: from the source folder, with a leading "/".
            uri = "/" + Path(os.path.relpath(path, env.srcdir)).as_posix()
            cell.source = cell.source.replace(f"attachment:{name}", uri)
            found = True
    return found


def _hidden_shown():
    from myst_nb.sphinx_ import HideCodeCellNode
    from sphinx.transforms.post_transforms import SphinxPostTransform

    class ShowHiddenCells(SphinxPostTransform):
        """A cell its author folded away (``hide-input``, ``hide-output``) is printed, and
        shown in the e-book, as it is: paper cannot unfold it, and myst-nb's toggle is a
        ``<details>`` whose summary holds ``<p>``s, which an e-book may not (EPUBCheck
        RSC-005). Removed cells (``remove-input``) stay removed."""
        default_priority = 250   # after myst-nb's HideInputCells (199) wraps them
        builders = ("epub", "handout", "clinic-editions")

        def run(self, **kwargs):
            for node in list(self.document.findall(HideCodeCellNode)):
                node.replace_self(node.children)

    return ShowHiddenCells


def _parser_class():
    from myst_nb.sphinx_ import Parser as MystNbParser

    from .myst import Parser

    class NbParser(MystNbParser, Parser):
        """myst-nb's parser for notebooks; for a Markdown page (no notebook metadata) it
        hands over to ``super().parse``, which by this order is ours, not myst-parser's.
        A notebook that cannot be read is a warning naming it, not a traceback."""

        def parse(self, inputstring, document):
            import nbformat

            env = document.settings.env
            if env.doc2path(env.docname).suffix == ".ipynb":
                try:
                    notebook = nbformat.reads(inputstring, as_version=4)
                except (ValueError, KeyError, nbformat.ValidationError) as exc:
                    logger.warning(
                        "%s cannot be read as a notebook (%s: %s) and was left out: open it "
                        "in Jupyter and save it again, or restore it from version control",
                        env.docname, type(exc).__name__, exc, location=env.docname,
                        type="patientpress", subtype="notebook")
                    Parser.parse(self, "", document)   # an empty page, set up as MyST's
                    return
                if attachments_saved(notebook, env):
                    inputstring = nbformat.writes(notebook)
            super().parse(inputstring, document)

    return NbParser


def setup(app):
    app.setup_extension("myst_nb")
    app.add_source_parser(_parser_class(), override=True)
    app.add_post_transform(_hidden_shown())
    # Before myst-nb's builder-inited handler turns the settings into its configuration.
    app.connect("config-inited", choose_outputs)
    app.connect("config-inited", execution_off)
    app.connect("config-inited", notebook_suffixes, priority=700)   # before Sphinx's, at 800
