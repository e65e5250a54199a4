"""8 processes post the same 200 completions at once.

One account; its session is shared by 8 client processes that wait at a barrier and then post
the same 200 bodies in the same order, so every id races up to 8 times across the 4 gunicorn
workers. Passes when every answer is 201 or 200, there are exactly 200 × 201 in all, and
exactly 200 rows.
"""

from __future__ import annotations

import random
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
    percentile,
    routine_slugs,
    run_processes,
    server,
)

PROCESSES = 8
IDS = 200


def _poster(port: int, cookies: dict[str, str], token: str, items: list[dict[str, Any]],
            barrier: Any) -> dict[str, Any]:
    client = Client(port)
    client.cookies = dict(cookies)
    client.token = token
    statuses: Counter[int] = Counter()
    by_id: dict[str, int] = {}
    latencies = []
    barrier.wait(timeout=60)
    for item in items:
        response = client.post_json("/api/completions", item)
        statuses[response.status] += 1
        by_id[item["id"]] = response.status
        latencies.append(response.seconds)
    return {"statuses": statuses, "by_id": by_id, "latencies": latencies}


def main() -> int:
    install_cleanup()
    deadline_alarm(420)
    checks = Checks(f"test 18: {PROCESSES} processes post the same {IDS} ids at once "
                    f"({'PostgreSQL' if on_postgres() else 'SQLite'})")
    import multiprocessing

    srv = server("same-ids").start()
    owner = Client(srv.port)
    owner.sign_up("racer")
    token = owner.get("/api/csrf").json()["csrf_token"]
    rng = random.Random(18)
    slugs = routine_slugs(srv.port)
    items = [completion(rng.choice(slugs), rng) for _ in range(IDS)]
    barrier = multiprocessing.get_context("fork").Barrier(PROCESSES)
    results = run_processes(_poster, [(srv.port, owner.cookies, token, items, barrier)
                                      for _ in range(PROCESSES)], timeout=300)
    rows = srv.database.scalar("SELECT count(*) FROM completions")
    distinct = srv.database.scalar("SELECT count(DISTINCT client_id) FROM completions")
    server_5xx = sum(1 for e in srv.access_entries() if e[3] >= 500)
    srv.stop()

    good = [r for r in results if isinstance(r, dict)]
    statuses: Counter[int] = Counter()
    latencies: list[float] = []
    created_per_id: Counter[str] = Counter()
    for r in good:
        statuses.update(r["statuses"])
        latencies.extend(r["latencies"])
        created_per_id.update(k for k, v in r["by_id"].items() if v == 201)
    checks.figure("answers", dict(statuses))
    checks.figure("latency", f"p50 {percentile(latencies, 50) * 1000:.0f} ms, "
                  f"p99 {percentile(latencies, 99) * 1000:.0f} ms")
    checks.check(not errors_in(results), f"every process finished {errors_in(results)[:3]}")
    checks.check(set(statuses) <= {200, 201}, "every answer is 201 or 200")
    checks.check(sum(statuses.values()) == PROCESSES * IDS,
                 f"{sum(statuses.values()):,} answers of {PROCESSES * IDS:,}")
    checks.check(statuses[201] == IDS and set(created_per_id.values()) == {1},
                 f"exactly one 201 per id ({statuses[201]} × 201)")
    checks.check(server_5xx == 0, f"5xx in the access log: {server_5xx}")
    checks.check(rows == IDS and distinct == IDS, f"{rows} rows, {distinct} distinct ids "
                 f"(expected exactly {IDS})")
    return checks.exit_code()


if __name__ == "__main__":
    sys.exit(main())
