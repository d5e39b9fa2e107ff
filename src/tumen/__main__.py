"""Run the tumen command line: ``python -m tumen --help``."""

import sys

from tumen.cli import main

sys.exit(main())
