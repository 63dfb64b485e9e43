"""Paper and type size of the print products: one table for the handouts and the clinic
editions alike."""

from pathlib import Path

# handout_paper / a clinic file's paper: -> the CSS @page size.
SIZES = {"letter": "letter", "a4": "A4"}
HEIGHTS_MM = {"letter": 279.4, "a4": 297.0}
# The cover fills its page: the page height less the cover page's top and bottom margins
# (18 mm each, "@page cover" in print.css) and some room for rounding, or the cover would
# spill onto a second page. Change it with those margins.
COVER_ALLOWANCE_MM = 50
LARGE_PRINT = Path(__file__).resolve().parent / "theme" / "print" / "static" / "large-print.css"


def page_css(paper):
    """The extra stylesheet that sets the paper size."""
    return f"@page {{ size: {SIZES[paper]}; }}"


def cover_css(paper):
    """The extra stylesheet that makes the cover fill one page of ``paper``."""
    return f":root {{ --cover-height: {HEIGHTS_MM[paper] - COVER_ALLOWANCE_MM:g}mm !important; }}"


def large_print_css():
    return LARGE_PRINT.read_text(encoding="utf-8")
