"""Flask extensions, created unbound so every module can import them without cycles."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

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


db = SQLAlchemy(model_class=Base)
login_manager = LoginManager()
csrf = CSRFProtect()


@cache
def migrate() -> Migrate:
    """Return the Flask-Migrate extension, created unbound on first use.

    Imported here and not above: it pulls in Alembic, Mako and Pygments (about 12 MB per
    process), which the `flask db` commands and the tests need but a web worker never does.
    """
    from flask_migrate import Migrate

    return Migrate()
