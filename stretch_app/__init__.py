"""Limber: guided stretching routines that help prevent mild muscle cramps."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import click
from flask import Flask, request

from . import config as cfg

__all__ = ["create_app"]


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Create and configure a Limber app: defaults, then environment, then test overrides."""
    instance = Path(os.environ.get("LIMBER_INSTANCE_PATH") or cfg.PROJECT_ROOT / "instance")
    app = Flask(
        __name__,
        instance_path=str(instance),
        template_folder=str(cfg.PROJECT_ROOT / "templates"),
        static_folder=None,
    )
    try:
        _register_config(app, test_config)
        _register_database(app)
        _register_content(app)
    except cfg.StartupError as exc:
        if click.get_current_context(silent=True) is None:
            raise
        # Under the flask command line: the reason alone, without a traceback.
        click.echo(str(exc), err=True)
        raise SystemExit(1) from None
    _register_security(app)
    _register_static(app)
    _register_auth(app)
    _register_i18n(app)
    _register_templates(app)
    _register_blueprints(app)
    _register_errors(app)
    return app


def _register_config(app: Flask, test_config: dict[str, Any] | None) -> None:
    app.config.from_mapping(cfg.defaults(Path(app.instance_path)))
    app.config.update(cfg.from_environment(os.environ))
    if test_config:
        app.config.update(test_config)
    cfg.apply_production_rules(app.config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = cfg.development_secret(Path(app.instance_path))
    if str(app.config["SQLALCHEMY_DATABASE_URI"]).startswith("sqlite:///"):
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)


def _register_database(app: Flask) -> None:
    from .database import init_database
    from .extensions import cache, db

    init_database(app)
    cache.init_app(app)
    # Off in the web workers (wsgi.py): Alembic costs each worker about 26 MB of memory and
    # only the `flask db` commands, run before a server starts, need it.
    if app.config["LIMBER_MIGRATIONS"]:
        from flask_migrate import Migrate

        Migrate(app, db, directory=str(cfg.PROJECT_ROOT / "migrations"))


def _register_content(app: Flask) -> None:
    from .catalog import load_catalog
    from .plans.content import load_plans

    # Raises ContentError (every problem listed) so a server never starts on bad content.
    content = Path(app.config["CONTENT_DIR"])
    catalog = load_catalog(content, Path(app.config["STATIC_DIR"]))
    plans = load_plans(content / "plans", catalog)
    app.extensions["limber_catalog"] = catalog
    app.extensions["limber_plans"] = plans
    # The same content in each other language; a text not (or no longer) translated stays English.
    from .i18n import content as translated

    folder = Path(app.config["BABEL_TRANSLATION_DIRECTORIES"])
    app.extensions["limber_catalogs"] = {"en": catalog}
    app.extensions["limber_plan_sets"] = {"en": plans}
    for lang in app.config["LANGUAGES"]:
        if lang != "en":
            table = translated.load(content, folder, lang)
            app.extensions["limber_catalogs"][lang] = translated.translate_catalog(
                catalog, table, lang)
            app.extensions["limber_plan_sets"][lang] = translated.translate_plans(plans, table)


def _register_security(app: Flask) -> None:
    from .extensions import csrf
    from .request_guards import read_body_within_limit
    from .security import apply_headers, security_headers

    @app.before_request
    def _body_limit() -> None:
        # Registered before CSRF, which may read the body: the import takes whole histories.
        if request.endpoint in ("api.import_data", "accounts.import_preview",
                                "accounts.import_confirm"):
            request.max_content_length = app.config["MAX_IMPORT_LENGTH"]
            # Settings' confirm step posts the file back as a form field.
            request.max_form_memory_size = app.config["MAX_IMPORT_LENGTH"]
        read_body_within_limit()  # chunked bodies too: Werkzeug only cuts them short

    @app.before_request
    def _api_sign_in_first() -> Any:
        # Also before CSRF: every state-changing API call needs an account, and a signed-out
        # caller has no session a token could belong to, so it gets the contract's 401.
        if (
            request.endpoint is not None
            and request.path.startswith("/api/")
            and request.method not in ("GET", "HEAD", "OPTIONS")
        ):
            from flask_login import current_user

            from .extensions import login_manager

            if not current_user.is_authenticated:
                return login_manager.unauthorized()
        return None

    csrf.init_app(app)
    headers = security_headers(app.config["LIMBER_ENV"] == "production")
    app.extensions["limber_headers"] = headers

    @app.after_request
    def _headers(response):  # type: ignore[no-untyped-def]
        apply_headers(response.headers, headers)
        if response.mimetype == "application/json" and "charset" not in response.content_type:
            response.content_type = "application/json; charset=utf-8"
        return response


def _register_static(app: Flask) -> None:
    from .assets import install_static
    from .security import apply_headers

    headers = app.extensions["limber_headers"]
    install_static(app, Path(app.config["STATIC_DIR"]), lambda h: apply_headers(h, headers))


def _register_auth(app: Flask) -> None:
    from .auth import init_auth

    init_auth(app)


def _register_i18n(app: Flask) -> None:
    from .i18n import init_i18n

    init_i18n(app)


def _register_templates(app: Flask) -> None:
    from flask_wtf.csrf import generate_csrf

    from . import labels
    from .catalog import AREAS, POSITION_LABELS, POSITIONS, SITUATION_LABELS
    from .guidance import SAFETY_NOTE
    from .templating import format_duration

    app.jinja_env.globals.update(
        csrf_token=generate_csrf,
        AREAS=AREAS,
        SITUATION_LABELS=SITUATION_LABELS,
        POSITIONS=POSITIONS,
        POSITION_LABELS=POSITION_LABELS,
        AREA_LABELS=labels.AREA_LABELS,
        BODY_POSITION_LABELS=labels.BODY_POSITION_LABELS,
        LEVEL_LABELS=labels.LEVEL_LABELS,
        KIND_LABELS=labels.KIND_LABELS,
        TARGET_LABELS=labels.TARGET_LABELS,
        SAFETY_NOTE=SAFETY_NOTE,
    )
    app.jinja_env.filters["duration"] = format_duration


def _register_blueprints(app: Flask) -> None:
    from .custom import api as custom_api
    from .custom import pages as custom_pages
    from .diary import bp as diary_bp
    from .plans import api as plans_api
    from .plans import pages as plan_pages
    from .reminders import pages as reminder_pages
    from .reminders.api import bp as reminders_bp
    from .views import accounts, api, history, pages, printing
    from .views.guide import bp as guide_bp
    from .views.offline import bp as offline_bp

    app.register_blueprint(pages.bp)
    app.register_blueprint(printing.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(accounts.bp)
    app.register_blueprint(history.bp)
    app.register_blueprint(guide_bp)
    app.register_blueprint(diary_bp)
    app.register_blueprint(offline_bp)
    app.register_blueprint(reminders_bp)
    app.register_blueprint(reminder_pages.bp)
    app.register_blueprint(custom_api.bp)
    app.register_blueprint(custom_pages.bp)
    app.register_blueprint(plans_api.bp)
    app.register_blueprint(plan_pages.bp)


def _register_errors(app: Flask) -> None:
    from .errors import init_errors

    init_errors(app)

