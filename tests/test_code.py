"""Code on paper and in the e-book (issue 27, point 3): long lines broken after a visible
mark (patientpress/markup/code.py), token colours that keep the print contrast target on
the code box's tint (components.css), the code font's glyphs held to the glyph check.
test_second_book.py reads the result back from each format."""

import re
from pathlib import Path

import pytest

from patientpress.checks import sources
from patientpress.markup import code
from patientpress.print import fonts

CSS = Path(code.__file__).resolve().parent.parent / "print" / "theme" / "static" / "components.css"
TINT = "#eef3f8"   # print.css's --tint, the code box's background
TARGET = 7.0       # print.css: every colour of the print theme keeps 7:1


def _luminance(hex_colour):
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a, b):
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def code_colours(css):
    """{colour: selector} of every colour the code rules set."""
    found = {}
    for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
        if ".highlight" in selectors or "pre" in selectors or "wrap-mark" in selectors:
            for colour in re.findall(r"(?<![-\w])color:\s*(#[0-9a-fA-F]{6})", body):
                found[colour.lower()] = " ".join(selectors.split())
    return found


def test_every_code_colour_keeps_the_print_contrast_on_the_tint():
    colours = code_colours(CSS.read_text(encoding="utf-8"))
    assert len(colours) >= 8
    low = {c: round(contrast(c, TINT), 2) for c in colours if contrast(c, TINT) < TARGET}
    assert low == {}


def test_the_contrast_check_can_fail():
    """Pygments' default style's comments (#3d7b7b) on the tint: under 7:1."""
    css = ".highlight .c1 { color: #3d7b7b; }"
    assert [c for c in code_colours(css) if contrast(c, TINT) < TARGET] == ["#3d7b7b"]


def test_a_long_line_is_broken_after_a_mark_near_a_space():
    line = "total = add(" + ", ".join(f"value_{n}" for n in range(12)) + ")"
    wrapped = code.wrap(f"<pre>{line}</pre>")
    lines = wrapped.removeprefix("<pre>").removesuffix("</pre>").split("\n")
    assert len(lines) > 1 and max(len(re.sub("<[^>]+>", "", x)) for x in lines) <= code.COLUMNS
    assert all(x.startswith(code.MARK + " ") for x in lines[1:])
    assert all(re.sub("<[^>]+>", "", x).endswith((", ", ",")) for x in lines[:-1])
    assert re.sub(r"\n" + re.escape(code.MARK) + " ", "", wrapped) == f"<pre>{line}</pre>"


def test_a_short_line_and_the_highlighting_are_left_alone():
    html = '<pre><span class="k">def</span> f(): <span class="s">"a &amp; b"</span>\n</pre>'
    assert code.wrap(html) == html


def test_a_word_longer_than_a_line_is_cut_with_the_mark_and_no_entity_split():
    line = "&amp;" * 100   # 38 + 36 + 26 characters
    wrapped = code.wrap(f"<pre>{line}</pre>")
    assert wrapped.count(code.MARK) == 2
    assert "&am\n" not in wrapped and wrapped.replace("\n" + code.MARK + " ", "") == \
        f"<pre>{line}</pre>"


def test_code_is_held_to_the_code_font():
    """A character IBM Plex Mono has (box drawing) passes in code and fails in the body
    font; one it lacks (an emoji) fails in code, naming the code font."""
    assert 0x2502 in fonts.mono_drawable() and 0x2502 not in fonts.drawable()
    assert 0x1F600 not in fonts.mono_drawable()
    covered, family = sources.print_font_coverage(code=True)
    assert family == "IBM Plex Mono" and covered == fonts.mono_drawable()


@pytest.mark.parametrize("face", fonts.MONO_FACES)
def test_the_code_font_files_are_there(face):
    assert any(p.name == f"IBMPlexMono-{face}.ttf" and p.is_file()
               for p in fonts.mono_font_files())


def test_the_glyph_check_reads_each_fonts_character_map_as_fonttools_does():
    """fonts.py reads a font's cmap table itself (formats 4 and 12; fontTools' import cost
    every build 60 ms): the code points are fontTools' own, for every print font and the
    system's DejaVu fonts, format 4 and format 12 alike."""
    import glob

    from fontTools.ttLib import TTFont

    files = [*fonts.font_files(), *fonts.mono_font_files(), fonts.fallback_font(),
             *sorted(glob.glob("/usr/share/fonts/truetype/dejavu/*.ttf"))[:6]]
    formats = set()
    for path in files:
        font = TTFont(str(path), lazy=True)
        formats |= {t.format for t in font["cmap"].tables}
        assert fonts._cmap(path) == set(font.getBestCmap()), path
    assert {4, 12} <= formats
