"""`flask backup` under load, then an instance restored from the copy.

While 4 client processes post completions and 2 read stats and exports (the load of test 17,
smaller), new accounts sign up and `flask --app stretch_app backup PATH` runs three times.
Passes when every copy passes `PRAGMA integrity_check`, and a new gunicorn started on the last
copy (restored as documented: copied into place while stopped) serves it and every account in
it signs in and sees its sessions. On PostgreSQL: the command must point at pg_dump and exit
non-zero.
"""

from __future__ import annotations

import shutil
import sqlite3
import sys
import time
from pathlib import Path

from ._harness import (
    Checks,
    Client,
    Database,
    Server,
    deadline_alarm,
    install_cleanup,
    on_postgres,
    server,
    workdir,
)
from .concurrent_writes import load

COPIES = 3
WRITERS = 4
PER_WRITER = 150


def _contents(path: Path) -> tuple[str, dict[str, int]]:
    conn = sqlite3.connect(path)
    try:
        integrity = ", ".join(r[0] for r in conn.execute("PRAGMA integrity_check"))
        per_user = dict(conn.execute(
            "SELECT u.login, count(c.id) FROM users u "
            "LEFT JOIN completions c ON c.user_id = u.id GROUP BY u.login").fetchall())
        return integrity, per_user
    finally:
        conn.close()


def main() -> int:
    install_cleanup()
    deadline_alarm(420)
    checks = Checks("test 23: online backup under load, restore, every user signs in "
                    f"({'PostgreSQL' if on_postgres() else 'SQLite'})")
    srv = server("backup").start()
    if on_postgres():
        done = srv.flask("backup", str(srv.root / "copy.db"), check=False)
        srv.stop()
        checks.check(done.returncode != 0, f"exits non-zero on PostgreSQL ({done.returncode})")
        checks.check("pg_dump" in done.stderr, "points at pg_dump")
        checks.check(not (srv.root / "copy.db").exists(), "writes no file")
        return checks.exit_code()

    copies = [srv.root / f"copy-{i}.db" for i in range(COPIES)]
    outcomes: list[tuple[int, str, float]] = []
    late = [f"late{i}" for i in range(COPIES)]

    def take_copies() -> None:
        for i, copy in enumerate(copies):
            time.sleep(0.3)
            Client(srv.port).sign_up(late[i])
            began = time.monotonic()
            done = srv.flask("backup", str(copy), check=False)
            outcomes.append((done.returncode, (done.stdout + done.stderr).strip(),
                             time.monotonic() - began))

    result = load(srv, retry=False, during=take_copies, writers=WRITERS, per_writer=PER_WRITER)
    final = srv.database.scalar("SELECT count(*) FROM completions")
    srv.stop()
    checks.figure("load", f"{dict(result.statuses)} in {result.seconds:.1f} s, "
                  f"{sum(result.reads.values())} reads")
    checks.check(not result.failures and set(result.statuses) == {201},
                 f"the load ran cleanly meanwhile {result.failures[:2]}")
    checks.check(len(outcomes) == COPIES and all(rc == 0 for rc, _, _ in outcomes),
                 f"{len(outcomes)} backups exited 0 {[o[1] for o in outcomes if o[0]][:1]}")
    contents = []
    for copy, (_rc, _out, seconds) in zip(copies, outcomes, strict=False):
        if not copy.exists():
            checks.check(False, f"{copy.name} exists")
            continue
        integrity, per_user = _contents(copy)
        contents.append(per_user)
        checks.figure(copy.name, f"{sum(per_user.values())} completions of {final}, "
                      f"{len(per_user)} accounts, {seconds:.1f} s")
        checks.check(integrity == "ok", f"{copy.name}: integrity_check {integrity}")
    if not contents:
        return checks.exit_code()

    # Restore the last copy as documented (app stopped, file copied into place) and serve it.
    root = workdir("restored")
    target = root / "instance" / "limber.db"
    target.parent.mkdir(parents=True)
    shutil.copyfile(copies[-1], target)
    restored = Server(root=root, database=Database(kind="sqlite", path=target))
    restored.start()
    per_user = contents[-1]
    signed_in, sessions_ok = 0, 0
    for login, count in sorted(per_user.items()):
        client = Client(restored.port)
        if client.sign_in(login).status == 302:
            signed_in += 1
            listed = client.get("/api/completions").json()["completions"]
            sessions_ok += len(listed) == count
    restored.stop()
    checks.check(signed_in == len(per_user),
                 f"restored instance started; {signed_in} of {len(per_user)} accounts sign in")
    checks.check(sessions_ok == len(per_user), "each account sees the sessions in the copy")
    checks.check(set(late[:-1]) <= set(per_user), "accounts made before the last copy are in it")
    return checks.exit_code()


if __name__ == "__main__":
    sys.exit(main())
