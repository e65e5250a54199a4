"""The stored streak runs and totals match the reference rules on real database rows."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, date, datetime, time, timedelta

from flask import Flask
from sqlalchemy import select

from stretch_app.extensions import db
from stretch_app.models import Completion, DayOff, User
from stretch_app.streaks import summarise
from stretch_app.tracking import (
    clear_day_off,
    recount_totals,
    refresh_streaks,
    set_day_off,
    streak_summary,
)

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
