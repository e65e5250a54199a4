"""Signed cookies and CSRF tokens: the stock formats, made cheaper, checked the stock way."""

from __future__ import annotations

import time

from flask import Flask, session
from flask_wtf.csrf import validate_csrf
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from wtforms import ValidationError

from stretch_app.signing import CSRF_SALT, check_csrf_token, csrf_token


class _HoursAgo(TimestampSigner):
    def get_timestamp(self) -> int:
        return int(time.time()) - 7200


def _outcome(check: object, token: str | None) -> str:
    try:
        check(token)  # type: ignore[operator]
    except ValidationError as exc:
        return str(exc.args[0])
    return "accepted"


def test_the_token_check_answers_exactly_as_flask_wtfs(app: Flask) -> None:
    """check_csrf_token repeats Flask-WTF's validate_csrf on a cached serializer: for every
    kind of token, right or wrong, both give the same answer (this fails if an upgraded
    Flask-WTF checks differently and signing.py was not brought along)."""
    with app.test_request_context():
        token = csrf_token()
        secret = session["csrf_token"]
        stock = URLSafeTimedSerializer(app.secret_key, salt=CSRF_SALT)
        tokens = {
            "ours": token,
            "made the stock way": stock.dumps(secret),
            "another session's": stock.dumps("0" * 40),
            "tampered": token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
            "signed with another key": URLSafeTimedSerializer("x" * 32, salt=CSRF_SALT).dumps(
                secret),
            "expired": URLSafeTimedSerializer(app.secret_key, salt=CSRF_SALT,
                                              signer=_HoursAgo).dumps(secret),
            "not a token": "abc",
            "empty": "",
            "absent": None,
        }
        answers = {name: _outcome(check_csrf_token, value) for name, value in tokens.items()}
        assert answers == {name: _outcome(validate_csrf, value)
                           for name, value in tokens.items()}
        assert answers["ours"] == answers["made the stock way"] == "accepted"
        assert answers["expired"] == "The CSRF token has expired."
        session.pop("csrf_token")
        assert _outcome(check_csrf_token, token) == _outcome(validate_csrf, token) == (
            "The CSRF session token is missing.")
