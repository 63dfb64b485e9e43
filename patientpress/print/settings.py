"""The ``handout`` builder's settings (``handout_*`` in conf.py) and its registration.

Options are typed and checked here, with defaults made from the book's own settings
(``project``, ``html_baseurl``, Read the Docs' canonical address).
"""

import os
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.errors import ConfigError

from ..book import chapters
from ..files import slugify
from . import paper, pool
from .builder import HandoutBuilder


def _default_online_url(config):
    return os.environ.get("READTHEDOCS_CANONICAL_URL") or config.html_baseurl or ""


def _check_config(app, config):
    if config.handout_paper not in paper.SIZES:
        raise ConfigError(f"handout_paper must be one of {sorted(paper.SIZES)}, "
                          f"not {config.handout_paper!r} (set it in conf.py or with "
                          "-D handout_paper=a4)")
    unknown = set(config.handout_products) - {"book", "chapters", "large-print"}
    if unknown:
        raise ConfigError(f"handout_products: unknown product(s) {sorted(unknown)}")
    folders = [Path(app.confdir, p) for p in config.html_static_path]
    for sheet in config.handout_css_files:
        if not isinstance(sheet, str) or not any((f / sheet).is_file() for f in folders):
            raise ConfigError(
                f"handout_css_files: {sheet!r} is not a file in html_static_path "
                f"({', '.join(map(str, config.html_static_path)) or 'not set'}): put the "
                "stylesheet in the book's _static/ folder, with html_static_path = "
                "['_static'] in conf.py, or correct its name")


def setup(app: Sphinx) -> None:
    app.add_builder(HandoutBuilder)
    app.add_config_value("handout_basename", lambda c: slugify(c.project) or "handout", "env", types=(str,))
    app.add_config_value("handout_subtitle", "", "env", types=(str,))
    # The book's own caution on the back page, after the general "not medical advice" one.
    app.add_config_value("handout_back_notice", "", "env", types=(str,))
    app.add_config_value("handout_review_date", "", "env", types=(str,))
    # Letter for the en_US default; a4 is one -D (or make PAPER=a4) away.
    app.add_config_value("handout_paper", "letter", "env", types=(str,))
    app.add_config_value("handout_online_url", _default_online_url, "env", types=(str,))
    app.add_config_value("handout_products", ["book", "chapters", "large-print"], "env",
                         types=(list, tuple))
    # The book's own stylesheets for its print documents (its raw HTML's classes, say), by
    # name in html_static_path, linked after the print theme's: the web theme's CSS is not
    # (it is written for screens, and costs WeasyPrint minutes).
    app.add_config_value("handout_css_files", [], "env", types=(list, tuple))
    chapters.setup(app)
    app.add_config_value("handout_timeout", pool.DEFAULT_TIMEOUT, "env", types=(int, float))
    # Worker processes that render the PDFs side by side, each PDF within handout_timeout:
    # 0 is one per core; -1 renders in the main process with no time limit (profiling).
    app.add_config_value("handout_workers", 0, "", types=(int,))
    # The back page points to this page, the questions checklist (empty: no pointer).
    app.add_config_value("handout_questions_doc", "questions", "env", types=(str,))
    app.connect("config-inited", _check_config)


