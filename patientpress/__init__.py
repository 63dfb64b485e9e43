"""Patient Press: print, e-book and clinic editions for a Sphinx patient-education book.

Registered from ``conf.py``. Adds the ``handout`` builder (one print document rendered
to PDF by WeasyPrint, in-process), an EPUB builder that writes accessibility metadata
and reproducible archives, and the ``handout_*`` options.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata

__version__ = "0.1.0"

PRINT_THEME_DIR = Path(__file__).resolve().parent / "print" / "theme"


def setup(app: Sphinx) -> ExtensionMetadata:
    from .checks import book as bookchecks, sources as checks
    from .print import settings as builder
    from .clinics import editions
    from .epub import builder as epub
    from . import files, i18n, stamp
    from .web import chrome, freshness, site as web
    from .markup import myst, notice, pictures
    from .book import words
    from .markup import alttext, design, glossary, mathsvg

    app.connect("builder-inited", files.name_final_outdir)
    app.connect("builder-inited", files.say_how_outputs_are_dated)
    app.connect("build-finished", stamp.note_inputs)
    app.add_html_theme("patientpress_print", str(PRINT_THEME_DIR))
    builder.setup(app)
    editions.setup(app)
    epub.setup(app)
    web.setup(app)
    chrome.setup(app)
    checks.setup(app)
    pictures.setup(app)
    myst.setup(app)
    freshness.setup(app)
    notice.setup(app)
    words.setup(app)
    i18n.setup(app)
    bookchecks.setup(app)
    mathsvg.setup(app)
    design.setup(app)
    glossary.setup(app)
    alttext.setup(app)
    return {
        "version": __version__,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
