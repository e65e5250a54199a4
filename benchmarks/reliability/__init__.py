"""Reliability under real load: gunicorn with 4 sync workers on loopback (`make test-load`).

Each scenario is a module that starts its own server on a free 127.0.0.1 port (after
`flask db upgrade` has created the schema once, before any worker starts), drives it from
client processes, checks the database afterwards, prints its figures, always stops its server
and deletes its files, and exits non-zero when a check fails. The numbers are these:

- login_throttle (4): 10 failures lock one account on every worker; others unaffected;
  unknown name and wrong password alike in status, page and time;
- concurrent_writes (17): 8 processes × 250 completions while 2 read stats and exports;
- same_ids (18): 8 processes post the same 200 ids at once;
- kill_workers (20): test 17 with workers SIGKILLed, then a crash and a restart;
- lost_response (21): commit, drop the connection unread, retry;
- locked_db (22): the SQLite database held locked past the busy timeout;
- backup_under_load (23): `flask backup` under load, then an instance restored from it.

`python -m benchmarks.reliability [NAME ...]` runs them (all by default). With
LIMBER_LOAD_DATABASE_URL naming a PostgreSQL server they run against it, each in a database of
its own; `make test-postgres` (pg_cluster.py) starts a throwaway server for that and for pytest.
"""
