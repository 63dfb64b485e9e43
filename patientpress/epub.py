"""The e-book: Sphinx's EPUB 3 builder, plus accessibility metadata and reproducible bytes.

- ``content.opf`` gets the EPUB Accessibility 1.1 metadata (schema.org access modes,
  features, hazards, summary, conformance and certifier) from ``epub_a11y_*`` options.
- The archive is written with ``mimetype`` first and stored, every entry in a fixed order
  with a fixed time (from ``SOURCE_DATE_EPOCH``), so two builds give the same bytes.
"""

import os
import time
from html import escape
from zipfile import ZIP_DEFLATED, ZIP_STORED, ZipFile, ZipInfo

from sphinx.builders.epub3 import Epub3Builder
from sphinx.util import logging

from .render import atomic_write

logger = logging.getLogger(__name__)

CONFORMS_TO = "EPUB Accessibility 1.1 - WCAG 2.2 Level AA"
# 1980-01-01 is the earliest time a zip entry can carry.
ZIP_EPOCH_MIN = 315532800


def fixed_time():
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH", ZIP_EPOCH_MIN))
    return time.gmtime(max(epoch, ZIP_EPOCH_MIN))[:6]


class AccessibleEpubBuilder(Epub3Builder):
    """EPUB 3 with accessibility metadata and reproducible archive bytes."""

    name = "epub"

    def a11y_metadata(self):
        cfg = self.config
        lines = []
        for mode in cfg.epub_a11y_access_modes:
            lines.append(f'<meta property="schema:accessMode">{escape(mode)}</meta>')
        for modes in cfg.epub_a11y_access_modes_sufficient:
            lines.append(f'<meta property="schema:accessModeSufficient">{escape(modes)}</meta>')
        for feature in cfg.epub_a11y_features:
            lines.append(f'<meta property="schema:accessibilityFeature">{escape(feature)}</meta>')
        for hazard in cfg.epub_a11y_hazards:
            lines.append(f'<meta property="schema:accessibilityHazard">{escape(hazard)}</meta>')
        lines.append('<meta property="schema:accessibilitySummary">'
                     f'{escape(cfg.epub_a11y_summary)}</meta>')
        lines.append(f'<meta property="dcterms:conformsTo" id="conf">{escape(CONFORMS_TO)}</meta>')
        lines.append('<meta property="a11y:certifiedBy" refines="#conf">'
                     f'{escape(cfg.epub_a11y_certifier)}</meta>')
        return "\n    ".join(lines)

    def build_content(self):
        super().build_content()
        opf = self.outdir / "content.opf"
        text = opf.read_text(encoding="utf-8")
        text = text.replace(
            'prefix="ibooks:',
            'prefix="a11y: http://www.idpf.org/epub/vocab/package/a11y/# ibooks:', 1)
        text = text.replace("</metadata>", f"  {self.a11y_metadata()}\n  </metadata>", 1)
        opf.write_text(text, encoding="utf-8")

    def build_epub(self):
        outname = self.config.epub_basename + ".epub"
        logger.info("writing %s file (reproducible)...", outname)
        stamp = fixed_time()

        def entry(zf, name, compress):
            info = ZipInfo(name, date_time=stamp)
            info.compress_type = compress
            info.external_attr = 0o644 << 16
            zf.writestr(info, (self.outdir / name).read_bytes())

        def write(tmp):
            with ZipFile(tmp, "w") as epub:
                entry(epub, "mimetype", ZIP_STORED)
                for name in ("META-INF/container.xml", "content.opf", "toc.ncx"):
                    entry(epub, name, ZIP_DEFLATED)
                for name in sorted(self.files):
                    entry(epub, name, ZIP_DEFLATED)

        atomic_write(self.outdir / outname, write)


def setup(app):
    app.setup_extension("sphinx.builders.epub3")
    app.add_builder(AccessibleEpubBuilder, override=True)
    app.add_config_value("epub_a11y_access_modes", ["textual", "visual"], "epub")
    app.add_config_value("epub_a11y_access_modes_sufficient", ["textual"], "epub")
    app.add_config_value("epub_a11y_features", [
        "structuralNavigation", "alternativeText", "tableOfContents", "readingOrder",
        "displayTransformability"], "epub")
    app.add_config_value("epub_a11y_hazards", ["none"], "epub")
    app.add_config_value(
        "epub_a11y_summary",
        "Text with headings, a table of contents and alternative text for every figure. "
        "The figures are also described in the text. Text can be resized and recoloured.",
        "epub")
    app.add_config_value("epub_a11y_certifier", "The Patient Press project (self-assessed)",
                         "epub")
