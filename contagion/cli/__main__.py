"""``python -m contagion.cli``: the same as the ``contagion`` command."""

import sys

from contagion.cli import main

sys.exit(main())
