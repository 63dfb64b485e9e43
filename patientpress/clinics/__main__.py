"""``python -m patientpress.clinics``: the clinic editions' command line."""

import sys

from .command import main

sys.exit(main())
