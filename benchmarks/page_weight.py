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
