"""Error pages and JSON errors: clear messages, never a traceback."""

from __future__ import annotations

from typing import Any

from flask import Flask, jsonify, render_template, request
from flask_babel import force_locale, gettext, lazy_gettext
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from .database import is_lock_error
from .extensions import db
from .request_guards import saved_during_request

RETRY_AFTER_SECONDS = 5


def wants_json() -> bool:
    """Tell whether the client should get a JSON error (any /api path)."""
    return request.path.startswith("/api/") or request.path == "/api"


def json_error(status: int, code: str, message: str, **extra: Any) -> Any:
    """Return a JSON error response in the API's shape."""
    body: dict[str, Any] = {"code": code, "message": message}
    body.update(extra)
    return jsonify({"error": body}), status


_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid",
    429: "too_many_requests",
    500: "server_error",
    503: "unavailable",
}


# Our own title and words for a page, used when the code gave no message of its own.
_PAGES = {
    400: (lazy_gettext("That did not work"),
          lazy_gettext("The request could not be understood. Go back and try again.")),
    403: (lazy_gettext("Not allowed"), lazy_gettext("You cannot open this page.")),
    404: (lazy_gettext("Page not found"),
          lazy_gettext("There is nothing at this address. The link may be old or mistyped.")),
    405: (lazy_gettext("That did not work"),
          lazy_gettext("This page cannot be used that way. Go back and try again.")),
    413: (lazy_gettext("Too much at once"),
          lazy_gettext("What you sent is too large. Try a smaller file.")),
    429: (lazy_gettext("Please slow down"),
          lazy_gettext("Too many tries in a short time. Wait a minute, then try again.")),
}


def _page_words(exc: HTTPException, status: int) -> tuple[str, str]:
    """Return the title and message for an error page, in the app's words."""
    # Any other status gets the general words: Werkzeug's own are English only.
    title, message = _PAGES.get(status, _PAGES[400])
    if exc.description and exc.description != type(exc).description:
        message = exc.description
    return str(title), str(message)


def _busy_language() -> str:
    """Return the visitor's language from the cookie or the browser, never from the database."""
    from .i18n import COOKIE, languages

    choices = languages()
    chosen = request.cookies.get(COOKIE)
    if chosen in choices:
        return chosen
    return request.accept_languages.best_match(choices) or choices[0]


def init_errors(app: Flask) -> None:
    """Register handlers so every error is a styled page or a JSON error."""

    @app.errorhandler(CSRFError)
    def _csrf(exc: CSRFError) -> Any:
        message = gettext("The form or request is missing a valid security token. "
                          "Reload and try again.")
        if wants_json():
            return json_error(400, "csrf_failed", message)
        return render_template("error.html", status=400, title=gettext("Please try again"),
                               message=message), 400

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> Any:
        status = exc.code or 500
        if wants_json():
            response = json_error(status, _CODES.get(status, "error"), exc.description or "")
        else:
            title, message = _page_words(exc, status)
            response = (
                render_template("error.html", status=status, title=title, message=message),
                status,
            )
        resp = app.make_response(response)
        original = exc.get_response().headers
        for name in ("Allow", "Retry-After"):
            if name in original:
                resp.headers[name] = original[name]
        return resp

    @app.errorhandler(OperationalError)
    def _operational(exc: OperationalError) -> Any:
        db.session.rollback()
        if not is_lock_error(exc):
            return _server_error(exc)
        # The language as chosen without the account: loading the user waits on the lock again.
        lang = _busy_language()
        with force_locale(lang):
            message = gettext("The database is busy. Please try again in a few seconds.")
            if wants_json():
                resp = app.make_response(json_error(503, "busy", message))
            else:
                # Rendered without context processors: Flask-Login's would load the user, which
                # waits on the same lock again.
                page = app.jinja_env.get_template("busy.html").render(message=message, lang=lang)
                resp = app.make_response((page, 503))
        resp.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return resp

    @app.errorhandler(Exception)
    def _server_error(exc: Exception) -> Any:
        if isinstance(exc, HTTPException):
            return _http(exc)
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        db.session.rollback()
        # Read before any text is translated: choosing the language may load the account,
        # and that read's own commit is not a change the person made.
        saved = saved_during_request()
        message = gettext("Something went wrong on our side. Nothing was saved; please try "
                          "again.")
        if saved:  # e.g. the sign-in was saved, then its redirect failed
            message = gettext("Something went wrong on our side, but your change may have been "
                              "saved: reload the page to check before trying again.")
        if wants_json():
            return json_error(500, "server_error", message)
        return render_template("error.html", status=500, title=gettext("Something went wrong"),
                               message=message), 500
