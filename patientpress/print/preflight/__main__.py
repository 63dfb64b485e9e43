"""``python -m patientpress.print.preflight FILE...``: preflight any PDF; exit 1 on a finding."""

import argparse
import sys

from . import Design, check


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m patientpress.print.preflight",
        description="Read each PDF back as printed and report what a reader would find "
                    "wrong on its pages (see the README's 'Preflight').")
    parser.add_argument("pdfs", nargs="+", metavar="FILE")
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
    design = Design(chapters_on_new_pages=not args.flowing, min_size=args.min_size,
                    expect=tuple(args.expect), cover_and_back=args.cover_and_back)
    total = 0
    for pdf in args.pdfs:
        findings = check(pdf, design)
        total += len(findings)
        for finding in findings:
            print(f"{pdf}: {finding} [preflight.{finding.check}]")
        print(f"{pdf}: {len(findings)} finding(s)", file=sys.stderr)
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main())
