#!/usr/bin/env python3
"""Count the WeasyPrint layouts behind each PDF of one handout build (`make bench`).

    python bench/layouts.py OUT.json SPHINX-ARGS...

Runs sphinx-build with SPHINX-ARGS in this process (give it ``-D handout_workers=-1``, so
every PDF is rendered here) and writes {PDF (its folder/its name): [layouts, pages, page
layouts]} to OUT.json. A layout is one ``weasyprint.HTML.render``: the first, and each one
more a decision took (a figure fitted, chapter tails pulled back, notes pages shown); a page
layout is one page laid out by WeasyPrint (``remake_page``), in any of its pagination
passes, in any layout.
"""

import json
import sys
from pathlib import Path


def main(out, argv):
    import weasyprint
    import weasyprint.layout.page
    from sphinx.cmd.build import main as sphinx_build

    from patientpress.print import render

    counts, current = {}, []
    original_render, original_pdf = weasyprint.HTML.render, render.render_pdf
    original_page = weasyprint.layout.page.remake_page

    def counted_render(self, *args, **kwargs):
        document = original_render(self, *args, **kwargs)
        entry = counts.setdefault(current[-1], [0, 0, 0])
        entry[0] += 1
        entry[1] = len(document.pages)
        return document

    def counted_page(*args, **kwargs):
        counts.setdefault(current[-1], [0, 0, 0])[2] += 1
        return original_page(*args, **kwargs)

    def named_pdf(html, pdf_path, **kwargs):
        current.append(f"{Path(pdf_path).parent.name}/{Path(pdf_path).name}")
        try:
            return original_pdf(html, pdf_path, **kwargs)
        finally:
            current.pop()

    weasyprint.HTML.render = counted_render
    weasyprint.layout.page.remake_page = counted_page   # before render.py wraps it
    render.render_pdf = named_pdf
    code = sphinx_build(argv)
    Path(out).write_text(json.dumps(counts, indent=1, sort_keys=True), encoding="utf-8")
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2:]))
