"""The results table: printed by `make bench` and written into benchmarks/README.md."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from . import budgets

START = "<!-- bench:results:start -->"
END = "<!-- bench:results:end -->"


def _n(value: float) -> str:
    return f"{value:,.0f}"


def _ms(value: float) -> str:
    return f"{value:.1f}" if value < 100 else f"{value:,.0f}"


def _verdict(pair: Any) -> str:
    verdict, why = pair
    return verdict if verdict == budgets.INFO else f"**{verdict}** ({why})"


def markdown(results: dict[str, Any]) -> str:
    m = results["machine"]
    s = results["settings"]
    lines = [
        f"Run on {results['date']}: {m['cpu']}, {m['cores']} cores, {m['memory_gb']} GB RAM, "
        f"{m['os']}; Python {m['python']}, gunicorn {m['gunicorn']}, Flask {m['flask']}, "
        f"{m['wrk']}. `make bench` took {results.get('elapsed_s', 0):.0f} s.",
        "",
    ]
    lines += _load(results, s)
    lines += _scaling(results, s)
    lines += _weight(results)
    lines += _memory(results)
    failed = failures(results)
    total = count_budgets(results)
    lines += ["### Verdicts", "",
              f"{total - len(failed)} of {total} budgets pass."
              + ("" if not failed else " Failing: " + "; ".join(failed) + "."), ""]
    return "\n".join(lines)


def _load(results: dict[str, Any], s: dict[str, Any]) -> list[str]:
    lines = [
        "### Throughput and latency under load",
        "",
        f"wrk `{s['wrk']}` on loopback. Each endpoint is loaded in {s['rounds']} slices of "
        f"{s['slice_s']:g} s (after a {s['warmup_s']:g} s warm-up), each slice between two "
        "slices of the ceiling, a bare Flask route in the same workers; × ceiling is the "
        "median over the slices of req/s ÷ the mean of its two ceiling slices. req/s, p50 "
        "and p99 are medians over the slices, errors are totals.",
        "",
    ]
    for rnd in results["load"]:
        c = rnd["ceiling"]
        lines += [
            f"**{rnd['workers']} sync workers**: ceiling {_n(c['rps'])} req/s "
            f"(slices {_n(c['rps_min'])} to {_n(c['rps_max'])}); other processes on the "
            f"machine used {rnd['background_cores']:.2f} cores on average meanwhile.",
            "",
            "| Endpoint | req/s | × ceiling | p50 ms | p99 ms | errors | Verdict |",
            "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
            f"| {c['label']} | {_n(c['rps'])} | 1.00 | {_ms(c['p50_ms'])} | "
            f"{_ms(c['p99_ms'])} | {c['errors']} | {_verdict(c['verdict'])} |",
        ]
        for r in rnd["runs"]:
            lines.append(f"| {r['label']} | {_n(r['rps'])} | {r['ratio']:.2f} | "
                         f"{_ms(r['p50_ms'])} | {_ms(r['p99_ms'])} | {r['errors']} | "
                         f"{_verdict((r['verdict'], r['why']))} |")
        if "post_rows" in rnd:
            p = rnd["post_rows"]
            check = ("each answered POST stored once, no id reused" if p.get("ok")
                     else "**MISMATCH**: some POSTs were not stored once each")
            lines += ["", f"POST check: {_n(p['requests'])} answered, {_n(p['new_rows'])} new "
                      f"sessions stored (the rest were in flight when wrk stopped): {check}."]
        lines.append("")
    return lines


def _scaling(results: dict[str, Any], s: dict[str, Any]) -> list[str]:
    days = s["history_days"]
    lines = [
        "### History scaling (in-process, median ms)",
        "",
        f"Daily finished sessions plus a diary entry every third day; Flask test client, "
        f"signed in; median of {s['scaling_runs']} requests per cell, users and endpoints "
        "taking turns.",
        "",
        "| Endpoint | " + " | ".join(f"{d:,} days" for d in days)
        + f" | {days[-1]:,} ÷ {days[0]:,} | Verdict |",
        "| --- | " + " | ".join("---:" for _ in days) + " | ---: | --- |",
    ]
    for ep, row in _scaling_rows(results).items():
        short, long = row[days[0]], row[days[-1]]
        judged = budgets.scaling_verdict(long, short) if ep in _budgeted(results) \
            else (budgets.INFO, "")
        lines.append(f"| {ep} | " + " | ".join(_ms(row[d]) for d in days)
                     + f" | {long / short:.1f}× | " + _verdict(judged) + " |")
    return [*lines, ""]


def _scaling_rows(results: dict[str, Any]) -> dict[str, dict[int, float]]:
    rows: dict[str, dict[int, float]] = {}
    for t in results["scaling"]:
        rows.setdefault(t["endpoint"], {})[t["days"]] = t["median_ms"]
    return rows


def _budgeted(results: dict[str, Any]) -> set[str]:
    return {t["endpoint"] for t in results["scaling"] if t.get("budget", True)}


def _weight(results: dict[str, Any]) -> list[str]:
    weight = next((r["page_weight"] for r in results["load"] if "page_weight" in r), None)
    if weight is None:
        return ["### Player page first load", "", "Not measured (--skip-browser).", ""]
    lines = [
        "### Player page first load",
        "",
        f"`{weight['path']}` in headless Chromium {weight['chromium']} (Playwright), a fresh "
        "context each: DevTools' bytes on the wire (headers + compressed bodies).",
        "",
        "| Viewport | Transferred | Uncompressed | Requests | Third-party | Verdict |",
        "| --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for w in weight["profiles"]:
        lines.append(f"| {w['profile']} | {w['transferred_bytes'] / 1000:.1f} kB | "
                     f"{w['decoded_bytes'] / 1000:.1f} kB | {w['requests']} | "
                     f"{w['third_party']} | {_verdict(w['verdict'])} |")
    first = weight["profiles"][0]
    listed = ", ".join(f"`{_short(r['path'])}` {r['bytes'] / 1000:.1f} kB"
                       for r in first["resources"])
    return [*lines, "", f"Requests ({first['profile']}): {listed}.", ""]


def _short(path: str) -> str:
    # /static/<build id>/js/player.js -> /static/…/js/player.js
    return re.sub(r"^/static/[0-9a-f]{10}/", "/static/…/", path)


def _memory(results: dict[str, Any]) -> list[str]:
    lines = ["### Worker memory after the load", "",
             "| Workers | RSS of each worker (MB) | Verdict |", "| --- | --- | --- |"]
    for rnd in results["load"]:
        lines.append(f"| {rnd['workers']} | " + ", ".join(f"{r['mb']:.1f}" for r in rnd["rss"])
                     + f" | {_verdict(rnd['rss_verdict'])} |")
    return [*lines, ""]


def _all_verdicts(results: dict[str, Any]) -> list[tuple[str, str, str]]:
    out = []
    for rnd in results["load"]:
        w = rnd["workers"]
        for r in rnd["runs"]:
            if r["verdict"] != budgets.INFO:
                out.append((f"{r['label']} ({w} workers)", r["verdict"], r["why"]))
        worst = max(r["mb"] for r in rnd["rss"])
        verdict, why = rnd["rss_verdict"]
        out.append((f"worker RSS ({w} workers)", verdict, f"{worst:.1f} MB {why}"))
        for p in rnd.get("page_weight", {}).get("profiles", []):
            out.append((f"player page weight ({p['profile']})", *p["verdict"]))
    days = results["settings"]["history_days"]
    for ep, row in _scaling_rows(results).items():
        if ep not in _budgeted(results):
            continue
        out.append((f"{ep} at {days[-1]:,} days",
                    *budgets.scaling_verdict(row[days[-1]], row[days[0]])))
    return out


def count_budgets(results: dict[str, Any]) -> int:
    return len(_all_verdicts(results))


def failures(results: dict[str, Any]) -> list[str]:
    return [f"{name}: {why}" for name, verdict, why in _all_verdicts(results)
            if verdict == budgets.FAIL]


def terminal(results: dict[str, Any]) -> str:
    return "\n" + markdown(results)


def update_readme(path: Path, results: dict[str, Any]) -> None:
    """Replace the results between the markers (appending them when the markers are missing)."""
    text = path.read_text() if path.exists() else ""
    block = f"{START}\n{markdown(results)}\n{END}"
    if START in text and END in text:
        head, rest = text.split(START, 1)
        tail = rest.split(END, 1)[1]
        text = head + block + tail
    else:
        text = text.rstrip() + "\n\n## Results\n\n" + block + "\n"
    path.write_text(text)
