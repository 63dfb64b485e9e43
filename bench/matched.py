"""The two peers that do the work this pipeline's whole-book PDF does (issue 29).

- The matched peer: pandoc ``--toc`` with WeasyPrint as its PDF engine, PDF/UA-1, and
  ``peers/matched.css`` (contents with leaders and ``target-counter`` page numbers, a
  running head, "Page X of Y", Atkinson Hyperlegible at 14 pt on the same text block).
- The floor: the ``weasyprint`` command alone, PDF/UA-1, on this pipeline's own print
  document (``_build/handout/index.html`` with its ``_static/`` and ``_images/``): what
  the layout of our HTML and CSS costs with nothing of ours around it.

The plain peers (pandoc with a three-line stylesheet, Sphinx's singlehtml, simplepdf) stay
in the benchmark, labelled as doing less work.
"""

import shutil
from pathlib import Path

PEERS = Path(__file__).resolve().parent / "peers"
VARIANT = "pdf/ua-1"


def font_files():
    import fontpkg_atkinson_hyperlegible as pkg

    return sorted((Path(pkg.__file__).parent / "files").glob("*.ttf"))


def matched_stylesheet(folder):
    """``peers/matched.css`` copied into ``folder`` with the font files beside it (its
    ``fonts/`` URLs are relative); returns the stylesheet's path."""
    folder = Path(folder)
    (folder / "fonts").mkdir(parents=True, exist_ok=True)
    for font in font_files():
        shutil.copyfile(font, folder / "fonts" / font.name)
    css = folder / "matched.css"
    shutil.copyfile(PEERS / "matched.css", css)
    return css


def matched_argv(pandoc, markdown, css, pdf, title, lang="en"):
    """pandoc --toc to a tagged PDF/UA-1 through the weasyprint command."""
    return [pandoc, markdown, "--standalone", "--toc", "--metadata", f"title={title}",
            "--metadata", f"lang={lang}", "--pdf-engine=weasyprint",
            f"--pdf-engine-opt=--pdf-variant={VARIANT}", "--css", css, "-o", pdf]


def floor_argv(weasyprint, html, pdf):
    """The weasyprint command alone on a print document of ours."""
    return [weasyprint, "-q", "--pdf-variant", VARIANT, html, pdf]
