"""Reminders written outside a page request speak their owner's language: push and calendar feed."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import icalendar
import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale, gettext

from stretch_app.config import PROJECT_ROOT
from stretch_app.reminders.cli import reminders_cli

from .helpers import sign_up
from .push_receiver import PushReceiver

MONDAY = date(2026, 11, 2)  # London is on GMT: 21:30 local is 21:30 UTC
# Stand-ins for German texts not yet in the committed catalogue, so the test checks which
# language is chosen; a committed translation always wins over these.
STAND_INS = {
    "Time to stretch": "Zeit zum Dehnen",
    "%(routine)s · %(length)s. Tap to start.": "%(routine)s · %(length)s. Tippe zum Starten.",
    "%(what)s. Open Limber to start.": "%(what)s. Öffne Limber zum Starten.",
    "Limber reminders": "Limber-Erinnerungen",
}


@pytest.fixture
def receiver() -> Iterator[PushReceiver]:
    with PushReceiver() as push_service:
        yield push_service


@pytest.fixture
def german_app(make_app: Callable[..., Flask], tmp_path: Path) -> Flask:
    """The app with the interface's translations compiled, as `make` does before it runs."""
    folder = tmp_path / "translations"
    shutil.copytree(PROJECT_ROOT / "translations", folder)
    for po_path in folder.glob("*/LC_MESSAGES/messages.po"):
        with po_path.open("rb") as handle:
            catalog = read_po(handle)
        if catalog.locale and catalog.locale.language == "de":
            for english, german in STAND_INS.items():
                found = catalog.get(english)
                if found is None or not found.string:
                    catalog.add(english, german)
        with po_path.with_suffix(".mo").open("wb") as handle:
            write_mo(handle, catalog)
    # The real content: its routines have German titles in content.po.
    return make_app(BABEL_TRANSLATION_DIRECTORIES=str(folder),
                    CONTENT_DIR=str(PROJECT_ROOT / "routines"))


def _person(app: Flask, receiver: PushReceiver, login: str, language: str | None) -> FlaskClient:
    client = app.test_client()
    sign_up(client, login)
    if language:
        assert client.post("/language", data={"language": language}).status_code == 303
    flat = receiver.subscription(f"/push/{login}")
    body = {"endpoint": flat["endpoint"], "keys": {"p256dh": flat["p256dh"], "auth": flat["auth"]}}
    assert client.post("/api/push-subscriptions", json=body).status_code == 201
    reminder = {"days": [1, 2, 3, 4, 5, 6, 7], "time": "21:30", "routine": "quick-calf-reset"}
    assert client.post("/api/reminders", json=reminder).status_code == 201
    return client


def test_a_german_accounts_push_and_calendar_feed_are_in_german(
        german_app: Flask, receiver: PushReceiver) -> None:
    german = _person(german_app, receiver, "greta", "de")
    _person(german_app, receiver, "sam", None)
    with german_app.app_context(), force_locale("de"):
        title = gettext("Time to stretch")
    assert title != "Time to stretch"

    moment = datetime(MONDAY.year, MONDAY.month, MONDAY.day, 21, 31, tzinfo=UTC)
    result = german_app.test_cli_runner().invoke(reminders_cli, ["send", "--at",
                                                                 moment.isoformat()])
    assert result.exit_code == 0, result.output
    by_device = {m.path: m.payload for m in receiver.received}
    assert by_device["/push/greta"]["title"] == title
    assert by_device["/push/greta"]["body"].startswith("Schnelle Wadenlockerung · ")
    # Someone who left the language to their browser gets the default, English.
    assert by_device["/push/sam"]["title"] == "Time to stretch"
    assert by_device["/push/sam"]["body"].startswith("Quick calf reset · ")

    [reminder] = german.get("/api/reminders").get_json()["reminders"]
    assert german.post(f"/settings/reminders/{reminder['id']}/feed").status_code == 303
    [reminder] = german.get("/api/reminders").get_json()["reminders"]
    # The calendar app fetches the feed with no cookie and its own English Accept-Language.
    app_fetch = german_app.test_client().get(reminder["feed_url"],
                                            headers={"Accept-Language": "en"})
    assert app_fetch.status_code == 200
    [event] = icalendar.Calendar.from_ical(app_fetch.data).walk("VEVENT")
    assert str(event["SUMMARY"]) == title
    assert str(event["DESCRIPTION"]).startswith("Schnelle Wadenlockerung. ")
    [alarm] = event.walk("VALARM")
    assert str(alarm["DESCRIPTION"]) == title
