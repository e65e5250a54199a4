"""`make bench`: every benchmark in one run, each figure beside its ratio and its verdict.

1. A throwaway instance: schema by migration, users with 10, 365 and 3,650 days of daily
   sessions and diary entries, all created before any server starts.
2. History scaling, in-process (the machine is quiet): GET /api/stats and /history.
3. For 2, then 4 sync workers: gunicorn as `make serve` runs it, on loopback; wrk loads each
   hot path in short slices, each between two slices of the ceiling (a bare Flask route in
   the same workers), so every ratio compares like with like on a noisy shared machine.
   Then the RSS of each worker, and (2 workers) the player page's first load in Chromium.
4. The table on the terminal, results/latest.json, and the table in benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from . import budgets, report
from .client import Session, sign_in
from .cpu import Meter
from .load import CONNECTIONS, Loader, Run, Target, completion_body, wrk_path, wrk_version
from .seed import (
    PASSWORD,
    TIME_ZONE,
    apply_env,
    build_database,
    count_by_id_prefix,
    instance_env,
    seed_users,
)
from .server import CEILING_PATH, FLOOR_PATH, HOST, running, stop_all

HERE = Path(__file__).resolve().parent
HISTORY_DAYS = (10, 365, 3650)
LOAD_USER = "history-365"  # GET /api/stats under load: a user with a year of history
POST_USER = "bench-post"  # POST /api/completions: its own user (also a year of history)


class Interrupted(Exception):
    """SIGTERM, SIGINT or the time limit: stop the servers and leave."""


def _raise(signum: int, _frame: Any) -> None:
    raise Interrupted(signal.Signals(signum).name)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--slice", type=float, default=2, help="seconds of load per wrk slice")
    ap.add_argument("--rounds", type=int, default=5, help="slices per endpoint")
    ap.add_argument("--warmup", type=float, default=1, help="seconds of warm-up per endpoint")
    ap.add_argument("--workers", default="2,4", help="gunicorn worker counts, comma-separated")
    ap.add_argument("--scaling-runs", type=int, default=150,
                    help="timed requests per user and endpoint in the scaling test")
    ap.add_argument("--skip-browser", action="store_true", help="no page-weight measurement")
    ap.add_argument("--no-readme", action="store_true", help="leave benchmarks/README.md alone")
    ap.add_argument("--strict", action="store_true", help="exit 1 when any budget fails")
    ap.add_argument("--keep", action="store_true", help="keep the throwaway instance folder")
    ap.add_argument("--time-limit", type=int, default=900, help="give up after this many s")
    return ap.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.monotonic()
    signal.signal(signal.SIGTERM, _raise)
    signal.signal(signal.SIGALRM, _raise)
    signal.alarm(args.time_limit)
    wrk_path()  # fail early, with the install hint, when wrk is missing
    scratch = Path(tempfile.mkdtemp(prefix="limber-bench-"))
    try:
        results = run_all(args, scratch)
    except (Interrupted, KeyboardInterrupt) as exc:
        reason = str(exc) or "interrupted"
        print(f"\nbenchmarks stopped ({reason}); servers stopped.", file=sys.stderr)
        return 130
    finally:
        signal.alarm(0)
        stop_all()
        if args.keep:
            print(f"instance kept in {scratch}")
        else:
            shutil.rmtree(scratch, ignore_errors=True)
    results["elapsed_s"] = round(time.monotonic() - started, 1)
    print(report.terminal(results))
    out_dir = HERE / "results"
    out_dir.mkdir(exist_ok=True)
    (out_dir / "latest.json").write_text(json.dumps(results, indent=2, default=str) + "\n")
    if not args.no_readme:
        report.update_readme(HERE / "README.md", results)
        print("benchmarks/README.md updated.")
    failed = report.failures(results)
    print(f"\n{len(failed)} budget(s) failed" + (": " + "; ".join(failed) if failed else "")
          + f". Total time {results['elapsed_s']:.0f} s.")
    return 1 if (failed and args.strict) else 0


def _step(message: str) -> None:
    print(f"[bench] {message}", flush=True)


def run_all(args: argparse.Namespace, scratch: Path) -> dict[str, Any]:
    env = instance_env(scratch)
    apply_env(env)
    from stretch_app import create_app

    _step("creating the throwaway instance and seeding users")
    app = create_app()  # also builds the compressed static files, once, before any worker
    build_database(app)
    today = datetime.now(ZoneInfo(TIME_ZONE)).date()
    plan = {f"history-{days}": days for days in HISTORY_DAYS} | {POST_USER: 365}
    users = seed_users(app, plan, today)
    catalog = app.extensions["limber_catalog"]
    # The heaviest routine page: the routine with the most holds.
    routine = max(catalog.routines.values(), key=lambda r: (len(r.expanded_steps), r.slug))

    results: dict[str, Any] = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "settings": {
            "slice_s": args.slice, "rounds": args.rounds, "warmup_s": args.warmup,
            "wrk": "-t2 -c16", "routine": routine.slug,
            "history_days": list(HISTORY_DAYS), "scaling_runs": args.scaling_runs,
        },
    }

    _step(f"history scaling in-process ({args.scaling_runs} runs per user and endpoint)")
    from .scaling import time_histories, time_refresh

    history_users = {f"history-{d}": d for d in HISTORY_DAYS}
    timings = time_histories(app, history_users, args.scaling_runs)
    timings += time_refresh(app, history_users, max(10, args.scaling_runs // 5))
    results["scaling"] = [vars(t) for t in timings]

    targets = [
        Target("ceiling", f"GET {CEILING_PATH} (ceiling)", "GET", CEILING_PATH),
        Target("home", "GET /", "GET", "/"),
        Target("catalog", "GET /routines", "GET", "/routines", budget="page"),
        Target("routine", f"GET /routines/{routine.slug}", "GET", f"/routines/{routine.slug}",
               budget="page"),
        Target("player", f"GET /routines/{routine.slug}/play", "GET",
               f"/routines/{routine.slug}/play", budget="page"),
        Target("api_routines", "GET /api/routines", "GET", "/api/routines", budget="page"),
        Target("api_stats", "GET /api/stats (1 year)", "GET", "/api/stats", signed_in=True),
        Target("floor", f"POST {FLOOR_PATH} (signed in, writes nothing)", "POST", FLOOR_PATH),
        Target("post", "POST /api/completions", "POST", "/api/completions", budget="post"),
    ]
    steps = len(routine.expanded_steps)
    body = completion_body(routine.slug, steps, routine.total_seconds)
    results["load"] = []
    counts = [int(w) for w in args.workers.split(",") if w.strip()]
    for index, workers in enumerate(counts):
        # The page weight does not depend on the worker count: measured with the first.
        results["load"].append(
            load_round(args, env, scratch, workers, targets, body, app, users[POST_USER].user_id,
                       browser=index == 0 and not args.skip_browser,
                       player_path=f"/routines/{routine.slug}/play"))
    return results


def load_round(args: argparse.Namespace, env: dict[str, str], scratch: Path, workers: int,
               targets: list[Target], body: tuple[str, str], app: Any, post_user_id: int,
               browser: bool, player_path: str) -> dict[str, Any]:
    """Load every target against one server, in short slices alternating with the ceiling.

    One round is C E1 C E2 ... C En, and a last C closes the rounds: each slice of an
    endpoint has a ceiling slice just before and just after it, so its ratio is taken against
    the machine as it was at that moment. Figures are medians over the rounds.
    """
    _step(f"gunicorn, {workers} sync workers")
    out: dict[str, Any] = {"workers": workers}
    ceiling, others = targets[0], targets[1:]
    with running(workers, env, scratch) as server:
        port = server.port
        stats_session, _ = sign_in(HOST, port, LOAD_USER, PASSWORD)
        post_session, token = sign_in(HOST, port, POST_USER, PASSWORD)
        smoke(targets, port, stats_session, post_session, token, body)
        loader = Loader(port, stats_session.cookie_header(), post_session.cookie_header(),
                        token, body)
        try:
            _step(f"warming up ({args.warmup:g} s per endpoint)")
            for target in targets:
                loader.raw(target, args.warmup)
            plan = [t for _ in range(args.rounds) for other in others for t in (ceiling, other)]
            plan.append(ceiling)
            meter = Meter([server.proc.pid, *server.worker_pids()])
            slices = []
            for index, target in enumerate(plan):
                if target is not ceiling:
                    _step(f"{workers} workers, round {index // (2 * len(others)) + 1}"
                          f"/{args.rounds}: {target.label}")
                slices.append(loader.run(target, args.slice))
            out["background_cores"] = meter.background_cores()
            time.sleep(1)  # requests wrk left in flight are still answered: let them land
            posts = [r for r in slices if r.nonce and r.key == "post"]
            stored = count_by_id_prefix(app, post_user_id, [r.nonce or "" for r in posts])
        finally:
            loader.close()
        out["ceiling"] = _summary(ceiling, [r for r in slices if r.key == ceiling.key])
        out["ceiling"]["verdict"] = budgets.load_verdict(None, 1.0, 0, out["ceiling"]["errors"])
        out["runs"] = []
        for target in others:
            picked = [(i, r) for i, r in enumerate(slices) if r.key == target.key]
            around = [(r.rps, (slices[i - 1].rps + slices[i + 1].rps) / 2) for i, r in picked]
            ratios = [rps / ceil for rps, ceil in around if ceil > 0]
            row = _summary(target, [r for _, r in picked])
            row["ratio"] = statistics.median(ratios) if ratios else 0.0
            row["ratios"] = ratios
            verdict, why = budgets.load_verdict(target.budget, row["ratio"], row["p99_ms"],
                                                row["errors"])
            if target.key == "post":
                # Each answered POST stored a new session under its slice's id prefix (and
                # up to one per connection more: requests in flight when wrk stopped).
                new_rows = sum(stored.values())
                once = all(r.requests <= stored[r.nonce or ""] <= r.requests + CONNECTIONS
                           for r in posts)
                out["post_rows"] = {"requests": row["requests"], "new_rows": new_rows, "ok": once}
                if not once:
                    verdict, why = budgets.FAIL, f"{row['requests']} posts, {new_rows} new rows"
            out["runs"].append(row | {"verdict": verdict, "why": why})
        rss = server.worker_rss_mb()
        out["rss"] = [{"pid": pid, "mb": mb} for pid, mb in rss.items()]
        out["rss_verdict"] = budgets.rss_verdict(max(rss.values()))
        if browser:
            _step("player page first load in Chromium")
            from .page_weight import measure

            weights, version = measure(f"http://{HOST}:{port}{player_path}")
            out["page_weight"] = {
                "path": player_path, "chromium": version,
                "profiles": [vars(w) | {"verdict": budgets.weight_verdict(
                    w.transferred_bytes, w.requests, w.third_party)} for w in weights],
            }
    return out


def _summary(target: Target, runs: list[Run]) -> dict[str, Any]:
    """Medians over the slices of one target (errors and requests are totals)."""
    med = statistics.median
    return {
        "key": target.key, "label": target.label,
        "rps": med(r.rps for r in runs), "rps_min": min(r.rps for r in runs),
        "rps_max": max(r.rps for r in runs),
        "p50_ms": med(r.p50_ms for r in runs), "p90_ms": med(r.p90_ms for r in runs),
        "p99_ms": med(r.p99_ms for r in runs), "max_ms": max(r.max_ms for r in runs),
        "requests": sum(r.requests for r in runs), "errors": sum(r.errors for r in runs),
        "slices": len(runs),
    }


def smoke(targets: list[Target], port: int, stats: Session, post: Session, token: str,
          body: tuple[str, str]) -> None:
    """Check that every target answers as it should before measuring it."""
    anon = Session(HOST, port)
    for target in targets:
        if target.method == "POST":
            payload = (body[0] + str(uuid.uuid4()) + body[1]).encode()
            reply = post.request("POST", target.path, payload, {
                "Content-Type": "application/json", "X-CSRFToken": token})
            expected = 201
        else:
            reply = (stats if target.signed_in else anon).get(target.path)
            expected = 200
        if reply.status != expected:
            raise RuntimeError(f"{target.label} answered {reply.status}, expected {expected}: "
                               f"{reply.body[:300]!r}")


def machine() -> dict[str, Any]:
    """Describe this machine: CPU, cores, memory, OS and the versions in the stack."""
    from importlib.metadata import version

    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = next(int(line.split()[1]) for line in
                      Path("/proc/meminfo").read_text().splitlines()
                      if line.startswith("MemTotal:"))
    except (OSError, StopIteration):
        mem_kb = 0
    os_name = platform.system()
    try:
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                os_name = line.split("=", 1)[1].strip('"')
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": round(mem_kb / 1e6, 1),
        "os": f"{os_name}, Linux {platform.release()}",
        "python": platform.python_version(),
        "gunicorn": version("gunicorn"),
        "flask": version("flask"),
        "wrk": wrk_version(),
    }

