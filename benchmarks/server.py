"""Start and stop gunicorn on loopback exactly as `make serve` does, and read worker memory."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

HOST = "127.0.0.1"
CEILING_PREFIX = "/__bench/"
CEILING_PATH = CEILING_PREFIX + "hello"  # answered by bench_wsgi's bare Flask app
FLOOR_PATH = "/api/__bench/signed-in"  # Limber's checks for a signed-in POST, no write
ROOT = Path(__file__).resolve().parent.parent
_running: list[subprocess.Popen[bytes]] = []


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def gunicorn_command(workers: int, port: int) -> list[str]:
    """The production command (`make serve`) with the benchmark's WSGI entry."""
    gunicorn = Path(sys.executable).with_name("gunicorn")
    return [str(gunicorn), "--workers", str(workers), "--bind", f"{HOST}:{port}",
            "benchmarks.bench_wsgi:app"]


@dataclass
class Server:
    workers: int
    port: int
    proc: subprocess.Popen[bytes]
    log: Path

    def worker_pids(self) -> list[int]:
        return children(self.proc.pid)

    def worker_rss_mb(self) -> dict[int, float]:
        return {pid: rss_mb(pid) for pid in self.worker_pids()}


def children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return sorted(int(p) for p in text.split())


def rss_mb(pid: int) -> float:
    """Return a process's resident set size (VmRSS) in MB (1,000,000 bytes)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024 / 1_000_000
    raise RuntimeError(f"no VmRSS for process {pid}")


def _ready(port: int) -> bool:
    conn = http.client.HTTPConnection(HOST, port, timeout=2)
    try:
        conn.request("GET", CEILING_PATH)
        return conn.getresponse().status == 200
    except OSError:
        return False
    finally:
        conn.close()


@contextmanager
def running(workers: int, env: dict[str, str], log_dir: Path,
            boot_timeout: float = 60.0) -> Iterator[Server]:
    """Run gunicorn for the duration of the block; always stop it, also on errors and Ctrl-C."""
    port = free_port()
    log = log_dir / f"gunicorn-{workers}w.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(gunicorn_command(workers, port), cwd=ROOT, env=env,
                                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    _running.append(proc)
    server = Server(workers, port, proc, log)
    try:
        deadline = time.monotonic() + boot_timeout
        while not (_ready(port) and len(server.worker_pids()) == workers):
            if proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {proc.returncode}; see its log:\n"
                                   + log.read_text(errors="replace")[-3000:])
            if time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not boot {workers} workers in {boot_timeout}s")
            time.sleep(0.2)
        yield server
    finally:
        stop(proc)


def stop(proc: subprocess.Popen[bytes], grace: float = 15.0) -> None:
    """SIGTERM gunicorn's master (graceful), then SIGKILL its whole process group."""
    if proc in _running:
        _running.remove(proc)
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            # Still our live master, so the process group is still ours: end it whole.
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


def stop_all() -> None:
    for proc in list(_running):
        stop(proc)
