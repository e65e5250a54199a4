"""Diary entries: validation of a form's values and of a JSON body, field by field."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from stretch_app.diary import entries as e
from stretch_app.inputs import InputError

NOW = datetime(2025, 6, 18, 12, 0, tzinfo=UTC)  # a Wednesday


def entry(**change: Any) -> e.CrampData:
    values: dict[str, Any] = {
        "occurred_at": NOW - timedelta(hours=1),
        "time_zone": "Europe/London",
        "location": "calf",
        "strength": 5,
        "now": NOW,
    }
    values.update(change)
    return e.build_entry(**values)


def body(**change: Any) -> str:
    values: dict[str, Any] = {
        "occurred_at": "2025-06-18T10:00:00+01:00",
        "time_zone": "Europe/London",
        "location": "calf",
        "strength": 5,
    }
    values.update(change)
    return json.dumps({k: v for k, v in values.items() if v is not ...})


# ---- validation ---------------------------------------------------------------------------


def test_a_valid_entry_is_normalised() -> None:
    data = entry(triggers=["night", "dehydration", "night"], red_flags=["severe"],
                 note="  woke me at 3am\r\n  ", duration_minutes=0, woke_me=True)
    assert data.triggers == ("dehydration", "night")  # canonical order, no duplicates
    assert data.red_flags == ("severe",)
    assert data.note == "woke me at 3am"
    assert data.occurred_at.tzinfo is UTC
    columns = data.columns()
    assert columns["occurred_at"] == datetime(2025, 6, 18, 11, 0)  # naive UTC
    assert columns["triggers"] == "dehydration,night"
    assert columns["local_date"] == date(2025, 6, 18)


@pytest.mark.parametrize("strength", [0, 11, -1, 100, True])
def test_strength_must_be_1_to_10(strength: int) -> None:
    with pytest.raises(InputError) as exc:
        entry(strength=strength)
    assert exc.value.field == "strength"
    assert "1 to 10" in exc.value.message


@pytest.mark.parametrize("strength", [1, 10])
def test_strength_edges_are_fine(strength: int) -> None:
    assert entry(strength=strength).strength == strength


def test_unknown_trigger_is_refused() -> None:
    with pytest.raises(InputError) as exc:
        entry(triggers=["dehydration", "full-moon"])
    assert exc.value.field == "triggers"
    assert "full-moon" in exc.value.message


def test_unknown_red_flag_and_location_are_refused() -> None:
    with pytest.raises(InputError) as exc:
        entry(red_flags=["headache"])
    assert exc.value.field == "red_flags"
    with pytest.raises(InputError) as exc:
        entry(location="elbow")
    assert exc.value.field == "location"


def test_more_than_five_minutes_ahead_is_refused() -> None:
    assert entry(occurred_at=NOW + timedelta(minutes=5)).occurred_at == NOW + timedelta(minutes=5)
    with pytest.raises(InputError) as exc:
        entry(occurred_at=NOW + timedelta(minutes=5, seconds=1))
    assert exc.value.field == "occurred_at"
    assert "future" in exc.value.message


def test_a_time_without_offset_or_before_2000_is_refused() -> None:
    with pytest.raises(InputError, match="offset"):
        entry(occurred_at=datetime(2025, 6, 18, 10, 0))
    with pytest.raises(InputError, match="2000"):
        entry(occurred_at=datetime(1999, 12, 31, tzinfo=UTC))


@pytest.mark.parametrize("zone", ["", "Mars/Olympus", "../../etc/passwd", "Europe/\x00London",
                                  "A" * 300, "utc ", "Local"])
def test_bad_zones_are_refused(zone: str) -> None:
    with pytest.raises(InputError) as exc:
        entry(time_zone=zone)
    assert exc.value.field == "time_zone"


@pytest.mark.parametrize("minutes", [-1, 24 * 60 + 1])
def test_duration_range(minutes: int) -> None:
    with pytest.raises(InputError) as exc:
        entry(duration_minutes=minutes)
    assert exc.value.field == "duration_minutes"


def test_note_length_and_control_characters() -> None:
    assert len(entry(note="x" * 500).note) == 500
    with pytest.raises(InputError, match="500"):
        entry(note="x" * 501)
    with pytest.raises(InputError, match="control"):
        entry(note="bad\x00byte")
    assert entry(note="line one\nline two").note == "line one\nline two"


def test_local_date_is_the_date_where_it_was_logged() -> None:
    late = datetime(2025, 6, 18, 23, 30, tzinfo=UTC)
    assert entry(occurred_at=late, time_zone="Asia/Tokyo", now=late).local_date == date(2025, 6, 19)
    assert entry(occurred_at=late, time_zone="America/New_York", now=late).local_date == \
        date(2025, 6, 18)


def test_wall_clock_times_become_utc_across_daylight_saving() -> None:
    # London summer time is UTC+1: 00:30 on 1 July is 23:30 UTC the day before.
    assert e.local_to_utc(datetime(2025, 7, 1, 0, 30), "Europe/London") == \
        datetime(2025, 6, 30, 23, 30, tzinfo=UTC)
    # The repeated hour on 26 Oct 2025 means its first occurrence (still summer time).
    assert e.local_to_utc(datetime(2025, 10, 26, 1, 30), "Europe/London") == \
        datetime(2025, 10, 26, 0, 30, tzinfo=UTC)
    # The skipped hour on 30 Mar 2025 still gives an instant, never an error.
    assert e.local_to_utc(datetime(2025, 3, 30, 1, 30), "Europe/London").tzinfo is UTC


# ---- the JSON body --------------------------------------------------------------------------


def test_parse_body_accepts_a_full_body() -> None:
    client_id, data = e.parse_body(json.dumps({
        "id": "0F8FAD5B-D9CB-469F-A165-70867728950E",
        "occurred_at": "2025-06-18T10:00:00+01:00", "time_zone": "Europe/London",
        "location": "thigh", "strength": 7, "duration_minutes": 3, "woke_me": True,
        "triggers": ["night"], "red_flags": ["no-relief"], "note": "left leg",
    }), NOW, new=True)
    assert client_id == "0f8fad5b-d9cb-469f-a165-70867728950e"
    assert data.occurred_at == datetime(2025, 6, 18, 9, 0, tzinfo=UTC)
    assert (data.location, data.strength, data.duration_minutes) == ("thigh", 7, 3)
    assert data.woke_me is True


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"strength": "5"}, "strength"),
        ({"strength": 5.0}, "strength"),
        ({"strength": True}, "strength"),
        ({"strength": 0}, "strength"),
        ({"strength": 11}, "strength"),
        ({"woke_me": "yes"}, "woke_me"),
        ({"triggers": "night"}, "triggers"),
        ({"triggers": ["night", "moon"]}, "triggers"),
        ({"location": "elbow"}, "location"),
        ({"time_zone": 7}, "time_zone"),
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"occurred_at": "yesterday"}, "occurred_at"),
        ({"occurred_at": "2025-06-18T10:00:00"}, "occurred_at"),
        ({"occurred_at": 1750240800}, "occurred_at"),
        ({"occurred_at": "2025-06-18T13:06:00+00:00"}, "occurred_at"),  # 6 min ahead
        ({"user_id": 2}, "user_id"),
        ({"created_at": "2025-01-01T00:00:00Z"}, "created_at"),
        ({"strength": ...}, "strength"),
        ({"id": "not-a-uuid-but-thirty-six-characters"}, "id"),
        ({"id": 12}, "id"),
    ],
)
def test_parse_body_rejects_with_the_field_named(change: dict[str, Any], field: str) -> None:
    with pytest.raises(InputError) as exc:
        e.parse_body(body(**change), NOW, new=True)
    assert exc.value.field == field
    assert exc.value.message


def test_put_bodies_cannot_carry_an_id() -> None:
    with pytest.raises(InputError) as exc:
        e.parse_body(body(id="0f8fad5b-d9cb-469f-a165-70867728950e"), NOW, new=False)
    assert exc.value.field == "id"


@pytest.mark.parametrize("raw", ["", "{", "[]", "null", "42", '"text"'])
def test_parse_body_needs_a_json_object(raw: str) -> None:
    with pytest.raises(InputError) as exc:
        e.parse_body(raw, NOW, new=True)
    assert exc.value.field == "body"
