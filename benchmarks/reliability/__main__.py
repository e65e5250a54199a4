"""`python -m benchmarks.reliability [NAME ...]`: run the reliability scenarios (`make test-load`).

Each scenario runs in its own process with a time limit, starts and always stops its own
gunicorn, prints its figures and checks, and exits non-zero when a check fails. This runner
exits non-zero when any scenario failed. With LIMBER_LOAD_DATABASE_URL set to a PostgreSQL
server (`make test-postgres` does), the scenarios run against PostgreSQL.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

# (module, check numbers, time limit in seconds)
SCENARIOS = [
    ("login_throttle", "4", 420),
    ("concurrent_writes", "17", 600),
    ("same_ids", "18", 420),
    ("kill_workers", "20", 600),
    ("lost_response", "21", 300),
    ("locked_db", "22", 300),
    ("backup_under_load", "23", 420),
]


def main(names: list[str]) -> int:
    chosen = [s for s in SCENARIOS if not names or s[0] in names]
    unknown = set(names) - {s[0] for s in SCENARIOS}
    if unknown:
        print(f"unknown scenario(s): {', '.join(sorted(unknown))}; "
              f"choose from {', '.join(s[0] for s in SCENARIOS)}")
        return 2
    outcomes: list[tuple[str, str, int, float]] = []
    for module, tests, limit in chosen:
        began = time.monotonic()
        proc = subprocess.Popen([sys.executable, "-m", f"benchmarks.reliability.{module}"],
                                env=os.environ.copy())
        try:
            rc = proc.wait(timeout=limit + 60)
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGTERM)  # its cleanups stop its server
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            rc = 124
            print(f"{module}: stopped after {limit + 60} s")
        except BaseException:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=60)
            raise
        outcomes.append((module, tests, rc, time.monotonic() - began))
    print("\nreliability scenarios:")
    for module, tests, rc, seconds in outcomes:
        print(f"  test {tests:>2} {module:<20} {'passed' if rc == 0 else f'FAILED ({rc})':<12} "
              f"{seconds:5.0f} s")
    failed = sum(1 for o in outcomes if o[2] != 0)
    print(f"{len(outcomes) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
