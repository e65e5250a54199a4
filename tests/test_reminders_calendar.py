"""The calendar file's RFC 5545 form: long lines folded at 75 octets, whole characters kept."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import icalendar

from stretch_app.reminders.calendar import calendar_of, reminder_event, zone_component
from stretch_app.reminders.schedule import Schedule

# Long enough to fold several times, with characters of two and three octets in UTF-8.
DESCRIPTION = ("Étirement du mollet · jambe gauche puis droite, genou légèrement plié, "
               "talon au sol — respirez lentement’ " * 3).strip()
SCHEDULE = Schedule(frozenset({1, 3, 5}), time(21, 30), ZoneInfo("America/New_York"))


def calendar_bytes() -> bytes:
    event = reminder_event(
        uid="reminder-1@limber", schedule=SCHEDULE, title="Time to stretch",
        description=DESCRIPTION, url="https://limber.example/routines/calf-reset/play",
        created=date(2026, 12, 3), stamp=datetime(2026, 12, 3, 20, 0, tzinfo=UTC))
    return calendar_of([event], [zone_component(SCHEDULE, date(2026, 12, 3))], "Limber")


def test_every_line_ends_in_crlf_and_fits_75_octets_without_splitting_a_character() -> None:
    ics = calendar_bytes()
    assert ics.endswith(b"\r\n")
    lines = ics[:-2].split(b"\r\n")
    assert b"\n" not in ics.replace(b"\r\n", b"")
    assert max(len(line) for line in lines) <= 75
    for line in lines:
        line.decode("utf-8")  # a fold inside a character would not decode
    folded = [line for line in lines if line.startswith(b" ")]
    assert len(folded) >= 3  # the description really was folded


def test_unfolding_gives_back_the_text_and_the_zone() -> None:
    calendar = icalendar.Calendar.from_ical(calendar_bytes())
    [event] = calendar.walk("VEVENT")
    assert str(event["DESCRIPTION"]) == DESCRIPTION
    assert event["DTSTART"].dt == datetime(2026, 12, 4, 21, 30, tzinfo=SCHEDULE.zone)
    assert event["DTSTART"].params["TZID"] == "America/New_York"
    [zone] = calendar.walk("VTIMEZONE")
    assert str(zone["TZID"]) == "America/New_York"
