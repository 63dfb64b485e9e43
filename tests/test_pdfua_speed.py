"""The render's two speed-ups change no byte of what they make (issue 19).

- patientpress.print.pagerefs: pydyf's page references kept, not rebuilt per structure element;
  the print test book's PDF is byte-identical with and without it, and it is in effect.
- patientpress.print.pdfua: running heads become artifacts by editing the content streams' bytes
  where WeasyPrint wrote its fixed form, not by parsing every operator; the finished PDF has
  the same operators as the parsing way, and the print test book needs no parsing at all.
"""

import shutil
from decimal import Decimal

import pikepdf
import pytest

from patientpress.print import pagerefs, pdfua, render


@pytest.fixture(scope="module")
def print_document(built_root):
    """The print test book's whole-book print document and what rendering it needs."""
    built = built_root("handout", "print-book")
    assert built.warnings == "", built.warnings
    out = built.outdir
    src = out.parent.parent / "src"
    html = (out / "index.html").read_text(encoding="utf-8")
    return html, {"base_url": out.as_uri() + "/", "allowed_roots": [src, src / "_static", out]}


def _render(print_document, pdf):
    html, where = print_document
    warnings = render.render_pdf(html, pdf, warn=lambda message, subtype: None, **where)
    assert warnings == []
    return pdf


@pytest.fixture(scope="module")
def renders(print_document, tmp_path_factory):
    """The raw PDF rendered with pydyf's own page references and with ours; whether ours was
    in effect when the second was written."""
    import pydyf

    folder = tmp_path_factory.mktemp("pdfua-speed")
    pagerefs.uninstall()
    original_write, used_cache = pydyf.PDF.write, []

    def write(pdf, *args, **kwargs):
        used_cache.append(pagerefs._CACHE in pdf.__dict__)
        return original_write(pdf, *args, **kwargs)

    try:
        pydyf.PDF.write = write
        with pytest.MonkeyPatch.context() as mp:   # render_pdf installs ours: not this time
            mp.setattr(pagerefs, "install", lambda: None)
            plain = _render(print_document, folder / "plain.pdf")
        cached = _render(print_document, folder / "cached.pdf")
    finally:
        pydyf.PDF.write = original_write
        pagerefs.install()
    return plain, cached, used_cache


@pytest.mark.slow
def test_cached_page_references_are_in_effect_and_change_no_byte(renders):
    plain, cached, used_cache = renders
    assert used_cache == [False, True], "the cached page references were not used"
    assert pagerefs.installed()
    assert plain.read_bytes() == cached.read_bytes()


def _operators(pdf_path):
    """Every page's content as (operator, operands), numbers compared by value."""
    def value(operand):
        if isinstance(operand, (int, Decimal)) and not isinstance(operand, bool):
            return float(operand)
        return repr(operand) if isinstance(operand, pikepdf.Object) else str(operand)

    with pikepdf.open(pdf_path) as pdf:
        return [[(str(op), [value(x) for x in operands])
                 for operands, op in pikepdf.parse_content_stream(page)] for page in pdf.pages]


@pytest.mark.slow
def test_running_heads_become_artifacts_without_parsing_the_pages(renders, print_document,
                                                                  tmp_path, monkeypatch):
    _, raw, _ = renders
    html = print_document[0]
    fast, parsed = tmp_path / "fast.pdf", tmp_path / "parsed.pdf"
    shutil.copyfile(raw, fast)
    shutil.copyfile(raw, parsed)

    def refuse(*args):
        raise AssertionError("a page of the print book was parsed operator by operator")

    with monkeypatch.context() as mp:
        mp.setattr(pdfua, "_mark_artifacts_parsed", refuse)
        pdfua.finish_pdf(fast, html)
    with monkeypatch.context() as mp:
        mp.setattr(pdfua, "_mark_artifacts", pdfua._mark_artifacts_parsed)
        pdfua.finish_pdf(parsed, html)

    pages = _operators(fast)
    assert pages == _operators(parsed)
    artifacts = [sum(1 for op, operands in page if op == "BDC" and "Artifact" in operands[0])
                 for page in pages]
    # every page but the cover has a running head or a page number
    assert all(artifacts[1:]), f"a page without its running head as an artifact: {artifacts}"
