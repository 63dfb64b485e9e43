"""Keep every page's navigation fresh after an edit.

Sphinx's incremental HTML build rewrites only the pages whose source changed. When a
document's title changes, or a document is added or removed, the navigation of every
other page (sidebar, previous/next links) names the old set of titles. This notes each
document's title before the changed sources are read (``env-get-outdated``) and, when a title or the set of
documents changed, returns every document from ``env-get-updated``: every page is then
rewritten from the pickled doctrees, without reading any source again.
"""

from sphinx.util import logging

logger = logging.getLogger(__name__)


def _titles(env):
    return {docname: title.astext() for docname, title in env.titles.items()}


def note_titles(app, env, added, changed, removed):
    # Before removed documents are purged and changed ones read again.
    env.patientpress_titles_before = _titles(env)
    return []


def pages_to_rewrite(app, env):
    before = env.__dict__.pop("patientpress_titles_before", None)
    if before is None:
        return []
    after = _titles(env)
    if before == after or not before:
        return []   # nothing renamed, or a first build: every page is written anyway
    changed = sorted(set(before) ^ set(after)
                     | {d for d in set(before) & set(after) if before[d] != after[d]})
    logger.info("titles or documents changed (%s): rewriting every page's navigation",
                ", ".join(changed))
    return sorted(env.found_docs)


def setup(app):
    app.connect("env-get-outdated", note_titles)
    app.connect("env-get-updated", pages_to_rewrite)
