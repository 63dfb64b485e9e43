"""Formulas without JavaScript in the e-book and the PDFs: each one drawn as an SVG picture.

A book writes math as MyST's ``$…$`` and ``$$…$$`` (``dollarmath``), amsmath environments
(``amsmath``) or the ``{math}`` role and directive. The website keeps Sphinx's MathJax; a
reading app may run no script, and WeasyPrint runs none and draws no MathML. So the e-book
and the handout builders choose the math renderer registered here (their
``math_renderer_name``): LaTeX is turned into MathML by latex2mathml and drawn by ziamath
(pure Python, with the STIX Two Math font it bundles) into an SVG file under
``_images/math/``, named by its content, shown with ``<img>`` and sized in ``em`` so it
follows the text (large print included). The ``alt`` text is the LaTeX source, which a
screen reader reads out. A numbered equation prints its number beside it, as text, and
keeps its id, so ``{eq}`` links land on it. Sphinx's ``sphinx.ext.imgmath`` works the same
way, with LaTeX and dvisvgm installed; this needs neither.

latex2mathml accepts almost anything: it keeps an unknown command (``\\foo``) as a letter,
drops an unknown environment and closes an open brace itself. :func:`problem` finds those,
and every formula is checked when its chapter is read, in every builder: bad LaTeX is a
warning with the file and line (a strict build fails), never a crash, and the picture falls
back to the LaTeX source as code. Macros a book gives MathJax in ``conf.py``
(``mathjax3_config = {"tex": {"macros": {...}}}``, as Jupyter Book writes them) are known
to the pictures too.
"""

import functools
import hashlib
import html
import posixpath
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import NamedTuple

from docutils import nodes
from sphinx.locale import _
from sphinx.util import logging
from sphinx.util.math import get_node_equation_number

logger = logging.getLogger(__name__)

#: The renderer's name, for a builder's ``math_renderer_name``.
NAME = "patientpress_svg"
#: ziamath's font size in SVG units; pictures are scaled from it to the text's em.
SIZE = 20.0
MATHML = "{http://www.w3.org/1998/Math/MathML}"
# Environments written in the terms of latex2mathml (which lays out matrices, cases,
# align*, split, ...). Sphinx numbers a display itself, so numbered forms lose their own
# numbers (latex2mathml would print "(1)" on every row of an align).
RENAMED = {"equation": "", "equation*": "", "align": "align*", "aligned": "align*",
           "gather": "gathered", "gather*": "gathered", "multline": "gathered",
           "multline*": "gathered", "gathered": "gathered"}
ENVIRONMENT = re.compile(r"\\(begin|end)\{([^}]*)\}")
# A line break (two backslashes) first, so that a brace after one still opens a group.
ESCAPED = re.compile(r"\\\\|\\[{}]")


class MathError(ValueError):
    """LaTeX this renderer cannot draw, with the reason in words."""


class Drawing(NamedTuple):
    """A formula's SVG picture and its size in em of the surrounding text."""

    name: str       # file name: the picture's hash
    svg: bytes
    width: float
    depth: float    # below the baseline


def _environments(latex):
    """``latex`` with amsmath environments renamed to those latex2mathml lays out."""
    # Imported when a book has formulas: ziamath and latex2mathml take 0.4 s to import.
    import latex2mathml.commands

    known = {name.lstrip("\\") for name in latex2mathml.commands.MATRICES}

    def rename(match):
        kind, env = match.groups()
        if env in known and env not in RENAMED:
            return match.group(0)
        if env not in RENAMED:
            raise MathError(f"unknown environment {env!r}")
        return f"\\{kind}{{{RENAMED[env]}}}" if RENAMED[env] else ""
    return ENVIRONMENT.sub(rename, latex)


# What MathJax reads that latex2mathml does not, made plain before the conversion: a
# \label (Sphinx numbers displays and links them itself), \notag and \nonumber (a number
# is Sphinx's to print), \require{...} (MathJax's extension loader), and colours a book
# names with \definecolor, which become the #rrggbb latex2mathml draws.
DROPPED = re.compile(r"\\(?:label|require)\{[^{}]*\}|\\(?:notag|nonumber)\b")
DEFINECOLOR = re.compile(r"\\definecolor\{([^{}]+)\}\{([^{}]+)\}\{([^{}]+)\}")
# "{\\min }\\limits_x": MathJax takes limits after a braced operator, TeX and latex2mathml
# only after the operator itself.
BRACED_OPERATOR = re.compile(r"\{\s*(\\[A-Za-z]+)\s*\}(?=\s*\\(?:no)?limits)")
COLOR_USE = re.compile(r"(\\(?:color|textcolor|colorbox)\{)([^{}]+)\}")


def _hex(model, spec):
    """A \\definecolor's colour as #rrggbb; MathError for a model it cannot read."""
    parts = [p.strip() for p in spec.split(",")]
    try:
        if model == "HTML":
            return "#" + spec.strip().lower()
        if model == "RGB":
            return "#" + "".join(f"{int(p):02x}" for p in parts)
        if model == "rgb":
            return "#" + "".join(f"{round(float(p) * 255):02x}" for p in parts)
        if model == "gray":
            return "#" + f"{round(float(parts[0]) * 255):02x}" * 3
    except ValueError:
        pass
    raise MathError(f"\\definecolor{{...}}{{{model}}}{{{spec}}}: write the colour as RGB, "
                    "rgb, HTML or gray")


def _mathjax(latex):
    """``latex`` without what only MathJax reads (:data:`DROPPED`, :data:`DEFINECOLOR`)."""
    colours = {}
    for name, model, spec in DEFINECOLOR.findall(latex):
        colours[name.strip()] = _hex(model.strip(), spec)
    latex = BRACED_OPERATOR.sub(r"\1", DROPPED.sub("", DEFINECOLOR.sub("", latex)))
    return COLOR_USE.sub(lambda m: m.group(1) + colours.get(m.group(2).strip(), m.group(2))
                         + "}", latex)


def _display(latex):
    """A display's LaTeX as one formula: equations separated by blank lines are rows of an
    alignment, and a single one broken with ``\\\\`` is split, as Sphinx's MathJax does."""
    parts = [part.strip() for part in latex.split("\n\n") if part.strip()]
    if len(parts) > 1:
        return "\\begin{align*}" + " \\\\ ".join(parts) + "\\end{align*}"
    text = parts[0] if parts else ""
    if "\\\\" in text and "\\begin" not in text:
        return "\\begin{split}" + text + "\\end{split}"
    return text


def macros(config):
    """The book's MathJax macros as LaTeX definitions (``\\newcommand``), to put before
    each formula; "" for none."""
    found = {}
    for name in ("mathjax3_config", "mathjax4_config"):
        found.update(((getattr(config, name, None) or {}).get("tex") or {}).get("macros") or {})
    definitions = []
    for name, body in sorted(found.items()):
        args = ""
        if isinstance(body, (list, tuple)):   # [definition, number of arguments]
            body, args = body[0], f"[{int(body[1])}]"
        definitions.append(f"\\newcommand{{\\{name}}}{args}{{{body}}}")
    return "".join(definitions)


def to_mathml(latex, display, prefix=""):
    """The MathML of ``latex`` (after the definitions ``prefix``); :class:`MathError` when
    it is not LaTeX this can draw."""
    latex = _mathjax(latex)
    source = prefix + _environments(_display(latex) if display else latex)
    depth = 0
    for char in ESCAPED.sub("", source):
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            raise MathError("a closing brace '}' has no opening one")
    if depth:
        raise MathError("an opening brace '{' is never closed")
    import latex2mathml.converter

    try:
        mathml = latex2mathml.converter.convert(source, display="block" if display else "inline")
    except Exception as exc:   # latex2mathml raises a class per mistake, most without words
        raise MathError(f"LaTeX it cannot read ({type(exc).__name__} {exc})".strip()) from exc
    try:
        tree = ET.fromstring(mathml)
    except ET.ParseError as exc:   # latex2mathml wrote what is not XML (\\unicode{x})
        raise MathError(f"LaTeX it cannot read (its MathML is not well-formed: {exc})") from exc
    if _math_in_text(tree):
        mathml = ET.tostring(tree, encoding="unicode")
    for el in tree.iter():
        if el.tag.startswith(MATHML) and re.fullmatch(r"\\[A-Za-z]+", (el.text or "").strip()):
            raise MathError(f"unknown command {el.text.strip()} (a macro of the book's own is "
                            "given to every format in conf.py: mathjax3_config = "
                            "{'tex': {'macros': {'name': 'definition'}}})")
    return mathml


def _math_in_text(tree):
    """A formula inside text (``\\colorbox{c}{$E$}``, ``\\text{if $x>0$}``), which
    latex2mathml leaves as "$E$", drawn as math, as MathJax does; True if one was."""
    import latex2mathml.converter

    found = False
    for parent in tree.iter():
        for i, el in enumerate(list(parent)):
            text = el.text or ""
            if el.tag != MATHML + "mtext" or not re.fullmatch(r"\$[^$]+\$", text.strip()):
                continue
            inner = ET.fromstring(latex2mathml.converter.convert(text.strip()[1:-1]))
            parent[i:i + 1] = list(inner)
            found = True
    return found


@functools.lru_cache(maxsize=None)
def draw(latex, display, prefix=""):
    """The :class:`Drawing` of ``latex``; :class:`MathError` when it cannot be drawn."""
    mathml = to_mathml(latex, display, prefix)
    import ziamath

    saved = ziamath.config.svg2
    # SVG 1.1 (xlink:href, no <symbol>): older reading systems draw it too.
    ziamath.config.svg2 = False
    try:
        math = ziamath.Math(mathml, size=SIZE)
        svg = math.svgxml()
    except Exception as exc:
        raise MathError(f"it cannot be drawn ({type(exc).__name__} {exc})") from exc
    finally:
        ziamath.config.svg2 = saved
    data = ET.tostring(svg, encoding="utf-8", xml_declaration=True)
    name = hashlib.sha256(data).hexdigest()[:20] + ".svg"
    depth = -math.node.bbox.ymin + math.margin
    return Drawing(name, data, float(svg.get("width")) / SIZE, depth / SIZE)


def problem(latex, display, prefix=""):
    """Why ``latex`` cannot be drawn, in words; None when it can."""
    try:
        draw(latex, display, prefix)
    except MathError as exc:
        return str(exc)
    return None


def check_formulas(app, doctree):
    """Warn, with the file and line, about every formula that cannot be drawn."""
    for node in doctree.findall(lambda n: isinstance(n, (nodes.math, nodes.math_block))):
        display = isinstance(node, nodes.math_block)
        why = problem(node.astext(), display, macros(app.config))
        if why:
            logger.warning('formula "%s" cannot be drawn for the e-book and the PDFs: %s',
                           node.astext().strip(), why, location=node,
                           type="patientpress", subtype="math")


def _folder(builder):
    return Path(builder.outdir, builder.imagedir, "math")


def a11y_features(builder, features):
    """The e-book's accessibility features, with ``describedMath`` when it has formulas:
    each one's picture carries its LaTeX as alternative text."""
    if any(_folder(builder).glob("*.svg")) and "describedMath" not in features:
        return [*features, "describedMath"]
    return list(features)


def _picture(self, node, display):
    """The ``<img>`` of ``node``'s formula (its file written once), or None for bad LaTeX
    (already reported by :func:`check_formulas`)."""
    try:
        drawing = draw(node.astext(), display, macros(self.builder.config))
    except MathError:
        return None
    folder = _folder(self.builder)
    path = folder / drawing.name
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        path.write_bytes(drawing.svg)
    style = f"width: {drawing.width:.3f}em"
    if not display:
        # A formula that sits above the baseline has a negative depth: one minus sign only.
        style += f"; vertical-align: {-drawing.depth:.3f}em"
    src = posixpath.join(self.builder.imgpath, "math", drawing.name)
    return (f'<img class="math-svg" src="{html.escape(src)}" '
            f'alt="{self.attval(node.astext().strip())}" style="{style}" />')


def _fallback(self, node):
    return f'<code class="math-source">{self.encode(node.astext().strip())}</code>'


def visit_math(self, node):
    self.body.append(self.starttag(node, "span", "", CLASS="math notranslate"))
    self.body.append(_picture(self, node, False) or _fallback(self, node))
    self.body.append("</span>")
    raise nodes.SkipNode


def visit_displaymath(self, node):
    self.body.append(self.starttag(node, "div", CLASS="math math-display notranslate"))
    if node["number"]:
        self.body.append(f'<span class="eqno">({get_node_equation_number(self, node)})')
        self.add_permalink_ref(node, _("Link to this equation"))
        self.body.append("</span>")
    self.body.append(_picture(self, node, True) or _fallback(self, node))
    self.body.append("</div>\n")
    raise nodes.SkipNode


def keep_mathjax_on_web(app, config):
    """The website keeps MathJax unless the book chose otherwise: with a second renderer
    registered, Sphinx would otherwise pick that one for every HTML builder."""
    if config.html_math_renderer is None:
        config.html_math_renderer = "mathjax"


def setup(app):
    app.add_html_math_renderer(NAME, inline_renderers=(visit_math, None),
                               block_renderers=(visit_displaymath, None))
    app.connect("config-inited", keep_mathjax_on_web)
    app.connect("doctree-read", check_formulas)
