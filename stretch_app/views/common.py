"""Helpers shared by the blueprints."""

from __future__ import annotations

from typing import Any

from flask import current_app, request, session
from flask_login import current_user

from ..catalog import Catalog
from ..extensions import cache


def catalog() -> Catalog:
    """Return the app's content catalog in this request's language."""
    from ..i18n import current_language

    catalogs = current_app.extensions["limber_catalogs"]
    return catalogs.get(current_language(), catalogs["en"])


def asset_url(path: str) -> str:
    """Return the versioned URL of a static file."""
    return current_app.extensions["limber_asset"](path)


def _personal() -> bool:
    """Tell whether this visitor's page may differ from everyone else's."""
    # Signed in, or a session holding a flash message or a form token; or a shared routine,
    # which its owner may change or stop sharing at any moment, unlike the catalog's.
    slug = (request.view_args or {}).get("slug")
    custom = slug is not None and slug not in catalog().routines
    return bool(current_user.is_authenticated or session or custom)


def _ok(rv: Any) -> bool:
    return (rv[1] if isinstance(rv, tuple) else 200) == 200


def _page_key(*_args: Any, **_view_args: Any) -> str:
    """Return the cache key of a public page: its language, path and query."""
    from ..i18n import current_language

    return f"page:{current_language()}:{request.full_path}"


# For pages that are the same for every signed-out visitor without a session (per language).
public_page = cache.cached(unless=_personal, response_filter=_ok, make_cache_key=_page_key)
