"""the commit happens, the response is lost, the client retries.

Each completion is sent on a raw socket that is dropped without reading the answer:

- "closed": the client closes right after sending (the server still handles the request);
- "reset": the client waits until the row is committed, then resets the connection (RST).

Then it posts the same body again, as the browser's queue does. Passes when every retry answers
200 with the stored completion, and each id has exactly one row.
"""

from __future__ import annotations

import json
import socket
import struct
import sys
import time
from typing import Any

from ._harness import (
    HOST,
    Checks,
    Client,
    Database,
    completion,
    deadline_alarm,
    install_cleanup,
    on_postgres,
    routine_slugs,
    server,
)

ROUNDS = 10  # per kind


def _send_and_drop(port: int, client: Client, item: dict[str, Any], db: Database,
                   reset: bool) -> bool:
    """Send the POST, drop the connection unread; tell whether the row was committed."""
    body = json.dumps(item).encode()
    cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
    head = (
        f"POST /api/completions HTTP/1.1\r\nHost: {HOST}:{port}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        f"X-CSRFToken: {client.token}\r\nCookie: {cookie}\r\nConnection: close\r\n\r\n"
    ).encode()
    sock = socket.create_connection((HOST, port), timeout=10)
    try:
        sock.sendall(head + body)
        if reset:
            committed = _wait_for_row(db, item["id"])
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    finally:
        sock.close()
    return committed if reset else _wait_for_row(db, item["id"])


def _wait_for_row(db: Database, client_id: str, seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if db.scalar(f"SELECT count(*) FROM completions WHERE client_id = '{client_id}'"):
            return True
        time.sleep(0.02)
    return False


def main() -> int:
    install_cleanup()
    deadline_alarm(300)
    checks = Checks("test 21: commit, drop the connection unread, retry "
                    f"({'PostgreSQL' if on_postgres() else 'SQLite'})")
    srv = server("lost").start()
    client = Client(srv.port)
    client.sign_up("offline")
    client.token = client.get("/api/csrf").json()["csrf_token"]
    slugs = routine_slugs(srv.port)
    outcome: dict[str, dict[str, int]] = {}
    mismatched = []
    for kind in ("closed", "reset"):
        tally = {"committed before the retry": 0, "retry 200": 0, "retry 201": 0, "other": 0}
        for _ in range(ROUNDS):
            item = completion(slugs[0])
            if _send_and_drop(srv.port, client, item, srv.database, reset=kind == "reset"):
                tally["committed before the retry"] += 1
            retry = client.post_json("/api/completions", item)
            key = f"retry {retry.status}" if retry.status in (200, 201) else "other"
            tally[key] += 1
            stored = retry.json() if retry.status in (200, 201) else {}
            if any(stored.get(k) != item[k] for k in ("id", "routine", "seconds_done")):
                mismatched.append(item["id"])
        outcome[kind] = tally
    rows = srv.database.scalar("SELECT count(*) FROM completions")
    dupes = srv.database.scalar(
        "SELECT count(*) FROM (SELECT 1 FROM completions GROUP BY user_id, client_id "
        "HAVING count(*) > 1) d")
    server_5xx = sum(1 for e in srv.access_entries() if e[3] >= 500)
    srv.stop()
    for kind, tally in outcome.items():
        checks.figure(kind, tally)
    for kind, tally in outcome.items():
        checks.check(tally["committed before the retry"] == ROUNDS,
                     f"{kind}: every dropped request was committed")
        checks.check(tally["retry 200"] == ROUNDS, f"{kind}: every retry answered 200")
    checks.check(not mismatched, f"retries returned the stored completion ({len(mismatched)} not)")
    checks.check(rows == 2 * ROUNDS and dupes == 0, f"{rows} rows for {2 * ROUNDS} ids, "
                 f"{dupes} duplicates")
    checks.check(server_5xx == 0, f"5xx in the access log: {server_5xx}")
    return checks.exit_code()


if __name__ == "__main__":
    sys.exit(main())
