"""Static files: versioned URLs with long caching, compression, security headers."""

from __future__ import annotations

import re

from flask.testing import FlaskClient
from werkzeug.test import TestResponse as Response


def _get(client: FlaskClient, url: str, **kwargs: object) -> Response:
    """Fetch a static file and close it (WhiteNoise streams from an open file)."""
    response = client.get(url, **kwargs)
    response.get_data()
    response.close()
    return response


def _css_url(client: FlaskClient) -> str:
    html = client.get("/").get_data(as_text=True)
    match = re.search(r'href="(/static/[0-9a-f]{10}/css/app\.css)"', html)
    assert match, "the page links a versioned stylesheet"
    return match.group(1)


def test_versioned_assets_are_cached_for_a_year(client: FlaskClient) -> None:
    response = _get(client, _css_url(client))
    assert response.status_code == 200
    assert "immutable" in response.headers["Cache-Control"]
    assert "max-age=31536000" in response.headers["Cache-Control"]


def test_unversioned_assets_are_cached_briefly(client: FlaskClient) -> None:
    response = _get(client, "/static/css/app.css")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=300"


def test_static_responses_carry_security_headers(client: FlaskClient) -> None:
    response = _get(client, _css_url(client))
    assert "object-src 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_assets_are_compressed_when_asked(client: FlaskClient) -> None:
    url = _css_url(client)
    response = _get(client, url, headers={"Accept-Encoding": "gzip"})
    assert response.headers.get("Content-Encoding") == "gzip"
    plain = _get(client, url)
    assert len(response.data) < len(plain.data)


def test_build_scripts_are_not_served(client: FlaskClient) -> None:
    """The icon maker runs at build time: its source is no file a visitor can fetch."""
    assert _get(client, "/static/icons/icon.svg").status_code == 200  # its neighbour is
    assert _get(client, "/static/icons/make_icons.py").status_code == 404
