"""The project's own tooling (accessibility audits), apart from the ``patientpress``
runtime package: it may import ``patientpress``, never the reverse (see the import-linter
contracts in ``pyproject.toml``)."""
