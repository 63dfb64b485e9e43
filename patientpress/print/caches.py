"""What the print builders keep beside the doctrees, so that no work is done twice:
:class:`RenderCache` (each PDF, by everything it was rendered from) and :class:`LayoutMemo`
(the layout decisions, by the text and stylesheets they depend on)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from ..files import atomic_write

if TYPE_CHECKING:
    from collections.abc import Container, Iterable

#: The subtype prefix of the preflight's findings, which a cached PDF keeps and reports again.
PREFLIGHT = "preflight."


class RenderCache:
    """PDFs already rendered, by what they were rendered from (``<doctreedir>/handout-renders``).

    A PDF's key hashes its print document, its stylesheets, this package's files, the
    output folder's ``_static`` and ``_images``, the renderer's version and
    SOURCE_DATE_EPOCH. Kept beside the doctrees, not in the output folder, so an output
    folder is always written whole and holds nothing from an earlier build.
    """

    def __init__(self, folder, outdir):
        import hashlib
        from importlib.metadata import version

        self.folder = Path(folder)
        digest = hashlib.sha256()
        # The whole package, not this room: the print theme's words (book/words.py) and their
        # translations (i18n.py, locale/*.po) change a PDF as much as the renderer does.
        package = Path(__file__).resolve().parent.parent
        shared = [p for p in sorted(package.rglob("*"))
                  if p.suffix in (".py", ".css", ".html", ".po")]
        for sub in ("_static", "_images"):
            shared += sorted(p for p in (Path(outdir) / sub).rglob("*") if p.is_file())
        for path in shared:
            digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
        digest.update(f"{version('weasyprint')} {version('pikepdf')} "
                      f"{os.environ.get('SOURCE_DATE_EPOCH', '')}".encode())
        self.shared = digest.hexdigest()

    def key(self, html_text: str, stylesheets: Iterable[str]) -> str:
        import hashlib

        digest = hashlib.sha256(self.shared.encode())
        for part in (html_text, *stylesheets):
            digest.update(part.encode("utf-8") + b"\0")
        return digest.hexdigest()

    def _path(self, key):
        return self.folder / f"{key}.pdf"

    def restore(self, key: str, pdf_path: str | os.PathLike[str]) -> bool:
        """Put the PDF rendered for ``key`` at ``pdf_path``; False when there is none."""
        cached = self._path(key)
        if not cached.is_file():
            return False
        pdf_path = Path(pdf_path)
        if pdf_path.is_file() and pdf_path.read_bytes() == cached.read_bytes():
            return True   # an incremental sphinx-build into the same folder: leave it be
        atomic_write(pdf_path, lambda tmp: shutil.copyfile(cached, tmp))
        return True

    def store(self, key: str, pdf_path: str | os.PathLike[str],
              warnings: Iterable[tuple[str, str, str | None]] = ()) -> None:
        """Keep the PDF, and its preflight findings, which a restored PDF reports again:
        a strict rebuild fails as the first build did."""
        import json

        self.folder.mkdir(parents=True, exist_ok=True)
        atomic_write(self._path(key), lambda tmp: shutil.copyfile(pdf_path, tmp))
        kept = [list(w) for w in warnings if w[1].startswith(PREFLIGHT)]
        atomic_write(self._path(key).with_suffix(".json"),
                     lambda tmp: Path(tmp).write_text(json.dumps(kept), encoding="utf-8"))

    def findings(self, key: str) -> list[tuple[str, str, str | None]]:
        """The preflight findings of the PDF kept for ``key``: [(message, subtype, where)]."""
        import json

        path = self._path(key).with_suffix(".json")
        return [tuple(w) for w in json.loads(path.read_text(encoding="utf-8"))] \
            if path.is_file() else []

    def keep_only(self, keys: Container[str]) -> None:
        """Forget every PDF but this build's, so the cache never grows past one build."""
        for path in [*self.folder.glob("*.pdf"), *self.folder.glob("*.json")]:
            if path.stem not in keys:
                path.unlink(missing_ok=True)


class LayoutMemo:
    """The layout decisions of PDFs already rendered, by what they depend on
    (``<doctreedir>/handout-layouts``): the figures made to fit and the chapter tails pulled
    back (CSS rules, in the order they were kept), the number of notes pages, and the page
    of each anchor (the next layout of that text builds its page references from them).

    Those decisions depend on the text and the stylesheets alone. A whole book's text
    (``<main class="body">``) starts on a page of its own after the cover (and after the
    clinic's page, whose stylesheet is in the key) and ends before the back page: two
    clinic editions of one book, paper, size and language share it, and the second is laid
    out once with the first's decisions instead of up to five times to find them again
    (the notes pages are checked, as the back page may differ). A chapter handout, whose
    text follows the clinic's title band on its first page, is keyed by its whole
    document. ``salt`` is what every PDF depends on (:attr:`RenderCache.shared`).
    """

    BODY, BACK = '<main class="body">', '<section class="back-page">'

    def __init__(self, folder: str | os.PathLike[str], salt: str):
        self.folder, self.salt = Path(folder), salt

    def key(self, html: str, stylesheets: Iterable[str] = ()) -> str:
        import hashlib

        body, back = html.find(self.BODY), html.find(self.BACK)
        whole = '<body class="product-chapter ' in html or body < 0 or back < body
        parts = [html] if whole else [html[:html.index("<body")], html[body:back]]
        digest = hashlib.sha256(self.salt.encode())
        for part in (*parts, *stylesheets):
            digest.update(part.encode("utf-8") + b"\0")
        return digest.hexdigest()

    def recall(self, key: str) -> tuple[list[str], int] | None:
        """(the CSS rules kept, the notes pages) decided for ``key``, or None."""
        import json

        try:
            found = json.loads((self.folder / f"{key}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return found["rules"], found["notes"]

    def pages(self, key: str) -> dict[str, dict[str, list[int]]] | None:
        """The page of each anchor in the layout kept for ``key`` (print/counters.py builds
        the next layout's page references from them), or None."""
        import json

        try:
            found = json.loads((self.folder / f"{key}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return found.get("pages")

    def keep(self, key: str, rules: list[str], notes: int,
             pages: dict[str, dict[str, list[int]]] | None = None) -> None:
        import json

        self.folder.mkdir(parents=True, exist_ok=True)
        text = json.dumps({"rules": rules, "notes": notes, "pages": pages or {}},
                          sort_keys=True)
        atomic_write(self.folder / f"{key}.json",
                     lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))

    def keep_only(self, keys: Container[str]) -> None:
        """Forget every decision but this build's."""
        for path in self.folder.glob("*.json"):
            if path.stem not in keys:
                path.unlink(missing_ok=True)
