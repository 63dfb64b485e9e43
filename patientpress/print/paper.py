"""Paper and type size of the print products: stylesheets of the print theme, chosen by
configuration (``handout_paper``, a clinic file's ``paper`` and ``large_print``) and
linked by each print document after ``print.css``. One table for the handouts and the
clinic editions alike; the sizes themselves are CSS (``theme/static/``)."""

from pathlib import Path

STATIC = Path(__file__).resolve().parent / "theme" / "static"
#: The paper sizes there is a stylesheet for: paper-<size>.css (and booklet-<size>.css).
SIZES = tuple(sorted(p.stem.removeprefix("paper-") for p in STATIC.glob("paper-*.css")))


def stylesheets(paper: str, kind: str, clinic: bool = False,
                fallback_font: bool = False) -> list[str]:
    """The print theme's stylesheets (file names in ``_static``) of one print document,
    in cascade order: ``kind`` is "book" (a handout), "large" (large print) or "booklet"
    (half-size pages for folding); ``clinic`` for a clinic edition."""
    sheets = [f"booklet-{paper}.css" if kind == "booklet" else f"paper-{paper}.css"]
    if kind == "large":
        sheets.append("large-print.css")
    if clinic:
        sheets.append("clinic.css")
    if fallback_font:
        sheets.append("clinic-fallback.css")
    if kind == "booklet":
        sheets.append("booklet.css")
    if kind in ("large", "booklet") and clinic:
        sheets.append("compact.css")
    return sheets
