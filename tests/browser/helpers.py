"""Shared pieces of the browser tests: expected timings, JSON reads, seeded data, waits."""

from __future__ import annotations

import json
import time
import urllib.request
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import pytest
from playwright.sync_api import Page

from stretch_app.diary.entries import build_entry
from stretch_app.extensions import db
from stretch_app.models import Completion, CrampEntry, User

if TYPE_CHECKING:
    from .conftest import LiveServer


@dataclass(frozen=True)
class Segment:
    kind: str  # prep | transition | hold
    start: int  # ms from Start
    end: int
    step: int  # the step shown (the hold, or the one the lead-in leads into)
    switch: bool


def segments(routine: dict[str, Any]) -> list[Segment]:
    out: list[Segment] = []
    t = 0
    prep = routine["prep_seconds"] * 1000
    trans = routine["transition_seconds"] * 1000
    if prep:
        out.append(Segment("prep", 0, prep, 0, False))
        t = prep
    steps = routine["steps"]
    for i, step in enumerate(steps):
        if i and trans:
            prev = steps[i - 1]
            switch = bool(prev["side"] and step["side"] and prev["pose"] == step["pose"])
            out.append(Segment("transition", t, t + trans, i, switch))
            t += trans
        out.append(Segment("hold", t, t + step["seconds"] * 1000, i, False))
        t += step["seconds"] * 1000
    assert t == routine["total_seconds"] * 1000, "total_seconds breaks the content rule"
    return out


def get_json(live_server: LiveServer, path: str) -> Any:
    with urllib.request.urlopen(live_server.url + path, timeout=10) as response:
        return json.load(response)


def wait_for_empty_queue(page: Page, seconds: float = 10) -> None:
    """The flush runs on real network time while the page's clock is fake: poll from here."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        raw = page.evaluate("localStorage.getItem('limber.completions.pending')")
        if not json.loads(raw or "[]"):
            return
        time.sleep(0.05)
    raise AssertionError(f"the queue did not empty: {raw}")


def seed_diary(live_server: LiveServer, login: str) -> None:
    """Give a user 12 weeks of cramps (two with a warning sign) and stretching sessions."""
    now = datetime.now(UTC)
    with live_server.app.app_context():
        uid = db.session.execute(db.select(User.id).where(User.login == login)).scalar_one()
        for i in range(24):
            when = now - timedelta(days=(i * 37) % 80, hours=i % 9)
            data = build_entry(
                occurred_at=when, time_zone="Europe/Paris",
                location=("calf", "calf", "foot", "thigh", "back", "abdomen")[i % 6],
                strength=2 + i % 8, duration_minutes=(None, 0, 2, 5)[i % 4], woke_me=i % 3 == 0,
                triggers=(("night",), ("sitting", "night"), ("dehydration",), ())[i % 4],
                red_flags=("no-relief",) if i in (4, 11) else (),
                note="woke at 3am, eased with the wall stretch" if i % 5 == 0 else "", now=now)
            db.session.add(CrampEntry(user_id=uid, **data.columns()))
        for i in range(30):
            start = (now - timedelta(days=(i * 13) % 83)).replace(tzinfo=None)
            db.session.add(Completion(
                user_id=uid, client_id=str(uuid.uuid4()), routine_slug="quick-calf-reset",
                routine_title="Quick calf reset", areas="legs", started_at=start,
                ended_at=start + timedelta(minutes=4), time_zone="Europe/Paris",
                local_date=start.date(), steps_done=5, steps_total=5, seconds_done=240,
                finished=i % 6 != 0))
        db.session.commit()


def has_switch(routine: dict[str, Any]) -> bool:
    return any(s.switch for s in segments(routine))


def check_axe(page: Page, label: str) -> None:
    """Run axe-core on the page as it is; fail with a readable report on any violation.

    axe runs in an isolated world of the page: its own globals, so neither the page's fake
    clock (which would stop axe's timers) nor its CSP get in the way, and the page's own
    globals stay untouched.
    """
    axe_base = pytest.importorskip("axe_playwright_python.base")  # ships axe.min.js
    cdp = page.context.new_cdp_session(page)
    try:
        frame = cdp.send("Page.getFrameTree")["frameTree"]["frame"]["id"]
        world = cdp.send("Page.createIsolatedWorld", {"frameId": frame, "worldName": "axe"})
        context = world["executionContextId"]
        loaded = cdp.send("Runtime.evaluate",
                          {"expression": axe_base.AXE_SCRIPT, "contextId": context})
        assert "exceptionDetails" not in loaded, loaded
        ran = cdp.send("Runtime.evaluate", {
            "expression": "axe.run(document, { resultTypes: ['violations'] })",
            "contextId": context, "awaitPromise": True, "returnByValue": True,
        })
        assert "exceptionDetails" not in ran, ran
    finally:
        cdp.detach()
    results = axe_base.AxeResults(ran["result"]["value"])
    if results.violations_count:
        raise AssertionError(f"axe on {label} ({page.url}):\n{results.generate_report()}")


def wait_until(check: Any, what: str, seconds: float = 15) -> Any:
    """Poll `check()` (real time) until it returns something truthy."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")
