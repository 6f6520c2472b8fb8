"""``python -m cbow_helpers``: see ``cbow_helpers.cli``."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
