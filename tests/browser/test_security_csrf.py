"""A queued completion meets a CSRF token that has really expired (

tests/browser/test_player.py already replays a *stale* token (replaced by hand) through the
player. Here the page's token runs out on the server's clock (WTF_CSRF_TIME_LIMIT) while the
session waits offline in the queue: back online, the client gets 400 csrf_failed, fetches a
fresh token from /api/csrf, retries once, and the server holds exactly one row.
"""

from __future__ import annotations

import json
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from .conftest import LiveServer, PageProblems, sign_up

pytestmark = pytest.mark.browser

ENQUEUE_JS = """async (item) => {
  const src = document.querySelector('script[src*="/js/queue.js"]').src;
  const queue = await import(src);
  queue.enqueueCompletion(item);
}"""
FLUSH_JS = """async () => {
  const src = document.querySelector('script[src*="/js/queue.js"]').src;
  return (await import(src)).flushQueue();
}"""


def pending(page: Any) -> list[dict[str, Any]]:
    return json.loads(page.evaluate("localStorage.getItem('limber.completions.pending')") or "[]")


def test_an_expired_token_is_refreshed_and_the_completion_stored_once(
    new_page: Any, live_server: LiveServer, page_problems: PageProblems
) -> None:
    """expired token on a queued completion → refresh, retry, exactly one row."""
    app = live_server.app
    limit = app.config["WTF_CSRF_TIME_LIMIT"]
    app.config["WTF_CSRF_TIME_LIMIT"] = 2
    try:
        page = new_page("laptop")
        page_problems.allow(r"status of 400")
        sign_up(page, f"csrf-{uuid.uuid4().hex[:10]}")
        # The page's token is minted now (not /history, which reloads once a send is saved).
        page.goto("/settings")
        routine = page.request.get("/api/routines").json()["routines"][0]
        start = datetime.now(UTC) - timedelta(minutes=10)
        item = {
            "id": str(uuid.uuid4()), "routine": routine["slug"],
            "started_at": start.isoformat(),
            "ended_at": (start + timedelta(seconds=routine["total_seconds"])).isoformat(),
            "time_zone": "Europe/Paris", "steps_done": routine["step_count"],
            "steps_total": routine["step_count"], "seconds_done": routine["total_seconds"],
            "finished": True,
        }
        page.context.set_offline(True)
        page.evaluate(ENQUEUE_JS, item)
        assert [i["id"] for i in pending(page)] == [item["id"]]
        time.sleep(3)  # the token in the page's meta tag expires meanwhile

        calls: list[str] = []
        page.on("response", lambda r: calls.append(f"{r.request.method} {r.url} {r.status}"))
        page.context.set_offline(False)
        page.evaluate("window.dispatchEvent(new Event('online'))")
        deadline = time.monotonic() + 10
        while pending(page) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert pending(page) == []
        posts = [c.rsplit(" ", 1)[1] for c in calls if c.startswith("POST") and
                 "/api/completions" in c]
        assert posts == ["400", "201"], calls
        assert any(c.startswith("GET") and "/api/csrf" in c for c in calls), calls
        assert page.evaluate("localStorage.getItem('limber.completions.rejected')") is None

        stored = page.request.get("/api/completions").json()["completions"]
        assert [c["id"] for c in stored] == [item["id"]]
        # Sending again (a reload, a second flush) adds nothing.
        page.evaluate(ENQUEUE_JS, item)
        page.evaluate(FLUSH_JS)
        page.reload()
        assert len(page.request.get("/api/completions").json()["completions"]) == 1
    finally:
        app.config["WTF_CSRF_TIME_LIMIT"] = limit
