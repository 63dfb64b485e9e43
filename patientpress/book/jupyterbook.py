"""A Jupyter Book as its authors have it: the Sphinx settings of its ``_config.yml``.

``python -m patientpress new --from BOOK`` writes into a Jupyter Book's folder a
``conf.py`` of three lines that calls :func:`conf_values` at every build, so the book keeps
``_config.yml`` as the one place its authors edit, as Jupyter Book 1 does. Every key
Jupyter Book 1 documents is either carried over (:data:`CARRIED`, below) or reported in the
build's log with the reason it means nothing here (:data:`IGNORED`); an unknown key is
reported too. Jupyter Book 1's own defaults apply: numbered figures, its extensions
(myst-nb, sphinx-external-toc, sphinx-design, sphinxcontrib-bibtex when it has a ``.bib``),
its MyST extensions, the ``_toc.yml``, sphinx-book-theme; and patientpress's: no patient
words (``handout_preset = "book"``), notebooks published with their stored outputs.
"""

import html
import importlib.util
import re
from pathlib import Path

from sphinx.util import logging

logger = logging.getLogger(__name__)

# Jupyter Book 1's defaults (jupyter_book/config.py, default_config.yml).
MYST_EXTENSIONS = ["colon_fence", "dollarmath", "linkify", "substitution", "tasklist"]
EXTENSIONS = ["myst_nb", "sphinx_external_toc", "sphinx_design", "patientpress"]
EXCLUDE = ["_build", "Thumbs.db", ".DS_Store", "**.ipynb_checkpoints"]
# Extensions Jupyter Book loads that add only web buttons or LaTeX: nothing to carry over.
WEB_ONLY = {"sphinx_togglebutton", "sphinx_copybutton", "sphinx_comments", "sphinx_thebe",
            "sphinx_jupyterbook_latex", "sphinx_multitoc_numbering", "sphinx_book_theme",
            # converts pictures with ImageMagick for LaTeX; WeasyPrint prints them as they are
            "sphinx.ext.imgconverter"}

#: Keys that mean nothing for these outputs, and why.
IGNORED = {
    "launch_buttons": "Binder, Colab and live kernels run code on another service; the "
                      "outputs here are the stored ones",
    "html.google_analytics_id": "no page here loads a tracker",
    "html.analytics": "no page here loads a tracker",
    "html.comments": "comments load a third party's scripts into every page",
    "html.navbar_number_sections": "sphinx-book-theme 1.x has no such option",
    "html.use_multitoc_numbering": "chapters are numbered by the _toc.yml's numbered: key",
    "latex.latex_engine": "the PDFs are made by WeasyPrint, not LaTeX",
    "latex.use_jupyterbook_latex": "the PDFs are made by WeasyPrint, not LaTeX",
    "latex.latex_documents.doc": "the PDF holds the whole _toc.yml",
    "latex.latex_documents.title": "the PDF's title is the book's title",
    "latex.latex_documents.author": "the PDF's author is the book's author",
    "latex.latex_documents.documentclass": "the PDFs are made by WeasyPrint, not LaTeX",
    "latex.latex_documents.toctree_only": "the PDF holds the whole _toc.yml",
    "sphinx.local_extensions": "it runs Python from the book's folder: install the "
                               "extension and list it under sphinx.extra_extensions",
    "sphinx.recursive_update": "sphinx.config is merged key by key already",
    "description": "Sphinx has no such setting; the opening page says what the book is",
    "keywords": "Sphinx has no such setting",
    "execute.run_in_temp": "notebooks run in their own folder",
}

_HTML_THEME_OPTIONS = {"use_edit_page_button": "use_edit_page_button",
                       "use_repository_button": "use_repository_button",
                       "use_issues_button": "use_issues_button",
                       "extra_footer": "extra_footer", "announcement": "announcement",
                       "home_page_in_navbar": "home_page_in_toc"}
_EXECUTE = {"execute_notebooks": "nb_execution_mode", "cache": "nb_execution_cache_path",
            "timeout": "nb_execution_timeout", "allow_errors": "nb_execution_allow_errors",
            "exclude_patterns": "nb_execution_excludepatterns",
            "stderr_output": "nb_output_stderr"}


def _flat(data, prefix=""):
    """{"a.b": value} of a nested mapping (the keys :data:`IGNORED` names)."""
    for key, value in data.items():
        if isinstance(value, dict) and value and f"{prefix}{key}" not in (
                "sphinx.config", "parse.myst_substitutions", "latex.latex_documents"):
            yield from _flat(value, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}", value


def plain(text):
    """``text`` without HTML tags (a TeachBooks author line holds links and badges): a
    PDF's metadata, its cover and the e-book's metadata print words, not markup."""
    return " ".join(html.unescape(re.sub(r"<[^>]*>", " ", text)).split()).replace(" ,", ",")


def _project(cfg, values):
    title = plain(str(cfg.get("title") or "My Book"))
    author = plain(str(cfg.get("author") or "The Authors"))
    values.update(project=title, html_title=title, author=author)
    values["copyright"] = f"{cfg['copyright']}, {author}" if cfg.get("copyright") else author
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-") or "book"
    values.update(epub_uid=slug, epub_identifier=slug, epub_scheme="", epub_basename=slug,
                  handout_basename=slug)
    if cfg.get("logo"):
        values["html_logo"] = cfg["logo"]
    values["exclude_patterns"] = [*EXCLUDE, *(cfg.get("exclude_patterns") or [])]
    if cfg.get("only_build_toc_files"):
        values["external_toc_exclude_missing"] = True
    if cfg.get("bibtex_bibfiles"):
        values["bibtex_bibfiles"] = list(cfg["bibtex_bibfiles"])
        values["extensions"].insert(-1, "sphinxcontrib.bibtex")


def _execute(cfg, values):
    for key, value in (cfg.get("execute") or {}).items():
        if key in _EXECUTE:
            values[_EXECUTE[key]] = value


def _parse(cfg, values):
    parse = cfg.get("parse") or {}
    values["myst_enable_extensions"] = list(parse.get("myst_enable_extensions",
                                                      MYST_EXTENSIONS) or [])
    for key in ("myst_url_schemes", "myst_substitutions", "myst_heading_anchors",
                "myst_dmath_double_inline", "myst_linkify_fuzzy_links"):
        if key in parse:
            values[key] = parse[key]


def _html(cfg, values):
    html = cfg.get("html") or {}
    options = values.setdefault("html_theme_options", {})
    for key, option in _HTML_THEME_OPTIONS.items():
        if key in html:
            options[option] = html[key]
    if html.get("favicon"):
        values["html_favicon"] = html["favicon"]
    if html.get("baseurl"):
        values["html_baseurl"] = html["baseurl"]
    repository = cfg.get("repository") or {}
    if repository.get("url"):
        options.update(repository_url=repository["url"],
                       repository_branch=repository.get("branch", "main"),
                       path_to_docs=repository.get("path_to_book", ""))


def _latex(cfg, values):
    documents = (cfg.get("latex") or {}).get("latex_documents") or {}
    if documents.get("targetname"):
        values["handout_basename"] = Path(str(documents["targetname"])).stem


def _sphinx(cfg, values):
    sphinx = cfg.get("sphinx") or {}
    for name in sphinx.get("extra_extensions") or []:
        if name in values["extensions"] or name in WEB_ONLY:
            continue
        if importlib.util.find_spec(name.split(".")[0]) is None:
            values.setdefault("_left_out", []).append(name)
            continue
        values["extensions"].insert(-1, name)
    for key, value in (sphinx.get("config") or {}).items():
        if key == "html_theme_options" and isinstance(value, dict) and "launch_buttons" in value:
            value = {k: v for k, v in value.items() if k != "launch_buttons"}
            values.setdefault("_left_out_options", []).append("html_theme_options.launch_buttons")
        if isinstance(value, dict) and isinstance(values.get(key), dict):
            values[key] = {**values[key], **value}
        else:
            values[key] = value


#: The _config.yml keys carried over, each by the function that maps it.
CARRIED = {"title", "author", "copyright", "logo", "exclude_patterns", "only_build_toc_files",
           "bibtex_bibfiles", "execute", "parse", "html", "repository", "latex", "sphinx",
           "execute.execute_notebooks", "execute.cache", "execute.timeout",
           "execute.allow_errors", "execute.exclude_patterns", "execute.stderr_output",
           "parse.myst_enable_extensions", "parse.myst_url_schemes",
           "parse.myst_substitutions", "parse.myst_heading_anchors",
           "parse.myst_dmath_double_inline", "parse.myst_linkify_fuzzy_links",
           "html.favicon", "html.baseurl", "repository.url", "repository.branch",
           "repository.path_to_book", "latex.latex_documents",
           "latex.latex_documents.targetname", "sphinx.extra_extensions", "sphinx.config",
           *(f"html.{key}" for key in _HTML_THEME_OPTIONS)}


def unused(cfg):
    """(key, why) for every key of ``cfg`` that is not carried over."""
    found = []
    for key, _ in _flat(cfg):
        if key in CARRIED:
            continue
        why = IGNORED.get(key) or IGNORED.get(key.split(".")[0])
        found.append((key, why or "Jupyter Book 1 documents no such key: check its spelling"))
    for key, value in (cfg.get("latex") or {}).get("latex_documents", {}).items():
        name = f"latex.latex_documents.{key}"
        if name not in CARRIED:
            found.append((name, IGNORED.get(name, "the PDFs are made by WeasyPrint")))
    return found


def sphinx_values(cfg):
    """The Sphinx settings of a parsed ``_config.yml`` (a mapping)."""
    values = {"extensions": list(EXTENSIONS), "numfig": True, "html_theme": "sphinx_book_theme",
              "external_toc_path": "_toc.yml", "external_toc_exclude_missing": False,
              "handout_preset": "book", "language": "en", "version": "1", "release": "1",
              "suppress_warnings": ["myst.domains"], "html_sourcelink_suffix": "",
              "epub_theme": "epub"}
    for step in (_project, _execute, _parse, _html, _latex, _sphinx):
        step(cfg, values)
    return values


CONF_PY = '''"""Sphinx configuration of this Jupyter Book: read from _config.yml at every build
(patientpress.book.jupyterbook, written by python -m patientpress new --from). Edit
_config.yml, not this file; a setting of your own may follow the last line."""
from patientpress.book.jupyterbook import conf_values

globals().update(conf_values(__file__))
'''


def write_conf(book):
    """Write ``book``'s conf.py (see :data:`CONF_PY`); ValueError when it cannot."""
    book = Path(book)
    if not (book / "_config.yml").is_file() or not (book / "_toc.yml").is_file():
        raise ValueError(f"{book} has no _config.yml and _toc.yml: give the folder of a "
                         "Jupyter Book (the one that holds both)")
    conf = book / "conf.py"
    if conf.exists():
        raise ValueError(f"{conf} exists already: remove it (a Jupyter Book keeps its "
                         "settings in _config.yml) or build with it as it is")
    conf.write_text(CONF_PY, encoding="utf-8")
    return conf


def conf_values(conf_file):
    """The settings of the Jupyter Book whose ``conf.py`` is ``conf_file``, from the
    ``_config.yml`` beside it; each key left out is logged with its reason."""
    import yaml

    path = Path(conf_file).resolve().parent / "_config.yml"
    try:
        cfg = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise SystemExit(f"{path}: cannot be read as YAML ({exc}); fix it, or restore it "
                         "from version control") from exc
    for key, why in unused(cfg):
        logger.info("_config.yml: %s is not carried over: %s", key, why)
    values = sphinx_values(cfg)
    for name in values.pop("_left_out", []):
        logger.info("_config.yml: sphinx.extra_extensions: %s is not installed and was left "
                    "out; its roles and directives will be reported where they are used "
                    "(install it and add it to the book's requirements to use it)", name)
    for name in values.pop("_left_out_options", []):
        logger.info("_config.yml: sphinx.config.%s is not carried over: %s", name,
                    IGNORED["launch_buttons"])
    for key in ("title", "author"):
        if key in cfg and plain(str(cfg[key])) != str(cfg[key]).strip():
            logger.info("_config.yml: %s: its HTML left out (%r): the PDF and the e-book "
                        "print words", key, plain(str(cfg[key])))
    return values
