"""The print font: Atkinson Hyperlegible, from its PyPI font package, copied into the build.

It is copied (not linked) so that WeasyPrint's sandbox only ever reads the build folder.
"""

import shutil
from pathlib import Path

FAMILY = "Atkinson Hyperlegible"


def font_files():
    import fontpkg_atkinson_hyperlegible as pkg

    files = sorted((Path(pkg.__file__).parent / "files").glob("*.ttf"))
    if not files:
        raise RuntimeError("the font package fontpkg-atkinson-hyperlegible has no .ttf files; "
                           "reinstall it with: .venv/bin/pip install -r requirements.txt")
    return files


def copy_into(folder):
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for f in font_files():
        target = folder / f.name
        if not target.exists() or target.stat().st_size != f.stat().st_size:
            shutil.copyfile(f, target)
    return folder
