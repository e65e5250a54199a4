"""Run commands against a throwaway PostgreSQL cluster on loopback (`make test-postgres`).

    python -m benchmarks.reliability.pg_cluster "pytest -q" "python -m benchmarks.reliability"

The cluster lives in a temporary directory (data, log and unix socket alike), listens on
127.0.0.1 on a free port with a random password, and is stopped and deleted afterwards, also
when a command fails or the run is interrupted. Each command runs through the shell with

- LIMBER_TEST_DATABASE_URL: a database for pytest (tests/conftest.py gives each pytest
  process its own schema in it);
- LIMBER_LOAD_DATABASE_URL: the same server, for the load scripts, which create and drop a
  database of their own per scenario.

The exit status is the first failing command's (0 when all pass). `initdb` and `pg_ctl`
refuse to run as root: as root, the server runs as the `postgres` user that Debian's
`postgresql` package creates. PG_BINDIR overrides where the server binaries are looked for.
"""

from __future__ import annotations

import os
import pwd
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DB_USER = "limber"
TEST_DB = "limber_test"


def bindir() -> Path:
    """Return the directory holding initdb/pg_ctl/postgres (newest Debian version first)."""
    if os.environ.get("PG_BINDIR"):
        return Path(os.environ["PG_BINDIR"])
    candidates = []
    for path in Path("/usr/lib/postgresql").glob("*/bin"):
        if (path / "initdb").exists() and re.fullmatch(r"\d+", path.parent.name):
            candidates.append((int(path.parent.name), path))
    if candidates:
        return max(candidates)[1]
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    raise SystemExit(
        "PostgreSQL server binaries not found: install Debian's postgresql package "
        "or set PG_BINDIR"
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Cluster:
    root: Path
    port: int
    password: str
    run_as: dict[str, Any]
    bin: Path

    @property
    def data(self) -> Path:
        return self.root / "data"

    def url(self, database: str = TEST_DB) -> str:
        return (
            f"postgresql+psycopg://{DB_USER}:{self.password}@127.0.0.1:{self.port}/{database}"
        )

    def pg(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(self.bin / args[0]), *args[1:]],
            cwd=self.root, text=True, capture_output=True, check=check, **self.run_as,
        )


def _run_as() -> tuple[dict[str, Any], tuple[int, int] | None]:
    """Return Popen options to drop root for the server (and the uid/gid to own its files)."""
    if os.geteuid() != 0:
        return {}, None
    try:
        entry = pwd.getpwnam("postgres")
    except KeyError:
        raise SystemExit(
            "running as root but there is no 'postgres' user to run the server as: "
            "install Debian's postgresql package, or run as an ordinary user"
        ) from None
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env["HOME"] = entry.pw_dir
    return {"user": entry.pw_uid, "group": entry.pw_gid, "extra_groups": [], "env": env}, (
        entry.pw_uid, entry.pw_gid)


def start() -> Cluster:
    """Create and start a cluster; the caller must call stop() (it also cleans up on failure)."""
    run_as, owner = _run_as()
    root = Path(tempfile.mkdtemp(prefix="limber-pg-"))
    password = secrets.token_urlsafe(18)
    cluster = Cluster(root=root, port=0, password=password, run_as=run_as, bin=bindir())
    try:
        (root / "sock").mkdir()
        pwfile = root / "pwfile"
        pwfile.write_text(password + "\n")
        pwfile.chmod(0o600)
        if owner is not None:
            for path in (root, root / "sock", pwfile):
                os.chown(path, *owner)
        cluster.pg("initdb", "-D", str(cluster.data), "-U", DB_USER, f"--pwfile={pwfile}",
                   "--auth=scram-sha-256", "-E", "UTF8", "--locale=C", "--no-sync")
        pwfile.unlink()
        for _attempt in range(3):
            cluster.port = free_port()
            options = (f"-p {cluster.port} -k {root / 'sock'} -c listen_addresses=127.0.0.1 "
                       "-c fsync=off -c full_page_writes=off -c max_connections=200")
            started = cluster.pg("pg_ctl", "-D", str(cluster.data), "-l", str(root / "log"),
                                 "-w", "-t", "60", "-o", options, "start", check=False)
            if started.returncode == 0:
                break
        else:
            log = (root / "log").read_text(errors="replace") if (root / "log").exists() else ""
            raise RuntimeError(f"PostgreSQL did not start:\n{started.stderr}\n{log[-2000:]}")
        _create_database(cluster)
    except BaseException:
        stop(cluster)
        raise
    return cluster


def _create_database(cluster: Cluster) -> None:
    import psycopg

    deadline = time.monotonic() + 30
    while True:
        try:
            conn = psycopg.connect(host="127.0.0.1", port=cluster.port, user=DB_USER,
                                   password=cluster.password, dbname="postgres",
                                   autocommit=True, connect_timeout=5)
            break
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
    with conn:
        conn.execute(f"CREATE DATABASE {TEST_DB}")


def stop(cluster: Cluster) -> None:
    """Stop the server (fast, then immediate) and delete everything it wrote."""
    try:
        if (cluster.data / "postmaster.pid").exists():
            done = cluster.pg("pg_ctl", "-D", str(cluster.data), "-m", "fast", "-w", "-t", "30",
                              "stop", check=False)
            if done.returncode != 0:
                cluster.pg("pg_ctl", "-D", str(cluster.data), "-m", "immediate", "-w", "-t",
                           "30", "stop", check=False)
    finally:
        shutil.rmtree(cluster.root, ignore_errors=True)


def _interrupt(signum: int, _frame: Any) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def main(argv: list[str]) -> int:
    if not argv or argv[0] in {"-h", "--help"}:
        print(__doc__)
        return 2
    signal.signal(signal.SIGTERM, _interrupt)
    began = time.monotonic()
    cluster = start()
    print(f"PostgreSQL {cluster.bin.parent.name} started on 127.0.0.1:{cluster.port} "
          f"in {time.monotonic() - began:.1f} s", flush=True)
    status = 0
    try:
        env = dict(os.environ)
        env["LIMBER_TEST_DATABASE_URL"] = cluster.url()
        env["LIMBER_LOAD_DATABASE_URL"] = cluster.url("postgres")
        for command in argv:
            print(f"--- on PostgreSQL: {command}", flush=True)
            rc = subprocess.run(command, shell=True, env=env).returncode
            if rc != 0:
                print(f"--- failed with status {rc}: {command}", flush=True)
                status = status or rc
    finally:
        stop(cluster)
        print(f"PostgreSQL stopped and deleted ({time.monotonic() - began:.0f} s in all)",
              flush=True)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
