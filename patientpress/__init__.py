"""Patient Press: print, e-book and clinic editions for a Sphinx patient-education book.

Registered from ``conf.py``. Adds the ``handout`` builder (one print document rendered
to PDF by WeasyPrint, in-process), an EPUB builder that writes accessibility metadata
and reproducible archives, and the ``handout_*`` options.
"""

from pathlib import Path

from sphinx.util import logging

__version__ = "0.1.0"

logger = logging.getLogger(__name__)

THEME_DIR = Path(__file__).resolve().parent / "theme"


def setup(app):
    from . import (bookchecks, builder, checks, editions, epub, files, freshness, i18n, myst,
                   notice, pictures, web, words)
    from . import design, mathsvg

    # Before the configuration is finished: Sphinx dates the copyright line by it too.
    files.pin_source_date(app.confdir)

    app.connect("builder-inited", files.name_final_outdir)
    app.add_html_theme("patientpress_print", str(THEME_DIR / "print"))
    builder.setup(app)
    editions.setup(app)
    epub.setup(app)
    web.setup(app)
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
    return {
        "version": __version__,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
