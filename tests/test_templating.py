"""Formatting for templates: durations that read the same everywhere and never break badly."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from stretch_app.templating import format_duration

NBSP = "\u00a0"


@pytest.mark.parametrize(("seconds", "words"), [
    (0, "0 s"), (45, "45 s"), (60, "1 min"), (70, "1 min 10 s"), (665, "11 min 5 s"),
])
def test_a_duration_keeps_each_number_with_its_unit(seconds: int, words: str) -> None:
    text = format_duration(seconds)
    assert text.replace(NBSP, " ") == words
    # Only the gap between two parts may wrap, never "11 | min".
    for part in text.split(" "):
        number, unit = part.split(NBSP)
        assert number.isdigit() and unit in ("min", "s")


def test_pages_print_durations_that_do_not_break(client: FlaskClient) -> None:
    html = client.get("/routines/calf-reset").get_data(as_text=True)
    assert f'class="pill pill-time">1{NBSP}min 10{NBSP}s<' in html
    assert f"Includes 5{NBSP}s to move" in html
    routines = client.get("/routines").get_data(as_text=True)
    assert f"1{NBSP}min 10{NBSP}s" in routines
