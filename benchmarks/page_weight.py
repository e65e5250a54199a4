"""Page weight: a page's first load in headless Chromium (Playwright), counted over DevTools."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
    "--disable-dev-shm-usage",
]
PROFILES: dict[str, dict[str, Any]] = {
    "phone": {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 3,
              "is_mobile": True, "has_touch": True},
    "laptop": {"viewport": {"width": 1366, "height": 768}},
}


def chromium_path() -> str:
    """Debian's Chromium, unless LIMBER_CHROMIUM names another binary."""
    return os.environ.get("LIMBER_CHROMIUM") or "/usr/bin/chromium"


@dataclass
class Weight:
    profile: str
    transferred_bytes: int
    decoded_bytes: int
    requests: int
    third_party: int
    failed: int
    resources: list[dict[str, Any]] = field(default_factory=list)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def measure(url: str, settle_ms: int = 1000) -> tuple[list[Weight], str]:
    """Load `url` once per profile in a fresh context (empty cache); return weights, version.

    Transferred bytes are DevTools' encodedDataLength: headers plus the body as sent on the
    wire (compressed where the server compressed it). data: and blob: URLs are not requests.
    """
    from playwright.sync_api import sync_playwright

    out = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), headless=True,
                                    args=CHROMIUM_ARGS)
        try:
            version = browser.version
            for name, options in PROFILES.items():
                context = browser.new_context(**options)
                try:
                    out.append(_one(context, name, url, settle_ms))
                finally:
                    context.close()
        finally:
            browser.close()
    return out, version


def _one(context: Any, profile: str, url: str, settle_ms: int) -> Weight:
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    seen: dict[str, dict[str, Any]] = {}

    def sent(e: dict[str, Any]) -> None:
        seen.setdefault(e["requestId"], {"url": e["request"]["url"], "bytes": 0, "decoded": 0,
                                         "status": None, "failed": False})

    def received(e: dict[str, Any]) -> None:
        if e["requestId"] in seen:
            seen[e["requestId"]]["status"] = e["response"]["status"]

    def data(e: dict[str, Any]) -> None:
        if e["requestId"] in seen:
            seen[e["requestId"]]["decoded"] += e["dataLength"]

    def finished(e: dict[str, Any]) -> None:
        if e["requestId"] in seen:
            seen[e["requestId"]]["bytes"] = int(e["encodedDataLength"])

    def failed(e: dict[str, Any]) -> None:
        if e["requestId"] in seen:
            seen[e["requestId"]]["failed"] = True

    cdp.on("Network.requestWillBeSent", sent)
    cdp.on("Network.responseReceived", received)
    cdp.on("Network.dataReceived", data)
    cdp.on("Network.loadingFinished", finished)
    cdp.on("Network.loadingFailed", failed)
    cdp.send("Network.enable")
    page.goto(url, wait_until="load")
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(settle_ms)  # late requests (scripts fetching data) count too
    home = _origin(url)
    network = [r for r in seen.values() if urlsplit(r["url"]).scheme in ("http", "https")]
    return Weight(
        profile=profile,
        transferred_bytes=sum(r["bytes"] for r in network),
        decoded_bytes=sum(r["decoded"] for r in network),
        requests=len(network),
        third_party=sum(1 for r in network if _origin(r["url"]) != home),
        failed=sum(1 for r in network if r["failed"] or (r["status"] or 0) >= 400),
        resources=[{"path": urlsplit(r["url"]).path, "status": r["status"],
                    "bytes": r["bytes"], "decoded": r["decoded"]} for r in network],
    )


DEFAULT_PATH = "/routines/cool-down-after-exercise/play"


def main(argv: list[str] | None = None) -> int:
    """`python -m benchmarks.page_weight [PATH]`: one page's first load against its budget.

    Serves the app with gunicorn on loopback (a throwaway instance, as `python -m benchmarks`
    does), measures PATH at the phone and laptop sizes, prints every request and the verdict,
    and always stops the server. Exits 1 when a budget fails.
    """
    import argparse
    import shutil
    import tempfile
    from pathlib import Path

    from . import budgets
    from .seed import apply_env, build_database, instance_env
    from .server import HOST, running

    ap = argparse.ArgumentParser(prog="python -m benchmarks.page_weight",
                                 description=main.__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("path", nargs="?", default=DEFAULT_PATH, help=f"default {DEFAULT_PATH}")
    args = ap.parse_args(argv)

    scratch = Path(tempfile.mkdtemp(prefix="limber-weight-"))
    try:
        env = instance_env(scratch)
        apply_env(env)
        from stretch_app import create_app

        build_database(create_app())  # also builds the compressed static files, once
        with running(2, env, scratch) as server:
            weights, version = measure(f"http://{HOST}:{server.port}{args.path}")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    print(f"{args.path} in headless Chromium {version}, a fresh context per viewport")
    failed = False
    for w in weights:
        verdict, why = budgets.weight_verdict(w.transferred_bytes, w.requests, w.third_party)
        failed = failed or verdict != budgets.PASS
        print(f"\n{w.profile}: {w.transferred_bytes / 1000:.1f} kB transferred "
              f"({w.decoded_bytes / 1000:.1f} kB uncompressed), {w.requests} requests, "
              f"{w.third_party} third-party, {w.failed} failed: {verdict} ({why})")
        for r in w.resources:
            print(f"  {r['status']}  {r['bytes'] / 1000:6.1f} kB  {r['path']}")
    return 1 if failed else 0


if __name__ == "__main__":
    import sys

    sys.exit(main())
