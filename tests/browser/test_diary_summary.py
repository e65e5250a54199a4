"""The doctor summary in a browser: every value stays beside its label on a phone."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from stretch_app.diary.entries import build_entry
from stretch_app.extensions import db
from stretch_app.models import CrampEntry, User

from .conftest import LiveServer, sign_up

pytestmark = pytest.mark.browser

# Where the time "HH:MM" ends and where "(woke)" starts, in the first entry's When cell.
WHEN_CELL_JS = """() => {
  const cell = document.querySelector('.entries-table td[data-label="When"]');
  const woke = cell.querySelector('.muted').getBoundingClientRect();
  const text = cell.querySelector('span').firstChild;
  const range = document.createRange();
  range.setStart(text, text.length - 5);
  range.setEnd(text, text.length);
  const time = range.getBoundingClientRect();
  return {timeTop: time.top, timeRight: time.right, wokeTop: woke.top, wokeLeft: woke.left};
}"""


def test_woke_stays_on_the_line_of_its_time(new_page: Any, live_server: LiveServer,
                                            device: str) -> None:
    page = new_page(device)
    login = f"woke-{uuid.uuid4().hex[:10]}"
    sign_up(page, login)
    now = datetime.now(UTC)
    with live_server.app.app_context():
        uid = db.session.execute(db.select(User.id).where(User.login == login)).scalar_one()
        data = build_entry(occurred_at=now - timedelta(hours=2), time_zone="Europe/Paris",
                           location="calf", strength=7, woke_me=True, now=now)
        db.session.add(CrampEntry(user_id=uid, **data.columns()))
        db.session.commit()
    page.goto("/diary/summary")
    box = page.evaluate(WHEN_CELL_JS)
    assert abs(box["wokeTop"] - box["timeTop"]) < 2, box
    assert box["wokeLeft"] >= box["timeRight"], box
