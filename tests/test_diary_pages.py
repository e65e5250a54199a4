"""The diary pages: forms, red-flag guidance, ownership, patterns and the doctor summary."""

from __future__ import annotations

import csv
import io
import re
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from stretch_app.diary.entries import build_entry
from stretch_app.extensions import db
from stretch_app.models import Completion, CrampEntry, User
from stretch_app.timezones import zone

from .helpers import sign_up


def user_id(app: Flask, login: str = "sam") -> int:
    with app.app_context():
        return db.session.execute(db.select(User.id).where(User.login == login)).scalar_one()


def rows(app: Flask) -> list[CrampEntry]:
    with app.app_context():
        found = db.session.execute(db.select(CrampEntry).order_by(CrampEntry.id)).scalars().all()
        db.session.expunge_all()
        return list(found)


def form(**change: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "occurred_at": "2025-07-01T00:30",
        "location": "calf",
        "strength": "6",
        "duration_minutes": "3",
        "triggers": ["night", "dehydration"],
        "note": "left calf",
    }
    data.update(change)
    return {k: v for k, v in data.items() if v is not None}


def add_entry(app: Flask, uid: int, day: date, **change: Any) -> None:
    """Store an entry at noon UTC of a day (as the diary would), with optional changes."""
    values: dict[str, Any] = {
        "occurred_at": datetime(day.year, day.month, day.day, 12, 0, tzinfo=UTC),
        "time_zone": "Europe/London",
        "location": "calf",
        "strength": 5,
        "now": datetime(day.year, day.month, day.day, 12, 0, tzinfo=UTC),
    }
    values.update(change)
    data = build_entry(**values)
    with app.app_context():
        db.session.add(CrampEntry(user_id=uid, **data.columns()))
        db.session.commit()


def add_completion(app: Flask, uid: int, day: date, finished: bool = True,
                   seconds: int = 300) -> None:
    start = datetime(day.year, day.month, day.day, 8, 0)
    with app.app_context():
        db.session.add(Completion(
            user_id=uid, client_id=str(uuid.uuid4()), routine_slug="calf-reset",
            routine_title="Quick calf reset", areas="legs", started_at=start,
            ended_at=start + timedelta(seconds=seconds), time_zone="Europe/London",
            local_date=day, steps_done=3, steps_total=3, seconds_done=seconds,
            finished=finished,
        ))
        db.session.commit()


def today_london() -> date:
    return datetime.now(UTC).astimezone(zone("Europe/London")).date()


# ---- access ---------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/diary", "/diary/new", "/diary/patterns", "/diary/summary",
                                  "/diary/summary.csv", "/diary/1", "/diary/1/edit"])
def test_guests_are_sent_to_sign_in(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_the_diary_starts_empty(user_client: FlaskClient) -> None:
    page = user_client.get("/diary").get_data(as_text=True)
    assert "No cramps logged yet" in page
    assert 'href="/diary/new"' in page
    assert "js/cramp-now.js" in page  # sends entries queued by Cramp now


# ---- the form -------------------------------------------------------------------------------


def test_the_new_form_defaults_to_now_in_the_users_zone(user_client: FlaskClient) -> None:
    page = user_client.get("/diary/new").get_data(as_text=True)
    value = re.search(r'type="datetime-local" id="occurred_at" name="occurred_at" value="([^"]+)"',
                      page)
    assert value is not None
    shown = datetime.strptime(value.group(1), "%Y-%m-%dT%H:%M")
    local_now = datetime.now(UTC).astimezone(zone("Europe/London")).replace(tzinfo=None)
    assert abs(shown - local_now) < timedelta(minutes=2)
    assert 'id="doctor-alert"' in page and "hidden" in page
    assert "js/diary-form.js" in page


def test_a_location_can_be_preselected(user_client: FlaskClient) -> None:
    page = user_client.get("/diary/new?location=back").get_data(as_text=True)
    assert 'value="back" required checked' in page


def test_saving_an_entry_stores_utc_and_the_local_date(app: Flask,
                                                       user_client: FlaskClient) -> None:
    response = user_client.post("/diary/new", data=form(woke_me="y"))
    assert response.status_code == 303
    [row] = rows(app)
    assert response.headers["Location"] == f"/diary/{row.id}"
    # London is on summer time (UTC+1) on 1 July.
    assert row.occurred_at == datetime(2025, 6, 30, 23, 30)
    assert row.local_date == date(2025, 7, 1)
    assert row.time_zone == "Europe/London"
    assert (row.location, row.strength, row.duration_minutes, row.woke_me) == ("calf", 6, 3, True)
    assert row.triggers == "dehydration,night"
    assert row.note == "left calf"
    page = user_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Saved to your diary." in page
    assert "Tue 1 Jul 2025, 00:30" in page
    assert "Please see a doctor" not in page


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"strength": "0"}, "Strength goes from 1 to 10."),
        ({"strength": "11"}, "Strength goes from 1 to 10."),
        ({"strength": None}, "Choose how strong it was"),
        ({"triggers": ["night", "full-moon"]}, "Unknown trigger"),
        ({"red_flags": ["headache"]}, "Unknown red flag"),
        ({"location": "elbow"}, "Choose where it was"),
        ({"location": None}, "Choose where it was"),
        ({"duration_minutes": "-4"}, "Duration goes from 0 to 1440 minutes."),
        ({"occurred_at": "tomorrow"}, "Not a valid datetime value."),
        ({"occurred_at": "2999-01-01T10:00"}, "That time is in the future."),
        ({"note": "x" * 501}, "500 characters"),
    ],
)
def test_bad_input_is_a_form_error_and_saves_nothing(
    app: Flask, user_client: FlaskClient, change: dict[str, Any], message: str
) -> None:
    response = user_client.post("/diary/new", data=form(**change))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Please check the marked fields" in page
    assert message in page
    assert 'class="error"' in page
    assert rows(app) == []


def test_a_time_more_than_five_minutes_ahead_is_refused(app: Flask,
                                                       user_client: FlaskClient) -> None:
    soon = datetime.now(UTC).astimezone(zone("Europe/London")) + timedelta(minutes=10)
    response = user_client.post("/diary/new", data=form(occurred_at=f"{soon:%Y-%m-%dT%H:%M}"))
    assert response.status_code == 422
    assert "That time is in the future." in response.get_data(as_text=True)
    assert rows(app) == []


def test_a_red_flag_shows_the_doctor_guidance_at_once_and_keeps_it(
    app: Flask, user_client: FlaskClient
) -> None:
    response = user_client.post("/diary/new", data=form(red_flags=["swelling", "fever"]),
                                follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Please see a doctor" in page
    assert 'role="alert"' in page
    assert "Swelling or redness where the cramp is." in page
    assert 'href="/guide#doctor"' in page
    [row] = rows(app)
    assert row.red_flags == "swelling,fever"
    # Still shown later: on the entry, in the list, and in the edit form (not hidden).
    assert "Please see a doctor" in user_client.get(f"/diary/{row.id}").get_data(as_text=True)
    assert "Warning sign: see a doctor" in user_client.get("/diary").get_data(as_text=True)
    edit = user_client.get(f"/diary/{row.id}/edit").get_data(as_text=True)
    alert = re.search(r'<div class="doctor-alert" id="doctor-alert"[^>]*>', edit)
    assert alert is not None and "hidden" not in alert.group(0)


def test_the_form_keeps_the_guidance_shown_when_it_comes_back_with_errors(
    user_client: FlaskClient,
) -> None:
    page = user_client.post("/diary/new", data=form(red_flags=["severe"], strength="0")
                            ).get_data(as_text=True)
    alert = re.search(r'<div class="doctor-alert" id="doctor-alert"[^>]*>', page)
    assert alert is not None and "hidden" not in alert.group(0)
    assert 'value="severe" checked' in page


def test_editing_and_deleting_an_entry(app: Flask, user_client: FlaskClient) -> None:
    user_client.post("/diary/new", data=form())
    [row] = rows(app)
    page = user_client.get(f"/diary/{row.id}/edit").get_data(as_text=True)
    assert 'value="2025-07-01T00:30"' in page
    assert 'value="night" checked' in page
    response = user_client.post(f"/diary/{row.id}/edit",
                                data=form(strength="9", triggers=["standing"], note=""))
    assert response.status_code == 303
    [changed] = rows(app)
    assert (changed.strength, changed.triggers, changed.note) == (9, "standing", "")
    assert changed.occurred_at == row.occurred_at
    bad = user_client.post(f"/diary/{row.id}/edit", data=form(strength="11"))
    assert bad.status_code == 422
    assert rows(app)[0].strength == 9
    response = user_client.post(f"/diary/{row.id}/delete")
    assert response.status_code == 303 and response.headers["Location"] == "/diary"
    assert rows(app) == []


def test_notes_are_escaped(app: Flask, user_client: FlaskClient) -> None:
    user_client.post("/diary/new", data=form(note="<script>alert(1)</script>"))
    [row] = rows(app)
    for path in (f"/diary/{row.id}", "/diary", "/diary/summary?from=2025-06-01&to=2025-07-31"):
        page = user_client.get(path).get_data(as_text=True)
        assert "<script>alert(1)" not in page
        assert "&lt;script&gt;alert(1)" in page


def test_another_users_entry_is_404_everywhere(app: Flask, client: FlaskClient) -> None:
    sign_up(client, "alex")
    client.post("/diary/new", data=form(note="alex's"))
    [theirs] = rows(app)
    client.post("/logout")
    sign_up(client, "sam")
    for method, path in [("get", f"/diary/{theirs.id}"), ("get", f"/diary/{theirs.id}/edit"),
                         ("post", f"/diary/{theirs.id}/edit"),
                         ("post", f"/diary/{theirs.id}/delete")]:
        response = getattr(client, method)(path, data=form(strength="1"))
        assert response.status_code == 404, (method, path)
    for path in ("/diary/999999", "/diary/99999999999999999999999"):
        assert client.get(path).status_code == 404
    [unchanged] = rows(app)
    assert (unchanged.strength, unchanged.note) == (6, "alex's")
    assert "alex&#39;s" not in client.get("/diary").get_data(as_text=True)
    assert "alex" not in client.get("/diary/summary").get_data(as_text=True).split(
        "Every cramp")[-1]


# ---- patterns -------------------------------------------------------------------------------


def test_patterns_show_weeks_as_svg_and_table(app: Flask, user_client: FlaskClient) -> None:
    uid = user_id(app)
    today = today_london()
    monday = today - timedelta(days=today.weekday())
    add_entry(app, uid, monday, triggers=["sitting"])
    add_entry(app, uid, monday, triggers=["sitting", "night"], location="back")
    add_entry(app, uid, monday - timedelta(weeks=1), triggers=["sitting"])
    add_entry(app, uid, monday - timedelta(weeks=20))  # outside the 12 weeks
    add_entry(app, uid, monday - timedelta(weeks=6))  # 3 recent vs 1 before: not rising
    add_completion(app, uid, monday)
    add_completion(app, uid, monday)  # same day: one active day
    add_completion(app, uid, monday - timedelta(weeks=1))
    add_completion(app, uid, monday - timedelta(weeks=1) + timedelta(days=1), finished=False)
    page = user_client.get("/diary/patterns").get_data(as_text=True)
    assert '<svg class="pc-svg"' in page and 'role="img"' in page
    assert "4 cramps and 2 active stretching days in 12 weeks" in page
    table = page.split("<tbody>")[1].split("</tbody>")[0]
    cells = re.findall(r"<tr><th scope=\"row\">([^<]+)</th><td>(\d+)</td><td>(\d+)</td></tr>",
                       table)
    assert len(cells) == 12
    assert cells[0][0].endswith("(this week)") and cells[0][1:] == ("2", "1")
    assert cells[1][1:] == ("1", "1")  # the partial session does not count
    # Most common trigger: sitting → the fixture's after-sitting routine is suggested.
    assert "Most of your cramps came after long sitting" in page
    assert 'href="/routines/calf-reset"' in page
    assert "Time to see a doctor" not in page


def test_the_advice_says_most_only_when_most_cramps_had_the_trigger(
    app: Flask, user_client: FlaskClient
) -> None:
    uid = user_id(app)
    for day in range(5):
        add_entry(app, uid, today_london() - timedelta(days=day),
                  triggers=["night"] if day < 2 else [])
    page = user_client.get("/diary/patterns").get_data(as_text=True)
    assert "2 of your 5 cramps came at night." in page
    assert "Most of your cramps" not in page


def test_menstrual_trigger_suggests_the_gentle_abdomen_routine(
    app: Flask, user_client: FlaskClient
) -> None:
    add_entry(app, user_id(app), today_london(), triggers=["menstrual"], location="abdomen")
    page = user_client.get("/diary/patterns").get_data(as_text=True)
    assert "Your cramp came with your period." in page
    assert 'href="/routines/back-unwind"' in page


def test_one_red_flag_entry_brings_a_doctor_note(app: Flask, user_client: FlaskClient) -> None:
    uid = user_id(app)
    page = user_client.get("/diary/patterns").get_data(as_text=True)
    assert "Time to see a doctor" not in page
    add_entry(app, uid, today_london(), red_flags=["no-relief"])
    page = user_client.get("/diary/patterns").get_data(as_text=True)
    assert "Time to see a doctor" in page
    assert "You logged 1 cramp with a warning sign." in page
    add_entry(app, uid, today_london() - timedelta(days=1), red_flags=["severe"])
    page = user_client.get("/diary/patterns").get_data(as_text=True)
    assert "You logged 2 cramps with a warning sign." in page


def test_a_new_diary_gets_no_trend_and_no_doctor_note(app: Flask,
                                                     user_client: FlaskClient) -> None:
    """Four cramps in a first month are no rise: there are no earlier weeks to compare."""
    uid = user_id(app)
    monday = today_london() - timedelta(days=today_london().weekday())
    for weeks_back in (1, 1, 2, 3):
        add_entry(app, uid, monday - timedelta(weeks=weeks_back))
    page = user_client.get("/diary/patterns").get_data(as_text=True)
    assert "Time to see a doctor" not in page
    assert "clearly more frequent" not in page
    assert "Too early for a trend" in page and "your diary covers 4 weeks so far" in page


def test_a_rising_trend_brings_a_doctor_note(app: Flask, user_client: FlaskClient) -> None:
    uid = user_id(app)
    monday = today_london() - timedelta(days=today_london().weekday())
    for weeks_back in (7, 1, 1, 2, 3):  # kept for 8 weeks: 1 cramp, then 4 in the last 4
        add_entry(app, uid, monday - timedelta(weeks=weeks_back))
    page = user_client.get("/diary/patterns").get_data(as_text=True)
    assert "Time to see a doctor" in page
    assert ("Your cramps have become clearly more frequent: 4 in the last 4 weeks against 1 in "
            "the 4 weeks before (based on 5 entries).") in page


# ---- the doctor summary ---------------------------------------------------------------------


def seed_summary(app: Flask) -> None:
    uid = user_id(app)
    add_entry(app, uid, date(2025, 3, 3), strength=4, duration_minutes=2,
              triggers=["night"], woke_me=True, now=datetime(2025, 6, 1, tzinfo=UTC))
    add_entry(app, uid, date(2025, 3, 3), strength=8, location="back",
              triggers=["night", "sitting"], red_flags=["swelling"],
              now=datetime(2025, 6, 1, tzinfo=UTC))
    add_entry(app, uid, date(2025, 3, 10), strength=6, duration_minutes=7, location="foot",
              now=datetime(2025, 6, 1, tzinfo=UTC))
    add_entry(app, uid, date(2025, 4, 20), strength=10, now=datetime(2025, 6, 1, tzinfo=UTC))
    add_completion(app, uid, date(2025, 3, 1), seconds=600)
    add_completion(app, uid, date(2025, 3, 1), seconds=300)
    add_completion(app, uid, date(2025, 3, 5), seconds=240)
    add_completion(app, uid, date(2025, 3, 6), finished=False, seconds=90)
    add_completion(app, uid, date(2025, 5, 1), seconds=900)


def test_summary_numbers(app: Flask, user_client: FlaskClient) -> None:
    seed_summary(app)
    response = user_client.get("/diary/summary?from=2025-03-01&to=2025-03-14")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    facts = dict(re.findall(r"<div><dt>([^<]+)</dt><dd>([^<]+)</dd></div>", page))
    assert facts["Cramps"] == "3"
    assert facts["Per week"] == "1.5"  # 3 cramps over 14 days
    assert facts["Days with cramps"] == "2"
    assert facts["Woke from sleep"] == "1"
    assert facts["Strength, average (1–10)"] == "6.0"
    assert facts["Strength, highest"] == "8"
    assert facts["Duration, average"] == "4.5&nbsp;min"  # one line, number with unit
    assert facts["Duration, longest"] == "7&nbsp;min"
    assert facts["Active days"] == "2"
    assert facts["Routines finished"] == "3"
    assert facts["Minutes stretched"] == "20"  # (600 + 300 + 240 + 90) s
    assert "<strong>1</strong> of 3 cramps came with a warning sign." in page
    assert "1 routine stopped early" in page
    assert "Sun 20 Apr 2025" not in page  # outside the period
    assert 'id="print-button"' in page and "js/diary-form.js" in page


def test_summary_csv(app: Flask, user_client: FlaskClient) -> None:
    seed_summary(app)
    response = user_client.get("/diary/summary.csv?from=2025-03-01&to=2025-03-14")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "limber-cramp-summary-2025-03-01-to-2025-03-14.csv" in \
        response.headers["Content-Disposition"]
    table = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert table[0] == ["section", "item", "value"]
    values = {(s, i): v for s, i, v in table[1:]}
    assert values[("period", "days")] == "14"
    assert values[("cramps", "count")] == "3"
    assert values[("cramps", "per_week")] == "1.5"
    assert values[("strength", "average")] == "6.0"
    assert values[("strength", "max")] == "8"
    assert values[("duration_minutes", "average")] == "4.5"
    assert values[("duration_minutes", "total")] == "9"
    assert values[("trigger", "At night")] == "2"
    assert values[("trigger", "Sitting for a long time")] == "1"
    assert values[("location", "Calf")] == "1"
    assert values[("area", "Legs")] == "2"
    assert values[("red_flags", "entries_with_any")] == "1"
    assert values[("red_flag", "Swelling or redness where the cramp was")] == "1"
    assert values[("stretching", "active_days")] == "2"
    assert values[("stretching", "sessions_finished")] == "3"
    assert values[("stretching", "sessions_partial")] == "1"
    assert values[("stretching", "minutes")] == "20"


def test_summary_defaults_to_the_last_90_days(app: Flask, user_client: FlaskClient) -> None:
    today = today_london()
    add_entry(app, user_id(app), today - timedelta(days=89))
    add_entry(app, user_id(app), today - timedelta(days=90))
    page = user_client.get("/diary/summary").get_data(as_text=True)
    assert f'value="{(today - timedelta(days=89)).isoformat()}"' in page
    assert "(90 days)" in page
    facts = dict(re.findall(r"<div><dt>([^<]+)</dt><dd>([^<]+)</dd></div>", page))
    assert facts["Cramps"] == "1"


def test_summary_defaults_to_the_days_since_the_first_entry(app: Flask,
                                                           user_client: FlaskClient) -> None:
    """A week-old diary is summed up over its week, not 90 days (0.2 cramps per week)."""
    today = today_london()
    add_entry(app, user_id(app), today - timedelta(days=6))
    add_entry(app, user_id(app), today)
    page = user_client.get("/diary/summary").get_data(as_text=True)
    assert f'value="{(today - timedelta(days=6)).isoformat()}"' in page
    assert f"Since the first diary entry: {today - timedelta(days=6):%-d %b %Y}" in page
    assert "(7 days)" in page
    facts = dict(re.findall(r"<div><dt>([^<]+)</dt><dd>([^<]+)</dd></div>", page))
    assert facts["Per week"] == "2.0"


def test_a_summary_under_a_week_gives_no_rate_per_week(app: Flask,
                                                      user_client: FlaskClient) -> None:
    add_entry(app, user_id(app), today_london())
    page = user_client.get("/diary/summary").get_data(as_text=True)
    assert "(1 day)" in page
    facts = dict(re.findall(r"<div><dt>([^<]+)</dt><dd>([^<]+)</dd></div>", page))
    assert facts["Per week"] == "—"
    assert "Rates per week need a period of at least 7 days." in page


def test_woke_stays_with_the_time_it_belongs_to(app: Flask, user_client: FlaskClient) -> None:
    """On a phone each cell is a grid of label and value: "(woke)" must be part of the value."""
    add_entry(app, user_id(app), today_london(), woke_me=True)
    page = user_client.get("/diary/summary").get_data(as_text=True)
    assert re.search(r'<td data-label="When"><span>[^<]+&nbsp;<span class="muted">\(woke\)'
                     r'</span></span></td>', page)


@pytest.mark.parametrize("query", ["from=2025-02-30", "to=soon", "from=2025-03-10&to=2025-03-01",
                                   "from=1990-01-01&to=2025-01-01"])
def test_a_bad_period_is_a_clear_error(user_client: FlaskClient, query: str) -> None:
    response = user_client.get(f"/diary/summary?{query}")
    assert response.status_code == 422
    assert 'class="error period-error"' in response.get_data(as_text=True)
    csv_response = user_client.get(f"/diary/summary.csv?{query}")
    assert csv_response.status_code == 422


def test_summary_has_a_print_stylesheet(app: Flask, user_client: FlaskClient) -> None:
    page = user_client.get("/diary/summary").get_data(as_text=True)
    assert "css/diary.css" in page
    with app.test_client() as anyone:
        css = anyone.get(re.search(r'href="([^"]+diary\.css)"', page).group(1))  # type: ignore[union-attr]
        text = css.get_data(as_text=True)
        css.close()
    assert "@media print" in text and "@page" in text
