"""Displayed equations fit the page on a phone.

A display equation wider than its column scrolls sideways inside the text
(book.css gives it ``overflow-x: auto`` and keeps it clear of the equation
number), which on a phone is easy to miss: the end of the formula is simply not
there. A wide formula is split over lines in the chapter's source
(``\\begin{aligned}``). MathJax 4's automatic line breaking
(``displayOverflow: "linebreak"``) is no substitute: tried on this book, it broke
formulas after nearly every symbol, one per line.

Each page of the book is opened in headless Chromium at the width of a phone
(390 x 844 CSS pixels, as ``scripts/screenshot.py`` takes its phone screenshots);
once MathJax has typeset it, every displayed formula (``mjx-container[display=
"true"]``) wider than its own box or its parent by more than ``SLACK_PX`` counts as
overflowing. ``STILL_SCROLLING`` records how many may still do so on each page: the
test fails when a page has more (a new wide formula) and when it has fewer (lower the
number: the record only goes down).
"""

from __future__ import annotations

import pytest
from browser import TIMEOUT_MS, wait_for_math

from conftest import chapter_pages

PHONE = {"width": 390, "height": 844}
PAGES = chapter_pages()
#: a difference of font metrics between Chromium versions must not fail the test
SLACK_PX = 2
#: pages with displayed formulas that still scroll at 390 px, and how many: the
#: chapters to split next
STILL_SCROLLING = {
    "00-notation-and-data.html": 29,
    "01-linear-regression.html": 16,
    "02-gradient-descent.html": 33,
    "03-logistic-regression.html": 19,
    "06-conclusion.html": 1,
    "api.html": 15,
}

#: For every displayed formula that does not fit: by how much, and enough to find it
#: in the source (the id of the enclosing equation, if it has one, and its first characters).
OVERFLOWING = """() => Array.from(document.querySelectorAll('mjx-container[display="true"]'))
    .map(m => {
        const parent = m.parentElement;
        const item = (window.MathJax && MathJax.startup && MathJax.startup.document)
            ? MathJax.startup.document.getMathItemsWithin(m)[0] : undefined;
        const labelled = m.closest('[id]');
        const sticksOut = m.getBoundingClientRect().right - parent.getBoundingClientRect().right;
        return {
            // content wider than its own box (it scrolls), or the box wider than its parent
            over: Math.max(m.scrollWidth - m.clientWidth, Math.ceil(sticksOut)),
            id: labelled ? labelled.id : '',
            tex: item ? item.math.trim().replace(/\\s+/g, ' ').slice(0, 70) : '',
        };
    })
    .filter(m => m.over > SLACK)"""


@pytest.fixture(scope="module")
def overflowing(browser_context, server):
    def _overflowing(path: str) -> tuple[int, list[dict]]:
        page = browser_context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        try:
            # the width must be set before the page loads: MathJax lays formulas out for it
            page.set_viewport_size(PHONE)
            page.goto(f"{server}/{path}", wait_until="load")
            wait_for_math(page)
            count = page.evaluate(
                """() => document.querySelectorAll('mjx-container[display="true"]').length"""
            )
            return count, page.evaluate(OVERFLOWING.replace("SLACK", str(SLACK_PX)))
        finally:
            page.close()

    return _overflowing


def test_pages_are_found():
    assert PAGES, "no page was built from book/; run `make html` first"


@pytest.mark.parametrize("path", PAGES)
def test_display_equations_fit_a_phone(overflowing, path):
    count, wide = overflowing(path)
    allowed = STILL_SCROLLING.get(path, 0)
    listing = "; ".join(f"{w['id'] or '(no id)'} by {w['over']} px: {w['tex']}" for w in wide)
    assert len(wide) <= allowed, (
        f"{path}: {len(wide)} of its {count} displayed formulas are wider than the page at "
        f"{PHONE['width']} px (at most {allowed} may be): {listing}. Break the new one over "
        "lines with \\begin{aligned} ... \\\\ ... \\end{aligned} (or \\begin{split} "
        "inside a numbered equation)."
    )
    assert len(wide) == allowed, (
        f"{path}: only {len(wide)} displayed formulas scroll at {PHONE['width']} px now, "
        f"{allowed} are allowed: lower STILL_SCROLLING[{path!r}] to {len(wide)}. {listing}"
    )
