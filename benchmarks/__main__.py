"""`python -m benchmarks`: run every benchmark and regenerate the README's results table."""

import sys

from .run import main

sys.exit(main())
