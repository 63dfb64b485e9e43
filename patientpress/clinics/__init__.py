"""Clinic editions: a clinic file (``reader``: YAML or TOML, ``schema``: its fields
checked), the ``clinic-editions`` builder (``editions``) and the command line that runs
it for a folder of clinic files (``command``: ``python -m patientpress.clinics``).

May import everything below it: ``patientpress.print`` and what it may import.
"""

from .command import main

__all__ = ["main"]
