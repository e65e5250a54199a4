"""The reminders' pages in Settings: list, add, edit, delete, presets, calendar links."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from stretch_app.extensions import db
from stretch_app.reminders import pages
from stretch_app.reminders.models import Reminder
from stretch_app.reminders.store import MAX_REMINDERS

from .helpers import sign_up

LIST = "/settings/reminders"
NEW = "/settings/reminders/new"
MONDAY_NOON = datetime(2026, 11, 2, 12, 0, tzinfo=UTC)  # London is on GMT then
WEEKDAY_FORM = {"time": "11:00", "repeat": "weekdays", "routine": "calf-reset", "enabled": "y"}


def rows(app: Flask) -> list[tuple[str, str, str | None, bool]]:
    with app.app_context():
        return [(r.days, r.local_time, r.routine_slug, r.enabled) for r in db.session.execute(
            select(Reminder).order_by(Reminder.id)).scalars()]


def add(client: FlaskClient, **changes: Any) -> str:
    response = client.post(NEW, data={**WEEKDAY_FORM, **changes})
    assert response.status_code == 303, response.get_data(as_text=True)
    return response.headers["Location"]


def text(response: Any) -> str:
    """Return the page's text with tags removed and spaces collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


@pytest.fixture
def monday_noon(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pages, "_now", lambda: MONDAY_NOON)


def test_a_reminder_added_through_the_form_shows_as_a_card(
        app: Flask, user_client: FlaskClient, monday_noon: None) -> None:
    where = add(user_client, repeat="custom", days=["1", "3"], time="21:30")
    assert where.startswith(LIST) and where.endswith("#reminder-1")
    assert rows(app) == [("1,3", "21:30", "calf-reset", True)]
    page = user_client.get(LIST)
    shown = text(page)
    assert "Reminder added: Mon, Wed at 21:30." in shown
    assert "21:30 Mon, Wed" in shown
    assert "Quick calf reset" in shown
    assert "Next: Today 21:30" in shown
    assert "Times are in Europe/London" in shown
    assert 'href="/reminders/1.ics"' in page.get_data(as_text=True)
    assert user_client.get("/reminders/1.ics").mimetype == "text/calendar"


def test_the_next_time_skips_to_the_next_chosen_day(
        user_client: FlaskClient, monday_noon: None) -> None:
    add(user_client)  # weekdays at 11:00: Monday's has passed at noon
    assert "Next: Tomorrow 11:00" in text(user_client.get(LIST))
    add(user_client, repeat="custom", days=["4"], time="07:15", routine="")
    shown = text(user_client.get(LIST))
    assert "Next: Thu 07:15" in shown
    assert "Something short for your usual area" in shown


@pytest.mark.parametrize(("local", "expected"), [
    (datetime(2026, 11, 2, 21, 30), "Today 21:30"),
    (datetime(2026, 11, 3, 7, 5), "Tomorrow 07:05"),
    (datetime(2026, 11, 8, 9, 0), "Sun 09:00"),
])
def test_next_time_in_words(local: datetime, expected: str) -> None:
    assert pages.next_text(local, date(2026, 11, 2)) == expected


def test_editing_changes_the_reminder(app: Flask, user_client: FlaskClient) -> None:
    add(user_client)
    form = user_client.get("/settings/reminders/1/edit").get_data(as_text=True)
    assert 'value="11:00"' in form
    assert re.search(r'value="weekdays"\s+checked', form)
    assert re.search(r'<option value="calf-reset"[^>]*\sselected>', form)
    response = user_client.post("/settings/reminders/1/edit", data={
        "time": "21:45", "repeat": "every", "routine": ""})  # "enabled" unticked
    assert response.status_code == 303
    assert rows(app) == [("1,2,3,4,5,6,7", "21:45", None, False)]
    shown = text(user_client.get(LIST))
    assert "Reminder saved: Every day at 21:45." in shown
    assert "Off No nudges until you turn it on." in shown
    assert "Next:" not in shown


def test_bad_time_or_no_days_says_so_and_saves_nothing(
        app: Flask, user_client: FlaskClient) -> None:
    response = user_client.post(NEW, data={"time": "25:00", "repeat": "custom", "routine": ""})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="time-error">Enter a time in hours and minutes, such as 21:30.' in page
    assert 'id="days-error">Choose at least one day.' in page
    assert "Please check the marked fields below." in page
    assert rows(app) == []

    add(user_client)
    edited = user_client.post("/settings/reminders/1/edit", data={
        "time": "", "repeat": "custom", "days": ["2"], "routine": "calf-reset"})
    assert edited.status_code == 422
    assert 'id="time-error"' in edited.get_data(as_text=True)
    assert rows(app) == [("1,2,3,4,5", "11:00", "calf-reset", True)]  # unchanged


@pytest.mark.parametrize("data", [
    {"time": "21:30", "repeat": "custom", "days": ["x", "9"]},
    {"time": "21:30", "repeat": "nonsense"},
    {"time": "21:30", "repeat": "every", "routine": "no-such-routine"},
    {"time": "9:30pm", "repeat": "every"},
    {"time": "21:30" * 50, "repeat": "every", "enabled": ["y", "y"]},
    {},
])
def test_any_bad_form_gets_a_message_not_an_error(
        app: Flask, user_client: FlaskClient, data: dict[str, Any]) -> None:
    response = user_client.post(NEW, data=data)
    assert response.status_code == 422
    assert 'class="error"' in response.get_data(as_text=True)
    assert rows(app) == []


def test_a_new_form_starts_at_bedtime_every_day(user_client: FlaskClient) -> None:
    form = user_client.get(NEW).get_data(as_text=True)
    assert 'value="21:30"' in form
    assert re.search(r'value="every"\s+checked', form)
    assert len(re.findall(r'name="days" value="\d"\s+checked', form)) == 7


def test_a_time_with_zero_seconds_is_kept_to_the_minute(
        app: Flask, user_client: FlaskClient) -> None:
    add(user_client, time="07:05:00")
    assert rows(app)[0][1] == "07:05"


def test_deleting_asks_first(app: Flask, user_client: FlaskClient) -> None:
    add(user_client)
    confirm = text(user_client.get("/settings/reminders/1/delete"))
    assert "Delete this reminder?" in confirm
    assert "11:00, Weekdays" in confirm
    assert rows(app)  # asking deletes nothing
    response = user_client.post("/settings/reminders/1/delete")
    assert response.status_code == 303
    assert rows(app) == []
    assert "Reminder deleted (Weekdays at 11:00)." in text(user_client.get(LIST))


def test_turning_a_reminder_off_and_on(app: Flask, user_client: FlaskClient) -> None:
    add(user_client)
    user_client.post("/settings/reminders/1/switch")
    assert rows(app)[0][3] is False
    user_client.post("/settings/reminders/1/switch")
    assert rows(app)[0][3] is True


def test_someone_elses_reminder_is_not_found(app: Flask, client: FlaskClient) -> None:
    sign_up(client, "alex")
    add(client)
    client.post("/logout")
    sign_up(client, "sam")
    for path in ("/settings/reminders/1/edit", "/settings/reminders/1/delete"):
        assert client.get(path).status_code == 404
    for path in ("/settings/reminders/1/edit", "/settings/reminders/1/delete",
                 "/settings/reminders/1/switch", "/settings/reminders/1/feed",
                 "/settings/reminders/1/feed/revoke"):
        assert client.post(path, data=WEEKDAY_FORM | {"time": "06:00"}).status_code == 404
    assert rows(app) == [("1,2,3,4,5", "11:00", "calf-reset", True)]
    mine = client.get(LIST).get_data(as_text=True)
    assert 'id="reminder-1"' not in mine
    assert "Start with one tap" in mine  # an empty list


def test_pages_need_an_account(client: FlaskClient) -> None:
    for path in (LIST, NEW, "/settings/reminders/1/edit"):
        response = client.get(path)
        assert response.status_code == 302
        assert "/login" in response.headers["Location"]


def test_an_empty_page_offers_the_bedtime_preset_first(
        app: Flask, user_client: FlaskClient) -> None:
    page = user_client.get(LIST).get_data(as_text=True)
    bedtime = page.index("Add: Bedtime stretch, every day at 21:30")
    assert 0 < bedtime < page.index("Add: Desk break, weekdays at 11:00")
    response = user_client.post("/settings/reminders/presets/bedtime")
    assert response.status_code == 303
    # The fixture content's only bedtime routine is "Back unwind".
    assert rows(app) == [("1,2,3,4,5,6,7", "21:30", "back-unwind", True)]
    user_client.post("/settings/reminders/presets/desk")
    assert rows(app)[1][:3] == ("1,2,3,4,5", "11:00", None)  # no desk routine: something short
    shown = text(user_client.get(LIST))
    assert "Add: Bedtime stretch" not in shown
    assert user_client.post("/settings/reminders/presets/lunch").status_code == 404


def test_at_most_so_many_reminders(app: Flask, user_client: FlaskClient) -> None:
    for n in range(MAX_REMINDERS):
        add(user_client, time=f"{n + 8:02d}:00")
    shown = text(user_client.get(LIST))
    assert f"You have {MAX_REMINDERS} reminders, the most there can be." in shown
    assert "Add a reminder" not in shown
    response = user_client.post(NEW, data={**WEEKDAY_FORM, "time": "22:00"})
    assert response.status_code == 422
    assert "the most there can be" in response.get_data(as_text=True)
    assert len(rows(app)) == MAX_REMINDERS
    assert user_client.get(NEW).status_code == 303
    user_client.post("/settings/reminders/presets/bedtime")
    assert len(rows(app)) == MAX_REMINDERS


def test_a_calendar_subscription_link_is_made_shown_and_revoked(user_client: FlaskClient) -> None:
    add(user_client)
    assert "Make a subscription link" in text(user_client.get(LIST))
    user_client.post("/settings/reminders/1/feed")
    page = user_client.get(LIST).get_data(as_text=True)
    link = re.search(r'value="(http://localhost/reminders/feed/[^"]+\.ics)"', page)
    assert link is not None
    assert "Anyone who has the link can see this reminder" in page
    assert "Revoke link" in page
    user_client.post("/logout")
    assert user_client.get(link.group(1)).status_code == 200  # readable without signing in
    sign_up(user_client, "sam-again")
    user_client.post("/logout")
    user_client.post("/login", data={"login": "sam", "password": "correct horse battery"})
    user_client.post("/settings/reminders/1/feed/revoke")
    assert user_client.get(link.group(1)).status_code == 404
    assert "Make a subscription link" in text(user_client.get(LIST))


def test_a_form_without_its_token_changes_nothing(csrf_app: Flask) -> None:
    with csrf_app.test_client() as client:
        signup = client.get("/signup").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', signup)
        assert token is not None
        client.post("/signup", data={"login": "sam", "password": "correct horse battery",
                                     "time_zone": "Europe/London", "csrf_token": token.group(1)})
        response = client.post(NEW, data=WEEKDAY_FORM)
        assert response.status_code == 400
        assert rows(csrf_app) == []


def test_settings_links_to_reminders(user_client: FlaskClient) -> None:
    page = user_client.get("/settings").get_data(as_text=True)
    assert 'href="/settings/reminders"' in page


def test_an_id_too_large_to_store_is_not_found(user_client: FlaskClient) -> None:
    huge = "/settings/reminders/99999999999999999999"
    assert user_client.get(f"{huge}/edit").status_code == 404
    assert user_client.post(f"{huge}/switch").status_code == 404
    replaced = user_client.put("/api/reminders/99999999999999999999",
                               json={"days": [1], "time": "21:30"})
    assert replaced.status_code == 404  # the API shares the lookup
