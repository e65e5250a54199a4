"""Flask extensions, created unbound so every module can import them without cycles."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from flask import current_app, request
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

if TYPE_CHECKING:
    from flask_migrate import Migrate

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base whose constraints get predictable names (migrations rely on them)."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


FORM_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})


class HeaderTokenCSRFProtect(CSRFProtect):
    """Flask-WTF's CSRF protection, which looks for a JSON request's token in its headers only."""

    # Flask-WTF looks in the form body first, and for a JSON POST Werkzeug then sets up a
    # form parser to find nothing: a twentieth of a signed-in API write. A body that is not a
    # form has no form fields, so going straight to the headers finds the same token. The
    # check itself (validate_csrf) is Flask-WTF's, unchanged.
    def _get_csrf_token(self) -> str | None:
        if request.mimetype in FORM_TYPES:
            return super()._get_csrf_token()  # type: ignore[no-any-return]
        for header_name in current_app.config["WTF_CSRF_HEADERS"]:
            token = request.headers.get(header_name)
            if token:
                return token
        return None


db = SQLAlchemy(model_class=Base)
login_manager = LoginManager()
csrf = HeaderTokenCSRFProtect()


@cache
def migrate() -> Migrate:
    """Return the Flask-Migrate extension, created unbound on first use.

    Imported here and not above: it pulls in Alembic, Mako and Pygments (about 12 MB per
    process), which the `flask db` commands and the tests need but a web worker never does.
    """
    from flask_migrate import Migrate

    return Migrate()
