"""``python -m patientpress.print.preflight PATH...``: preflight PDFs (a folder: every PDF
under it); print each finding and a count per PDF; exit 1 on any finding."""

import argparse
import sys
from pathlib import Path

from . import Design, check, read

#: Imposed two pages to a sheet: the build preflights its pages before imposing them.
IMPOSED = "-booklet.pdf"
#: Folders of a build that hold no product: the render cache beside the doctrees.
KEPT = ("doctrees", "handout-renders")


def pdfs(paths):
    """The PDFs ``paths`` name, a folder's in name order (its imposed booklets aside)."""
    for path in map(Path, paths):
        if path.is_dir():
            yield from (p for p in sorted(path.rglob("*.pdf"))
                        if not p.name.endswith(IMPOSED)
                        and not any(part.startswith((".", "_")) or part in KEPT
                                    for part in p.relative_to(path).parts[:-1]))
        else:
            yield path


def design_of(pdf, args):
    """What ``pdf`` is meant to be: from the flags, else from the PDF itself (a first
    heading after page 1: a cover, a back page, chapters on new pages)."""
    if args.flowing or args.cover_and_back:
        return Design(chapters_on_new_pages=not args.flowing, min_size=args.min_size,
                      expect=tuple(args.expect), cover_and_back=args.cover_and_back)
    covered = any(level == 1 and page and page > 1 for level, _t, page in read(pdf).outline[:1])
    return Design(chapters_on_new_pages=covered, cover_and_back=covered,
                  min_size=args.min_size, expect=tuple(args.expect))


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m patientpress.print.preflight",
        description="Read each PDF back as printed and report what a reader would find "
                    "wrong on its pages (see the README's 'Preflight').")
    parser.add_argument("paths", nargs="+", metavar="PATH", help="a PDF, or a folder of them")
    parser.add_argument("--min-size", type=float, default=0,
                        help="the smallest type allowed, in pt (default: the body's size)")
    parser.add_argument("--flowing", action="store_true",
                        help="chapters do not start on a new page (a chapter handout)")
    parser.add_argument("--cover-and-back", action="store_true",
                        help="the first page is a cover and the last a back page, one page "
                             "each (ruled notes pages may follow)")
    parser.add_argument("--expect", action="append", default=[], metavar="WORDS",
                        help="words every PDF must print (a clinic's name, phone, ...)")
    args = parser.parse_args(argv)
    total = count = 0
    for pdf in pdfs(args.paths):
        findings = check(pdf, design_of(pdf, args))
        count, total = count + 1, total + len(findings)
        for finding in findings:
            print(f"{pdf}: {finding} [preflight.{finding.check}]")
        print(f"{pdf}: {len(findings)} finding(s)", file=sys.stderr)
    print(f"preflight: {count} PDF(s) read back as printed, {total} finding(s)", file=sys.stderr)
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main())
