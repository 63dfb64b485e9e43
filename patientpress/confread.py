"""What the book's own ``conf.py`` sets, as it wrote it: before ``-D`` overrides and before
Sphinx's own corrections (the copyright year it changes to SOURCE_DATE_EPOCH's).

Read with Sphinx's public :func:`sphinx.config.eval_config_file`, the function Sphinx reads
``conf.py`` with, once per application. Two questions need it: which language the book is
written in (``make`` builds a translation with ``-D language=es``), and whether the book
set a value itself or left Sphinx's default.
"""

from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.config import eval_config_file


def as_written(app: Sphinx) -> dict[str, Any]:
    """The names ``conf.py`` assigns, with their values (``{}`` for a build without one)."""
    cached = getattr(app, "patientpress_conf_as_written", None)
    if cached is None:
        path = Path(app.confdir, "conf.py") if app.confdir else None
        cached = eval_config_file(path, app.tags) if path and path.is_file() else {}
        cached = {k: v for k, v in cached.items() if not k.startswith("__") and k != "tags"}
        app.patientpress_conf_as_written = cached
    return cached


def set_by_book(app: Sphinx, name: str) -> bool:
    """Whether ``conf.py`` or the command line (``-D``) sets ``name``."""
    return name in as_written(app) or name in app.config.overrides
