"""Signed cookies and CSRF tokens: itsdangerous, Flask's and Flask-WTF's formats, made cheaper.

Every request opens a signed session cookie and every state change checks a CSRF token, so the
serializers here are made once per secret key (not once per use), derive each signing key
once, and do not try zlib on what they sign. The formats are exactly the stock ones: cookies
and tokens made by Flask or Flask-WTF load here, and the other way round.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any

from flask import Flask, current_app, g, session
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import BadData, SignatureExpired, TimestampSigner, URLSafeTimedSerializer
from itsdangerous.encoding import base64_encode
from itsdangerous.serializer import Serializer
from wtforms import ValidationError

CSRF_SALT = "wtf-csrf-token"  # Flask-WTF's


class KeyCachingSigner(TimestampSigner):
    """itsdangerous's timestamp signer, deriving each secret's signing key only once."""

    # With Flask's "hmac" key derivation every sign and check of a session cookie ran one
    # HMAC just to derive the same key again (a sixth of opening a session here).
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._keys: dict[str | bytes | None, bytes] = {}

    def derive_key(self, secret_key: str | bytes | None = None) -> bytes:
        """Return the signing key derived from secret_key (the newest key by default)."""
        key = self._keys.get(secret_key)
        if key is None:
            key = self._keys[secret_key] = super().derive_key(secret_key)
        return key


class PlainURLSafeTimedSerializer(URLSafeTimedSerializer):
    """itsdangerous's URL-safe timed serializer: no zlib on dumps, one signer per salt."""

    default_signer = KeyCachingSigner

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._signers: dict[str | bytes | None, Any] = {}

    # Session cookies and CSRF tokens are tens to a few hundred bytes, yet every dump ran
    # zlib.compress first: 13 of the 25 µs a CSRF token took here, and a first visit dumps
    # twice (its token and its session cookie). Loading still takes compressed payloads, so
    # cookies issued before stay valid.
    def dump_payload(self, obj: Any) -> bytes:
        """Serialise obj and encode it URL-safe, uncompressed."""
        return base64_encode(Serializer.dump_payload(self, obj))

    def make_signer(self, salt: str | bytes | None = None) -> Any:
        """Return the signer for salt (the serializer's own by default), made once."""
        # A signer holds only this serializer's settings, so one can serve every request.
        signer = self._signers.get(salt)
        if signer is None:
            signer = self._signers[salt] = super().make_signer(salt)
        return signer


class SignedCookieSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, with the signing serializer made once per secret key."""

    # Flask builds a new serializer to open and again to save every session, and building one
    # serialises a test value: a noticeable part of a cached public page's cost.
    _made_for: tuple[Any, ...] | None = None
    _serializer: URLSafeTimedSerializer | None = None

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        """Return the serializer for the app's current secret keys (None without a key)."""
        fallbacks = tuple(app.config.get("SECRET_KEY_FALLBACKS") or ())
        keys = (app.secret_key, fallbacks)
        if keys != self._made_for:
            # As Flask makes it (older keys first, the current one last), minus compression,
            # and with hashlib's SHA-1 itself: Flask's lazy wrapper around it (kept for FIPS
            # builds, where the import-time lookup fails) sends HMAC down its pure-Python path.
            self._serializer = PlainURLSafeTimedSerializer(
                [*fallbacks, app.secret_key], salt=self.salt, serializer=self.serializer,
                signer_kwargs={"key_derivation": self.key_derivation,
                               "digest_method": hashlib.sha1},
            ) if app.secret_key else None
            self._made_for = keys
        return self._serializer


def csrf_token() -> str:
    """Return the request's CSRF token, made as Flask-WTF's generate_csrf makes it."""
    # The same secret in the session, the same salt, signer and format as Flask-WTF's (whose
    # checks check_csrf_token repeats); only the serializer is made once per key and does not
    # compress (see above).
    field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    token = g.get(field)
    if token is None:
        if not isinstance(session.get(field), str):
            session[field] = secrets.token_hex(20)  # 40 hex digits, like Flask-WTF's secret
        token = _csrf_serializer().dumps(session[field])
        setattr(g, field, token)
    return token


def _csrf_serializer() -> PlainURLSafeTimedSerializer:
    key = current_app.config.get("WTF_CSRF_SECRET_KEY") or current_app.secret_key
    serializers = current_app.extensions.setdefault("limber_csrf_serializers", {})
    serializer = serializers.get(key)
    if serializer is None:
        serializer = serializers[key] = PlainURLSafeTimedSerializer(key, salt=CSRF_SALT)
    return serializer


def check_csrf_token(data: str | None) -> None:
    """Check a CSRF token as Flask-WTF's validate_csrf does, raising its ValidationError."""
    # Same checks, order and messages; only the serializer is made once per key.
    field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    if not data:
        raise ValidationError("The CSRF token is missing.")
    if field not in session:
        raise ValidationError("The CSRF session token is missing.")
    try:
        token = _csrf_serializer().loads(data, max_age=current_app.config.get(
            "WTF_CSRF_TIME_LIMIT", 3600))
    except SignatureExpired as exc:
        raise ValidationError("The CSRF token has expired.") from exc
    except BadData as exc:
        raise ValidationError("The CSRF token is invalid.") from exc
    if not isinstance(token, str) or not hmac.compare_digest(session[field], token):
        raise ValidationError("The CSRF tokens do not match.")
