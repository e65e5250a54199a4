"""Shared pieces of the reliability scenarios: a gunicorn server, a database, HTTP clients.

- `Server`: `gunicorn -w 4` (sync workers) on 127.0.0.1 and a free port, as production runs
  it (LIMBER_ENV=production), after `flask db upgrade` has created the schema once. It is
  always stopped: by `with`, at exit, and on SIGTERM/SIGINT. Its access log records which
  worker (pid) answered each request.
- `Database`: a SQLite file in a temporary instance folder, or, when LIMBER_LOAD_DATABASE_URL
  names a PostgreSQL server (`make test-postgres`), a database created for the scenario and
  dropped afterwards.
- `Client`: a keep-alive HTTP client (http.client) with a cookie jar and the CSRF dance.
- `Checks`: named pass/fail lines; the scenario exits non-zero when one fails.
"""

from __future__ import annotations

import atexit
import http.client
import json
import multiprocessing
import os
import random
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
WORKERS = 4
PASSWORD = "correct horse battery staple"
CONNECTION_ERRORS = (OSError, http.client.HTTPException)
_cleanups: list[Callable[[], None]] = []


# ---- results ------------------------------------------------------------------------------------


class Checks:
    """Named checks: each printed as it is made; `exit_code()` is 1 when any failed."""

    def __init__(self, title: str):
        self.title = title
        self.failed: list[str] = []
        self.count = 0
        print(f"== {title}", flush=True)

    def check(self, ok: bool, label: str) -> bool:
        self.count += 1
        print(f"  [{'ok' if ok else 'FAIL'}] {label}", flush=True)
        if not ok:
            self.failed.append(label)
        return ok

    def figure(self, label: str, value: object) -> None:
        print(f"  {label}: {value}", flush=True)

    def exit_code(self) -> int:
        state = "passed" if not self.failed else f"FAILED ({len(self.failed)} of {self.count})"
        print(f"== {self.title}: {state}", flush=True)
        return 1 if self.failed else 0


def percentile(values: list[float], pct: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


# ---- cleanup on every exit ---------------------------------------------------------------------


def _run_cleanups() -> None:
    while _cleanups:
        fn = _cleanups.pop()
        try:
            fn()
        except Exception as exc:  # cleanup must go on
            print(f"cleanup failed: {exc}", file=sys.stderr)


def _on_signal(signum: int, _frame: Any) -> None:
    raise SystemExit(128 + signum)


def install_cleanup() -> None:
    """Stop servers and delete temporary data at exit, also on SIGTERM/SIGINT."""
    atexit.register(_run_cleanups)
    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)


def deadline_alarm(seconds: int) -> None:
    """End the scenario (through the cleanups) if it runs longer than this."""

    def _expired(_signum: int, _frame: Any) -> None:
        raise SystemExit(f"scenario took longer than {seconds} s: stopped")

    signal.signal(signal.SIGALRM, _expired)
    signal.alarm(seconds)


# ---- the database ------------------------------------------------------------------------------


def on_postgres() -> bool:
    return os.environ.get("LIMBER_LOAD_DATABASE_URL", "").startswith(("postgres", "postgresql"))


def _plain_url(url: str) -> str:
    return re.sub(r"^postgres(ql)?(\+\w+)?://", "postgresql://", url)


@dataclass
class Database:
    """Where a scenario's data lives; `connect()` gives a DB-API connection for checks."""

    kind: str
    url: str | None = None  # DATABASE_URL for the app (PostgreSQL); None: the instance file
    path: Path | None = None
    admin_url: str | None = None
    name: str | None = None

    def connect(self) -> Any:
        if self.kind == "sqlite":
            assert self.path is not None
            conn = sqlite3.connect(self.path, timeout=30)
            conn.execute("PRAGMA busy_timeout = 30000")
            return conn
        import psycopg

        assert self.url is not None
        return psycopg.connect(_plain_url(self.url), autocommit=True)

    def scalar(self, sql: str) -> Any:
        conn = self.connect()
        try:
            return conn.execute(sql).fetchone()[0]
        finally:
            conn.close()

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        conn = self.connect()
        try:
            return list(conn.execute(sql).fetchall())
        finally:
            conn.close()

    def integrity(self) -> str:
        """SQLite's integrity_check ('ok' when sound); PostgreSQL: 'n/a'."""
        if self.kind != "sqlite":
            return "n/a"
        return ", ".join(r[0] for r in self.rows("PRAGMA integrity_check"))

    def drop(self) -> None:
        if self.kind != "postgresql" or not self.admin_url:
            return
        import psycopg

        with psycopg.connect(_plain_url(self.admin_url), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def new_database(workdir: Path, label: str) -> Database:
    """A fresh database for one scenario (SQLite in workdir, or a new PostgreSQL database)."""
    admin = os.environ.get("LIMBER_LOAD_DATABASE_URL", "")
    if not on_postgres():
        return Database(kind="sqlite", path=workdir / "instance" / "limber.db")
    import psycopg

    safe = re.sub(r"\W", "_", label)
    name = f"limber_load_{safe}_{os.getpid()}"
    with psycopg.connect(_plain_url(admin), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    url = admin.split("?", 1)[0].rsplit("/", 1)[0] + f"/{name}"
    db = Database(kind="postgresql", url=url, admin_url=admin, name=name)
    _cleanups.append(db.drop)
    return db


def workdir(label: str) -> Path:
    """A temporary folder deleted at exit."""
    path = Path(tempfile.mkdtemp(prefix=f"limber-{label}-"))
    _cleanups.append(lambda: shutil.rmtree(path, ignore_errors=True))
    return path


# ---- the server --------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def _die_with_parent() -> None:
    """In the child: get SIGTERM when this scenario dies, even by SIGKILL (Linux)."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


@dataclass
class Server:
    """gunicorn with 4 sync workers on loopback, over one instance folder and database."""

    root: Path
    database: Database
    env_extra: dict[str, str] = field(default_factory=dict)
    port: int = 0
    proc: subprocess.Popen[bytes] | None = None
    secret: str = field(default_factory=lambda: secrets.token_hex(32))
    starts: int = 0

    @property
    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("LIMBER_", "DATABASE_URL", "FLASK_"))}
        env.update({
            "LIMBER_ENV": "production",
            "SECRET_KEY": self.secret,
            "LIMBER_INSTANCE_PATH": str(self.root / "instance"),
            "PYTHONUNBUFFERED": "1",
        })
        if self.database.url:
            env["DATABASE_URL"] = self.database.url
        env.update(self.env_extra)
        return env

    @property
    def access_log(self) -> Path:
        return self.root / f"access-{self.starts}.log"

    @property
    def error_log(self) -> Path:
        return self.root / f"server-{self.starts}.log"

    def flask(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(BIN / "flask"), "--app", "stretch_app", *args], cwd=ROOT,
                              env=self.env, text=True, capture_output=True, check=check,
                              timeout=120)

    def migrate(self) -> None:
        """Create or upgrade the schema once, before any worker starts."""
        (self.root / "instance").mkdir(parents=True, exist_ok=True)
        done = self.flask("db", "upgrade", check=False)
        if done.returncode != 0:
            raise RuntimeError(f"flask db upgrade failed:\n{done.stderr[-3000:]}")

    def start(self, migrate: bool = True) -> Server:
        if migrate:
            self.migrate()
        for _attempt in range(3):
            self.starts += 1
            self.port = free_port()
            command = [
                str(BIN / "gunicorn"), "--workers", str(WORKERS), "--worker-class", "sync",
                "--bind", f"{HOST}:{self.port}", "--timeout", "30", "--graceful-timeout", "5",
                "--access-logfile", str(self.access_log),
                "--access-logformat", '%(p)s "%(m)s %(U)s" %(s)s %(D)s',
                "--error-logfile", str(self.error_log),
                "stretch_app.wsgi:app",
            ]
            self.proc = subprocess.Popen(command, cwd=ROOT, env=self.env,
                                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                         start_new_session=True, preexec_fn=_die_with_parent)
            _cleanups.append(self.stop)
            if self._wait_ready(60):
                return self
            self.stop()
        raise RuntimeError(f"gunicorn did not start:\n{self.log_text()[-3000:]}")

    def _wait_ready(self, seconds: float) -> bool:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.proc is None or self.proc.poll() is not None:
                return False
            try:
                conn = http.client.HTTPConnection(HOST, self.port, timeout=5)
                conn.request("GET", "/healthz")
                ok = conn.getresponse().status == 200
                conn.close()
                if ok and len(self.worker_pids()) == WORKERS:
                    return True
            except CONNECTION_ERRORS:
                pass
            time.sleep(0.2)
        return False

    def worker_pids(self) -> list[int]:
        if self.proc is None:
            return []
        try:
            text = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text()
        except OSError:
            return []
        return [int(p) for p in text.split()]

    def kill_worker(self, rng: random.Random) -> int | None:
        """SIGKILL one worker chosen at random; gunicorn's master starts a new one."""
        pids = self.worker_pids()
        if not pids:
            return None
        pid = rng.choice(pids)
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            return None
        return pid

    def crash(self) -> None:
        """SIGKILL the master and every worker at once (a power cut for the processes)."""
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=30)

    def stop(self) -> None:
        """Stop gracefully (SIGTERM), then forcefully; never leaves a worker behind."""
        proc = self.proc
        if proc is None:
            return
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                pass
        try:  # workers share the master's process group (a session of its own)
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        if proc.poll() is None:
            proc.wait(timeout=15)

    def log_text(self) -> str:
        parts = []
        for i in range(1, self.starts + 1):
            path = self.root / f"server-{i}.log"
            if path.exists():
                parts.append(path.read_text(errors="replace"))
        return "\n".join(parts)

    def access_entries(self) -> list[tuple[int, str, str, int, int]]:
        """(worker pid, method, path, status, microseconds) for every request so far."""
        out = []
        for i in range(1, self.starts + 1):
            path = self.root / f"access-{i}.log"
            if not path.exists():
                continue
            for line in path.read_text(errors="replace").splitlines():
                m = re.match(r'<?(\d+)>? "(\S+) (\S+)" (\d+) (\d+)', line)
                if m:
                    out.append((int(m[1]), m[2], m[3], int(m[4]), int(m[5])))
        return out

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()


def server(label: str, **env_extra: str) -> Server:
    """A server (not yet started) over a fresh instance folder and database."""
    root = workdir(label)
    return Server(root=root, database=new_database(root, label), env_extra=env_extra)


# ---- the client --------------------------------------------------------------------------------


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes
    seconds: float

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def json(self) -> Any:
        return json.loads(self.body)


class Client:
    """A browser-like client: keep-alive connection, cookies, CSRF tokens."""

    def __init__(self, port: int, timeout: float = 30):
        self.port = port
        self.timeout = timeout
        self.conn: http.client.HTTPConnection | None = None
        self.cookies: dict[str, str] = {}
        self.token: str | None = None

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict[str, str] | None = None) -> Response:
        """Send one request; raises a CONNECTION_ERRORS exception when the connection fails."""
        if self.conn is None:
            self.conn = http.client.HTTPConnection(HOST, self.port, timeout=self.timeout)
        all_headers = {"Accept": "*/*", **(headers or {})}
        if self.cookies:
            all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        began = time.perf_counter()
        try:
            self.conn.request(method, path, body=body, headers=all_headers)
            raw = self.conn.getresponse()
            data = raw.read()
        except CONNECTION_ERRORS:
            self.close()
            raise
        seconds = time.perf_counter() - began
        for name, value in raw.getheaders():
            if name.lower() == "set-cookie":
                self._store_cookie(value)
        if raw.will_close:
            self.close()
        return Response(raw.status, {k.lower(): v for k, v in raw.getheaders()}, data, seconds)

    def _store_cookie(self, header: str) -> None:
        jar: SimpleCookie = SimpleCookie()
        jar.load(header)
        for name, morsel in jar.items():
            if morsel["max-age"] == "0" or not morsel.value or "1970" in morsel["expires"]:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = morsel.value

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post_form(self, path: str, fields: dict[str, str]) -> Response:
        page = self.get(path).text
        # A signed-in page's meta tag, or a signed-out form's own hidden field.
        match = re.search(r'<meta name="csrf-token" content="([^"]+)"', page) or re.search(
            r'name="csrf_token" type="hidden" value="([^"]+)"', page)
        if not match:
            raise RuntimeError(f"no CSRF token on {path}")
        body = urlencode({**fields, "csrf_token": match[1]}).encode()
        return self.request("POST", path, body,
                            {"Content-Type": "application/x-www-form-urlencoded"})

    def post_json(self, path: str, data: Any) -> Response:
        if self.token is None:
            self.token = self.get("/api/csrf").json()["csrf_token"]
        return self.request("POST", path, json.dumps(data).encode(),
                            {"Content-Type": "application/json", "X-CSRFToken": self.token})

    def sign_up(self, login: str, password: str = PASSWORD,
                time_zone: str = "Europe/London") -> None:
        response = self.post_form("/signup", {"login": login, "password": password,
                                              "time_zone": time_zone})
        if response.status != 302:
            raise RuntimeError(f"sign-up of {login} answered {response.status}")
        self.token = None

    def sign_in(self, login: str, password: str = PASSWORD) -> Response:
        response = self.post_form("/login", {"login": login, "password": password})
        self.token = None
        return response


def with_retries(fn: Callable[[], Response], attempts: int = 30,
                 on_error: Callable[[BaseException | Response], None] | None = None) -> Response:
    """Call fn until it answers below 500 (a lost connection or a 5xx is retried)."""
    delay = 0.05
    last: BaseException | Response | None = None
    for _ in range(attempts):
        try:
            response = fn()
            if response.status < 500:
                return response
            last = response
        except CONNECTION_ERRORS as exc:
            last = exc
        if on_error is not None and last is not None:
            on_error(last)
        time.sleep(delay + random.random() * delay)
        delay = min(delay * 2, 1.0)
    raise RuntimeError(f"no answer below 500 after {attempts} attempts: {last!r}")


# ---- completions -------------------------------------------------------------------------------


def routine_slugs(port: int) -> list[str]:
    return [r["slug"] for r in Client(port).get("/api/routines").json()["routines"]]


def completion(slug: str, rng: random.Random | None = None) -> dict[str, Any]:
    """A valid completion body with a fresh id, some minutes ago."""
    rng = rng or random.Random()
    start = datetime.now(UTC) - timedelta(minutes=rng.randint(10, 60 * 24 * 20))
    seconds = rng.randint(60, 900)
    return {
        "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "routine": slug,
        "started_at": start.isoformat(),
        "ended_at": (start + timedelta(seconds=seconds)).isoformat(),
        "time_zone": rng.choice(["Europe/London", "America/New_York", "Asia/Tokyo"]),
        "steps_done": 3,
        "steps_total": 3,
        "seconds_done": seconds,
        "finished": True,
    }


# ---- client processes --------------------------------------------------------------------------


def run_processes(target: Callable[..., Any], arg_list: list[tuple[Any, ...]],
                  timeout: float, after_start: Callable[[], None] | None = None) -> list[Any]:
    """Run target(*args, results) in one process per args tuple; return what each put.

    Each process must put exactly one picklable result on the queue. Processes still running
    at the timeout are killed and their result is an error string.
    """
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    procs = []
    for index, args in enumerate(arg_list):
        proc = ctx.Process(target=_child, args=(target, index, args, queue), daemon=True)
        proc.start()
        procs.append(proc)
    if after_start is not None:
        after_start()
    results: dict[int, Any] = {}
    deadline = time.monotonic() + timeout
    while len(results) < len(procs) and time.monotonic() < deadline:
        try:
            index, value = queue.get(timeout=max(0.1, min(1.0, deadline - time.monotonic())))
            results[index] = value
        except Exception:  # queue.Empty: keep waiting until the deadline
            if all(not p.is_alive() for p in procs) and queue.empty():
                break
    for proc in procs:
        proc.join(timeout=max(0.1, deadline - time.monotonic()))
        if proc.is_alive():
            proc.kill()
            proc.join(timeout=5)
    return [results.get(i, f"error: process {i} gave no result") for i in range(len(procs))]


def _child(target: Callable[..., Any], index: int, args: tuple[Any, ...], queue: Any) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    _cleanups.clear()  # the parent owns the servers and folders
    try:
        value = target(*args)
    except BaseException as exc:
        value = f"error: {type(exc).__name__}: {exc}"
    queue.put((index, value))


def errors_in(results: list[Any]) -> list[str]:
    return [r for r in results if isinstance(r, str) and r.startswith("error")]


@contextmanager
def timed() -> Iterator[Callable[[], float]]:
    began = time.monotonic()
    yield lambda: time.monotonic() - began
