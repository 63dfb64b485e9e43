"""Figure, table, equation and section numbers in a print document, as the website has them.

Sphinx numbers sections and figures (``numfig``) per document, in ``env.toc_secnumbers``
and ``env.toc_fignumbers``, keyed by each document's own ids; every reference is resolved
against those tables, so ``{numref}`` shows the website's numbers. A print document
prefixes every id (:func:`patientpress.print.singlefile.prefix_ids`), so the translator
gets tables of its own, keyed by the print document's ids (:func:`for_print`); the
environment's tables are only read, never written.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping

    from sphinx.environment import BuildEnvironment


def for_print(env: BuildEnvironment, mapping: Mapping[tuple[str, str], str],
              first_ids: Mapping[str, str]
              ) -> tuple[dict[str, tuple[int, ...]], dict[str, dict[str, tuple[int, ...]]]]:
    """``(secnumbers, fignumbers)`` of one print document, keyed by its ids.

    ``mapping`` is ``{(docname, old id): new id}`` (:func:`singlefile.prefix_ids`);
    ``first_ids`` is ``{docname: id of its top section}``, where Sphinx's key ``""`` (a
    document's first heading) lands.
    """
    secnumbers, fignumbers = {}, {}
    for (docname, old), new in mapping.items():
        for figtype, numbers in env.toc_fignumbers.get(docname, {}).items():
            if old in numbers:
                fignumbers.setdefault(figtype, {})[new] = numbers[old]
        number = env.toc_secnumbers.get(docname, {}).get("#" + old)
        if number:
            secnumbers["#" + new] = number
    for docname, new in first_ids.items():
        number = env.toc_secnumbers.get(docname, {}).get("")
        if number:
            secnumbers.setdefault("#" + new, number)
    return secnumbers, fignumbers
