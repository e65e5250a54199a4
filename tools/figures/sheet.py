"""Photograph the pose pictures at phone size: a contact sheet, or one PNG each for a blind check.

    python -m tools.figures.sheet docs/contact-sheet.png [--dark]
    python -m tools.figures.sheet --blind OUT_DIR     # OUT_DIR/<n>.png and OUT_DIR/key.txt

Pictures are shown at 330 x 230 CSS px, the player's size on a phone, in headless Chromium
(``$LIMBER_CHROMIUM`` or Debian's) with reduced motion forced on (emulating it does not reach
inside an <img>), so movements show their main position.
"""

import argparse
import os
import random
import tempfile
import tomllib
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parents[2]
W, H = 330, 230


def _names() -> dict[str, str]:
    poses = sorted((ROOT / "routines" / "poses").glob("*.toml"))
    return {p.stem: tomllib.loads(p.read_text(encoding="utf-8"))["name"] for p in poses}


def _page_html(ids: list[str], labels: dict[str, str], dark: bool, columns: int = 5) -> str:
    bg, fg = ("#11161c", "#e8eff7") if dark else ("#ffffff", "#1d2b38")
    cells = "".join(
        f'<figure><img src="{(ROOT / "static" / "poses" / f"{i}.svg").as_uri()}" width="{W}" '
        f'height="{H}"><figcaption>{labels.get(i, "")}</figcaption></figure>'
        for i in ids
    )
    return (
        f"<style>body{{margin:8px;background:{bg};color:{fg};font:14px sans-serif;display:grid;"
        f"grid-template-columns:repeat({columns},{W}px);gap:8px}}figure{{margin:0}}"
        f"img{{display:block;outline:1px solid #8884}}figcaption{{height:18px}}</style>{cells}"
    )


def _wait_for_pictures(page: Page) -> None:
    """Wait until every picture is decoded: the load event can come before an SVG is painted."""
    page.evaluate("Promise.all([...document.images].map((image) => image.decode()))")


def main() -> None:
    """Write the contact sheet or the blind-check pictures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--dark", action="store_true")
    parser.add_argument("--blind", action="store_true")
    parser.add_argument("--only", help="comma-separated pose ids (default: all)")
    parser.add_argument("--columns", type=int, default=5)
    args = parser.parse_args()
    names = _names()
    ids = args.only.split(",") if args.only else sorted(names)
    chromium = os.environ.get("LIMBER_CHROMIUM") or "/usr/bin/chromium"
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=chromium, args=["--no-sandbox", "--force-prefers-reduced-motion"]
        )
        page = browser.new_page(
            color_scheme="dark" if args.dark else "light", reduced_motion="reduce"
        )
        sheet = Path(tempfile.mkdtemp()) / "sheet.html"
        if args.blind:
            args.out.mkdir(parents=True, exist_ok=True)
            numbers = random.sample(range(100, 1000), len(ids))
            sheet.write_text(_page_html(ids, {}, args.dark), encoding="utf-8")
            page.goto(sheet.as_uri())
            _wait_for_pictures(page)
            images = page.locator("img")
            for n, image in zip(numbers, images.all(), strict=True):
                image.screenshot(path=args.out / f"{n}.png")
            key = "".join(f"{n} {names[i]}\n" for n, i in sorted(zip(numbers, ids, strict=True)))
            (args.out / "key.txt").write_text(key, encoding="utf-8")
        else:
            page.set_viewport_size({"width": args.columns * (W + 8) + 8, "height": 400})
            sheet.write_text(_page_html(ids, names, args.dark, args.columns), encoding="utf-8")
            page.goto(sheet.as_uri())
            _wait_for_pictures(page)
            page.screenshot(path=args.out, full_page=True)
        browser.close()


if __name__ == "__main__":
    main()
