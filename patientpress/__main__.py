"""``python -m patientpress COMMAND``: the package's commands.

    new DIR [--title T] [--author A]   write a new book project into DIR
    new --from BOOK                    give a Jupyter Book a conf.py that reads its _config.yml
    pins REQUIREMENTS_TXT              print the new book's pins cut from a lock file
"""

import sys

from . import new

COMMANDS = {"new": new.main, "pins": new.pins_main}


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__.strip())
        return 0 if argv else 2
    command = COMMANDS.get(argv[0])
    if command is None:
        print(f"patientpress: unknown command {argv[0]!r}; the commands are "
              f"{', '.join(COMMANDS)} (python -m patientpress --help)", file=sys.stderr)
        return 2
    return command(argv[1:], prog=f"python -m patientpress {argv[0]}")


if __name__ == "__main__":
    sys.exit(main())
