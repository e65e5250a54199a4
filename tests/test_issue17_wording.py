"""Wording that reads the same everywhere: a duration never breaks between number and unit."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta

from flask.testing import FlaskClient

from .helpers import completion_body, cramp_body

# A number and its unit joined by a space a line may break at (a no-break space is fine).
BREAKABLE = re.compile(r"\d[ \t\r\n]+(?:min|minutes?|s|seconds?|h|hours?)\b")
HIDDEN = re.compile(r"<(script|style|svg|title)\b.*?</\1>", re.S)


def shown_text(page: str) -> str:
    """Return the text a reader sees: no scripts, styles, drawings or the tab title."""
    return html.unescape(re.sub(r"<[^>]+>", " ", HIDDEN.sub(" ", page)))


def test_durations_stay_whole_on_history_and_the_doctor_summary(
        user_client: FlaskClient) -> None:
    start = datetime.now(UTC) - timedelta(minutes=30)
    assert user_client.post("/api/completions", json=completion_body(
        started_at=start.isoformat(), ended_at=(start + timedelta(minutes=3)).isoformat(),
        seconds_done=95)).status_code == 201
    for minutes in (2, 7):
        assert user_client.post("/api/cramps", json=cramp_body(
            duration_minutes=minutes)).status_code == 201
    pages = {
        "/history": ("min in all", "minutes in all", "1\u00a0min 35\u00a0s stretching"),
        "/diary/summary?from=2025-01-01&to=2025-03-01": ("4.5\u00a0min", "9\u00a0minutes in all"),
        "/routines/calf-reset": ("Total 1\u00a0min 10\u00a0s",),
        "/diary": ("2\u00a0minutes", "7\u00a0minutes"),
    }
    for path, expected in pages.items():
        text = shown_text(user_client.get(path).get_data(as_text=True))
        assert BREAKABLE.findall(text) == [], path
        for words in expected:
            assert words in text, (path, words)
