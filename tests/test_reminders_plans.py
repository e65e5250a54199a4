"""Reminders that follow the person's plan: the day's session, quiet rest and done days."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from stretch_app.extensions import db
from stretch_app.reminders.cli import reminders_cli
from stretch_app.reminders.models import ReminderSend

from .helpers import ROOT, completion_body, sign_up
from .push_receiver import PushReceiver

LONDON = ZoneInfo("Europe/London")
SIX_WEEKS = "six-weeks-bedtime-calf-and-hamstring"
NIGHTLY = "bedtime-calf-and-hamstring-stretch"
DESK = {1: "chair-back-reset", 2: "desk-breathing-break", 3: "standing-stretch-break",
        4: "chair-back-reset", 5: "full-chair-stretch"}  # desk-back's Monday to Friday
EVERY_DAY = {"days": [1, 2, 3, 4, 5, 6, 7], "time": "21:30", "routine": "plan"}


@pytest.fixture
def library_app(make_app: Callable[..., Flask]) -> Flask:
    """The app with the real content library, which holds the plans."""
    return make_app(CONTENT_DIR=str(ROOT / "routines"))


@pytest.fixture
def member(library_app: Flask) -> Iterator[FlaskClient]:
    """A client signed in as 'sam' (Europe/London) on the real library."""
    with library_app.test_client() as client:
        sign_up(client)
        yield client


@pytest.fixture
def receiver() -> Iterator[PushReceiver]:
    with PushReceiver() as push_service:
        yield push_service


def subscribe(client: FlaskClient, receiver: PushReceiver) -> None:
    flat = receiver.subscription("/push/phone")
    body = {"endpoint": flat["endpoint"], "keys": {"p256dh": flat["p256dh"],
                                                   "auth": flat["auth"]}}
    assert client.post("/api/push-subscriptions", json=body).status_code == 201


def start(client: FlaskClient, plan: str) -> date:
    """Start a plan through the API; return its first day."""
    response = client.post("/api/plan", json={"plan": plan})
    assert response.status_code == 201, response.get_json()
    return date.fromisoformat(response.get_json()["start"])


def add_reminder(client: FlaskClient, **changes: Any) -> dict[str, Any]:
    response = client.post("/api/reminders", json={**EVERY_DAY, **changes})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def send_on(app: Flask, day: date) -> None:
    """Run `flask reminders send` a minute after 21:30 London time on a local date."""
    moment = datetime.combine(day, time(21, 31), tzinfo=LONDON).astimezone(UTC)
    result = app.test_cli_runner().invoke(reminders_cli, ["send", "--at", moment.isoformat()])
    assert result.exit_code == 0, result.output


def outcomes(app: Flask) -> list[tuple[date, str]]:
    with app.app_context():
        return [(r.local_date, r.outcome) for r in db.session.execute(
            select(ReminderSend).order_by(ReminderSend.local_date)).scalars()]


def first_day(after: date, weekdays: set[int]) -> date:
    """Return the first date after `after` whose ISO weekday is one of these."""
    day = after + timedelta(days=1)
    while day.isoweekday() not in weekdays:
        day += timedelta(days=1)
    return day


def test_a_plan_reminder_suggests_the_plans_routine_and_is_quiet_on_rest_days(
        library_app: Flask, member: FlaskClient, receiver: PushReceiver) -> None:
    subscribe(member, receiver)
    day_one = start(member, "desk-back")  # weekdays have a routine; weekends are rest days
    add_reminder(member)
    weekday = first_day(day_one, {1, 2, 3, 4, 5})
    saturday = first_day(day_one, {6})
    send_on(library_app, weekday)
    send_on(library_app, saturday)
    [message] = receiver.received
    number = (weekday - day_one).days + 1
    routine = DESK[weekday.isoweekday()]
    assert message.payload["url"] == f"/routines/{routine}/play"
    assert message.payload["body"].startswith(f"Day {number} of your plan: ")
    assert sorted(outcomes(library_app)) == sorted([(weekday, "sent"), (saturday, "rest")])


def finish_today(client: FlaskClient, routine: str) -> None:
    """Post a session of a routine finished a minute ago."""
    now = datetime.now(UTC)
    body = completion_body(routine=routine, started_at=(now - timedelta(minutes=2)).isoformat(),
                           ended_at=(now - timedelta(minutes=1)).isoformat())
    assert client.post("/api/completions", json=body).status_code == 201


def test_a_plan_reminder_is_quiet_once_the_days_session_is_done(
        library_app: Flask, member: FlaskClient, receiver: PushReceiver) -> None:
    subscribe(member, receiver)
    day_one = start(member, SIX_WEEKS)
    add_reminder(member)
    finish_today(member, NIGHTLY)
    tomorrow = day_one + timedelta(days=1)
    send_on(library_app, day_one)
    send_on(library_app, tomorrow)
    assert outcomes(library_app) == [(day_one, "done"), (tomorrow, "sent")]
    [message] = receiver.received
    assert message.payload["body"].startswith("Day 2 of your plan: ")


def test_another_routine_done_is_not_the_plans_session(
        library_app: Flask, member: FlaskClient, receiver: PushReceiver) -> None:
    subscribe(member, receiver)
    day_one = start(member, SIX_WEEKS)
    add_reminder(member)
    finish_today(member, "quick-calf-reset")
    send_on(library_app, day_one)
    assert outcomes(library_app) == [(day_one, "sent")]
    assert receiver.received[0].payload["url"] == f"/routines/{NIGHTLY}/play"


def test_a_paused_plan_falls_back_to_something_short_for_the_usual_area(
        library_app: Flask, member: FlaskClient, receiver: PushReceiver) -> None:
    subscribe(member, receiver)
    day_one = start(member, SIX_WEEKS)
    add_reminder(member)
    assert member.post("/api/plan/pause").get_json()["status"] == "paused"
    tomorrow = day_one + timedelta(days=1)
    send_on(library_app, tomorrow)
    [message] = receiver.received
    assert outcomes(library_app) == [(tomorrow, "sent")]
    assert not message.payload["body"].startswith("Day ")
    assert message.payload["url"].startswith("/routines/")
    # Resumed, it follows the plan again.
    assert member.post("/api/plan/resume").get_json()["status"] == "active"
    send_on(library_app, tomorrow + timedelta(days=1))
    assert receiver.received[1].payload["body"].startswith("Day 3 of your plan: ")


def test_a_plan_reminder_without_any_plan_still_suggests_something(
        library_app: Flask, member: FlaskClient, receiver: PushReceiver) -> None:
    subscribe(member, receiver)
    add_reminder(member)
    day = datetime.now(LONDON).date() + timedelta(days=1)
    send_on(library_app, day)
    [message] = receiver.received
    assert outcomes(library_app) == [(day, "sent")]
    assert message.payload["url"].endswith("/play")


def test_the_api_round_trips_the_plan_choice(member: FlaskClient) -> None:
    made = add_reminder(member)
    assert made["routine"] == "plan"
    assert made["routine_title"] == "Your plan’s session for the day"
    listed = member.get("/api/reminders").get_json()["reminders"]
    assert [r["routine"] for r in listed] == ["plan"]
    changed = member.put(f"/api/reminders/{made['id']}", json={**EVERY_DAY, "routine": None})
    assert changed.get_json()["routine"] is None
    again = member.put(f"/api/reminders/{made['id']}", json={**EVERY_DAY, "routine": "plan"})
    assert again.status_code == 200 and again.get_json()["routine"] == "plan"
    refused = member.post("/api/reminders", json={**EVERY_DAY, "routine": "plans"})
    assert refused.status_code == 422 and refused.get_json()["error"]["field"] == "routine"


def test_the_calendar_says_todays_session_of_your_plan(member: FlaskClient) -> None:
    made = add_reminder(member)
    start(member, SIX_WEEKS)
    ics = member.get(made["calendar_url"]).get_data()
    [event] = icalendar.Calendar.from_ical(ics).walk("VEVENT")
    assert str(event["DESCRIPTION"]) == "Today's session of your plan. Open Limber to start."
    assert str(event["URL"]) == "http://localhost/"  # the home page shows the day's session


def test_the_form_offers_the_plan_and_the_list_says_so(member: FlaskClient) -> None:
    form = member.get("/settings/reminders/new").get_data(as_text=True)
    assert '<option value="plan">My plan’s session</option>' in form
    saved = member.post("/settings/reminders/new", data={
        "time": "21:30", "repeat": "every", "routine": "plan", "enabled": "y"})
    assert saved.status_code == 303
    page = member.get("/settings/reminders").get_data(as_text=True)
    assert "Your plan’s session for the day" in page
    edit = member.get("/settings/reminders/1/edit").get_data(as_text=True)
    assert '<option value="plan" selected>' in edit
