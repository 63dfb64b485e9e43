"""QR codes that open the online edition, drawn by a QR library (segno) as SVG."""

import base64

import segno


def svg_data_uri(url: str) -> str:
    """A ``data:`` URI of an SVG QR code for ``url`` (error correction M, quiet zone kept)."""
    code = segno.make(url, error="m", micro=False)
    svg = code.svg_inline(scale=4, border=4, dark="#000", light="#fff", omitsize=False)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
