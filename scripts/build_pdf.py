"""Print the whole book to one PDF, without LaTeX: `make pdf`.

1. Sphinx's ``singlehtml`` builder writes the book as one page into ``_build/singlehtml``.
   It uses the same configuration and the same execution cache as ``make html``, so after
   ``make html`` it executes nothing new.
2. Headless Chromium (Debian's, driven by Playwright) opens that page from a local server,
   with every request that leaves 127.0.0.1 blocked, waits until MathJax has typeset every
   formula and its fonts are loaded, opens the drop-down solutions, and prints the page
   with the print style sheet ``book/_static/print.css``.
3. The PDF is written to ``_build/pdf/book.pdf`` and copied to ``_build/html/book.pdf``,
   where the download menu of every page links to it (``sphinxext/book_pdf.py``).

Usage: ``python scripts/build_pdf.py [--skip-sphinx]``.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

from browser import block_outside, launch, missing_chromium_message, serve, wait_for_math

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "_build"
SINGLE = BUILD / "singlehtml"
PDF = BUILD / "pdf" / "book.pdf"
#: typesetting the whole book on one page took about 14 minutes on a busy 2-core machine
TIMEOUT_MS = 1_800_000

#: run in the page before printing: open every drop-down (solutions, hidden code)
OPEN_DROPDOWNS = """() => {
    document.querySelectorAll('details').forEach(d => { d.open = true; });
    document.querySelectorAll('.toggle-hidden').forEach(e => e.classList.remove('toggle-hidden'));
    document.querySelectorAll('button.toggle-button').forEach(b => b.remove());
    return true;
}"""


def build_singlehtml(sphinx_opts: list[str]) -> None:
    """Run Sphinx's singlehtml builder with the book's configuration."""
    sphinx = Path(sys.executable).with_name("sphinx-build")
    command = [str(sphinx), "-b", "singlehtml", "-c", str(ROOT), str(ROOT / "book"),
               str(SINGLE), *sphinx_opts]
    print("pdf:", " ".join(command), flush=True)
    subprocess.run(command, check=True, cwd=ROOT)


def print_pdf(site: Path, target: Path) -> None:
    """Print ``site/index.html`` to ``target`` with headless Chromium."""
    from playwright.sync_api import sync_playwright

    if (problem := missing_chromium_message()) is not None:
        sys.exit(f"pdf: {problem}")
    with serve(site) as base, sync_playwright() as pw:
        browser = launch(pw)
        page = browser.new_page(viewport={"width": 1100, "height": 1400})
        page.set_default_timeout(TIMEOUT_MS)
        blocked = block_outside(page)
        page.goto(f"{base}/index.html", wait_until="load")
        wait_for_math(page, timeout_ms=TIMEOUT_MS)
        page.evaluate(OPEN_DROPDOWNS)
        page.emulate_media(media="print")
        target.parent.mkdir(parents=True, exist_ok=True)
        page.pdf(
            path=str(target), format="A4", print_background=True,
            margin={"top": "18mm", "bottom": "18mm", "left": "16mm", "right": "16mm"},
            display_header_footer=True, header_template="<span></span>",
            footer_template=(
                '<div style="font-size:8px;width:100%;text-align:center;">'
                '<span class="pageNumber"></span> / <span class="totalPages"></span></div>'
            ),
        )
        browser.close()
    if blocked:
        print(f"pdf: blocked {len(blocked)} request(s) leaving 127.0.0.1, e.g. {blocked[0]}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-sphinx", action="store_true",
                        help="print the existing _build/singlehtml without rebuilding it")
    parser.add_argument("--sphinx-opts", default="-W -n --keep-going",
                        help="options passed to sphinx-build (default: the strict ones)")
    args = parser.parse_args(argv)
    if not args.skip_sphinx:
        build_singlehtml(args.sphinx_opts.split())
    print_pdf(SINGLE, PDF)
    html = BUILD / "html"
    if html.is_dir():
        shutil.copyfile(PDF, html / PDF.name)
    print(f"pdf: wrote {PDF.relative_to(ROOT)} ({PDF.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
