"""Accounts: sign up, sign in, sign out, settings, import, password change, deletion."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import TooManyRequests
from werkzeug.security import check_password_hash

from ..auth import authenticate, end_all_sessions, hash_password, normalise_login, start_session
from ..extensions import db
from ..forms import ConfirmForm, DeleteForm, LoginForm, PasswordForm, SettingsForm, SignupForm
from ..inputs import today_for
from ..models import User
from ..plans.pages import carry_guest_plan
from ..plans.views import GUEST_KEY
from ..portability import (
    ImportProblem,
    import_summary,
    import_user,
    problem_text,
    read_upload,
)
from ..stats import record_goal_change, refresh_streaks
from ..timezones import zone_names

bp = Blueprint("accounts", __name__)


def _safe_next(target: str | None) -> str:
    """Return target if it is a plain path on this site, else the home page."""
    # Checked on the raw string, never on a parse of it: urlsplit drops line breaks and
    # tabs, and the redirect would carry them (a 500 after the sign-in was saved).
    if (
        target
        and target.startswith("/")
        and not target.startswith("//")
        and "\\" not in target
        and all(c.isprintable() and not c.isspace() for c in target)
    ):
        return target
    return url_for("pages.home")


@bp.route("/signup", methods=["GET", "POST"])
def signup() -> Any:
    if current_user.is_authenticated:
        return redirect(url_for("pages.home"))
    form = SignupForm()
    status = 200
    if form.validate_on_submit():
        login = normalise_login(form.login.data)
        # Hash before the first query: on SQLite a POST's transaction holds the write lock.
        password_hash = hash_password(form.password.data)
        exists = db.session.execute(db.select(User.id).where(User.login == login)).first()
        if exists:
            form.login.errors.append(_("That name is taken. Choose another, or sign in."))
        else:
            user = User(login=login, password_hash=password_hash,
                        time_zone=form.time_zone.data)
            db.session.add(user)
            try:
                db.session.flush()
                carry_guest_plan(user, session.get(GUEST_KEY))  # a guest's plan moves along
                db.session.commit()
            except IntegrityError:
                db.session.rollback()
                form.login.errors.append(_("That name is taken. Choose another, or sign in."))
            else:
                session.clear()
                login_user(user)
                start_session()
                flash(_("Welcome to Limber! Your sessions will now be saved."), "success")
                return redirect(_safe_next(request.args.get("next")))
    if form.is_submitted():
        status = 422
    return render_template("accounts/signup.html", form=form, zones=sorted(zone_names())), status


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    if current_user.is_authenticated:
        return redirect(url_for("pages.home"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        result = authenticate(form.login.data, form.password.data)
        if result.locked:
            db.session.commit()
            raise TooManyRequests(
                # The same words for every name: a 429 must not tell which accounts exist.
                description=_("Too many failed sign-ins with this name. "
                              "Wait a few minutes and try again."),
                retry_after=result.retry_after,
            )
        db.session.commit()
        if result.user is not None:
            session.clear()
            login_user(result.user, remember=form.remember.data)
            start_session()
            return redirect(_safe_next(request.args.get("next")))
        form.password.errors.append(_("That name and password do not match."))
        status = 401
    elif form.is_submitted():
        status = 422
    return render_template("accounts/login.html", form=form), status


@bp.post("/logout")
def logout() -> Any:
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    everywhere = request.form.get("everywhere") == "1"
    if current_user.is_authenticated:
        # logout_user() only edits this browser's signed cookie, and a copy taken before would
        # stay valid: bumping the session version really ends the session. Sessions
        # carry no id of their own, so this signs out the account's other devices as well.
        end_all_sessions(current_user)
        db.session.commit()
    logout_user()
    session.clear()
    flash(_("You are signed out.") if not everywhere else _("You are signed out on every device."),
          "info")
    return redirect(url_for("pages.home"))


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings() -> Any:
    user = db.get_or_404(User, current_user.id)
    form = SettingsForm(obj=user)
    password_form = PasswordForm(prefix="pw")
    delete_form = DeleteForm(prefix="del")
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            previous = user.weekly_goal
            form.populate_obj(user)
            record_goal_change(user, previous, today_for(user, datetime.now(UTC)))
            refresh_streaks(user)  # the weekly goal decides which weeks count
            db.session.commit()
            flash(_("Settings saved."), "success")
            return redirect(url_for("accounts.settings"))
        status = 422
    return render_template(
        "accounts/settings.html",
        form=form,
        password_form=password_form,
        delete_form=delete_form,
        logout_form=ConfirmForm(),
        zones=sorted(zone_names()),
    ), status


@bp.post("/settings/password")
@login_required
def change_password() -> Any:
    # The row, not current_user: it is read-only and has no password hash.
    user = db.get_or_404(User, current_user.id)
    form = PasswordForm(prefix="pw")
    if form.validate_on_submit():
        if _password_matches(user, form.current.data):
            user.password_hash = hash_password(form.new.data)  # slow too: before any write
            end_all_sessions(user)
            db.session.commit()
            # Other devices are now signed out; this one continues with a fresh session.
            session.clear()
            login_user(user)
            start_session()
            flash(_("Password changed. Other devices have been signed out."), "success")
            return redirect(url_for("accounts.settings"))
        form.current.errors.append(_("That is not your current password."))
    return render_template(
        "accounts/settings.html",
        form=SettingsForm(obj=user),
        password_form=form,
        delete_form=DeleteForm(prefix="del"),
        logout_form=ConfirmForm(),
        zones=sorted(zone_names()),
    ), 422


@bp.post("/settings/delete")
@login_required
def delete_account() -> Any:
    user = db.get_or_404(User, current_user.id)
    form = DeleteForm(prefix="del")
    if form.validate_on_submit() and _password_matches(user, form.password.data):
        _delete_user_rows(user.id)
        db.session.commit()
        logout_user()
        session.clear()
        flash(_("Your account and all its data have been deleted."), "info")
        return redirect(url_for("pages.home"))
    if form.is_submitted():
        form.password.errors.append(_("Enter your password to delete your account."))
    return render_template(
        "accounts/settings.html",
        form=SettingsForm(obj=user),
        password_form=PasswordForm(prefix="pw"),
        delete_form=form,
        logout_form=ConfirmForm(),
        zones=sorted(zone_names()),
    ), 422


@bp.post("/settings/import")
@login_required
def import_preview() -> Any:
    """Show what an uploaded file would add, changing nothing."""
    upload = request.files.get("file")
    data = upload.read() if upload else b""
    name = (upload.filename or "") if upload else ""
    return _import_step(data, name[:200], confirm=False)


@bp.post("/settings/import/confirm")
@login_required
def import_confirm() -> Any:
    """Add everything the previewed file holds, or nothing."""
    return _import_step(request.form.get("content", "").encode(),
                        request.form.get("name", "")[:200], confirm=True)


def _import_step(data: bytes, name: str, confirm: bool) -> Any:
    """Check and import a file as POST /api/import does; keep it only when confirmed."""
    if not ConfirmForm().validate_on_submit():
        return _import_page(problem=_("The page had expired. Choose the file again.")), 400
    if not data:
        return _import_page(problem=_("Choose a file to import.")), 422
    user = db.get_or_404(User, current_user.id)
    doc = None
    try:
        doc = read_upload(data)
        result = import_user(user, doc, datetime.now(UTC))
    except ImportProblem as exc:
        db.session.rollback()
        return _import_page(problem=problem_text(exc, doc), name=name), 422
    if not confirm:
        db.session.rollback()  # the preview runs the import itself, so it can never differ
        return _import_page(result=result, doc=doc, name=name, content=data.decode("utf-8-sig"))
    db.session.commit()
    summary = import_summary(result, done=True)
    flash(_("Imported %(name)s: %(summary)s", name=name, summary=summary) if name
          else _("Imported the file: %(summary)s", summary=summary), "success")
    return redirect(url_for("accounts.settings"), 303)


def _import_page(**values: Any) -> str:
    values.setdefault("name", "")
    summary = import_summary(values["result"]) if "result" in values else ""
    return render_template("accounts/import_preview.html", form=ConfirmForm(), summary=summary,
                           **values)


def _password_matches(user: User, password: str) -> bool:
    """Check a signed-in user's password outside any write transaction."""
    stored = user.password_hash
    # End the read before the slow check: on SQLite a POST's transaction holds the database's
    # write lock, and checking under it would stall every other write.
    db.session.rollback()
    return check_password_hash(stored, password)


def _delete_user_rows(user_id: int) -> None:
    """Delete a user and everything they own in one transaction."""
    for model in _owned_models():
        db.session.execute(delete(model).where(model.user_id == user_id))
    db.session.execute(delete(User).where(User.id == user_id))


def _owned_models() -> list[Any]:
    from .. import models

    return [m for m in vars(models).values()
            if isinstance(m, type) and issubclass(m, db.Model) and hasattr(m, "user_id")]
