"""Security headers applied to every response, HTML, JSON and static alike."""

from __future__ import annotations

from collections.abc import MutableMapping

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; media-src 'self'; manifest-src 'self'; "
    "worker-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
    "form-action 'self'"
)


def security_headers(production: bool) -> dict[str, str]:
    """Return the headers every response carries."""
    headers = {
        "Content-Security-Policy": CSP,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
        "X-Frame-Options": "DENY",
        "Cross-Origin-Opener-Policy": "same-origin",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
    }
    if production:
        headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
    return headers


def apply_headers(target: MutableMapping[str, str], headers: dict[str, str]) -> None:
    """Set each security header unless the response already chose its own."""
    for name, value in headers.items():
        target.setdefault(name, value)
