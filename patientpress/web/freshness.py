"""Keep every page's navigation fresh after an edit.

Sphinx's incremental HTML build rewrites only the pages whose source changed. When a
document's title changes, or a document is added or removed, the navigation of every
other page (sidebar, previous/next links) still names the old titles. The website's
output folder keeps the titles its pages were written with (``.patientpress-titles.json``,
saved when a build succeeds); when the titles now differ, ``env-get-updated`` returns
every document and every page is rewritten from the pickled doctrees, without reading any
source again. Kept with the pages, not in the environment, so it stays true when the
builders share one doctree folder or a failed build's pages were thrown away.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from sphinx.util import logging

from ..builders import WEB

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment
    from sphinx.util.typing import ExtensionMetadata

logger = logging.getLogger(__name__)

RECORD = ".patientpress-titles.json"
BUILDERS = WEB   # the builders that write only the changed pages


def _titles(env):
    return {docname: env.titles[docname].astext() for docname in sorted(env.found_docs)
            if docname in env.titles}


def pages_to_rewrite(app: Sphinx, env: BuildEnvironment) -> list[str]:
    if app.builder.name not in BUILDERS:
        return []
    try:
        written = json.loads((Path(app.outdir) / RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []   # a first build writes every page anyway
    now = _titles(env)
    if written == now:
        return []
    changed = sorted(set(written) ^ set(now)
                     | {d for d in set(written) & set(now) if written[d] != now[d]})
    logger.info("titles or documents changed (%s): rewriting every page's navigation",
                ", ".join(changed))
    return sorted(env.found_docs)


def record_titles(app: Sphinx, exception: Exception | None) -> None:
    if exception is None and app.builder.name in BUILDERS:
        (Path(app.outdir) / RECORD).write_text(
            json.dumps(_titles(app.env), indent=1, sort_keys=True), encoding="utf-8")


def setup(app: Sphinx) -> ExtensionMetadata:
    app.connect("env-get-updated", pages_to_rewrite)
    app.connect("build-finished", record_titles)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
