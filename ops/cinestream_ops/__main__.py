"""``python -m cinestream_ops ARGS``: what ``./pipeline ARGS`` runs."""

import sys

from .cli import main

sys.exit(main())
