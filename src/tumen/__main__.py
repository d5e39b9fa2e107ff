"""Run the tumen command line: ``python -m tumen --help``."""

import os
import sys

from tumen.cli import main

code = main()
if code in (130, 143):  # interrupted: cleanup has run; leave now, whatever threads remain
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
sys.exit(code)
