"""Flask extensions, created unbound so every module can import them without cycles."""

from __future__ import annotations

import logging
from functools import cache
from typing import TYPE_CHECKING

from flask import current_app, g, request
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from flask_wtf.csrf import same_origin
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase
from wtforms import ValidationError

from .signing import check_csrf_token

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


logger = logging.getLogger("flask_wtf.csrf")  # where Flask-WTF logs refusals

FORM_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})


class HeaderTokenCSRFProtect(CSRFProtect):
    """Flask-WTF's CSRF protection, with a cheaper token check and JSON tokens from headers."""

    # Flask-WTF looks in the form body first, and for a JSON POST Werkzeug then sets up a
    # form parser to find nothing: a twentieth of a signed-in API write. A body that is not a
    # form has no form fields, so going straight to the headers finds the same token.
    def _get_csrf_token(self) -> str | None:
        if request.mimetype in FORM_TYPES:
            return super()._get_csrf_token()  # type: ignore[no-any-return]
        for header_name in current_app.config["WTF_CSRF_HEADERS"]:
            token = request.headers.get(header_name)
            if token:
                return token
        return None

    # Flask-WTF's protect (1.3), step for step, except that the token goes to
    # signing.check_csrf_token: the same checks, but with a serializer made once per key
    # rather than on every request (a tenth of a signed-in POST that writes nothing). After a
    # Flask-WTF upgrade compare both with its protect and validate_csrf; tests/test_signing.py
    # fails when the token checks no longer answer alike.
    def protect(self, apply_exemptions: bool = False) -> None:
        """Refuse the request (CSRFError) unless it carries a valid token."""
        if apply_exemptions and (not request.endpoint or self._is_exempt()):
            return
        if request.method not in current_app.config["WTF_CSRF_METHODS"]:
            return
        try:
            check_csrf_token(self._get_csrf_token())
        except ValidationError as exc:
            logger.info(exc.args[0])
            self._error_response(exc.args[0])
        if request.is_secure and current_app.config["WTF_CSRF_SSL_STRICT"]:
            if not request.referrer:
                self._error_response("The referrer header is missing.")
            if not same_origin(request.referrer, f"https://{request.host}/"):
                self._error_response("The referrer does not match the host.")
        g.csrf_valid = True


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
