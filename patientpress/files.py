"""Writing build outputs: whole or not at all, readable like every other output, under
names any file system takes."""

import contextlib
import os
import re
import subprocess
import tempfile
import unicodedata
from pathlib import Path


# 1980-01-01, the earliest time a zip entry (an EPUB's) can carry: the date of a build
# with no commit to date it by.
ZIP_EPOCH_MIN = 315532800


def pin_source_date(folder):
    """Date every output by the last commit of the book in ``folder`` (SOURCE_DATE_EPOCH,
    unless the caller set it), so a rebuild of the same sources is byte-identical; a book
    outside git gets ZIP_EPOCH_MIN."""
    if os.environ.get("SOURCE_DATE_EPOCH", "").strip():
        return
    try:
        stamp = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=folder,
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        stamp = ""
    os.environ["SOURCE_DATE_EPOCH"] = stamp or str(ZIP_EPOCH_MIN)


def final_outdir():
    """The folder ``scripts/build`` renames the staging folder to after a build that
    succeeded (PATIENTPRESS_OUTDIR), or None when the build writes in place."""
    return os.environ.get("PATIENTPRESS_OUTDIR") or None


def name_final_outdir(app):
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


def slugify(text):
    """ASCII slug: accents dropped (NFKD), Ł/ø/ß and friends spelled out, else hyphens;
    "" when nothing is left (the caller picks a fallback)."""
    text = text.translate(str.maketrans({"Ł": "L", "ł": "l", "Ø": "O", "ø": "o", "ß": "ss",
                                         "Æ": "AE", "æ": "ae", "Œ": "OE", "œ": "oe", "Đ": "D",
                                         "đ": "d", "Þ": "Th", "þ": "th", "ı": "i"}))
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def output_mode(mode=0o666):
    """``mode`` less the user's umask, as a file Sphinx writes gets it."""
    umask = os.umask(0)
    os.umask(umask)
    return mode & ~umask


def remove_partial(path):
    """Remove the temporary files :func:`atomic_write` left for ``path`` (a stopped render)."""
    path = Path(path)
    for leftover in path.parent.glob(f".{path.stem}-*.part"):
        with contextlib.suppress(FileNotFoundError):
            leftover.unlink()


def atomic_write(path, write):
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
