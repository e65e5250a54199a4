"""Reminders as iCalendar: a weekly recurring event with an alarm, in the person's zone."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from icalendar import Alarm, Calendar, Event, Timezone, vRecur

from .schedule import Schedule

ICAL_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
EVENT_MINUTES = 10
ZONE_YEARS = 15  # the clock changes written into the file, from the first reminder on


def first_day(schedule: Schedule, start: date) -> date:
    """Return the first chosen weekday on or after a date."""
    day = start
    while day.isoweekday() not in schedule.days:
        day += timedelta(days=1)
    return day


def reminder_event(uid: str, schedule: Schedule, title: str, description: str, url: str,
                   created: date, stamp: datetime) -> Event:
    """Return a VEVENT repeating on the schedule's weekdays, with a display alarm at its start."""
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("summary", title)
    event.add("description", description)
    event.add("url", url)
    start = datetime.combine(first_day(schedule, created), schedule.at, tzinfo=schedule.zone)
    event.add("dtstart", start)
    event.add("duration", timedelta(minutes=EVENT_MINUTES))
    days = [ICAL_DAYS[d - 1] for d in sorted(schedule.days)]
    event.add("rrule", vRecur({"FREQ": "WEEKLY", "BYDAY": days}))
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("trigger", timedelta(0))
    alarm.add("description", title)
    event.add_component(alarm)
    return event


def zone_component(schedule: Schedule, start: date) -> Timezone:
    """Return the VTIMEZONE of the schedule's zone, with one RDATE line per clock change."""
    first = date(start.year, 1, 1)
    zone = Timezone.from_tzinfo(schedule.zone, tzid=schedule.zone.key, first_date=first,
                                last_date=date(start.year + ZONE_YEARS, 1, 1))
    # Some readers take only the first date of a comma-separated RDATE, so each gets a line.
    for part in zone.subcomponents:
        rdates = part.pop("RDATE", None)
        if rdates is None:
            continue
        for value in rdates if isinstance(rdates, list) else [rdates]:
            for moment in value.dts:
                part.add("rdate", moment.dt)
    return zone


def calendar_of(events: Iterable[Event], zones: Iterable[Timezone], name: str) -> bytes:
    """Return a calendar file (CRLF lines folded at 75 octets) holding the events."""
    cal = Calendar()
    cal.add("prodid", "-//Limber//Reminders//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    for zone in zones:
        cal.add_component(zone)
    for event in events:
        cal.add_component(event)
    return cal.to_ical()
