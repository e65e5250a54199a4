"""Languages: which one a visitor reads, switching it, and the strings scripts need."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.messages.extract import extract_from_file
from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    has_request_context,
    redirect,
    request,
)
from flask_babel import get_locale, get_translations, gettext
from flask_login import current_user

from ..extensions import babel, csrf, db

COOKIE = "limber_lang"
COOKIE_MAX_AGE = 365 * 24 * 3600
# Scripts mark their texts t("…") and plurals tn("…", "…", n); pybabel extracts both.
SCRIPT_KEYWORDS: dict[str, Any] = {"t": None, "tn": (1, 2)}

bp = Blueprint("language", __name__)


def languages() -> list[str]:
    """Return the codes of the languages people can choose, the default first."""
    return list(current_app.config["LANGUAGES"])


def select_language() -> str:
    """Return the visitor's language: the account's, the cookie's, else the browser's best."""
    choices = languages()
    if not has_request_context():
        return choices[0]
    if current_user.is_authenticated and current_user.language in choices:
        return current_user.language
    chosen = request.cookies.get(COOKIE)
    if chosen in choices:
        return chosen
    return request.accept_languages.best_match(choices) or choices[0]


def current_language() -> str:
    """Return the code of the language this request is rendered in."""
    return str(get_locale() or languages()[0])


def html_lang() -> str:
    """Return the language as an HTML lang value (a BCP 47 tag)."""
    return current_language().replace("_", "-")


@cache
def own_name(code: str) -> str:
    """Return a language's name in that language, as a person looking for it would read it."""
    try:
        name = Locale.parse(code).get_display_name(code) or code
    except (ValueError, UnknownLocaleError):
        return code
    return name[:1].upper() + name[1:]


def language_names() -> dict[str, str]:
    """Return {code: name in its own language} for the switch, in the configured order."""
    return {code: own_name(code) for code in languages()}


@cache
def _script_messages(static_dir: str) -> tuple[tuple[str, str | None], ...]:
    """Return (msgid, plural msgid) for every text the scripts mark, read once per folder."""
    found: dict[tuple[str, str | None], None] = {}
    for path in sorted(Path(static_dir, "js").glob("*.js")):
        for _line, message, _comments, _context in extract_from_file(
            "javascript", str(path), keywords=SCRIPT_KEYWORDS
        ):
            key = (message, None) if isinstance(message, str) else (message[0], message[1])
            found[key] = None
    return tuple(found)


def script_strings() -> dict[str, Any]:
    """Return the scripts' texts in this request's language, {English: text or [one, other]}."""
    table: dict[str, Any] = {}
    catalogue = get_translations()
    for singular, plural in _script_messages(current_app.config["STATIC_DIR"]):
        if plural is None:
            text = gettext(singular)
            if text != singular:
                table[singular] = text
        else:
            # The raw forms, placeholders kept: flask_babel's ngettext would fill in num itself.
            forms = [catalogue.ungettext(singular, plural, 1),
                     catalogue.ungettext(singular, plural, 2)]
            if forms != [singular, plural]:
                table[singular] = forms
    return table


@bp.post("/language")
@csrf.exempt
def switch() -> Any:
    # A guest has no session a forged request could abuse, and their choice only sets a cookie;
    # an account's choice is stored, so that request must carry the form's token.
    if current_user.is_authenticated and current_app.config.get("WTF_CSRF_ENABLED", True):
        csrf.protect()
    chosen = request.form.get("language", "")
    if chosen not in languages():
        abort(400, description=gettext("That language is not available."))
    if current_user.is_authenticated and current_user.language != chosen:
        current_user.language = chosen
        db.session.commit()
    from ..views.accounts import _safe_next

    response = redirect(_safe_next(request.form.get("next")), code=303)
    response.set_cookie(COOKIE, chosen, max_age=COOKIE_MAX_AGE, samesite="Lax",
                        secure=current_app.config["SESSION_COOKIE_SECURE"], httponly=True)
    return response


def init_i18n(app: Flask) -> None:
    """Wire Flask-Babel, the language switch and the template helpers."""
    babel.init_app(app, locale_selector=select_language)
    app.register_blueprint(bp)
    app.jinja_env.globals.update(
        current_language=current_language,
        html_lang=html_lang,
        language_names=language_names,
        script_strings=script_strings,
    )

    @app.after_request
    def _vary(response):  # type: ignore[no-untyped-def]
        # The same address answers in the visitor's language: caches must key on both.
        if response.mimetype == "text/html":
            response.vary.add("Accept-Language")
            response.vary.add("Cookie")
        return response
