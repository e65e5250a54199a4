"""WSGI entry point for gunicorn: `gunicorn stretch_app.wsgi:app`. Nothing imports this."""

import sys

from stretch_app import create_app
from stretch_app.config import StartupError

try:
    app = create_app({"LIMBER_MIGRATIONS": False})
except StartupError as exc:
    print(exc, file=sys.stderr)
    sys.exit(1)
