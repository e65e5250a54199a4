"""Reminders end to end: the API, sending once per local date, quiet days, push and calendar."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import icalendar
import pytest
import recurring_ical_events
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from stretch_app.extensions import db
from stretch_app.models import DayOff, User
from stretch_app.reminders.cli import reminders_cli, send_now
from stretch_app.reminders.models import PushSubscription, Reminder, ReminderSend
from stretch_app.reminders.sending import send_due

from .helpers import PASSWORD, ROOT, completion_body, sign_up
from .push_receiver import PushReceiver

BEDTIME = {"days": [1, 2, 3, 4, 5, 6, 7], "time": "21:30", "routine": "calf-reset"}
MONDAY = date(2026, 11, 2)  # London is on GMT: 21:30 local is 21:30 UTC


@pytest.fixture
def receiver() -> Any:
    with PushReceiver() as push_service:
        yield push_service


def browser_subscription(receiver: PushReceiver, path: str = "/push/sub-1") -> dict[str, Any]:
    flat = receiver.subscription(path)
    return {"endpoint": flat["endpoint"], "expirationTime": None,
            "keys": {"p256dh": flat["p256dh"], "auth": flat["auth"]}}


def subscribe(client: FlaskClient, receiver: PushReceiver, path: str = "/push/sub-1") -> None:
    response = client.post("/api/push-subscriptions", json=browser_subscription(receiver, path))
    assert response.status_code == 201, response.get_json()


def add_reminder(client: FlaskClient, **changes: Any) -> dict[str, Any]:
    response = client.post("/api/reminders", json={**BEDTIME, **changes})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def send_at(app: Flask, moment: datetime) -> str:
    result = app.test_cli_runner().invoke(reminders_cli, ["send", "--at", moment.isoformat()])
    assert result.exit_code == 0, result.output
    return result.output


def sends(app: Flask) -> list[tuple[date, str]]:
    with app.app_context():
        return [(r.local_date, r.outcome) for r in db.session.execute(
            select(ReminderSend).order_by(ReminderSend.local_date)).scalars()]


def at(day: date, hours: int, minutes: int) -> datetime:
    return datetime(day.year, day.month, day.day, hours, minutes, tzinfo=UTC)


def test_a_due_reminder_arrives_once_with_what_to_do_and_where(
        app: Flask, user_client: FlaskClient, receiver: PushReceiver) -> None:
    subscribe(user_client, receiver)
    add_reminder(user_client)
    send_at(app, at(MONDAY, 21, 29))
    assert receiver.received == []
    send_at(app, at(MONDAY, 21, 31))
    send_at(app, at(MONDAY, 21, 40))  # the loop runs every minute: still the one message
    [message] = receiver.received
    assert message.problems == []
    assert message.payload["title"] == "Time to stretch"
    assert message.payload["body"].startswith("Quick calf reset")
    assert message.payload["url"] == "/routines/calf-reset/play"
    assert sends(app) == [(MONDAY, "sent")]


def test_no_reminder_on_a_day_with_a_finished_session(
        app: Flask, user_client: FlaskClient, receiver: PushReceiver) -> None:
    subscribe(user_client, receiver)
    add_reminder(user_client)
    started = at(MONDAY, 18, 0)
    done = user_client.post("/api/completions", json=completion_body(
        started_at=started.isoformat(), ended_at=(started + timedelta(seconds=70)).isoformat()))
    assert done.status_code == 201
    send_at(app, at(MONDAY, 21, 31))
    send_at(app, at(MONDAY + timedelta(days=1), 21, 31))
    assert len(receiver.received) == 1  # Tuesday's only
    assert sends(app) == [(MONDAY, "done"), (MONDAY + timedelta(days=1), "sent")]


def test_a_routines_reminder_waits_for_that_routine_and_a_suggestion_for_any(
        app: Flask, user_client: FlaskClient, receiver: PushReceiver) -> None:
    subscribe(user_client, receiver)
    calf = add_reminder(user_client)  # Quick calf reset at 21:30
    any_routine = add_reminder(user_client, time="21:20", routine=None)
    started = at(MONDAY, 18, 0)
    done = user_client.post("/api/completions", json=completion_body(
        routine="back-unwind", started_at=started.isoformat(),
        ended_at=(started + timedelta(seconds=90)).isoformat(), seconds_done=90))
    assert done.status_code == 201, done.get_json()
    output = send_at(app, at(MONDAY, 21, 31))
    assert f"reminder {any_routine['id']} {MONDAY}: quiet (done)" in output
    assert f"reminder {calf['id']} {MONDAY}: sent" in output
    [message] = receiver.received
    assert message.payload["url"] == "/routines/calf-reset/play"


def test_a_session_stopped_part_way_does_not_keep_it_quiet(
        app: Flask, user_client: FlaskClient, receiver: PushReceiver) -> None:
    subscribe(user_client, receiver)
    add_reminder(user_client)
    started = at(MONDAY, 18, 0)
    stopped = user_client.post("/api/completions", json=completion_body(
        started_at=started.isoformat(), ended_at=(started + timedelta(seconds=30)).isoformat(),
        steps_done=1, seconds_done=30, finished=False))
    assert stopped.status_code == 201, stopped.get_json()
    send_at(app, at(MONDAY, 21, 31))
    assert len(receiver.received) == 1
    assert sends(app) == [(MONDAY, "sent")]


def test_no_reminder_on_a_day_off_or_a_day_the_schedule_leaves_out(
        app: Flask, user_client: FlaskClient, receiver: PushReceiver) -> None:
    subscribe(user_client, receiver)
    add_reminder(user_client, days=[1, 2])  # Monday and Tuesday
    with app.app_context():
        user = db.session.execute(select(User)).scalar_one()
        db.session.add(DayOff(user_id=user.id, day=MONDAY, kind="rest"))
        db.session.commit()
    for offset in range(3):  # Monday (off), Tuesday, Wednesday (not chosen)
        send_at(app, at(MONDAY + timedelta(days=offset), 21, 31))
    assert len(receiver.received) == 1
    assert sends(app) == [(MONDAY, "day-off"), (MONDAY + timedelta(days=1), "sent")]


def test_a_reminder_keeps_its_local_time_when_the_clocks_change(
        app: Flask, user_client: FlaskClient, receiver: PushReceiver) -> None:
    subscribe(user_client, receiver)
    add_reminder(user_client)
    send_at(app, datetime(2026, 3, 28, 21, 29, tzinfo=UTC))  # GMT: 21:29 local, not yet
    assert receiver.received == []
    send_at(app, datetime(2026, 3, 28, 21, 31, tzinfo=UTC))  # GMT: 21:31 local
    assert len(receiver.received) == 1
    send_at(app, datetime(2026, 3, 29, 20, 29, tzinfo=UTC))  # BST: 21:29 local, not yet
    assert len(receiver.received) == 1
    send_at(app, datetime(2026, 3, 29, 20, 31, tzinfo=UTC))  # BST: 21:31 local, an hour
    assert len(receiver.received) == 2  # earlier in UTC than the day before
    send_at(app, datetime(2026, 3, 29, 21, 31, tzinfo=UTC))  # 22:31 local: already sent
    assert len(receiver.received) == 2
    assert sends(app) == [(date(2026, 3, 28), "sent"), (date(2026, 3, 29), "sent")]


def test_a_reminder_turned_off_stays_quiet_until_turned_on(
        app: Flask, user_client: FlaskClient, receiver: PushReceiver) -> None:
    subscribe(user_client, receiver)
    made = add_reminder(user_client, enabled=False)
    send_at(app, at(MONDAY, 21, 31))
    assert receiver.received == [] and sends(app) == []
    on = user_client.put(f"/api/reminders/{made['id']}", json={**BEDTIME, "enabled": True})
    assert on.status_code == 200
    send_at(app, at(MONDAY + timedelta(days=1), 21, 31))
    assert len(receiver.received) == 1


def test_moving_a_reminder_later_the_same_day_does_not_send_it_twice(
        app: Flask, user_client: FlaskClient, receiver: PushReceiver) -> None:
    subscribe(user_client, receiver)
    made = add_reminder(user_client, time="08:00")
    send_at(app, at(MONDAY, 8, 1))
    moved = user_client.put(f"/api/reminders/{made['id']}", json={**BEDTIME, "time": "21:30"})
    assert moved.status_code == 200
    send_at(app, at(MONDAY, 21, 31))
    send_at(app, at(MONDAY + timedelta(days=1), 21, 31))
    assert len(receiver.received) == 2  # Monday at 08:00, Tuesday at 21:30
    assert sends(app) == [(MONDAY, "sent"), (MONDAY + timedelta(days=1), "sent")]


def test_runs_racing_each_other_send_exactly_one(
        app: Flask, user_client: FlaskClient, receiver: PushReceiver) -> None:
    subscribe(user_client, receiver)
    add_reminder(user_client)
    moment = at(MONDAY, 21, 31)
    start = threading.Barrier(4)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            with app.app_context():
                start.wait()
                send_now(moment)
                db.session.remove()
        except BaseException as exc:  # reported below, with the thread's own error
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    assert len(receiver.received) == 1
    assert sends(app) == [(MONDAY, "sent")]


@pytest.mark.parametrize("status", [404, 410])
def test_a_subscription_the_push_service_calls_gone_is_deleted(
        app: Flask, user_client: FlaskClient, receiver: PushReceiver, status: int) -> None:
    subscribe(user_client, receiver)
    add_reminder(user_client)
    receiver.answer(status)
    send_at(app, at(MONDAY, 21, 31))
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(PushSubscription)).scalar() == 0
    assert sends(app) == [(MONDAY, "failed")]


def test_a_reminder_without_a_routine_suggests_something_short_for_the_usual_area(
        app: Flask, user_client: FlaskClient, receiver: PushReceiver) -> None:
    subscribe(user_client, receiver)
    add_reminder(user_client, routine=None)
    send_at(app, at(MONDAY, 21, 31))  # no sessions yet: legs, the default area
    assert receiver.received[0].payload["url"] == "/routines/calf-reset/play"
    for days_before in (1, 2):  # the back on Saturday and Sunday
        started = at(MONDAY - timedelta(days=days_before), 9, 0)
        assert user_client.post("/api/completions", json=completion_body(
            routine="back-unwind", started_at=started.isoformat(),
            ended_at=(started + timedelta(seconds=90)).isoformat(),
            seconds_done=90)).status_code == 201
    send_at(app, at(MONDAY + timedelta(days=1), 21, 31))
    assert receiver.received[1].payload["url"] == "/routines/back-unwind/play"
    assert receiver.received[1].payload["body"].startswith("Back unwind · ")


def test_the_push_test_button_reaches_every_device(
        user_client: FlaskClient, receiver: PushReceiver) -> None:
    assert user_client.post("/api/push/test").status_code == 409  # no device yet
    subscribe(user_client, receiver, "/push/phone")
    subscribe(user_client, receiver, "/push/laptop")
    response = user_client.post("/api/push/test")
    assert response.get_json() == {"sent": 2, "failed": 0}
    assert sorted(m.path for m in receiver.received) == ["/push/laptop", "/push/phone"]


def test_the_public_key_is_the_one_messages_are_signed_with(
        client: FlaskClient, receiver: PushReceiver) -> None:
    answer = client.get("/api/push/public-key")  # before signing in, as the page may ask
    assert answer.status_code == 200
    key = answer.get_json()["public_key"]
    sign_up(client)
    subscribe(client, receiver)
    assert client.post("/api/push/test").get_json() == {"sent": 1, "failed": 0}
    assert receiver.received[0].vapid_key == key


def test_a_run_that_dies_while_sending_does_not_send_again_after_a_restart(
        app: Flask, user_client: FlaskClient, receiver: PushReceiver) -> None:
    subscribe(user_client, receiver)
    add_reminder(user_client)
    moment = at(MONDAY, 21, 31)

    def dies(*_args: Any) -> Any:
        raise SystemExit("the machine went down mid-send")

    with app.app_context(), app.test_request_context("/"), pytest.raises(SystemExit):
        send_due(moment, app.extensions["limber_catalog"], dies)
    send_at(app, moment + timedelta(minutes=1))  # the restarted loop's next round
    assert receiver.received == []  # at most once: the claim outlived the run
    assert sends(app) == [(MONDAY, "sending")]


def test_unsubscribing_and_deleting_the_account_remove_subscriptions(
        app: Flask, user_client: FlaskClient, receiver: PushReceiver) -> None:
    subscribe(user_client, receiver, "/push/a")
    subscribe(user_client, receiver, "/push/b")
    gone = user_client.delete("/api/push-subscriptions",
                              json={"endpoint": receiver.endpoint("/push/a")})
    assert gone.status_code == 204
    with app.app_context():
        assert db.session.execute(select(PushSubscription.endpoint)).scalars().all() == [
            receiver.endpoint("/push/b")]
    deleted = user_client.post("/settings/delete", data={"del-password": PASSWORD})
    assert deleted.status_code in (302, 303)
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(PushSubscription)).scalar() == 0


@pytest.mark.parametrize("endpoint", [
    "http://push.example.com/send/1",
    "https://10.0.0.7/send/1",
    "https://[::1]/send/1",
    "https://169.254.169.254/latest",
])
def test_a_subscription_to_a_private_or_plain_http_address_is_refused(
        app: Flask, user_client: FlaskClient, endpoint: str) -> None:
    body = {"endpoint": endpoint, "keys": {"p256dh": "B" * 87, "auth": "A" * 22}}
    response = user_client.post("/api/push-subscriptions", json=body)
    assert response.status_code == 422
    assert response.get_json()["error"]["field"] == "endpoint"
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(PushSubscription)).scalar() == 0


def test_reminders_can_be_listed_changed_and_deleted(user_client: FlaskClient) -> None:
    made = add_reminder(user_client, days=[1, 2, 3, 4, 5], time="08:00", routine=None)
    assert made["days_text"] == "Weekdays" and made["time_zone"] == "Europe/London"
    assert made["next_at"] is not None
    changed = user_client.put(f"/api/reminders/{made['id']}",
                              json={**BEDTIME, "enabled": False})
    assert changed.status_code == 200
    assert changed.get_json()["enabled"] is False and changed.get_json()["next_at"] is None
    listed = user_client.get("/api/reminders").get_json()["reminders"]
    assert [(r["time"], r["routine"]) for r in listed] == [("21:30", "calf-reset")]
    assert user_client.delete(f"/api/reminders/{made['id']}").status_code == 204
    assert user_client.get("/api/reminders").get_json() == {"reminders": []}


@pytest.mark.parametrize(("change", "field"), [
    ({"time": "25:00"}, "time"),
    ({"time": "9:30"}, "time"),
    ({"days": []}, "days"),
    ({"days": [0]}, "days.0"),
    ({"days": ["mon"]}, "days.0"),
    ({"routine": "no-such-routine"}, "routine"),
    ({"colour": "red"}, "colour"),
])
def test_a_bad_reminder_is_refused_with_the_field_named_and_nothing_saved(
        user_client: FlaskClient, change: dict[str, Any], field: str) -> None:
    response = user_client.post("/api/reminders", json={**BEDTIME, **change})
    assert response.status_code == 422
    assert response.get_json()["error"]["field"] == field
    assert user_client.get("/api/reminders").get_json() == {"reminders": []}


def test_another_persons_reminder_is_not_found(app: Flask, user_client: FlaskClient) -> None:
    made = add_reminder(user_client)
    user_client.post("/logout")
    sign_up(user_client, login="alex")
    assert user_client.put(f"/api/reminders/{made['id']}", json=BEDTIME).status_code == 404
    assert user_client.delete(f"/api/reminders/{made['id']}").status_code == 404
    assert user_client.get(f"/reminders/{made['id']}.ics").status_code == 404
    assert user_client.post(f"/api/reminders/{made['id']}/feed").status_code == 404
    assert user_client.get("/api/reminders").get_json() == {"reminders": []}
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(Reminder)).scalar() == 1


@pytest.mark.parametrize("reminder_id", ["0", "999999", "7024754526993", "9" * 25])
def test_a_reminder_id_that_cannot_exist_is_not_found(user_client: FlaskClient,
                                                      reminder_id: str) -> None:
    # Ids past 32 bits used to reach PostgreSQL, which refused them with a server error.
    assert user_client.delete(f"/api/reminders/{reminder_id}").status_code == 404
    assert user_client.put(f"/api/reminders/{reminder_id}", json=BEDTIME).status_code == 404


def occurrences(ics: bytes, start: datetime, end: datetime) -> list[datetime]:
    calendar = icalendar.Calendar.from_ical(ics)
    return [e["DTSTART"].dt for e in recurring_ical_events.of(calendar).between(start, end)]


# A Saturday and Sunday reminder at 21:30 in London, around each clock change of 2027:
# (from, to, local dates, UTC times). The clocks go forward on 28 March, back on 31 October.
CLOCK_CHANGES = [
    ("2027-03-20", "2027-04-05",
     ["2027-03-20", "2027-03-21", "2027-03-27", "2027-03-28", "2027-04-03", "2027-04-04"],
     ["21:30"] * 3 + ["20:30"] * 3),
    ("2027-10-23", "2027-11-08",
     ["2027-10-23", "2027-10-24", "2027-10-30", "2027-10-31", "2027-11-06", "2027-11-07"],
     ["20:30"] * 3 + ["21:30"] * 3),
]


def test_the_calendar_file_repeats_at_local_time_across_the_clock_change(
        user_client: FlaskClient) -> None:
    made = add_reminder(user_client, days=[6, 7])
    response = user_client.get(made["calendar_url"])
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    ics = response.get_data()
    lines = ics.split(b"\r\n")
    assert all(len(line) <= 75 for line in lines)
    assert b"\n" not in ics.replace(b"\r\n", b"")
    calendar = icalendar.Calendar.from_ical(ics)
    [event] = calendar.walk("VEVENT")
    assert event["UID"] and event["DTSTAMP"]
    [alarm] = event.walk("VALARM")
    assert alarm["ACTION"] == "DISPLAY" and alarm["DESCRIPTION"]
    assert alarm["TRIGGER"].dt == timedelta(0)
    for start, end, days, utc_times in CLOCK_CHANGES:
        found = occurrences(ics, datetime.fromisoformat(start), datetime.fromisoformat(end))
        assert [d.date().isoformat() for d in found] == days
        assert {(d.hour, d.minute) for d in found} == {(21, 30)}
        assert [d.astimezone(UTC).strftime("%H:%M") for d in found] == utc_times


def test_a_private_feed_link_reads_without_signing_in_until_revoked(
        app: Flask, user_client: FlaskClient) -> None:
    made = add_reminder(user_client)
    feed_url = user_client.post(f"/api/reminders/{made['id']}/feed").get_json()["feed_url"]
    path = feed_url.removeprefix("http://localhost")
    user_client.post("/logout")
    opened = user_client.get(path)
    assert opened.status_code == 200 and b"BEGIN:VEVENT" in opened.get_data()
    assert b"sam" not in opened.get_data()
    signed_in = user_client.post("/login", data={"login": "sam", "password": PASSWORD})
    assert signed_in.status_code in (302, 303)
    # A new link replaces the old one, which stops working at once.
    renewed = user_client.post(f"/api/reminders/{made['id']}/feed").get_json()["feed_url"]
    new_path = renewed.removeprefix("http://localhost")
    assert new_path != path and len(new_path.rsplit("/", 1)[1]) >= 43 + len(".ics")
    assert user_client.get(path).status_code == 404
    assert user_client.get(new_path).status_code == 200
    assert user_client.delete(f"/api/reminders/{made['id']}/feed").status_code == 204
    user_client.post("/logout")
    assert user_client.get(new_path).status_code == 404
    assert user_client.get("/reminders/feed/" + "x" * 43 + ".ics").status_code == 404
    # Not a token at all (a NUL byte would make PostgreSQL refuse the query): also just a 404.
    assert user_client.get("/reminders/feed/" + "x%00" * 11 + ".ics").status_code == 404


def test_a_second_parser_reads_the_same_occurrences(user_client: FlaskClient,
                                                    tmp_path: Path) -> None:
    node = shutil.which("node")
    if node is None or not (ROOT / "node_modules" / "ical.js").exists():
        if os.environ.get("CI") == "true":
            pytest.fail("CI needs node and `npm ci` (ical.js) for this check")
        pytest.skip("node or ical.js is not installed")
    made = add_reminder(user_client, days=[6, 7])
    path = tmp_path / "reminder.ics"
    path.write_bytes(user_client.get(made["calendar_url"]).get_data())
    script = ROOT / "tests" / "ics_occurrences.mjs"
    for start, end, days, utc_times in CLOCK_CHANGES:
        out = subprocess.run([node, str(script), str(path), start, end], cwd=ROOT,
                             capture_output=True, text=True, timeout=60, check=True)
        found = json.loads(out.stdout)
        assert [o["local"] for o in found] == [f"{day}T21:30:00" for day in days]
        assert [o["utc"][11:16] for o in found] == utc_times
        assert {o["alarm"] for o in found} == {"DISPLAY"}
