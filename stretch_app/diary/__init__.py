"""The cramp diary: its pages (/diary…) and its JSON API (/api/cramps…), own entries only.

entries, patterns, summary and relief are pure domain modules; queries reads and writes the
database; pages and api are the views, on the one blueprint below.
"""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("diary", __name__)

from . import api, pages  # noqa: E402,F401  (they register their views on bp)
