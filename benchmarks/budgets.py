"""The benchmark budgets, and the verdict of one figure against them.

Units are decimal: 1 kB = 1,000 bytes, 1 MB = 1,000,000 bytes.
"""

from __future__ import annotations

PAGE_MIN_RATIO = 0.3  # catalog, routine, player pages, GET /api/routines: 0.3 x the ceiling ...
PAGE_MAX_P99_MS = 50.0  # ... and p99 under 50 ms at 16 connections
POST_MAX_P99_MS = 100.0  # POST /api/completions: p99 under 100 ms at 16 connections ...
POST_MAX_ERRORS = 0  # ... no errors at all, and every answered POST stored exactly once
SCALING_MAX_GROWTH = 2.0  # /api/stats and /history at 3,650 days: at most twice 10 days ...
SCALING_MAX_MS = 20.0  # ... and at most 20 ms
PAGE_MAX_BYTES = 100_000  # player page first load: at most 100 kB transferred ...
PAGE_MAX_REQUESTS = 12  # ... in at most 12 requests ...
PAGE_MAX_THIRD_PARTY = 0  # ... none of them third-party
WORKER_MAX_RSS_MB = 80.0  # each gunicorn worker after the load

PASS, FAIL, INFO = "PASS", "FAIL", "—"


def verdict(ok: bool, why: str) -> tuple[str, str]:
    return (PASS if ok else FAIL), why


def load_verdict(budget: str | None, ratio: float, p99_ms: float, errors: int
                 ) -> tuple[str, str]:
    """Judge one wrk run: pages on ratio and p99, the POST on ratio and errors."""
    if budget == "page":
        problems = []
        if ratio < PAGE_MIN_RATIO:
            problems.append(f"ratio {ratio:.3f} < {PAGE_MIN_RATIO}")
        if p99_ms >= PAGE_MAX_P99_MS:
            problems.append(f"p99 ≥ {PAGE_MAX_P99_MS:.0f} ms")
        if errors:
            problems.append(f"{errors} errors")
        return verdict(not problems, ", ".join(problems)
                       or f"≥ {PAGE_MIN_RATIO}×, p99 < {PAGE_MAX_P99_MS:.0f} ms")
    if budget == "post":
        problems = []
        if p99_ms >= POST_MAX_P99_MS:
            problems.append(f"p99 ≥ {POST_MAX_P99_MS:.0f} ms")
        if errors > POST_MAX_ERRORS:
            problems.append(f"{errors} errors")
        return verdict(not problems, ", ".join(problems)
                       or f"p99 < {POST_MAX_P99_MS:.0f} ms, 0 errors")
    if errors:
        return FAIL, f"{errors} errors"
    return INFO, "no budget"


def scaling_verdict(ms_long: float, ms_short: float) -> tuple[str, str]:
    growth = ms_long / ms_short if ms_short else float("inf")
    problems = []
    if growth > SCALING_MAX_GROWTH:
        problems.append(f"{growth:.1f}× the 10-day time > {SCALING_MAX_GROWTH:.0f}×")
    if ms_long > SCALING_MAX_MS:
        problems.append(f"{ms_long:.1f} ms > {SCALING_MAX_MS:.0f} ms")
    return verdict(not problems, "; ".join(problems)
                   or f"{growth:.2f}× ≤ {SCALING_MAX_GROWTH:.0f}×, ≤ {SCALING_MAX_MS:.0f} ms")


def weight_verdict(transferred: int, requests: int, third_party: int) -> tuple[str, str]:
    problems = []
    if transferred > PAGE_MAX_BYTES:
        problems.append(f"{transferred / 1000:.1f} kB > {PAGE_MAX_BYTES / 1000:.0f} kB")
    if requests > PAGE_MAX_REQUESTS:
        problems.append(f"{requests} requests > {PAGE_MAX_REQUESTS}")
    if third_party > PAGE_MAX_THIRD_PARTY:
        problems.append(f"{third_party} third-party")
    return verdict(not problems, "; ".join(problems)
                   or f"≤ {PAGE_MAX_BYTES / 1000:.0f} kB, ≤ {PAGE_MAX_REQUESTS} requests, "
                   "0 third-party")


def rss_verdict(rss_mb: float) -> tuple[str, str]:
    return verdict(rss_mb <= WORKER_MAX_RSS_MB, f"≤ {WORKER_MAX_RSS_MB:.0f} MB"
                   if rss_mb <= WORKER_MAX_RSS_MB else f"> {WORKER_MAX_RSS_MB:.0f} MB")
