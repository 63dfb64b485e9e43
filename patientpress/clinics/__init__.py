"""Clinic editions: a clinic file (``reader``: YAML or TOML, ``schema``: its fields
checked), the ``clinic-editions`` builder (``editions``) and the command line that runs
it for a folder of clinic files (``command``: ``python -m patientpress.clinics``).

May import everything below it: ``patientpress.print`` and what it may import.
"""

__all__ = ["main"]


def __getattr__(name):
    # The command (and pydantic, which its clinic files need) loads when it runs: every
    # build registers the clinic-editions builder, and only `make clinics` reads a clinic.
    if name == "main":
        from .command import main

        return main
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
