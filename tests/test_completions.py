"""The stored streak runs and totals match the reference rules on real database rows."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from stretch_app.completions import (
    CompletionIn,
    Outcome,
    Recorded,
    completion_row,
    finished_on,
    record_completion,
)
from stretch_app.extensions import db
from stretch_app.models import Completion, DayOff, StreakRun, User
from stretch_app.stats import (
    clear_day_off,
    recount_totals,
    refresh_streaks,
    set_day_off,
    streak_summary,
)

from .streak_reference import summarise

TODAY = date(2026, 11, 24)


def test_database_streaks_match_reference_for_random_histories(app: Flask) -> None:
    rng = random.Random(20261124)
    with app.app_context():
        for case in range(25):
            user = User(login=f"u{case}", password_hash="x", weekly_goal=rng.randint(1, 7))
            db.session.add(user)
            db.session.flush()
            days_back = [rng.randint(0, 120) for _ in range(rng.randint(0, 70))]
            active = {TODAY - timedelta(days=n) for n in days_back}
            partial = {TODAY - timedelta(days=rng.randint(0, 120)) for _ in range(10)}
            off = {TODAY - timedelta(days=rng.randint(-10, 120)) for _ in range(rng.randint(0, 15))}
            for day, finished in [(d, True) for d in active] + [(d, False) for d in partial]:
                start = datetime.combine(day, time(12), UTC).replace(tzinfo=None)
                db.session.add(Completion(
                    user_id=user.id, client_id=str(uuid.uuid4()), routine_slug="calf-reset",
                    routine_title="Quick calf reset", areas="legs", started_at=start,
                    ended_at=start, time_zone="UTC", local_date=day, steps_done=1,
                    steps_total=2, seconds_done=60, finished=finished))
            for day in off:
                db.session.add(DayOff(user_id=user.id, day=day, kind="rest"))
            db.session.flush()
            refresh_streaks(user)
            recount_totals(user)
            for today in (TODAY, TODAY + timedelta(days=1), TODAY + timedelta(days=9)):
                expected = summarise(active, off, user.weekly_goal, today)
                assert streak_summary(user, today) == expected, (case, today)
            assert user.finished_count == len(active)
            assert user.seconds_total == 60 * (len(active) + len(partial))
        db.session.rollback()


def test_day_off_changes_refresh_the_runs(app: Flask) -> None:
    with app.app_context():
        user = User(login="sam", password_hash="x")
        db.session.add(user)
        db.session.flush()
        for day in (TODAY, TODAY - timedelta(days=2)):
            start = datetime.combine(day, time(9))
            db.session.add(Completion(
                user_id=user.id, client_id=str(uuid.uuid4()), routine_slug="calf-reset",
                routine_title="t", areas="legs", started_at=start, ended_at=start,
                time_zone="UTC", local_date=day, steps_done=2, steps_total=2, seconds_done=70,
                finished=True))
        db.session.flush()
        refresh_streaks(user)
        assert streak_summary(user, TODAY).current_streak == 1
        set_day_off(user, TODAY - timedelta(days=1), "sick", TODAY)
        assert streak_summary(user, TODAY).current_streak == 2
        assert clear_day_off(user, TODAY - timedelta(days=1))
        assert streak_summary(user, TODAY).current_streak == 1
        assert db.session.execute(select(DayOff)).first() is None


def _posted(day: date, finished: bool, client_id: str | None = None,
            seconds: int = 60) -> CompletionIn:
    start = datetime.combine(day, time(12), UTC)
    return CompletionIn.model_validate({
        "id": client_id or str(uuid.uuid4()), "routine": "calf-reset",
        "started_at": start.isoformat(),
        "ended_at": (start + timedelta(seconds=seconds)).isoformat(),
        "time_zone": "UTC", "steps_done": 2 if finished else 1, "steps_total": 2,
        "seconds_done": seconds, "finished": finished})


def test_recorded_sessions_keep_runs_and_totals_as_a_rebuild_would(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Random sessions, retries and days off, in any order: after each one the stored runs
    match a full rebuild and the reference rules, and the totals match a recount."""
    import stretch_app.completions as completions

    refreshes: list[date] = []
    real_refresh = completions.refresh_streaks
    monkeypatch.setattr(completions, "refresh_streaks", lambda user: (
        refreshes.append(user.id), real_refresh(user)))
    catalog = app.extensions["limber_catalog"]
    now = datetime.combine(TODAY, time(23), UTC)
    rng = random.Random(20261125)
    with app.app_context():
        for case in range(6):
            user = User(login=f"r{case}", password_hash="x", weekly_goal=rng.randint(1, 4))
            db.session.add(user)
            db.session.flush()
            active: set[date] = set()
            off = {TODAY - timedelta(days=rng.randint(0, 40)) for _ in range(rng.randint(0, 6))}
            for day in off:
                db.session.add(DayOff(user_id=user.id, day=day, kind="rest"))
            db.session.flush()
            real_refresh(user)
            sent: list[CompletionIn] = []
            finished_total = seconds_total = 0
            for _ in range(40):
                if sent and rng.random() < 0.15:  # a retry of a session already sent
                    data = rng.choice(sent)
                    refreshes.clear()
                    done = _record(user, data, catalog, now)
                    assert done.outcome is Outcome.SAME and done.completion.client_id == data.id
                    assert refreshes == []
                    continue
                day = TODAY - timedelta(days=rng.choice([0, 0, 1, 2, rng.randint(0, 40)]))
                data = _posted(day, rng.random() < 0.8, seconds=rng.randint(10, 600))
                refreshes.clear()
                done = _record(user, data, catalog, now)
                assert done.outcome is Outcome.NEW
                assert done.completion.client_id == data.id
                assert done.completion.local_date == day
                sent.append(data)
                finished_total += data.finished
                seconds_total += data.seconds_done
                newly_active = data.finished and day not in active
                # The runs are rebuilt exactly when a date becomes active.
                assert refreshes == ([user.id] if newly_active else [])
                if data.finished:
                    active.add(day)
                stored = _runs(user.id)
                real_refresh(user)
                assert stored == _runs(user.id), (case, day)
                for today in (TODAY, TODAY + timedelta(days=1)):
                    expected = summarise(active, off, user.weekly_goal, today)
                    assert streak_summary(user, today) == expected, (case, today)
            db.session.refresh(user)
            assert (user.finished_count, user.seconds_total) == (finished_total, seconds_total)
            recount_totals(user)
            assert (user.finished_count, user.seconds_total) == (finished_total, seconds_total)
        db.session.rollback()


def test_same_id_with_other_content_is_a_conflict_and_changes_nothing(app: Flask) -> None:
    catalog = app.extensions["limber_catalog"]
    now = datetime.combine(TODAY, time(23), UTC)
    with app.app_context():
        user = User(login="sam", password_hash="x")
        db.session.add(user)
        db.session.flush()
        first = _posted(TODAY, True, seconds=70)
        assert _record(user, first, catalog, now).outcome is Outcome.NEW
        again = _record(user, first, catalog, now)
        assert again.outcome is Outcome.SAME
        assert (again.completion.seconds_done, again.completion.finished) == (70, True)
        changed = _posted(TODAY, False, client_id=first.id, seconds=70)
        clash = _record(user, changed, catalog, now)
        assert clash.outcome is Outcome.CONFLICT and clash.completion.finished is True
        db.session.refresh(user)
        assert (user.finished_count, user.seconds_total) == (1, 70)
        assert db.session.execute(select(Completion.id)).all() == [(clash.completion.id,)]
        db.session.rollback()


def _record(user: User, data: CompletionIn, catalog: Any, now: datetime) -> Recorded:
    """Record as the API does, in the ORM session's transaction (rolled back by the test)."""
    row = completion_row(data, user.id, catalog.routines.get, now)
    return record_completion(user, row, finished_on(user.id, row["local_date"]))


def _runs(user_id: int) -> list[tuple[str, date, date, int]]:
    return sorted(tuple(row) for row in db.session.execute(
        select(StreakRun.kind, StreakRun.first, StreakRun.last, StreakRun.length)
        .where(StreakRun.user_id == user_id)).all())
