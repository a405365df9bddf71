"""``python -m restd``: the same as the ``restd`` command."""
import sys

from restd.cli import main

sys.exit(main())
