"""Make the app's PNG icons from their two SVG sources, with headless Chromium.

    .venv/bin/python tools/make_icons.py

icon.svg (rounded, transparent corners) gives the "any" icons; icon-maskable.svg (full bleed,
the figure inside the central safe circle) gives the maskable icons and the Apple touch icon,
which iOS rounds itself. The PNGs are committed; run this again after changing an SVG.
It lives outside static/ so that it is never served.
Chromium is /usr/bin/chromium unless LIMBER_CHROMIUM names another.
"""

from __future__ import annotations

import base64
import os
from pathlib import Path

from playwright.sync_api import sync_playwright

ICONS = Path(__file__).resolve().parent.parent / "static" / "icons"
OUTPUTS = {
    "icon-192.png": ("icon.svg", 192),
    "icon-512.png": ("icon.svg", 512),
    "icon-maskable-192.png": ("icon-maskable.svg", 192),
    "icon-maskable-512.png": ("icon-maskable.svg", 512),
    "apple-touch-icon.png": ("icon-maskable.svg", 180),
}
PAGE = (
    "<!doctype html><html><head><style>html,body{{margin:0;background:transparent}}"
    "img{{display:block;width:{size}px;height:{size}px}}</style></head>"
    '<body><img alt="" src="data:image/svg+xml;base64,{data}"></body></html>'
)


def main() -> None:
    chromium = os.environ.get("LIMBER_CHROMIUM") or "/usr/bin/chromium"
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=chromium, headless=True,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        )
        for name, (source, size) in OUTPUTS.items():
            data = base64.b64encode((ICONS / source).read_bytes()).decode()
            page = browser.new_page(viewport={"width": size, "height": size},
                                    device_scale_factor=1)
            page.set_content(PAGE.format(size=size, data=data))
            page.wait_for_function("document.images[0].complete")
            page.screenshot(path=str(ICONS / name), omit_background=True,
                            clip={"x": 0, "y": 0, "width": size, "height": size})
            page.close()
            print(f"{name}: {size}x{size} from {source}")
        browser.close()


if __name__ == "__main__":
    main()
