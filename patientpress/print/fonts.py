"""The print fonts: Atkinson Hyperlegible, IBM Plex Mono for code, and Noto Sans Arabic for a
clinic's details in Arabic script, from their PyPI font packages, copied into the build;
and what they can draw.

They are copied (not linked) so that WeasyPrint's sandbox only ever reads the build folder.
:func:`drawable` is the one glyph check: the book's text (checks.py) and a clinic file's
details (clinicfile.py) are both held to it.
"""

import functools
import shutil
from pathlib import Path

FAMILY = "Atkinson Hyperlegible"
FALLBACK_FAMILY = "Noto Sans Arabic"
#: The fallback font's file name in ``_static/fonts``, as clinic-fallback.css names it.
FALLBACK_FILE = "NotoSansArabic.ttf"


def font_files():
    import fontpkg_atkinson_hyperlegible as pkg

    files = sorted((Path(pkg.__file__).parent / "files").glob("*.ttf"))
    if not files:
        raise RuntimeError("the font package fontpkg-atkinson-hyperlegible has no .ttf files; "
                           "reinstall it with: .venv/bin/pip install -r requirements.txt")
    return files


#: The code font (``components.css``): monospace, 0 and O, 1, l and I told apart.
MONO_FAMILY = "IBM Plex Mono"
MONO_FACES = ("Regular", "Bold", "Italic", "BoldItalic")


def mono_font_files():
    """The code font's four faces (PyPI fontpkg-ibm-plex-mono)."""
    import fontpkg_ibm_plex_mono as pkg

    folder = Path(pkg.__file__).parent / "files"
    return [folder / f"IBMPlexMono-{face}.ttf" for face in MONO_FACES]


def copy_into(folder):
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for f in [*font_files(), *mono_font_files()]:
        target = folder / f.name
        if not target.exists() or target.stat().st_size != f.stat().st_size:
            shutil.copyfile(f, target)
    return folder


def fallback_font():
    """The Arabic-script fallback font file (PyPI fontpkg-noto-sans-arabic)."""
    import fontpkg_noto_sans_arabic as pkg

    return next((Path(pkg.__file__).parent / "files").glob("*.ttf"))


def copy_fallback_into(folder):
    folder = copy_into(folder)
    shutil.copyfile(fallback_font(), folder / FALLBACK_FILE)


def _cmap(path):
    from fontTools.ttLib import TTFont

    return set(TTFont(str(path), lazy=True).getBestCmap())


@functools.lru_cache(maxsize=None)
def drawable():
    """The code points every face of the print font can draw."""
    return frozenset(set.intersection(*(_cmap(f) for f in font_files())))


@functools.lru_cache(maxsize=None)
def mono_drawable():
    """The code points every face of the code font can draw."""
    return frozenset(set.intersection(*(_cmap(f) for f in mono_font_files())))


@functools.lru_cache(maxsize=None)
def fallback_drawable():
    """The code points the Arabic-script fallback font can draw."""
    return frozenset(_cmap(fallback_font()))
