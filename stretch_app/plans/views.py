"""What the plan pages and the API share: today in the person's zone, and the JSON shapes."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from flask import session, url_for
from flask_login import current_user

from ..catalog import Catalog
from ..inputs import today_for
from ..timezones import is_valid_zone, zone
from .content import Plan
from .schedule import plan_days
from .store import PlanState

GUEST_KEY = "guest_plan"  # {"plan": slug, "start": "YYYY-MM-DD", "zone": name} in the session


def local_today() -> date:
    """Return today's date for this visitor: their account's zone, or a guest plan's zone."""
    now = datetime.now(UTC)
    if current_user.is_authenticated:
        return today_for(current_user, now)
    name = (session.get(GUEST_KEY) or {}).get("zone", "UTC")
    return now.astimezone(zone(name if is_valid_zone(name) else "UTC")).date()


def routine_days(plan: Plan) -> int:
    """Return how many days of the plan have a routine (whole weeks: any start gives this)."""
    return sum(1 for day in plan_days(plan, date(2024, 1, 1)) if day.routine is not None)


def plan_summary(plan: Plan, catalog: Catalog) -> dict[str, Any]:
    """Return a plan as listed."""
    routines = sorted({s for s in plan.cycle if s is not None})
    return {"slug": plan.slug, "title": plan.title, "summary": plan.summary,
            "for_whom": plan.for_whom, "weeks": plan.weeks,
            "aims_at_cramps": plan.aims_at_cramps, "sessions": routine_days(plan),
            "routines": [{"slug": s, "title": catalog.routines[s].title,
                          "total_seconds": catalog.routines[s].total_seconds} for s in routines]}


def plan_detail(plan: Plan, catalog: Catalog) -> dict[str, Any]:
    """Return a plan with its text and its cycle of routines and rest days."""
    body = plan_summary(plan, catalog)
    body.update({"about": list(plan.about), "align": plan.align, "cycle": list(plan.cycle)})
    return body


def state_json(state: PlanState, catalog: Catalog) -> dict[str, Any]:
    """Return an enrolment's state as the API answers it."""
    p, row = state.progress, state.row
    today = None
    if p.today is not None:
        slug = p.today.routine
        today = {"date": p.today.day.isoformat(), "number": p.today.number, "routine": slug,
                 "title": catalog.routines[slug].title if slug in catalog.routines else None,
                 "url": url_for("pages.play", slug=slug) if slug else None,
                 "status": p.today_status}
    figures = None
    if state.outcome is not None:
        figures = {"before": _period(state.outcome.before), "during": _period(state.outcome.during),
                   "note": state.outcome.note}
    return {
        "plan": plan_summary(state.plan, catalog), "status": row.status,
        "start": row.start.isoformat(), "end": p.end.isoformat(),
        "day_number": p.day_number, "total_days": p.total_days, "today": today,
        "sessions_done": p.sessions_done, "sessions_planned": p.sessions_planned,
        "calendar": [[{"date": d.day.isoformat(), "number": d.number, "routine": d.routine,
                       "status": status} for d, status in week] for week in state.weeks],
        "outcome": figures,
    }


def _period(period: Any) -> dict[str, Any] | None:
    if period is None:
        return None
    return {"first": period.first.isoformat(), "last": period.last.isoformat(),
            "days": period.days, "entries": period.entries, "quiet_nights": period.quiet,
            "per_week": period.per_week, "average_strength": period.avg_strength,
            "enough": period.enough}
