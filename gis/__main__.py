"""Entry point for ``python -m gis``."""

import sys

from gis.cli import main

sys.exit(main())
