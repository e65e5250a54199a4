"""History: streak cards, calendar, weekly minutes, sessions, days off, CSV download."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta
from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..charts import heatmap, weekly_bars
from ..completions import completion_json, list_completions, recent_completions
from ..diary.entries import AREA_LABELS
from ..extensions import db
from ..forms import ConfirmForm
from ..inputs import InputError, parse_date, today_for
from ..portability import CSV_FIELDS, FORMULA_STARTS
from ..stats import (
    DAY_OFF_KINDS,
    DAY_OFF_LABELS,
    active_days,
    clear_day_off,
    days_off,
    partial_days,
    seconds_by_day,
    set_day_off,
    stats_for,
)
from ..streaks import week_start
from .common import catalog

bp = Blueprint("history", __name__)
SESSIONS_SHOWN = 30


@bp.get("/history")
@login_required
def history() -> Any:
    now = datetime.now(UTC)
    today = today_for(current_user, now)
    stats = stats_for(current_user, now)
    since = week_start(today) - timedelta(weeks=25)
    off = days_off(current_user.id)
    uid = current_user.id
    cells = heatmap(today, active_days(uid, since), partial_days(uid, since), off)
    minutes_by_week: dict[date, int] = {}
    for day, seconds in seconds_by_day(current_user.id, week_start(today) - timedelta(weeks=11)
                                       ).items():
        monday = week_start(day)
        minutes_by_week[monday] = minutes_by_week.get(monday, 0) + seconds
    bars = weekly_bars(today, {k: v // 60 for k, v in minutes_by_week.items()})
    # One more than is shown, to know whether the list stops short of the whole history.
    sessions = recent_completions(current_user.id, SESSIONS_SHOWN + 1)
    upcoming_off = sorted(((d, k) for d, k in off.items() if d >= today - timedelta(days=30)),
                          reverse=True)
    return render_template(
        "history.html",
        stats=stats,
        today=today,
        cells=cells,
        bars=bars,
        sessions=sessions[:SESSIONS_SHOWN],
        more_sessions=len(sessions) > SESSIONS_SHOWN,
        # A built-in routine's title in the reader's language; others keep the stored title.
        titles={slug: routine.title for slug, routine in catalog().routines.items()},
        days_off=[(d, DAY_OFF_LABELS[k]) for d, k in upcoming_off],
        kinds=[(k, DAY_OFF_LABELS[k]) for k in DAY_OFF_KINDS],
        form=ConfirmForm(),
        active_in_calendar=sum(1 for c in cells if c.state == "active"),
        area_labels=AREA_LABELS,
    )


@bp.post("/history/days-off")
@login_required
def mark_day_off() -> Any:
    form = ConfirmForm()
    if not form.validate_on_submit():
        flash(_("Please reload the page and try again."), "error")
        return redirect(url_for("history.history")), 303
    today = today_for(current_user, datetime.now(UTC))
    try:
        day = parse_date(request.form.get("day"), "day")
        if day is None:
            raise InputError("day", _("choose a date"))
        set_day_off(current_user, day, request.form.get("kind", ""), today)
    except InputError as exc:
        flash(_("Could not mark that day: %(reason)s.", reason=exc.message), "error")
        return redirect(url_for("history.history")), 303
    db.session.commit()
    flash(_("%(day)s is marked as a day off.", day=format_date(day, "EEE d MMM")), "success")
    return redirect(url_for("history.history")), 303


@bp.post("/history/days-off/<day>/delete")
@login_required
def unmark_day_off(day: str) -> Any:
    form = ConfirmForm()
    if not form.validate_on_submit():
        flash(_("Please reload the page and try again."), "error")
        return redirect(url_for("history.history")), 303
    try:
        parsed = parse_date(day, "day")
    except InputError:
        parsed = None
    if parsed is None or not clear_day_off(current_user, parsed):
        abort(404, description=_("There is no day off on that date."))
    db.session.commit()
    flash(_("%(day)s is no longer a day off.", day=format_date(parsed, "EEE d MMM")), "success")
    return redirect(url_for("history.history")), 303


@bp.get("/history/completions.csv")
@login_required
def completions_csv() -> Any:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_FIELDS, extrasaction="ignore")
    writer.writeheader()
    for completion in list_completions(current_user, None, None):
        row = completion_json(completion)
        # A leading =, +, - or @ would make a spreadsheet run the cell as a formula.
        row["routine_title"] = _safe_cell(row["routine_title"])
        row["finished"] = "true" if row["finished"] else "false"  # as JSON spells it
        writer.writerow(row)
    return Response(
        buffer.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="limber-sessions.csv"'},
    )


def _safe_cell(value: str) -> str:
    return "'" + value if value[:1] in FORMULA_STARTS else value
