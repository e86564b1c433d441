"""Screenshot pages of the built book in headless Chromium, as a reader sees them.

Usage::

    .venv/bin/python scripts/screenshot.py [PAGE ...] [--out DIR] [--full]

PAGE is a path under ``_build/html`` (default: ``index.html``). Each page is
taken at desktop (1280 px) and phone (390 px) width, in light and dark mode, and
written to ``DIR/<page>-<width>-<mode>.png`` (default ``_build/screenshots``).
The site is served on 127.0.0.1 and requests to any other host are blocked.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from browser import block_outside, launch_persistent, missing_chromium_message, serve
from playwright.sync_api import sync_playwright

REPO = Path(__file__).resolve().parents[1]
SITE = REPO / "_build" / "html"
WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pages", nargs="*", default=["index.html"])
    parser.add_argument("--out", type=Path, default=REPO / "_build" / "screenshots")
    parser.add_argument("--full", action="store_true", help="capture the whole page height")
    parser.add_argument("--widths", default="desktop,phone")
    parser.add_argument("--modes", default="light,dark")
    args = parser.parse_args()
    if (problem := missing_chromium_message()) is not None:
        sys.exit(f"screenshot: {problem}")
    args.out.mkdir(parents=True, exist_ok=True)

    with serve(SITE) as base, sync_playwright() as pw, tempfile.TemporaryDirectory() as profile:
        for mode in args.modes.split(","):
            ctx = launch_persistent(pw, profile + mode, color_scheme=mode)
            for width in args.widths.split(","):
                w, h = WIDTHS[width]
                for page_path in args.pages:
                    page = ctx.new_page()
                    page.set_viewport_size({"width": w, "height": h})
                    block_outside(page)
                    page.goto(f"{base}/{page_path}", wait_until="networkidle")
                    page.evaluate("() => window.MathJax?.startup?.promise")
                    page.wait_for_timeout(300)
                    name = page_path.replace("/", "_").removesuffix(".html")
                    target = args.out / f"{name}-{width}-{mode}.png"
                    page.screenshot(path=str(target), full_page=args.full)
                    print(target)
                    page.close()
            ctx.close()


if __name__ == "__main__":
    main()
