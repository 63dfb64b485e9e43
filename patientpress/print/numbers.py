"""Figure, table, equation and section numbers in a print document, as the website has them.

Sphinx numbers figures (``numfig``) per document, in ``env.toc_fignumbers`` and
``env.toc_secnumbers``, keyed by each document's own ids. Its single-file builder merges
them under the root document with keys ("docname/figure") that only its own translator
reads (``builder.name == "singlehtml"`` in ``sphinx/writers/html5.py``), and it writes the
merged tables over the environment's before our chapter handouts resolve their
``{numref}`` ("Any number is not assigned"). The print document also prefixes every id
(:func:`patientpress.singlefile.prefix_ids`). So the environment's own tables are kept,
every reference is resolved with them (the numbers of the website), and the translator
gets tables keyed by the prefixed ids of the print document it writes.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping

    from sphinx.environment import BuildEnvironment


class Numbers:
    """The environment's numbers, kept aside while the print documents are written."""

    def __init__(self, env):
        self.secnumbers = copy.deepcopy(env.toc_secnumbers)
        self.fignumbers = copy.deepcopy(env.toc_fignumbers)

    def restore(self, env: BuildEnvironment) -> None:
        """Give the environment its own tables back (references resolve against them)."""
        env.toc_secnumbers = copy.deepcopy(self.secnumbers)
        env.toc_fignumbers = copy.deepcopy(self.fignumbers)

    def for_print(self, mapping: Mapping[tuple[str, str], str], first_ids: Mapping[str, str]
                  ) -> tuple[dict[str, tuple[int, ...]], dict[str, dict[str, tuple[int, ...]]]]:
        """``(secnumbers, fignumbers)`` of one print document, keyed by its ids.

        ``mapping`` is ``{(docname, old id): new id}`` (:func:`singlefile.prefix_ids`);
        ``first_ids`` is ``{docname: id of its top section}``, where Sphinx's key ``""``
        (a document's first heading) lands.
        """
        secnumbers, fignumbers = {}, {}
        for (docname, old), new in mapping.items():
            for figtype, numbers in self.fignumbers.get(docname, {}).items():
                if old in numbers:
                    fignumbers.setdefault(figtype, {})[new] = numbers[old]
            number = self.secnumbers.get(docname, {}).get("#" + old)
            if number:
                secnumbers["#" + new] = number
        for docname, new in first_ids.items():
            number = self.secnumbers.get(docname, {}).get("")
            if number:
                secnumbers.setdefault("#" + new, number)
        return secnumbers, fignumbers
