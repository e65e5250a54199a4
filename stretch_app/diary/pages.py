"""The diary's pages: the list, the entry form, one entry, patterns and the doctor summary."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from typing import Any

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    IntegerField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Optional

from ..charts import patterns_chart
from ..extensions import db
from ..forms import ConfirmForm
from ..inputs import InputError, today_for, zone_name_of
from ..models import CrampEntry
from ..plans.outcome import LOG_NIGHTS
from ..plans.outcome import rows as outcome_rows
from ..plans.store import GuestEnrolment, enrolments_in, plan_state
from ..timezones import is_valid_zone
from ..views.common import catalog
from . import bp, queries
from . import entries as e
from . import patterns as p
from . import summary as s
from .wording import day_text, number_text

PAGE_SIZE = 20
CSV_NAME = "limber-cramp-summary-{start}-to-{end}.csv"


def _now() -> datetime:
    return datetime.now(UTC)


def _not_found_page() -> Any:
    return render_template("error.html", status=404, title=_("Not found"),
                           message=_("There is no diary entry at this address.")), 404


# ---- the entry form ----------------------------------------------------------------------------


class CrampForm(FlaskForm):
    occurred_at = DateTimeLocalField(
        _l("When"), format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
        validators=[InputRequired(_l("Enter when the cramp happened."))],
    )
    # The template draws the options; the diary's rules check them (with clearer messages).
    location = StringField(_l("Where"), validators=[InputRequired(_l("Choose where it was."))])
    strength = IntegerField(_l("How strong (1 = barely, 10 = worst)"),
                            validators=[InputRequired(_l("Choose how strong it was, 1 to 10."))])
    duration_minutes = IntegerField(_l("How long, in minutes"), validators=[Optional()])
    woke_me = BooleanField(_l("It woke me up"))
    triggers = SelectMultipleField(_l("Likely triggers"), validate_choice=False)
    red_flags = SelectMultipleField(_l("Warning signs"), validate_choice=False)
    note = TextAreaField(_l("Note"))


def _form_entry(form: CrampForm, zone_name: str, now: datetime) -> e.CrampData | None:
    """Validate a submitted form into an entry, or put the reasons on the form and return None."""
    if not form.validate_on_submit():
        return None
    try:
        return e.build_entry(
            occurred_at=e.local_to_utc(form.occurred_at.data, zone_name),
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
    except InputError as exc:
        target = getattr(form, exc.field, None) or form.occurred_at
        target.errors = [*target.errors, exc.message]
        return None


def _when_value(form: CrampForm) -> str:
    """Return the datetime-local value to show: the parsed time, else nothing."""
    # A datetime-local input takes no other value; the field's error says what was wrong.
    field = form.occurred_at
    return f"{field.data:%Y-%m-%dT%H:%M}" if isinstance(field.data, datetime) else ""


def _local_input(instant: datetime, zone_name: str) -> str:
    """Return an instant as a datetime-local value in a zone (to the minute)."""
    return f"{e.utc_to_local(instant, zone_name):%Y-%m-%dT%H:%M}"


def _form_page(form: CrampForm, entry: CrampEntry | None, status: int) -> Any:
    return render_template(
        "diary/form.html",
        form=form,
        when_value=_when_value(form),
        entry=entry,
        locations=e.LOCATIONS,
        triggers=e.TRIGGERS,
        red_flags=e.RED_FLAGS,
        doctor_signs=e.DOCTOR_SIGNS,
        strengths=range(e.STRENGTH_MIN, e.STRENGTH_MAX + 1),
        note_max=e.NOTE_MAX,
        max_when=_local_input(_now() + e.FUTURE_TOLERANCE, zone_name_of(current_user)),
        delete_form=ConfirmForm(prefix="delete") if entry else None,
    ), status


# ---- entries -----------------------------------------------------------------------------------


@bp.get("/diary")
@login_required
def index() -> Any:
    raw_page = request.args.get("page", "1")
    page = int(raw_page) if raw_page.isdigit() and 0 < len(raw_page) < 6 else 1
    page = max(1, page)
    rows = queries.newest_entries(current_user.id, PAGE_SIZE + 1, (page - 1) * PAGE_SIZE)
    return render_template(
        "diary/index.html",
        entries=[e.entry_view(r) for r in rows[:PAGE_SIZE]],
        page=page,
        has_more=len(rows) > PAGE_SIZE,
    )


@bp.route("/diary/new", methods=["GET", "POST"])
@login_required
def new() -> Any:
    zone_name = zone_name_of(current_user)
    now = _now()
    form = CrampForm()
    if request.method == "GET":
        form.occurred_at.data = e.utc_to_local(now, zone_name).replace(
            second=0, microsecond=0, tzinfo=None
        )
        wanted = request.args.get("location")
        if wanted in e.LOCATIONS:
            form.location.data = wanted
        return _form_page(form, None, 200)
    data = _form_entry(form, zone_name, now)
    if data is None:
        return _form_page(form, None, 422)
    entry, _saved = queries.add_entry(current_user.id, data)
    db.session.commit()
    flash(_("Saved to your diary."), "success")
    return redirect(url_for("diary.show", entry_id=entry.id), 303)


@bp.get("/diary/<int:entry_id>")
@login_required
def show(entry_id: int) -> Any:
    entry = queries.own_entry(current_user.id, entry_id)
    if entry is None:
        return _not_found_page()
    return render_template("diary/entry.html", entry=e.entry_view(entry),
                           doctor_signs=e.DOCTOR_SIGNS)


@bp.route("/diary/<int:entry_id>/edit", methods=["GET", "POST"])
@login_required
def edit(entry_id: int) -> Any:
    entry = queries.own_entry(current_user.id, entry_id)
    if entry is None:
        return _not_found_page()
    if request.method == "GET":
        form = CrampForm(data={
            "occurred_at": e.utc_to_local(entry.occurred_at, entry.time_zone).replace(tzinfo=None),
            "location": entry.location,
            "strength": entry.strength,
            "duration_minutes": entry.duration_minutes,
            "woke_me": entry.woke_me,
            "triggers": list(e.split_list(entry.triggers)),
            "red_flags": list(e.split_list(entry.red_flags)),
            "note": entry.note,
        })
        return _form_page(form, entry, 200)
    form = CrampForm()
    # An edited time is read in the zone the entry was logged in, as the form showed it.
    zone_name = entry.time_zone if is_valid_zone(entry.time_zone) else zone_name_of(current_user)
    data = _form_entry(form, zone_name, _now())
    if data is None:
        return _form_page(form, entry, 422)
    queries.update_entry(entry, data)
    db.session.commit()
    flash(_("Entry updated."), "success")
    return redirect(url_for("diary.show", entry_id=entry.id), 303)


@bp.post("/diary/<int:entry_id>/delete")
@login_required
def delete(entry_id: int) -> Any:
    entry = queries.own_entry(current_user.id, entry_id)
    if entry is None:
        return _not_found_page()
    form = ConfirmForm(prefix="delete")
    if not form.validate_on_submit():
        flash(_("Please reload the page and try again."), "error")
        return redirect(url_for("diary.edit", entry_id=entry_id), 303)
    db.session.delete(entry)
    db.session.commit()
    flash(_("Entry deleted."), "info")
    return redirect(url_for("diary.index"), 303)


# ---- patterns and the doctor summary -----------------------------------------------------------


@bp.get("/diary/patterns")
@login_required
def patterns() -> Any:
    user_id = current_user.id
    today = today_for(current_user, _now())
    first, last = p.pattern_window(today)
    weeks = p.weekly_series(today, queries.cramps_by_day(user_id, first, last),
                            queries.active_days(user_id, first, last))
    facts = queries.period_facts(user_id, first, last)
    triggers = p.count_lists(facts.triggers, list(e.TRIGGERS))
    first_entry = queries.first_entry_date(user_id)
    trend = p.compare_weeks(weeks, first_entry)
    return render_template(
        "diary/patterns.html",
        weeks=weeks,
        chart=patterns_chart(weeks),
        first_text=day_text(first, "d MMM y"),
        last_text=day_text(last, "d MMM y"),
        total=sum(w.cramps for w in weeks),
        active_total=sum(w.active_days for w in weeks),
        triggers=[(str(e.TRIGGERS[t]), n) for t, n in triggers[:3]],
        areas=[(str(e.AREA_LABELS[a]), n) for a, n in p.count_areas(facts.locations)],
        locations=[(str(e.LOCATIONS[loc]), n)
                   for loc, n in p.rank_locations(facts.locations)[:3]],
        suggestion=p.suggest(triggers, catalog().routines.values(), facts.totals.count),
        trend_note=p.trend_note(trend, p.diary_weeks(today, first_entry)),
        doctor_reasons=p.doctor_reasons(facts.totals.red_flag_entries, trend),
    )


def _is_date(text: str) -> bool:
    """Tell whether text is a YYYY-MM-DD date: a date input shows nothing else."""
    try:
        return len(text) == 10 and date.fromisoformat(text) is not None
    except ValueError:
        return False


def _summary(today: date) -> tuple[s.Summary | None, str | None, str, dict[str, str]]:
    """Return (summary, error, the period in words, the dates the form shows)."""
    raw = {"from": request.args.get("from", ""), "to": request.args.get("to", "")}
    first_entry = queries.first_entry_date(current_user.id)
    try:
        period = s.parse_period(raw, today, first_entry)
    except InputError as exc:
        return None, exc.message, "", {k: v if _is_date(v) else "" for k, v in raw.items()}
    facts = queries.period_facts(current_user.id, period.start, period.end)
    summary = s.build_summary(period, facts.totals, facts.triggers, facts.flags,
                              facts.locations, facts.adherence)
    chosen = {"from": period.start.isoformat(), "to": period.end.isoformat()}
    return summary, None, s.describe_period(period, raw, first_entry), chosen


def _plans(period: s.Period, today: date) -> list[dict[str, Any]]:
    """Return the plans whose days overlap the period: each one's section and cramp figures."""
    shown = []
    for row, plan in enrolments_in(current_user.id, period.start, period.end):
        # A detached copy: the summary only reads, and a plan's own pages mark it finished.
        copy = GuestEnrolment(row.plan_slug, row.start, row.status, row.paused_on, row.pauses)
        left = row.status == "left" and row.ended_on is not None
        state = plan_state(current_user.id, copy, plan, row.ended_on if left else today)
        p = state.progress
        section = s.plan_section(
            plan.title, copy.status, row.start, p.end, row.ended_on, row.paused_on,
            p.day_number, [status for week in state.weeks for _day, status in week],
            p.sessions_planned)
        figures = None
        if plan.aims_at_cramps and state.outcome is not None:
            o = state.outcome
            figures = {
                "before": o.before.label if o.before else _("Before the plan"),
                "during": o.during.label if o.during else _("During the plan"),
                "rows": outcome_rows(o),
                # The nudge to log quiet nights speaks to the person, not to their doctor.
                "note": o.note.replace(str(LOG_NIGHTS), "").strip(),
            }
        shown.append({"section": section, "figures": figures})
    return shown


@bp.get("/diary/summary")
@login_required
def summary() -> Any:
    now = _now()
    today = today_for(current_user, now)
    result, error, period, chosen = _summary(today)
    entries, plans = [], []
    if result is not None:
        rows = queries.entries_between(current_user.id, result.period.start, result.period.end)
        entries = [e.entry_view(r) for r in rows]
        plans = _plans(result.period, today)
    return render_template(
        "diary/summary.html",
        summary=result,
        error=error,
        period=period,
        chosen=chosen,
        entries=entries,
        plans=plans,
        today=today,
        prepared=day_text(e.utc_to_local(now, zone_name_of(current_user)).date()),
        triggers=e.TRIGGERS,
        locations=e.LOCATIONS,
        areas=e.AREA_LABELS,
        red_flags=e.RED_FLAGS,
        number=number_text,
    ), (422 if error else 200)


@bp.get("/diary/summary.csv")
@login_required
def summary_csv() -> Any:
    today = today_for(current_user, _now())
    result, error, _period, _chosen = _summary(today)
    if result is None:
        return Response(f"{error}\n", status=422, mimetype="text/plain")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(("section", "item", "value"))
    writer.writerows(s.summary_rows(result))
    writer.writerows(s.plan_rows(p["section"] for p in _plans(result.period, today)))
    name = CSV_NAME.format(start=result.period.start, end=result.period.end)
    return Response(
        buffer.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
