"""Writing build outputs: whole or not at all, readable like every other output, under
names any file system takes."""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING

from sphinx.util import logging

if TYPE_CHECKING:
    from collections.abc import Callable

    from sphinx.application import Sphinx

logger = logging.getLogger(__name__)


# 1980-01-01, the earliest time a zip entry (an EPUB's) can carry: its entries' time when
# the build has no SOURCE_DATE_EPOCH.
ZIP_EPOCH_MIN = 315532800


def source_date_epoch() -> int | None:
    """The time every output is dated by (SOURCE_DATE_EPOCH, which ``make`` sets from the
    book's last commit), or None when the caller set none. Read, never written: the
    environment belongs to whoever runs the build."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    return int(value) if value.isdigit() else None


def say_how_outputs_are_dated(app: Sphinx) -> None:
    """Without SOURCE_DATE_EPOCH the outputs carry today's date (Sphinx's own way), so two
    builds differ: say so once, as a note (a build outside git is no fault)."""
    if source_date_epoch() is None:
        logger.info("note: SOURCE_DATE_EPOCH is not set, so the outputs are dated now and two "
                    "builds will differ; `make` sets it from the book's last commit (git log "
                    "-1 --format=%%ct). Set it yourself for a book outside git.")


def final_outdir() -> str | None:
    """The folder ``scripts/build`` renames the staging folder to after a build that
    succeeded (PATIENTPRESS_OUTDIR), or None when the build writes in place."""
    return os.environ.get("PATIENTPRESS_OUTDIR") or None


def name_final_outdir(app: Sphinx) -> None:
    """Sphinx's closing line ("The HTML pages are in ...") names the folder a reader will
    find, not the staging folder scripts/build writes into, which is gone by then."""
    final = final_outdir()
    epilog = app.builder.epilog
    if final and epilog and "%(outdir)s" in epilog:
        try:
            shown = os.path.relpath(final)
        except ValueError:   # another drive (Windows)
            shown = final
        if shown.startswith(os.pardir):   # outside the current folder: the whole path
            shown = final
        app.builder.epilog = epilog.replace("%(outdir)s", shown.replace("%", "%%"))


def slugify(text: str) -> str:
    """ASCII slug: accents dropped (NFKD), Ł/ø/ß and friends spelled out, else hyphens;
    "" when nothing is left (the caller picks a fallback)."""
    text = text.translate(str.maketrans({"Ł": "L", "ł": "l", "Ø": "O", "ø": "o", "ß": "ss",
                                         "Æ": "AE", "æ": "ae", "Œ": "OE", "œ": "oe", "Đ": "D",
                                         "đ": "d", "Þ": "Th", "þ": "th", "ı": "i"}))
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def output_mode(mode: int = 0o666) -> int:
    """``mode`` less the user's umask, as a file Sphinx writes gets it."""
    umask = os.umask(0)
    os.umask(umask)
    return mode & ~umask


def remove_partial(path: str | os.PathLike[str]) -> None:
    """Remove the temporary files :func:`atomic_write` left for ``path`` (a stopped render)."""
    path = Path(path)
    for leftover in path.parent.glob(f".{path.stem}-*.part"):
        with contextlib.suppress(FileNotFoundError):
            leftover.unlink()


def atomic_write(path: str | os.PathLike[str], write: Callable[[str], object]) -> None:
    """Call ``write(tmp_path)`` then rename to ``path``; remove the temporary file on failure."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".part", dir=path.parent)
    os.close(fd)
    try:
        write(tmp)
        # mkstemp makes the file private (0600); a build output is readable like the rest.
        os.chmod(tmp, output_mode())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
