"""The print fonts: Atkinson Hyperlegible, IBM Plex Mono for code, and Noto Sans Arabic for a
clinic's details in Arabic script, from their PyPI font packages, copied into the build;
and what they can draw.

They are copied (not linked) so that WeasyPrint's sandbox only ever reads the build folder.
:func:`drawable` is the one glyph check: the book's text (checks.py) and a clinic file's
details (clinicfile.py) are both held to it.
"""

from __future__ import annotations

import functools
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import os

FAMILY = "Atkinson Hyperlegible"
FALLBACK_FAMILY = "Noto Sans Arabic"
#: The fallback font's file name in ``_static/fonts``, as clinic-fallback.css names it.
FALLBACK_FILE = "NotoSansArabic.ttf"


def font_files() -> list[Path]:
    import fontpkg_atkinson_hyperlegible as pkg

    files = sorted((Path(pkg.__file__).parent / "files").glob("*.ttf"))
    if not files:
        raise RuntimeError("the font package fontpkg-atkinson-hyperlegible has no .ttf files; "
                           "reinstall it with: .venv/bin/pip install -r requirements.txt")
    return files


#: The code font (``components.css``): monospace, 0 and O, 1, l and I told apart.
MONO_FAMILY = "IBM Plex Mono"
MONO_FACES = ("Regular", "Bold", "Italic", "BoldItalic")


def mono_font_files() -> list[Path]:
    """The code font's four faces (PyPI fontpkg-ibm-plex-mono)."""
    import fontpkg_ibm_plex_mono as pkg

    folder = Path(pkg.__file__).parent / "files"
    return [folder / f"IBMPlexMono-{face}.ttf" for face in MONO_FACES]


def copy_into(folder: str | os.PathLike[str]) -> Path:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for f in [*font_files(), *mono_font_files()]:
        target = folder / f.name
        if not target.exists() or target.stat().st_size != f.stat().st_size:
            shutil.copyfile(f, target)
    return folder


def fallback_font() -> Path:
    """The Arabic-script fallback font file (PyPI fontpkg-noto-sans-arabic)."""
    import fontpkg_noto_sans_arabic as pkg

    return next((Path(pkg.__file__).parent / "files").glob("*.ttf"))


def copy_fallback_into(folder: str | os.PathLike[str]) -> None:
    folder = copy_into(folder)
    shutil.copyfile(fallback_font(), folder / FALLBACK_FILE)


#: The character maps read, in fontTools' getBestCmap() order: Unicode full repertoire
#: (format 12) first, then the Basic Multilingual Plane (format 4).
CMAP_PREFERENCE = ((3, 10), (0, 6), (0, 4), (3, 1), (0, 3), (0, 2), (0, 1), (0, 0))


def _cmap(path):
    """The code points ``path`` (a TrueType or OpenType font) maps to glyphs.

    Read from the font's ``cmap`` table directly, formats 4 and 12: importing fontTools
    for it cost 60 ms at every build. Any other format goes to fontTools."""
    import struct

    data = Path(path).read_bytes()
    tables = dict(_table_records(data)) if data[:4] != b"ttcf" else {}   # not a collection
    base = tables.get(b"cmap")
    if base is not None:
        count = struct.unpack_from(">H", data, base + 2)[0]
        found = {}
        for i in range(count):
            platform, encoding, offset = struct.unpack_from(">HHL", data, base + 4 + 8 * i)
            found.setdefault((platform, encoding), base + offset)
        for key in CMAP_PREFERENCE:
            if key in found:
                points = _subtable(data, found[key])
                if points is not None:
                    return points
                break
    from fontTools.ttLib import TTFont

    return set(TTFont(str(path), lazy=True).getBestCmap())


def _table_records(data):
    import struct

    for i in range(struct.unpack_from(">H", data, 4)[0]):
        tag, _checksum, offset, _length = struct.unpack_from(">4sLLL", data, 12 + 16 * i)
        yield tag, offset


def _subtable(data, at):
    """The code points a format 4 or 12 subtable maps to a glyph other than 0; None for
    another format."""
    import struct

    fmt = struct.unpack_from(">H", data, at)[0]
    points = set()
    if fmt == 12:
        for i in range(struct.unpack_from(">L", data, at + 12)[0]):
            start, end, glyph = struct.unpack_from(">LLL", data, at + 16 + 12 * i)
            points.update(range(start, end + 1) if glyph else range(start + 1, end + 1))
        return points
    if fmt != 4:
        return None
    segments = struct.unpack_from(">H", data, at + 6)[0] // 2
    ends = struct.unpack_from(f">{segments}H", data, at + 14)
    starts = struct.unpack_from(f">{segments}H", data, at + 16 + 2 * segments)
    deltas = struct.unpack_from(f">{segments}h", data, at + 16 + 4 * segments)
    ranges_at = at + 16 + 6 * segments
    ranges = struct.unpack_from(f">{segments}H", data, ranges_at)
    for i, (start, end, delta, offset) in enumerate(zip(starts, ends, deltas, ranges)):
        for code in range(start, end + 1):
            if code == 0xFFFF:
                continue
            if offset == 0:
                glyph = (code + delta) & 0xFFFF
            else:
                where = ranges_at + 2 * i + offset + 2 * (code - start)
                glyph = struct.unpack_from(">H", data, where)[0]
                glyph = (glyph + delta) & 0xFFFF if glyph else 0
            if glyph:
                points.add(code)
    return points


@functools.lru_cache(maxsize=None)
def drawable() -> frozenset[int]:
    """The code points every face of the print font can draw."""
    return frozenset(set.intersection(*(_cmap(f) for f in font_files())))


@functools.lru_cache(maxsize=None)
def mono_drawable() -> frozenset[int]:
    """The code points every face of the code font can draw."""
    return frozenset(set.intersection(*(_cmap(f) for f in mono_font_files())))


@functools.lru_cache(maxsize=None)
def fallback_drawable() -> frozenset[int]:
    """The code points the Arabic-script fallback font can draw."""
    return frozenset(_cmap(fallback_font()))
