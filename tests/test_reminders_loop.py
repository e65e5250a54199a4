"""The sending loop as people start it: `flask reminders run`, and `make run` beside the server.

Each test prepares a SQLite file (migrated, one person with a device and a reminder due a
minute ago), starts the real command in its own process group on that file, and watches a
loopback push service for the message.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy.engine import make_url

from stretch_app.extensions import db
from stretch_app.reminders.cli import reminders_cli

from .helpers import FIXTURE_CONTENT, ON_POSTGRES, ROOT, sign_up
from .push_receiver import PushReceiver


@pytest.fixture
def receiver() -> Iterator[PushReceiver]:
    with PushReceiver() as push_service:
        yield push_service


def minutes_ago(minutes: int) -> str:
    """Return London's wall-clock time some minutes ago, as a reminder's HH:MM."""
    return (datetime.now(UTC) - timedelta(minutes=minutes)).astimezone(
        ZoneInfo("Europe/London")).strftime("%H:%M")


@pytest.fixture
def prepared(make_app: Callable[..., Flask], tmp_path: Path,
             receiver: PushReceiver) -> tuple[Flask, dict[str, str]]:
    """Return an app on a migrated SQLite file with a due reminder, and the env to reach it."""
    database = tmp_path / "loop.db"
    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{database}", tables=False)
    with app.app_context():
        upgrade()
        db.session.remove()
    client = app.test_client()
    sign_up(client)
    flat = receiver.subscription()
    stored = client.post("/api/push-subscriptions", json={
        "endpoint": flat["endpoint"], "keys": {"p256dh": flat["p256dh"], "auth": flat["auth"]}})
    assert stored.status_code == 201
    made = client.post("/api/reminders", json={
        "days": [1, 2, 3, 4, 5, 6, 7], "time": minutes_ago(1), "routine": "calf-reset"})
    assert made.status_code == 201
    return app, process_env(tmp_path, f"sqlite:///{database}")


def process_env(tmp_path: Path, database_url: str) -> dict[str, str]:
    """Return the environment a `flask` process needs to use the test's database."""
    env = {**os.environ, "DATABASE_URL": database_url,
           "LIMBER_INSTANCE_PATH": str(tmp_path / "instance"),
           "LIMBER_CONTENT_DIR": str(FIXTURE_CONTENT), "PYTHONUNBUFFERED": "1"}
    for name in ("LIMBER_ENV", "FLASK_DEBUG", "FLASK_APP", "SECRET_KEY"):
        env.pop(name, None)
    return env


SUMMARY = re.compile(r"(\d+) sent, (\d+) quiet, (\d+) without a device, (\d+) failed, "
                     r"(\d+) sent by another run\.")


def test_send_runs_in_separate_processes_send_exactly_one(
        make_app: Callable[..., Flask], tmp_path: Path, receiver: PushReceiver) -> None:
    # On PostgreSQL (make test-postgres) the processes share this test's schema there.
    if ON_POSTGRES:
        app = make_app()
        url = make_url(app.config["SQLALCHEMY_DATABASE_URI"]).update_query_dict(
            {"options": f"-csearch_path={app.config['LIMBER_TEST_SCHEMA']}"})
        database_url = url.render_as_string(hide_password=False)
    else:
        database_url = f"sqlite:///{tmp_path / 'race.db'}"
        app = make_app(SQLALCHEMY_DATABASE_URI=database_url)
    client = app.test_client()
    sign_up(client)
    flat = receiver.subscription()
    assert client.post("/api/push-subscriptions", json={"endpoint": flat["endpoint"], "keys": {
        "p256dh": flat["p256dh"], "auth": flat["auth"]}}).status_code == 201
    assert client.post("/api/reminders", json={
        "days": [1], "time": "21:30", "routine": "calf-reset"}).status_code == 201
    command = [sys.executable, "-m", "flask", "--app", "stretch_app", "reminders", "send",
               "--at", "2026-11-02T21:31:00Z"]  # a Monday: 21:30 in London is 21:30 UTC
    env = process_env(tmp_path, database_url)
    runs = [subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True) for _ in range(3)]
    outputs = [run.communicate(timeout=60)[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0, 0], outputs
    totals = [sum(int(SUMMARY.search(out).group(n)) for out in outputs)  # type: ignore[union-attr]
              for n in (1, 5)]
    assert totals == [1, 2], outputs  # one sent it; the other two found it claimed
    assert len(receiver.received) == 1 and receiver.received[0].problems == []


# Run a command with Ctrl+C's default action, as from a terminal, even if this test run was
# started where SIGINT is ignored (a shell's background job): ignored signals are inherited.
WITH_CTRL_C = [sys.executable, "-c", "import os, signal, sys; "
               "signal.signal(signal.SIGINT, signal.SIG_DFL); os.execvp(sys.argv[1], sys.argv[1:])"]


def wait_for(check: Callable[[], Any], what: str, seconds: float = 30) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.2)
    pytest.fail(f"gave up waiting for {what}")


def stop(process: subprocess.Popen[str], sig: int) -> str:
    """Signal the process group (as Ctrl+C or a service manager would); return all output."""
    os.killpg(process.pid, sig)
    try:
        out, _ = process.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        out, _ = process.communicate()
        pytest.fail(f"still running 20 s after the signal:\n{out}")
    return out


def test_the_loop_sends_what_falls_due_each_round_until_stopped(
        prepared: tuple[Flask, dict[str, str]], receiver: PushReceiver) -> None:
    app, env = prepared
    command = [sys.executable, "-m", "flask", "--app", "stretch_app", "reminders", "run",
               "--every", "5"]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        wait_for(lambda: receiver.received, "the first reminder")
        # Added after the first round: only a later round of the loop can send it.
        client = app.test_client()
        client.post("/login", data={"login": "sam", "password": "correct horse battery"})
        later = client.post("/api/reminders", json={
            "days": [1, 2, 3, 4, 5, 6, 7], "time": minutes_ago(2), "routine": "back-unwind"})
        assert later.status_code == 201
        wait_for(lambda: len(receiver.received) >= 2, "the reminder added later", 20)
        time.sleep(6)  # one more round: neither goes out again
    finally:
        out = stop(process, signal.SIGTERM)
    assert process.returncode == 0, out
    assert "Sending due reminders every 5 s." in out
    assert out.rstrip().endswith("Stopped.")
    assert [m.payload["url"] for m in receiver.received] == [
        "/routines/calf-reset/play", "/routines/back-unwind/play"]
    assert all(m.problems == [] for m in receiver.received)


def test_ctrl_c_stops_a_loop_started_in_the_background(
        prepared: tuple[Flask, dict[str, str]], receiver: PushReceiver) -> None:
    _app, env = prepared
    # As `make run` starts it: with `&`, so the shell hands it an ignored SIGINT.
    loop = f"{shlex.quote(sys.executable)} -m flask --app stretch_app reminders run"
    process = subprocess.Popen(["sh", "-c", f"{loop} & wait"], cwd=ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               start_new_session=True)
    try:
        wait_for(lambda: receiver.received, "the first reminder")
    finally:
        out = stop(process, signal.SIGINT)
    assert out.rstrip().endswith("Stopped."), out


@pytest.mark.parametrize(("at", "says"), [
    ("tonight", "write an ISO 8601 instant"),
    ("2026-12-03T21:30:00", "give the instant a UTC offset"),
])
def test_send_at_a_bad_instant_says_how_to_write_one(app: Flask, at: str, says: str) -> None:
    result = app.test_cli_runner().invoke(reminders_cli, ["send", "--at", at])
    assert result.exit_code == 2
    assert says in result.output


def test_send_at_an_instant_with_z_reports_what_it_did(app: Flask) -> None:
    result = app.test_cli_runner().invoke(reminders_cli, ["send", "--at", "2026-12-03T21:30:00Z"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == ("0 sent, 0 quiet, 0 without a device, 0 failed, "
                                     "0 sent by another run.")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (loopback)
            return response.status == 200
    except OSError:
        return False


def test_make_run_serves_the_app_and_sends_due_reminders(
        prepared: tuple[Flask, dict[str, str]], receiver: PushReceiver) -> None:
    if shutil.which("make") is None or not (ROOT / ".venv" / "bin" / "flask").exists():
        # Without the project's .venv, make would create one: that is for `make test` to do.
        if os.environ.get("CI") == "true":
            pytest.fail("CI runs this through `make test`, which installs .venv first")
        pytest.skip("make or the project's .venv is missing")
    _app, env = prepared
    port = free_port()
    # -o: the installed packages count as up to date, so nothing is installed from here.
    command = [*WITH_CTRL_C, "make", "--no-print-directory", "-o", ".venv/.installed", "run",
               f"PORT={port}", f"PYTHON={sys.executable}"]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        wait_for(lambda: answers(f"http://127.0.0.1:{port}/"), "the development server", 60)
        wait_for(lambda: receiver.received, "the reminder the loop sends", 30)
    finally:
        out = stop(process, signal.SIGINT)
    assert "Sending due reminders every 60 s." in out
    assert "Stopped." in out
    [message] = receiver.received
    assert message.problems == [] and message.payload["url"] == "/routines/calf-reset/play"
