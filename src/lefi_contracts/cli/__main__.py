"""`python -m lefi_contracts.cli`."""

import sys

from lefi_contracts.cli import main

sys.exit(main())
