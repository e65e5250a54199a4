"""Helpers shared by the blueprints."""

from __future__ import annotations

from flask import current_app

from ..catalog import Catalog


def catalog() -> Catalog:
    """Return the app's content catalog."""
    return current_app.extensions["limber_catalog"]


def asset_url(path: str) -> str:
    """Return the versioned URL of a static file."""
    return current_app.extensions["limber_asset"](path)
