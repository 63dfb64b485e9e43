"""sphinx-design's dropdowns and tabs on paper and in reading apps: every word shown.

On the website a dropdown is a ``<details>`` that opens on a click, and a tab set is a row
of radio buttons that shows one panel at a time (sphinx-design's CSS hides the others).
Paper cannot be clicked, and a reading app may lack that CSS, scripts or forms (and
sphinx-design writes ``<input>`` unclosed, which is not XHTML). So for the e-book and the
handout builders, before sphinx-design's own HTML transforms run, a dropdown becomes a box
whose title is a visible label over its content, and a tab set becomes one labelled panel
after another: sphinx-design's "default rendering in non-HTML outputs", with classes of
our own (``pp-…``) that its CSS does not hide. Cards and grids keep sphinx-design's
markup; the print theme's ``components.css`` sets them on paper.

Its icons ({octicon}, {material-regular}, a dropdown's own icon and open/close chevron)
are left out: they are decoration (``aria-hidden``), written as SVG without the SVG
namespace, which is not XHTML (EPUBCheck: RSC-005), and WeasyPrint would tag each one a
figure with no alternative text (a PDF/UA failure).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform

from ..builders import STATIC

if TYPE_CHECKING:
    from typing import Any

    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata

#: The builders that print or package the book (a clinic edition is a handout).
BUILDERS = STATIC


def _component(node, name):
    return isinstance(node, nodes.container) and node.get("design_component") == name


class ShowEveryPanel(SphinxPostTransform):
    """Dropdowns opened and tabs laid out one after another, as plain labelled boxes."""

    # Before sphinx-design's DropdownHtmlTransform (199) and TabSetHtmlTransform (200).
    default_priority = 190
    builders = BUILDERS

    def run(self, **kwargs: Any) -> None:
        for icon in list(self.document.findall(lambda n: n.tagname == "sd_icon")):
            icon.parent.remove(icon)
        for node in list(self.document.findall(lambda n: _component(n, "dropdown"))):
            node["design_component"] = "dropdown-shown"
            node["classes"] = ["pp-dropdown", *node.get("container_classes", [])]
            if node.get("has_title") and isinstance(node[0], nodes.rubric):
                node[0]["classes"].append("pp-dropdown-title")
        for node in list(self.document.findall(lambda n: _component(n, "tab-set"))):
            node["design_component"] = "tab-set-shown"
            node["classes"] = ["pp-tab-set", *(c for c in node["classes"] if c != "sd-tab-set")]
            for item in node.children:
                if not _component(item, "tab-item") or len(item.children) != 2:
                    continue
                label, content = item.children
                item["classes"] = ["pp-tab", *(c for c in item["classes"] if c != "sd-tab-item")]
                label["classes"] = ["pp-tab-label", *(c for c in label["classes"]
                                                      if c != "sd-tab-label")]
                content["classes"] = ["pp-tab-content", *(c for c in content["classes"]
                                                          if c != "sd-tab-content")]


def setup(app: Sphinx) -> ExtensionMetadata:
    app.add_post_transform(ShowEveryPanel)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
