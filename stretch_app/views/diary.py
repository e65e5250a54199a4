"""The cramp diary: its pages (/diary…) and its JSON API (/api/cramps…), own entries only."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, date, datetime
from typing import Any

from flask import Blueprint, Response, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import case, func
from sqlalchemy.dialects import postgresql, sqlite
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    IntegerField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Optional

from .. import diary as d
from ..errors import json_error
from ..extensions import db
from ..forms import ConfirmForm
from ..models import Completion, CrampEntry, SignedInUser, User, utcnow
from ..timezones import is_valid_zone, zone
from .common import catalog

bp = Blueprint("diary", __name__)

PAGE_SIZE = 20
MAX_ID = 2**63 - 1
CSV_NAME = "limber-cramp-summary-{start}-to-{end}.csv"


# ---- helpers ---------------------------------------------------------------------------------


def _now() -> datetime:
    return datetime.now(UTC)


def _zone_name(user: User | SignedInUser) -> str:
    """Return the user's zone, or UTC should a stored one ever be unknown."""
    return user.time_zone if is_valid_zone(user.time_zone) else "UTC"


def _today(user: User | SignedInUser, now: datetime) -> date:
    return now.astimezone(zone(_zone_name(user))).date()


def _own_entry(entry_id: int) -> CrampEntry | None:
    """Return the signed-in user's entry with this id, or None (also for anyone else's)."""
    if not 0 < entry_id <= MAX_ID:
        return None
    return db.session.execute(
        db.select(CrampEntry).where(
            CrampEntry.id == entry_id, CrampEntry.user_id == current_user.id
        )
    ).scalar_one_or_none()


def _not_found_page() -> Any:
    return render_template("error.html", status=404, title="Not found",
                           message="There is no diary entry at this address."), 404


def _insert(values: dict[str, Any]) -> Any:
    """Return INSERT … ON CONFLICT (user_id, client_id) DO NOTHING for this database."""
    dialect = db.session.get_bind().dialect.name
    module = postgresql if dialect == "postgresql" else sqlite
    stamp = utcnow()
    return (
        module.insert(CrampEntry)
        .values(created_at=stamp, updated_at=stamp, **values)
        .on_conflict_do_nothing(index_elements=["user_id", "client_id"])
        .returning(CrampEntry.id)
    )


# ---- the entry form ----------------------------------------------------------------------------


class CrampForm(FlaskForm):
    occurred_at = DateTimeLocalField(
        "When", format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
        validators=[InputRequired("Enter when the cramp happened.")],
    )
    # The template draws the options; the diary's rules check them (with clearer messages).
    location = StringField("Where", validators=[InputRequired("Choose where it was.")])
    strength = IntegerField("How strong (1 = barely, 10 = worst)",
                            validators=[InputRequired("Choose how strong it was, 1 to 10.")])
    duration_minutes = IntegerField("How long, in minutes", validators=[Optional()])
    woke_me = BooleanField("It woke me up")
    triggers = SelectMultipleField("Likely triggers", validate_choice=False)
    red_flags = SelectMultipleField("Warning signs", validate_choice=False)
    note = TextAreaField("Note")


def _form_entry(form: CrampForm, zone_name: str, now: datetime) -> d.CrampData | None:
    """Validate a submitted form into an entry, or put the reasons on the form and return None."""
    if not form.validate_on_submit():
        return None
    try:
        return d.build_entry(
            occurred_at=d.local_to_utc(form.occurred_at.data, zone_name),
            time_zone=zone_name,
            location=form.location.data or "",
            strength=form.strength.data,
            duration_minutes=form.duration_minutes.data,
            woke_me=bool(form.woke_me.data),
            triggers=form.triggers.data or [],
            red_flags=form.red_flags.data or [],
            note=form.note.data or "",
            now=now,
        )
    except d.EntryError as exc:
        target = getattr(form, exc.field, None) or form.occurred_at
        target.errors = [*target.errors, exc.message]
        return None


def _when_value(form: CrampForm) -> str:
    """Return the datetime-local value to show: the parsed time, else what was typed."""
    field = form.occurred_at
    if isinstance(field.data, datetime):
        return f"{field.data:%Y-%m-%dT%H:%M}"
    raw = field.raw_data or []
    return raw[0][:40] if raw and isinstance(raw[0], str) else ""


def _form_page(form: CrampForm, entry: CrampEntry | None, status: int) -> Any:
    return render_template(
        "diary/form.html",
        form=form,
        when_value=_when_value(form),
        entry=entry,
        locations=d.LOCATIONS,
        triggers=d.TRIGGERS,
        red_flags=d.RED_FLAGS,
        doctor_signs=d.DOCTOR_SIGNS,
        strengths=range(d.STRENGTH_MIN, d.STRENGTH_MAX + 1),
        note_max=d.NOTE_MAX,
        max_when=_local_input(_now() + d.FUTURE_TOLERANCE, _zone_name(current_user)),
        delete_form=ConfirmForm(prefix="delete") if entry else None,
    ), status


def _local_input(instant: datetime, zone_name: str) -> str:
    """Return an instant as a datetime-local value in a zone (to the minute)."""
    return f"{d.utc_to_local(instant, zone_name):%Y-%m-%dT%H:%M}"


# ---- pages -------------------------------------------------------------------------------------


@bp.get("/diary")
@login_required
def index() -> Any:
    raw_page = request.args.get("page", "1")
    page = int(raw_page) if raw_page.isdigit() and 0 < len(raw_page) < 6 else 1
    page = max(1, page)
    rows = db.session.execute(
        db.select(CrampEntry)
        .where(CrampEntry.user_id == current_user.id)
        .order_by(CrampEntry.occurred_at.desc(), CrampEntry.id.desc())
        .limit(PAGE_SIZE + 1)
        .offset((page - 1) * PAGE_SIZE)
    ).scalars().all()
    entries = [d.entry_view(r) for r in rows[:PAGE_SIZE]]
    return render_template(
        "diary/index.html",
        entries=entries,
        page=page,
        has_more=len(rows) > PAGE_SIZE,
    )


@bp.route("/diary/new", methods=["GET", "POST"])
@login_required
def new() -> Any:
    zone_name = _zone_name(current_user)
    now = _now()
    form = CrampForm()
    if request.method == "GET":
        form.occurred_at.data = d.utc_to_local(now, zone_name).replace(
            second=0, microsecond=0, tzinfo=None
        )
        wanted = request.args.get("location")
        if wanted in d.LOCATIONS:
            form.location.data = wanted
        return _form_page(form, None, 200)
    data = _form_entry(form, zone_name, now)
    if data is None:
        return _form_page(form, None, 422)
    entry = CrampEntry(user_id=current_user.id, client_id=str(uuid.uuid4()), **data.columns())
    db.session.add(entry)
    db.session.commit()
    flash("Saved to your diary.", "success")
    return redirect(url_for("diary.show", entry_id=entry.id), 303)


@bp.get("/diary/<int:entry_id>")
@login_required
def show(entry_id: int) -> Any:
    entry = _own_entry(entry_id)
    if entry is None:
        return _not_found_page()
    return render_template("diary/entry.html", entry=d.entry_view(entry),
                           doctor_signs=d.DOCTOR_SIGNS)


@bp.route("/diary/<int:entry_id>/edit", methods=["GET", "POST"])
@login_required
def edit(entry_id: int) -> Any:
    entry = _own_entry(entry_id)
    if entry is None:
        return _not_found_page()
    if request.method == "GET":
        form = CrampForm(data={
            "occurred_at": d.utc_to_local(entry.occurred_at, entry.time_zone).replace(tzinfo=None),
            "location": entry.location,
            "strength": entry.strength,
            "duration_minutes": entry.duration_minutes,
            "woke_me": entry.woke_me,
            "triggers": list(d.split_list(entry.triggers)),
            "red_flags": list(d.split_list(entry.red_flags)),
            "note": entry.note,
        })
        return _form_page(form, entry, 200)
    form = CrampForm()
    # An edited time is read in the zone the entry was logged in, as the form showed it.
    data = _form_entry(form, entry.time_zone if is_valid_zone(entry.time_zone)
                       else _zone_name(current_user), _now())
    if data is None:
        return _form_page(form, entry, 422)
    for name, value in data.columns().items():
        setattr(entry, name, value)
    db.session.commit()
    flash("Entry updated.", "success")
    return redirect(url_for("diary.show", entry_id=entry.id), 303)


@bp.post("/diary/<int:entry_id>/delete")
@login_required
def delete(entry_id: int) -> Any:
    entry = _own_entry(entry_id)
    if entry is None:
        return _not_found_page()
    form = ConfirmForm(prefix="delete")
    if not form.validate_on_submit():
        flash("Please reload the page and try again.", "error")
        return redirect(url_for("diary.edit", entry_id=entry_id), 303)
    db.session.delete(entry)
    db.session.commit()
    flash("Entry deleted.", "info")
    return redirect(url_for("diary.index"), 303)


def _period_rows(user_id: int, start: date, end: date) -> dict[str, Any]:
    """Aggregate a user's diary and stretching over local dates start..end (in SQL)."""
    in_period = (CrampEntry.user_id == user_id, CrampEntry.local_date.between(start, end))
    row = db.session.execute(
        db.select(
            func.count(CrampEntry.id),
            func.count(func.distinct(CrampEntry.local_date)),
            func.coalesce(func.sum(CrampEntry.strength), 0),
            func.max(CrampEntry.strength),
            func.count(CrampEntry.duration_minutes),
            func.coalesce(func.sum(CrampEntry.duration_minutes), 0),
            func.max(CrampEntry.duration_minutes),
            func.coalesce(func.sum(case((CrampEntry.woke_me.is_(True), 1), else_=0)), 0),
            func.coalesce(func.sum(case((CrampEntry.red_flags != "", 1), else_=0)), 0),
        ).where(*in_period)
    ).one()
    totals = d.CrampTotals(*(int(v) if v is not None else None for v in row))

    def grouped(column: Any) -> list[tuple[str, int]]:
        result = db.session.execute(
            db.select(column, func.count()).where(*in_period).group_by(column)
        ).all()
        return [(str(value), int(count)) for value, count in result]

    done = (Completion.user_id == user_id, Completion.local_date.between(start, end))
    adherence = db.session.execute(
        db.select(
            func.count(func.distinct(case((Completion.finished.is_(True), Completion.local_date)))),
            func.coalesce(func.sum(case((Completion.finished.is_(True), 1), else_=0)), 0),
            func.coalesce(func.sum(case((Completion.finished.is_(True), 0), else_=1)), 0),
            func.coalesce(func.sum(Completion.seconds_done), 0),
        ).where(*done)
    ).one()
    return {
        "totals": totals,
        "triggers": grouped(CrampEntry.triggers),
        "flags": grouped(CrampEntry.red_flags),
        "locations": grouped(CrampEntry.location),
        "adherence": d.Adherence(*(int(v) for v in adherence)),
    }


@bp.get("/diary/patterns")
@login_required
def patterns() -> Any:
    user_id = current_user.id
    today = _today(current_user, _now())
    first, last = d.pattern_window(today)
    cramp_days = dict(db.session.execute(
        db.select(CrampEntry.local_date, func.count())
        .where(CrampEntry.user_id == user_id, CrampEntry.local_date.between(first, last))
        .group_by(CrampEntry.local_date)
    ).all())
    active = db.session.execute(
        db.select(Completion.local_date)
        .where(Completion.user_id == user_id, Completion.finished.is_(True),
               Completion.local_date.between(first, last))
        .group_by(Completion.local_date)
    ).scalars().all()
    weeks = d.weekly_series(today, cramp_days, active)
    facts = _period_rows(user_id, first, last)
    triggers = d.count_lists(facts["triggers"], list(d.TRIGGERS))
    rising = d.rising_trend(weeks)
    return render_template(
        "diary/patterns.html",
        weeks=weeks,
        chart=d.chart(weeks),
        first=first,
        last=last,
        total=sum(w.cramps for w in weeks),
        active_total=sum(w.active_days for w in weeks),
        triggers=[(d.TRIGGERS[t], n) for t, n in triggers[:3]],
        areas=[(d.AREA_LABELS[a], n) for a, n in d.count_areas(facts["locations"])],
        locations=[(d.LOCATIONS[loc], n) for loc, n in d.rank_locations(facts["locations"])[:3]],
        suggestion=d.suggest(triggers, catalog().routines.values()),
        rising=rising,
        doctor_reasons=d.doctor_reasons(facts["totals"].red_flag_entries, rising),
    )


def _summary(today: date) -> tuple[d.Summary | None, str | None, dict[str, str]]:
    """Return the summary for the requested period, or the reason the period is not valid."""
    raw = {"from": request.args.get("from", ""), "to": request.args.get("to", "")}
    try:
        period = d.parse_period(raw, today)
    except d.EntryError as exc:
        return None, exc.message, raw
    facts = _period_rows(current_user.id, period.start, period.end)
    summary = d.build_summary(period, facts["totals"], facts["triggers"], facts["flags"],
                              facts["locations"], facts["adherence"])
    return summary, None, {"from": period.start.isoformat(), "to": period.end.isoformat()}


@bp.get("/diary/summary")
@login_required
def summary() -> Any:
    now = _now()
    today = _today(current_user, now)
    result, error, chosen = _summary(today)
    entries = []
    if result is not None:
        rows = db.session.execute(
            db.select(CrampEntry)
            .where(CrampEntry.user_id == current_user.id,
                   CrampEntry.local_date.between(result.period.start, result.period.end))
            .order_by(CrampEntry.occurred_at, CrampEntry.id)
        ).scalars().all()
        entries = [d.entry_view(r) for r in rows]
    return render_template(
        "diary/summary.html",
        summary=result,
        error=error,
        chosen=chosen,
        entries=entries,
        today=today,
        prepared=f"{d.utc_to_local(now, _zone_name(current_user)):%d %b %Y}",
        triggers=d.TRIGGERS,
        locations=d.LOCATIONS,
        areas=d.AREA_LABELS,
        red_flags=d.RED_FLAGS,
    ), (422 if error else 200)


@bp.get("/diary/summary.csv")
@login_required
def summary_csv() -> Any:
    result, error, _chosen = _summary(_today(current_user, _now()))
    if result is None:
        return Response(f"{error}\n", status=422, mimetype="text/plain")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(("section", "item", "value"))
    writer.writerows(d.summary_rows(result))
    name = CSV_NAME.format(start=result.period.start, end=result.period.end)
    return Response(
        buffer.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


# ---- the JSON API --------------------------------------------------------------------------------


def _json_entry_error(exc: d.EntryError) -> Any:
    status, code = (400, "bad_json") if exc.field == "body" else (422, "invalid")
    return json_error(status, code, exc.message, field=exc.field)


def _json_body() -> bytes | None:
    """Return the raw body when it is declared as JSON, else None."""
    return request.get_data(cache=True) if request.is_json else None


@bp.get("/api/cramps")
@login_required
def api_list() -> Any:
    query = db.select(CrampEntry).where(CrampEntry.user_id == current_user.id)
    for name in ("from", "to"):
        raw = request.args.get(name)
        if raw:
            try:
                day = d.parse_day(raw, name)
            except d.EntryError as exc:
                return json_error(422, "invalid", exc.message, field=name)
            column = CrampEntry.local_date
            query = query.where(column >= day if name == "from" else column <= day)
    rows = db.session.execute(
        query.order_by(CrampEntry.occurred_at.desc(), CrampEntry.id.desc())
    ).scalars().all()
    return jsonify({"cramps": [d.entry_json(r) for r in rows]})


@bp.post("/api/cramps")
@login_required
def api_create() -> Any:
    raw = _json_body()
    if raw is None:
        return json_error(415, "unsupported_media_type",
                          "Send a JSON object with Content-Type: application/json.")
    try:
        client_id, data = d.parse_body(raw, _now(), new=True)
    except d.EntryError as exc:
        return _json_entry_error(exc)
    values = {"user_id": current_user.id, **data.columns()}
    if client_id is None:
        entry = CrampEntry(client_id=str(uuid.uuid4()), **values)
        db.session.add(entry)
        db.session.commit()
        return _created(entry)
    new_id = db.session.execute(_insert({**values, "client_id": client_id})).scalar_one_or_none()
    entry = db.session.execute(
        db.select(CrampEntry).where(CrampEntry.user_id == current_user.id,
                                    CrampEntry.client_id == client_id)
    ).scalar_one()
    db.session.commit()
    if new_id is not None:
        return _created(entry)
    if d.same_content(entry, data):
        return jsonify(d.entry_json(entry)), 200
    return json_error(409, "conflict",
                      "An entry with this id was already saved with other content.", field="id")


def _created(entry: CrampEntry) -> Any:
    response = jsonify(d.entry_json(entry))
    response.status_code = 201
    response.headers["Location"] = url_for("diary.api_entry", entry_id=entry.id)
    return response


@bp.route("/api/cramps/<int:entry_id>", methods=["GET", "PUT", "DELETE"])
@login_required
def api_entry(entry_id: int) -> Any:
    entry = _own_entry(entry_id)
    if entry is None:
        return json_error(404, "not_found", "There is no diary entry with this id.")
    if request.method == "GET":
        return jsonify(d.entry_json(entry))
    if request.method == "DELETE":
        db.session.delete(entry)
        db.session.commit()
        return "", 204
    raw = _json_body()
    if raw is None:
        return json_error(415, "unsupported_media_type",
                          "Send a JSON object with Content-Type: application/json.")
    try:
        _client_id, data = d.parse_body(raw, _now(), new=False)
    except d.EntryError as exc:
        return _json_entry_error(exc)
    for name, value in data.columns().items():
        setattr(entry, name, value)
    db.session.commit()
    return jsonify(d.entry_json(entry))

