"""the SQLite database held locked longer than the busy timeout.

gunicorn -w 4 runs with LIMBER_DB_BUSY_TIMEOUT_MS=300 while this script holds the database as
another process would (BEGIN EXCLUSIVE with a write pending) for longer than that. Passes when
every write (JSON and forms, from 4 processes at once) answers 503 with Retry-After soon after
the busy timeout, reads keep working, nothing is written (not even a failed-login count), and
the queued items are stored exactly once when retried after the lock is released.
SQLite only: on PostgreSQL the scenario says so and passes.
"""

from __future__ import annotations

import re
import sqlite3
import sys
from collections import Counter
from typing import Any

from ._harness import (
    Checks,
    Client,
    completion,
    deadline_alarm,
    errors_in,
    install_cleanup,
    on_postgres,
    routine_slugs,
    run_processes,
    server,
)

BUSY_MS = 300
PROCESSES = 4
PER_PROCESS = 3


def _post_while_locked(port: int, cookies: dict[str, str], token: str,
                       items: list[dict[str, Any]]) -> dict[str, Any]:
    client = Client(port)
    client.cookies, client.token = dict(cookies), token
    out: dict[str, Any] = {"statuses": Counter(), "retry_after": [], "seconds": [],
                           "codes": Counter()}
    for item in items:
        response = client.post_json("/api/completions", item)
        out["statuses"][response.status] += 1
        out["retry_after"].append(response.headers.get("retry-after"))
        out["seconds"].append(response.seconds)
        try:
            out["codes"][response.json()["error"]["code"]] += 1
        except (ValueError, KeyError, TypeError):
            out["codes"]["?"] += 1
    return out


def main() -> int:
    install_cleanup()
    deadline_alarm(300)
    checks = Checks(f"test 22: database locked past the busy timeout ({BUSY_MS} ms)")
    if on_postgres():
        print("  SQLite only (PostgreSQL has no database-wide write lock): skipped")
        return checks.exit_code()
    srv = server("locked", LIMBER_DB_BUSY_TIMEOUT_MS=str(BUSY_MS)).start()
    user = Client(srv.port)
    user.sign_up("patient")
    token = user.get("/api/csrf").json()["csrf_token"]
    slugs = routine_slugs(srv.port)
    queued = [[completion(slugs[0]) for _ in range(PER_PROCESS)] for _ in range(PROCESSES)]
    settings_page = user.get("/settings").text
    settings_token = re.search(r'<meta name="csrf-token" content="([^"]+)"', settings_page)
    stranger = Client(srv.port)
    login_page = stranger.get("/login").text
    login_token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login_page)
    assert settings_token and login_token
    before = srv.database.rows("SELECT (SELECT count(*) FROM completions), "
                               "(SELECT count(*) FROM users), "
                               "(SELECT coalesce(sum(failures), 0) FROM login_throttles)")[0]

    assert srv.database.path is not None
    holder = sqlite3.connect(srv.database.path, isolation_level=None)
    try:
        holder.execute("BEGIN EXCLUSIVE")
        holder.execute("UPDATE users SET weekly_goal = weekly_goal")
        results = run_processes(_post_while_locked,
                                [(srv.port, user.cookies, token, q) for q in queued],
                                timeout=120)
        stats = user.get("/api/stats")
        form = user.request(
            "POST", "/settings",
            f"csrf_token={settings_token[1]}&time_zone=UTC&weekly_goal=4".encode(),
            {"Content-Type": "application/x-www-form-urlencoded"})
        login = stranger.request(
            "POST", "/login",
            f"csrf_token={login_token[1]}&login=patient&password=wrong+password".encode(),
            {"Content-Type": "application/x-www-form-urlencoded"})
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    after = srv.database.rows("SELECT (SELECT count(*) FROM completions), "
                              "(SELECT count(*) FROM users), "
                              "(SELECT coalesce(sum(failures), 0) FROM login_throttles)")[0]
    retried = Counter(user.post_json("/api/completions", item).status
                      for q in queued for item in q)
    again = Counter(user.post_json("/api/completions", item).status
                    for q in queued for item in q)
    rows = srv.database.scalar("SELECT count(*) FROM completions")
    server_500 = sum(1 for e in srv.access_entries() if e[3] == 500)
    srv.stop()

    good = [r for r in results if isinstance(r, dict)]
    statuses: Counter[int] = Counter()
    codes: Counter[str] = Counter()
    seconds: list[float] = []
    retry_after: list[Any] = []
    for r in good:
        statuses.update(r["statuses"])
        codes.update(r["codes"])
        seconds.extend(r["seconds"])
        retry_after.extend(r["retry_after"])
    total = PROCESSES * PER_PROCESS
    checks.figure("answers while locked", f"{dict(statuses)} {dict(codes)}; "
                  f"slowest {max(seconds, default=0) * 1000:.0f} ms")
    checks.figure("form answers while locked", f"settings {form.status}, sign-in {login.status}")
    checks.figure("after the lock", f"retries {dict(retried)}, again {dict(again)}")
    checks.check(not errors_in(results), f"every process finished {errors_in(results)[:3]}")
    checks.check(statuses[503] == total, f"{statuses[503]} of {total} JSON writes answered 503")
    checks.check(all(r and int(r) > 0 for r in retry_after), "every 503 has a Retry-After")
    checks.check(codes["busy"] == total, "every JSON 503 says code 'busy'")
    checks.check(max(seconds, default=99) < 3, "each gave up soon after the busy timeout")
    checks.check(stats.status == 200, f"reads go on meanwhile (stats answered {stats.status})")
    checks.check(form.status == 503 and "retry-after" in form.headers
                 and "Traceback" not in form.text, "a form post gets a 503 page")
    checks.check(login.status == 503 and "retry-after" in login.headers,
                 "a sign-in gets 503, not a counted failure")
    checks.check(after == before, f"nothing written while locked: {before} -> {after}")
    checks.check(retried[201] == total and again[200] == total,
                 "the queued items are stored when retried (201), once (200 after)")
    checks.check(rows == total, f"{rows} rows for {total} items")
    checks.check(server_500 == 0, f"500s in the access log: {server_500}")
    return checks.exit_code()


if __name__ == "__main__":
    sys.exit(main())
