"""per-name sign-in throttling under gunicorn -w 4 (production hashing).

- Unknown user and wrong password answer alike: same status, same page (tokens and the echoed
  name aside), and similar time (both run one password hash).
- 10 failures for one account, sent from several processes at once so that several workers
  count them, lock it: the next attempts, even with the right password, answer 429 with
  Retry-After from every worker (the access log records which worker answered).
- An unknown name locks the same way after 10 failures, with the same 429 page: a lock does
  not tell which names are accounts.
- Another account signs in meanwhile as usual.
- A burst of sign-in attempts gets no 503 and holds no other write up (the hash runs outside
  any write transaction, which on SQLite holds the database's write lock).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import statistics
import sys
import threading
from collections import Counter
from typing import Any

from ._harness import (
    PASSWORD,
    WORKERS,
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

LIMIT = 10
TIMING_ROUNDS = 6
TIMING_ACCOUNTS = 3


def _throttle_key(secret: str, login: str) -> str:
    """Return the key the server counts a name's failures under: HMAC-SHA256, normalised name."""
    # Worked out here rather than by the app's own function, so the check does not trust it.
    name = login.strip().casefold()
    return hmac.new(secret.encode(), name.encode(), hashlib.sha256).hexdigest()


def _attempt(port: int, login: str, password: str) -> dict[str, Any]:
    """One sign-in on a fresh connection, as a separate browser would."""
    client = Client(port)
    page = client.get("/login").text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    assert token
    body = f"csrf_token={token[1]}&login={login}&password={password.replace(' ', '+')}"
    response = client.request("POST", "/login", body.encode(),
                              {"Content-Type": "application/x-www-form-urlencoded"})
    return {"status": response.status, "seconds": response.seconds, "text": response.text,
            "retry_after": response.headers.get("retry-after"),
            "signed_in": response.status == 302}


def _attempts(port: int, login: str, password: str, count: int) -> list[dict[str, Any]]:
    return [_attempt(port, login, password) for _ in range(count)]


def _normalised(page: str) -> str:
    page = re.sub(r'(name="csrf-token" content=)"[^"]*"', r"\1", page)
    return re.sub(r'value="[^"]*"', 'value=""', page)


def _concurrently(port: int, jobs: list[tuple[str, str, int]]) -> list[dict[str, Any]]:
    results = run_processes(_attempts, [(port, *job) for job in jobs], timeout=180)
    bad = errors_in(results)
    if bad:
        raise RuntimeError(f"client processes failed: {bad[:3]}")
    return [a for r in results for a in r]


def main() -> int:
    install_cleanup()
    deadline_alarm(420)
    checks = Checks("test 4: per-name sign-in throttling under gunicorn -w 4 "
                    f"({'PostgreSQL' if on_postgres() else 'SQLite'})")
    srv = server("throttle").start()
    timing_logins = [f"timing{i}" for i in range(TIMING_ACCOUNTS)]
    for login in ("victim", "bystander", *timing_logins):
        Client(srv.port).sign_up(login)

    # 1. Unknown user and wrong password look alike and cost alike (interleaved rounds).
    unknown, wrong = [], []
    for i in range(TIMING_ROUNDS):
        unknown.append(_attempt(srv.port, f"nobody{i}", "wrong password"))
        wrong.append(_attempt(srv.port, timing_logins[i % TIMING_ACCOUNTS], "wrong password"))
    statuses = {a["status"] for a in unknown + wrong}
    pages = {_normalised(a["text"]) for a in unknown + wrong}
    t_unknown = statistics.median(a["seconds"] for a in unknown)
    t_wrong = statistics.median(a["seconds"] for a in wrong)
    ratio = t_unknown / t_wrong
    checks.figure("median time", f"unknown user {t_unknown * 1000:.0f} ms, "
                  f"wrong password {t_wrong * 1000:.0f} ms (ratio {ratio:.2f})")
    checks.check(statuses == {401}, f"both answer 401 ({sorted(statuses)})")
    checks.check(len(pages) == 1, f"both show the same page ({len(pages)} variants)")
    checks.check(0.6 <= ratio <= 1.67, "similar time (ratio between 0.6 and 1.67)")

    # 2. Ten failures from 5 processes at once: every worker's count is the same count.
    start = len(srv.access_entries())
    failures = _concurrently(srv.port, [("victim", "wrong password", LIMIT // 5)] * 5)
    fail_workers = {e[0] for e in srv.access_entries()[start:] if e[1] == "POST"}
    checks.figure("workers that counted the 10 failures", len(fail_workers))
    checks.check([a["status"] for a in failures] == [401] * LIMIT, "10 failures answered 401")

    # 3. The next attempts, with the right password, answer 429 from every worker.
    locked: list[dict[str, Any]] = []
    lock_workers: set[int] = set()
    for _batch in range(10):
        start = len(srv.access_entries())
        locked += _concurrently(srv.port, [("victim", PASSWORD, 2)] * 8)
        lock_workers |= {e[0] for e in srv.access_entries()[start:]
                         if e[1] == "POST" and e[3] == 429}
        if len(lock_workers) == WORKERS:
            break
    codes = Counter(a["status"] for a in locked)
    checks.figure("after 10 failures", f"{dict(codes)} from {len(lock_workers)} workers")
    checks.check(set(codes) == {429}, "every later attempt answers 429, even with the password")
    checks.check(all(a["retry_after"] and int(a["retry_after"]) > 0 for a in locked),
                 "every 429 has a Retry-After")
    checks.check(len(lock_workers) == WORKERS, f"all {WORKERS} workers answered 429")
    checks.check(not any(a["signed_in"] for a in locked), "no locked attempt signed in")

    # 3b. An unknown name: the same 10 failures from 5 processes, then the same 429 page.
    ghost = _concurrently(srv.port, [("ghost", "wrong password", LIMIT // 5)] * 5)
    checks.check([a["status"] for a in ghost] == [401] * LIMIT,
                 "10 failures for an unknown name answered 401")
    ghost_locked = _concurrently(srv.port, [("ghost", "wrong password", 2)] * 4)
    ghost_codes = Counter(a["status"] for a in ghost_locked)
    checks.figure("an unknown name after 10 failures", dict(ghost_codes))
    checks.check(set(ghost_codes) == {429} and all(
        a["retry_after"] and int(a["retry_after"]) > 0 for a in ghost_locked),
        "an unknown name then answers 429 with Retry-After, like an account")
    lock_pages = {_normalised(a["text"]) for a in locked + ghost_locked}
    checks.check(len(lock_pages) == 1,
                 f"the account and the unknown name get the same 429 page ({len(lock_pages)})")

    # 4. Another account is unaffected, whichever worker answers; a failure of its own is
    # forgotten at its next sign-in.
    checks.check(_attempt(srv.port, "bystander", "wrong password")["status"] == 401,
                 "another account's own failure answers 401")
    others = _concurrently(srv.port, [("bystander", PASSWORD, 2)] * 4)
    checks.check(all(a["status"] == 302 for a in others),
                 f"another account signs in ({Counter(a['status'] for a in others)})")
    unknown_after = _attempt(srv.port, "nobody-else", "wrong password")["status"]
    checks.figure("an unknown name meanwhile", unknown_after)
    # 5. A burst of sign-in attempts (8 at once) neither fails nor holds other writers up:
    # password hashing happens outside any write transaction.
    writer = Client(srv.port)
    writer.sign_up("writer")
    slug = routine_slugs(srv.port)[0]
    posted: list[Any] = []
    stop = threading.Event()

    def write() -> None:
        while not stop.is_set():
            posted.append(writer.post_json("/api/completions", completion(slug)))

    thread = threading.Thread(target=write)
    thread.start()
    try:
        burst = _concurrently(srv.port, [(f"nobody{i}", "wrong password", 3) for i in range(8)])
    finally:
        stop.set()
        thread.join(timeout=60)
    burst_codes = Counter(a["status"] for a in burst)
    write_codes = Counter(r.status for r in posted)
    checks.figure("burst of 24 sign-ins", f"{dict(burst_codes)}; meanwhile {dict(write_codes)} "
                  f"(slowest write {max((r.seconds for r in posted), default=0) * 1000:.0f} ms)")
    checks.check(set(burst_codes) == {401}, "every attempt in the burst answered 401 (no 503)")
    checks.check(set(write_codes) == {201}, "every write meanwhile answered 201")
    state = srv.database.rows('SELECT "key", failures, locked_until IS NOT NULL '
                              "FROM login_throttles")
    tried = ("victim", "ghost", "bystander", "nobody-else", *timing_logins,
             *(f"nobody{i}" for i in range(max(TIMING_ROUNDS, 8))))
    keys = {name: _throttle_key(srv.secret, name) for name in tried}
    names = {key: name for name, key in keys.items()}
    checks.figure("throttled names (name or key, failed count, locked)",
                  sorted((names.get(r[0], r[0][:12] + "..."), r[1], bool(r[2])) for r in state))
    checks.check(all(re.fullmatch(r"[0-9a-f]{64}", r[0]) for r in state),
                 "every row is keyed by a 64-hex keyed hash, no name in clear")
    locked_keys = {r[0] for r in state if r[2]}
    checks.check({keys["victim"], keys["ghost"]} <= locked_keys,
                 "the account and the unknown name are locked in the database")
    checks.check(locked_keys <= {keys["victim"], keys["ghost"]}, "no other name is locked")
    checks.check(keys["bystander"] not in {r[0] for r in state},
                 "a successful sign-in cleared the account's count")
    srv.stop()
    return checks.exit_code()


if __name__ == "__main__":
    sys.exit(main())
