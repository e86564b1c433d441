"""Accessibility and weight of every page, checked in headless Chromium.

* axe-core (from npm, ``node_modules/axe-core``) finds no serious or critical
  violation on any page, once MathJax has typeset it;
* every image has a meaningful text alternative (not empty, not a file name);
* the keyboard alone reaches the chapter list and the previous/next links, and
  the focused link shows a visible focus indicator;
* no page transfers more than 2 MB with an empty cache (HTML, CSS, scripts,
  fonts, figures), served with gzip for text as a static host serves it.

Each page is loaded once per session (the ``page_report`` fixture); axe, the weight
and the tests of test_browser.py read that one load.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import PurePosixPath

import pytest
from browsing import axe_problems, weight_problems

from conftest import AXE, chapter_pages

PAGES = chapter_pages()


@pytest.mark.parametrize("path", PAGES)
def test_no_serious_or_critical_axe_violations(page_report, path):
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: run `npm ci` (make does it) to install axe-core")
    severe = axe_problems(page_report(path))
    assert severe == [], "axe found serious or critical violations:\n" + "\n".join(severe)


@pytest.mark.parametrize("path", PAGES)
def test_page_transfers_at_most_2_mb(page_report, path):
    report = page_report(path)
    too_heavy = weight_problems(report)
    assert report.visit.outside == [], f"{path} requested outside hosts: {report.visit.outside}"
    assert too_heavy == [], "\n".join(too_heavy)


# -- Text alternatives of images (read from the HTML files) --------------------------------


class _Images(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.images: list[dict[str, str | None]] = []

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.images.append(dict(attrs))


def images_of(path: str) -> list[dict[str, str | None]]:
    from conftest import SITE

    parser = _Images()
    parser.feed((SITE / path).read_text(encoding="utf-8"))
    return parser.images


def alt_problem(img: dict[str, str | None]) -> str | None:
    """Why an image's alt text is not meaningful, or None when it is."""
    if img.get("role") == "presentation" or img.get("aria-hidden") == "true":
        return None  # decorative, hidden from assistive technology on purpose
    alt = (img.get("alt") or "").strip()
    name = PurePosixPath((img.get("src") or "").split("?")[0]).name
    if not alt:
        return "no alt text"
    if alt.lower() in {name.lower(), PurePosixPath(name).stem.lower()}:
        return f"alt text is the file name {alt!r}"
    if re.fullmatch(r"[0-9a-f]{16,}(\.\w+)?|[\w-]+\.(png|svg|jpe?g|gif)", alt, re.I):
        return f"alt text looks like a file name: {alt!r}"
    if len(alt.split()) < 3:
        return f"alt text too short to say what the image shows: {alt!r}"
    return None


def test_the_book_has_images_to_check():
    assert sum(len(images_of(p)) for p in PAGES) >= 10


@pytest.mark.parametrize("path", PAGES)
def test_every_image_has_meaningful_alt_text(path):
    bad = [(img.get("src"), why) for img in images_of(path) if (why := alt_problem(img))]
    assert bad == [], f"{path}: images without a meaningful text alternative: {bad}"


def test_alt_check_catches_bad_alt_texts():
    """The check itself fails on the cases it is meant to catch."""
    src = "_images/0330c3499ad3992a7131335ce8bc78f3529497e1dd428b114278bc361f264af1.png"
    assert alt_problem({"src": src, "alt": None})
    assert alt_problem({"src": src, "alt": ""})
    assert alt_problem({"src": src, "alt": src.split("/")[-1]})
    assert alt_problem({"src": src, "alt": "0330c3499ad3992a7131335ce8bc78f3"})
    assert alt_problem({"src": "_images/fig.png", "alt": "fig"})
    good = "Scatter plot of disease progression against body mass index."
    assert alt_problem({"src": src, "alt": good}) is None


# -- Keyboard --------------------------------------------------------------------------------

#: what to read about the focused element after each Tab
FOCUSED = """() => {
    const e = document.activeElement;
    if (!e || e === document.body) return null;
    const s = getComputedStyle(e);
    const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
    return {
        href: e.getAttribute('href'), text: (e.innerText || '').trim().slice(0, 60),
        nav: !!e.closest('nav.bd-docs-nav, .bd-sidenav'),
        prevnext: e.matches('a.left-prev, a.right-next'),
        indicator: outline || (s.boxShadow && s.boxShadow !== 'none'),
    };
}"""


@pytest.mark.parametrize("path", ["01-linear-regression.html"])
def test_keyboard_reaches_navigation_and_next_previous_links(browser_context, server, path):
    page = browser_context.new_page()
    try:
        page.goto(f"{server}/{path}", wait_until="load")
        nav, prevnext, hidden = [], [], []
        expected = 1 if path == "index.html" else 2  # the first page has no "previous"
        for _ in range(1500):
            page.keyboard.press("Tab")
            info = page.evaluate(FOCUSED)
            if info is None:
                continue
            if info["nav"]:
                nav.append(info["href"])
            if info["prevnext"]:
                prevnext.append(info["href"])
            if (info["nav"] or info["prevnext"]) and not info["indicator"]:
                hidden.append(info)
            if len(set(prevnext)) >= expected:
                break
    finally:
        page.close()
    chapters = [h for h in nav if h and re.match(r"(\.\./)?0\d-", h)]
    assert len(chapters) >= 5, f"{path}: Tab did not reach the chapter links of the sidebar: {nav}"
    assert len(set(prevnext)) == expected, f"{path}: Tab reached only {prevnext} of prev/next"
    assert hidden == [], f"{path}: focused links without a visible focus indicator: {hidden}"
