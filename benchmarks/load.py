"""Load runs with wrk against a running server: one endpoint at a time, a JSON summary each."""

from __future__ import annotations

import json
import secrets
import shutil
import subprocess
import tempfile
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from .server import HOST

WRK_DIR = Path(__file__).resolve().parent / "wrk"
THREADS = 2
CONNECTIONS = 16


@dataclass(frozen=True)
class Target:
    """One endpoint to load: a name, how to show it, and how wrk must send it."""

    key: str
    label: str
    method: str
    path: str
    budget: str | None = None  # "page", "post" or None (measured and compared, no budget)
    signed_in: bool = False


@dataclass
class Run:
    key: str
    label: str
    rps: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    requests: int
    errors: int
    error_detail: dict[str, int]
    duration_s: float
    nonce: str | None = None  # POST runs: the prefix of every id this run sent

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def wrk_path() -> str:
    found = shutil.which("wrk")
    if not found:
        raise SystemExit(
            "wrk is not installed. It is a Debian package: apt-get install -y wrk")
    return found


def wrk_version() -> str:
    out = subprocess.run([wrk_path(), "-v"], capture_output=True, text=True, timeout=10)
    first = (out.stdout or out.stderr).splitlines()[0] if (out.stdout or out.stderr) else "wrk"
    return " ".join(first.split()[:2])


def _script(name: str, scratch: Path) -> Path:
    """Return a wrk script: the request part, then the shared JSON reporter."""
    text = (WRK_DIR / name).read_text() + "\n" + (WRK_DIR / "report.lua").read_text()
    path = scratch / name
    path.write_text(text)
    return path


def _wrk(port: int, path: str, seconds: float, script: Path, args: list[str],
         connections: int = CONNECTIONS) -> dict[str, Any]:
    cmd = [wrk_path(), f"-t{THREADS}", f"-c{connections}", f"-d{max(1, round(seconds))}s",
           "--timeout", "5s", "-s", str(script), f"http://{HOST}:{port}{path}", "--", *args]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60)
    for line in out.stdout.splitlines():
        if line.startswith("BENCH_JSON "):
            return json.loads(line.removeprefix("BENCH_JSON "))
    raise RuntimeError(f"wrk gave no summary for {path} (exit {out.returncode}):\n"
                       f"{out.stdout[-2000:]}\n{out.stderr[-2000:]}")


def completion_body(slug: str, steps: int, seconds: int) -> tuple[str, str]:
    """Return the JSON body of a completion split around its id (wrk fills the id in)."""
    ended = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=1)
    started = ended - timedelta(seconds=seconds)
    marker = "00000000-0000-4000-8000-000000000000"
    body = json.dumps({
        "id": marker, "routine": slug,
        "started_at": started.isoformat(), "ended_at": ended.isoformat(),
        "time_zone": "Europe/Paris", "steps_done": steps, "steps_total": steps,
        "seconds_done": seconds, "finished": True,
    }, separators=(",", ":"))
    before, after = body.split(marker)
    return before, after


class Loader:
    """Runs wrk against one server with the sign-in material prepared beforehand."""

    def __init__(self, port: int, stats_cookie: str, post_cookie: str, post_token: str,
                 post_body: tuple[str, str]):
        self.port = port
        self.stats_cookie = stats_cookie
        self.post_cookie = post_cookie
        self.post_token = post_token
        self.post_body = post_body
        self._scratch = Path(tempfile.mkdtemp(prefix="limber-wrk-"))
        self.get_script = _script("get.lua", self._scratch)
        self.post_script = _script("post_completions.lua", self._scratch)

    def close(self) -> None:
        shutil.rmtree(self._scratch, ignore_errors=True)

    def raw(self, target: Target, seconds: float, nonce: str = "") -> dict[str, Any]:
        if target.method == "POST":
            nonce = nonce or secrets.token_hex(4)  # distinct ids across runs too
            args = [nonce, self.post_cookie, self.post_token, *self.post_body]
            return _wrk(self.port, target.path, seconds, self.post_script, args)
        args = [f"Cookie: {self.stats_cookie}"] if target.signed_in else []
        return _wrk(self.port, target.path, seconds, self.get_script, args)

    def run(self, target: Target, seconds: float) -> Run:
        nonce = secrets.token_hex(4) if target.method == "POST" else None
        raw = self.raw(target, seconds, nonce or "")
        errors = {k: int(v) for k, v in raw["errors"].items()}
        duration = int(raw["duration_us"]) / 1e6
        return Run(
            key=target.key,
            label=target.label,
            rps=int(raw["requests"]) / duration,
            p50_ms=int(raw["p50_us"]) / 1000,
            p90_ms=int(raw["p90_us"]) / 1000,
            p99_ms=int(raw["p99_us"]) / 1000,
            max_ms=int(raw["max_us"]) / 1000,
            requests=int(raw["requests"]),
            errors=sum(errors.values()),
            error_detail=errors,
            duration_s=duration,
            nonce=nonce,
        )
