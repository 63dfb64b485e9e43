"""Sphinx's and MyST's messages, made clearer where an author meets them, quieter where
they are noise. A logging filter, installed once per process on the loggers concerned,
rewrites a record before it is shown (same type and subtype, so ``suppress_warnings``
keeps working):

- "document isn't included in any toctree" names the toctree to add it to, and the line;
- "toctree contains reference to nonexisting document" names the entry's own line (Sphinx
  names the directive's first line) and the nearest document that exists;
- an unknown label, document, term or MyST link target gets "did you mean ...?" with the
  nearest one that exists;
- MyST's settings line (``myst v…: MdParserConfig(…)``), printed on every build, is kept
  for ``sphinx-build -v``.
"""

import difflib
import os
import logging as std_logging
import posixpath
import weakref
from pathlib import Path

from sphinx import addnodes

def shown_path(path):
    """A path as the author would type it: from the current folder when it lies inside."""
    path = Path(os.path.normpath(path))
    try:
        return path.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return path.as_posix()


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
                 *(Path(env.doc2path(doc, base=False)).as_posix() for doc in env.found_docs)]
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
    root document; and the line to add there. A book whose order is a Jupyter Book
    ``_toc.yml`` (sphinx-external-toc) lists it there, not in a page's toctree."""
    toc = getattr(env.config, "external_toc_path", None)
    if toc and "sphinx_external_toc" in env.config.extensions:
        path = Path(env.srcdir, toc)
        return (f"document isn't included in any toctree, so no reader can reach it: add "
                f"'- file: {docname}' where it belongs in {shown_path(path)}, or delete the "
                "file (a page meant to stand alone takes 'orphan: true' in its front "
                "matter)")
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
            f"line {entry} to the toctree in {shown_path(env.doc2path(parent))}, or delete the "
            "file (a page meant to stand alone takes 'orphan: true' in its front matter)")


def install_message_filters(app):
    _MESSAGES.app = weakref.ref(app)
    for name in ("sphinx.myst_parser.sphinx_ext.main", "sphinx.sphinx.environment",
                 "sphinx.sphinx.domains.std", "sphinx.sphinx.transforms.post_transforms",
                 "sphinx.myst_parser.sphinx_ext.myst_refs", "sphinx.sphinx.directives.other"):
        std_logging.getLogger(name).addFilter(_MESSAGES)   # once: addFilter ignores repeats
