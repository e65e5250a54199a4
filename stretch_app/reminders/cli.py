"""`flask reminders send` and `flask reminders run`: the loop that sends due reminders."""

from __future__ import annotations

import signal
import time
from datetime import UTC, datetime
from typing import Any

import click
from flask import current_app
from flask.cli import AppGroup

reminders_cli = AppGroup("reminders", help="Send the reminders that fell due.")


def send_now(now: datetime) -> Any:
    """Send what fell due up to `now`, with URLs built as the web pages build them."""
    from .push import send_push
    from .sending import send_due

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    with app.test_request_context("/"):
        return send_due(now, app.extensions["limber_catalog"],
                        lambda sub, payload: send_push(sub, payload, app))


def _instant(value: str | None) -> datetime:
    if value is None:
        return datetime.now(UTC)
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise click.BadParameter("write an ISO 8601 instant, e.g. 2026-03-29T20:30:00Z") from None
    if moment.tzinfo is None:
        raise click.BadParameter("give the instant a UTC offset, e.g. 2026-03-29T20:30:00Z")
    return moment.astimezone(UTC)


@reminders_cli.command("send")
@click.option("--at", "at", default=None, help="Act as if it were this instant (default: now).")
def send_command(at: str | None) -> None:
    """Send every reminder that fell due in the 15 minutes up to now, once per date."""
    report = send_now(_instant(at))
    for line in report.lines:
        click.echo(line)
    click.echo(f"{report.sent} sent, {report.quiet} quiet, {report.no_device} without a device, "
               f"{report.failed} failed, {report.already} sent by another run.")


class _Stop(BaseException):
    """Raised by the stop signal; not an Exception, so a run's error handling cannot swallow it."""


def _stop(_signum: int, _frame: Any) -> None:
    raise _Stop


@reminders_cli.command("run")
@click.option("--every", default=60, show_default=True, type=click.IntRange(5, 600),
              help="Seconds between runs.")
def run_command(every: int) -> None:
    """Send due reminders every minute until stopped; any number of these may run."""
    signal.signal(signal.SIGTERM, _stop)
    # Started with `&` by `make run`, the loop inherits an ignored SIGINT: Ctrl+C must stop it too.
    signal.signal(signal.SIGINT, _stop)
    click.echo(f"Sending due reminders every {every} s. Stop with Ctrl+C.")
    try:
        while True:
            started = time.monotonic()
            try:
                report = send_now(datetime.now(UTC))
                for line in report.lines:
                    click.echo(line)
            except Exception as exc:  # a failed run is retried next time; the loop goes on
                current_app.logger.exception("reminder run failed: %s", exc)
            time.sleep(max(0.0, every - (time.monotonic() - started)))
    except (_Stop, KeyboardInterrupt):
        click.echo("Stopped.")
