"""SIGKILL gunicorn workers during test 17's load, then crash and restart.

The load of test 17 runs while a worker is SIGKILLed every 0.7 s (the master starts a new
one); clients retry a lost connection or a 5xx with the same id, as the browser's queue does.
Then the master and all workers are SIGKILLed together and the server is started again.
Passes when `PRAGMA integrity_check` is ok, every acknowledged write is in the database and
visible through the API after the restart, and no (user, id) is stored twice.
"""

from __future__ import annotations

import random
import sys
import threading
import time

from ._harness import Checks, Client, deadline_alarm, install_cleanup, on_postgres, server
from .concurrent_writes import PER_WRITER, WRITERS, load

KILL_EVERY = 0.7
MAX_KILLS = 12


def main() -> int:
    install_cleanup()
    deadline_alarm(600)
    checks = Checks("test 20: SIGKILL workers during 8 x 250 completions, crash, restart "
                    f"({'PostgreSQL' if on_postgres() else 'SQLite'})")
    srv = server("kill").start()
    rng = random.Random(20)
    killed: list[int] = []
    stop = threading.Event()

    def killer() -> None:
        while not stop.is_set() and len(killed) < MAX_KILLS:
            time.sleep(KILL_EVERY)
            pid = srv.kill_worker(rng)
            if pid is not None:
                killed.append(pid)

    try:
        result = load(srv, retry=True, during=killer)
    finally:
        stop.set()
    # Then everything at once, mid-flight or not: the master and every worker.
    srv.crash()
    total = WRITERS * PER_WRITER
    integrity = srv.database.integrity()
    rows = srv.database.scalar("SELECT count(*) FROM completions")
    dupes = srv.database.scalar(
        "SELECT count(*) FROM (SELECT 1 FROM completions GROUP BY user_id, client_id "
        "HAVING count(*) > 1) d")
    stored = {r[0] for r in srv.database.rows("SELECT client_id FROM completions")}
    missing = result.acked - stored
    strangers = stored - result.sent

    # Restart on the same database and read everything back through the API.
    srv.start()
    seen: set[str] = set()
    for login in sorted({r["login"] for r in result.writer}):
        client = Client(srv.port)
        if client.sign_in(login).status == 302:
            seen.update(c["id"] for c in client.get("/api/completions").json()["completions"])
    srv.stop()

    checks.figure("elapsed", f"{result.seconds:.1f} s; workers SIGKILLed: {len(killed)}")
    checks.figure("final answers", dict(result.statuses))
    checks.figure("retried failures", dict(result.errors) or "none")
    checks.figure("acknowledged", f"{len(result.acked):,} of {len(result.sent):,} sent; "
                  f"{rows:,} rows")
    checks.check(len(killed) >= 3, f"{len(killed)} workers SIGKILLed during the load")
    checks.check(not result.failures, f"every client process finished {result.failures[:3]}")
    checks.check(integrity in ("ok", "n/a"), f"integrity_check after the crash: {integrity}")
    checks.check(len(result.acked) == total, f"{len(result.acked):,} of {total:,} acknowledged")
    checks.check(not missing, f"acknowledged writes missing: {len(missing)}")
    checks.check(dupes == 0, f"duplicates: {dupes}")
    checks.check(not strangers, f"rows nobody sent: {len(strangers)}")
    checks.check(rows == len(result.acked), f"{rows:,} rows = {len(result.acked):,} acknowledged")
    checks.check(result.acked <= seen,
                 f"after the restart the API shows {len(seen & result.acked):,} of "
                 f"{len(result.acked):,} acknowledged writes")
    return checks.exit_code()


if __name__ == "__main__":
    sys.exit(main())
