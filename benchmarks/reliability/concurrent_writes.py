"""gunicorn -w 4, 8 client processes × 250 completions while others read.

8 writer processes, each signed in as its own user, post 250 completions with distinct ids;
2 reader processes meanwhile read /api/stats and /api/export of the same accounts. Passes when
there are 2,000 × 201, no 5xx anywhere, no "database is locked" in the server log, exactly
2,000 rows (250 per user) and a p99 POST latency under 1 s.

`load()` is shared with test 20 (kill_workers.py), which SIGKILLs workers during the same run.
"""

from __future__ import annotations

import random
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ._harness import (
    CONNECTION_ERRORS,
    Checks,
    Client,
    Server,
    completion,
    deadline_alarm,
    errors_in,
    install_cleanup,
    on_postgres,
    percentile,
    routine_slugs,
    run_processes,
    server,
    with_retries,
)

WRITERS = 8
PER_WRITER = 250
READERS = 2
P99_LIMIT = 1.0


def _writer(port: int, login: str, slugs: list[str], count: int, seed: int, barrier: Any,
            done: Any, retry: bool) -> dict[str, Any]:
    rng = random.Random(seed)
    client = Client(port)
    try:
        client.sign_up(login)
        items = [completion(rng.choice(slugs), rng) for _ in range(count)]
        barrier.wait(timeout=120)
        statuses: Counter[int] = Counter()
        seen_errors: Counter[str] = Counter()
        latencies: list[float] = []
        acked: list[str] = []

        def note(problem: Any) -> None:
            key = f"{problem.status}" if hasattr(problem, "status") else type(problem).__name__
            seen_errors[key] += 1

        for item in items:
            if retry:
                response = with_retries(lambda item=item: client.post_json(
                    "/api/completions", item), attempts=40, on_error=note)
            else:
                try:
                    response = client.post_json("/api/completions", item)
                except Exception as exc:
                    note(exc)
                    continue
            statuses[response.status] += 1
            latencies.append(response.seconds)
            if response.status in (200, 201):
                acked.append(item["id"])
        return {"login": login, "statuses": statuses, "latencies": latencies, "acked": acked,
                "errors": seen_errors, "sent": [i["id"] for i in items]}
    finally:
        with done.get_lock():
            done.value += 1


def _reader(port: int, login: str, barrier: Any, done: Any, writers: int,
            tolerate: bool) -> dict[str, Any]:
    client = Client(port)
    statuses: Counter[int] = Counter()
    errors: Counter[str] = Counter()
    barrier.wait(timeout=120)  # the writers have signed the accounts up
    for _attempt in range(20):
        try:
            if client.sign_in(login).status == 302:
                break
        except CONNECTION_ERRORS as exc:
            if not tolerate:
                raise
            errors[type(exc).__name__] += 1
            time.sleep(0.2)
    else:
        raise RuntimeError(f"reader could not sign in as {login}")
    paths = ["/api/stats", "/api/export"]
    turn = 0
    while done.value < writers:
        try:
            response = client.get(paths[turn % 2])
            statuses[response.status] += 1
        except CONNECTION_ERRORS as exc:
            if not tolerate:
                raise
            errors[type(exc).__name__] += 1
            time.sleep(0.05)
        turn += 1
    return {"statuses": statuses, "errors": errors}


@dataclass
class LoadResult:
    writer: list[dict[str, Any]]
    reader: list[dict[str, Any]]
    failures: list[str]
    seconds: float
    statuses: Counter[int] = field(default_factory=Counter)
    reads: Counter[int] = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)
    acked: set[str] = field(default_factory=set)
    sent: set[str] = field(default_factory=set)
    errors: Counter[str] = field(default_factory=Counter)


def load(srv: Server, retry: bool, during: Callable[[], None] | None = None,
         writers: int = WRITERS, per_writer: int = PER_WRITER) -> LoadResult:
    """Run the writers and readers against a started server; `during` runs meanwhile."""
    import multiprocessing

    ctx = multiprocessing.get_context("fork")
    slugs = routine_slugs(srv.port)
    barrier = ctx.Barrier(writers + READERS + 1)  # + this process, to time from the start
    done = ctx.Value("i", 0)
    logins = [f"writer{i}" for i in range(writers)]
    args: list[tuple[Any, ...]] = [
        ("w", srv.port, logins[i], slugs, per_writer, 1000 + i, barrier, done, retry)
        for i in range(writers)
    ]
    args += [("r", srv.port, logins[i], barrier, done, writers, retry) for i in range(READERS)]
    began: list[float] = []

    def at_start() -> None:
        barrier.wait(timeout=180)
        began.append(time.monotonic())
        if during is not None:
            during()

    thread = threading.Thread(target=at_start, daemon=True)
    results = run_processes(_dispatch, args, timeout=600, after_start=thread.start)
    seconds = time.monotonic() - (began[0] if began else time.monotonic())
    thread.join(timeout=60)
    good = [r for r in results if isinstance(r, dict)]
    out = LoadResult(writer=[r for r in good if "acked" in r],
                     reader=[r for r in good if "acked" not in r],
                     failures=errors_in(results), seconds=seconds)
    for r in out.writer:
        out.statuses.update(r["statuses"])
        out.latencies.extend(r["latencies"])
        out.acked.update(r["acked"])
        out.sent.update(r["sent"])
        out.errors.update(r["errors"])
    for r in out.reader:
        out.reads.update(r["statuses"])
        out.errors.update({f"read {k}": v for k, v in r["errors"].items()})
    return out


def _dispatch(kind: str, *args: Any) -> dict[str, Any]:
    return _writer(*args) if kind == "w" else _reader(*args)


def main() -> int:
    install_cleanup()
    deadline_alarm(600)
    checks = Checks("test 17: 8 clients x 250 completions on gunicorn -w 4 "
                    f"({'PostgreSQL' if on_postgres() else 'SQLite'})")
    srv = server("writes").start()
    result = load(srv, retry=False)
    total = WRITERS * PER_WRITER
    rows = srv.database.scalar("SELECT count(*) FROM completions")
    per_user = srv.database.rows(
        "SELECT u.login, count(c.id) FROM users u LEFT JOIN completions c ON c.user_id = u.id "
        "GROUP BY u.login")
    dupes = srv.database.scalar(
        "SELECT count(*) FROM (SELECT 1 FROM completions GROUP BY user_id, client_id "
        "HAVING count(*) > 1) d")
    access = srv.access_entries()
    server_5xx = Counter(e[3] for e in access if e[3] >= 500)
    locked = srv.log_text().lower().count("database is locked")
    p50, p99 = percentile(result.latencies, 50), percentile(result.latencies, 99)
    srv.stop()
    checks.figure("elapsed", f"{result.seconds:.1f} s for {total} POSTs "
                  f"({total / result.seconds:.0f}/s) and {sum(result.reads.values())} reads")
    checks.figure("POST statuses", dict(result.statuses))
    checks.figure("read statuses", dict(result.reads))
    checks.figure("POST latency", f"p50 {p50 * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms, "
                  f"max {max(result.latencies, default=0) * 1000:.0f} ms")
    checks.figure("workers that answered", len({e[0] for e in access}))
    checks.check(not result.failures, f"every client process finished {result.failures[:3]}")
    checks.check(result.statuses[201] == total, f"{result.statuses[201]:,} × 201 of {total:,}")
    checks.check(not result.errors, f"no connection errors {dict(result.errors)}")
    checks.check(not server_5xx, f"no 5xx in the access log {dict(server_5xx)}")
    checks.check(all(200 <= s < 300 for s in result.reads) and sum(result.reads.values()) > 0,
                 "every read answered 2xx")
    checks.check(locked == 0, f"'database is locked' in the server log: {locked}")
    checks.check(rows == total, f"{rows:,} rows in completions (expected exactly {total:,})")
    checks.check(all(n == PER_WRITER for _login, n in per_user) and len(per_user) == WRITERS,
                 f"{PER_WRITER} rows for each of the {WRITERS} users")
    checks.check(dupes == 0, f"duplicate (user, id) pairs: {dupes}")
    checks.check(p99 < P99_LIMIT, f"p99 {p99 * 1000:.0f} ms < {P99_LIMIT * 1000:.0f} ms")
    return checks.exit_code()


if __name__ == "__main__":
    sys.exit(main())
