"""Open every page of the built book in headless Chromium, as a reader would.

On every page: math is typeset by MathJax with no error, every image loads,
the console shows no error (but the theme's known one on a fresh profile), and
no request leaves 127.0.0.1.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from conftest import chapter_pages

# pydata-sphinx-theme logs this once on a fresh profile (no stored theme mode yet).
KNOWN_CONSOLE_ERRORS = ("Got invalid theme mode",)
TIMEOUT_MS = 180_000
PAGES = chapter_pages()


@pytest.fixture(scope="module")
def visit(browser_context, server):
    def _visit(path: str) -> dict:
        page = browser_context.new_page()
        # Long chapters (hundreds of formulas) take tens of seconds to typeset on a busy
        # 2-core machine; these are limits against hanging, not speed assertions.
        page.set_default_timeout(TIMEOUT_MS)
        outside: list[str] = []
        console: list[str] = []
        failed: list[str] = []

        def route(r):
            host = urlsplit(r.request.url).hostname
            if r.request.url.startswith(("data:", "blob:")) or host == "127.0.0.1":
                r.continue_()
            else:
                outside.append(r.request.url)
                r.abort()

        page.route("**/*", route)
        page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: console.append(f"uncaught: {e}"))
        page.on("requestfailed", lambda r: failed.append(r.url))
        page.goto(f"{server}/{path}", wait_until="load")
        has_math = page.evaluate(
            "() => document.querySelector('.math, span.math, div.math') !== null"
        )
        if has_math:
            page.wait_for_function(
                "() => window.MathJax && MathJax.startup && MathJax.startup.promise",
                timeout=TIMEOUT_MS,
            )
            page.evaluate("() => MathJax.startup.promise")
            # MathJax 4 loads font pieces on demand; wait for them rather than for
            # "networkidle", which never comes with routing on (a worker request stays open)
            page.evaluate("() => document.fonts.ready.then(() => true)")
        info = page.evaluate(
            """() => ({
                math: document.querySelectorAll('mjx-container').length,
                mathErrors: document.querySelectorAll('mjx-merror').length,
                rawTex: Array.from(document.querySelectorAll('div.math, span.math'))
                    .filter(e => !e.querySelector('mjx-container')).length,
                images: Array.from(document.images).map(i => ({
                    src: i.currentSrc || i.src, ok: i.complete && i.naturalWidth > 0,
                    alt: i.getAttribute('alt')})),
            })"""
        )
        page.close()
        info.update(
            has_math=has_math,
            outside=outside,
            failed=[u for u in failed if u not in outside],
            console=[c for c in console if not c.startswith(KNOWN_CONSOLE_ERRORS)],
        )
        return info

    return _visit


def test_the_book_has_pages():
    assert "index.html" in PAGES and len(PAGES) >= 5, PAGES


@pytest.mark.parametrize("path", PAGES)
def test_page_renders_offline(visit, path):
    info = visit(path)
    assert info["outside"] == [], f"{path} requested outside hosts: {info['outside']}"
    assert info["failed"] == [], f"{path} had failed requests: {info['failed']}"
    assert info["console"] == [], f"{path} logged console errors: {info['console']}"
    broken = [i["src"] for i in info["images"] if not i["ok"]]
    assert broken == [], f"{path} has images that did not load: {broken}"
    if info["has_math"]:
        assert info["math"] > 0, f"{path} has math that MathJax did not typeset"
        assert info["mathErrors"] == 0, f"{path} has {info['mathErrors']} MathJax errors"
        assert info["rawTex"] == 0, f"{path} shows {info['rawTex']} untypeset formulas"


def test_math_pages_exist(visit):
    """Guard against a vacuous pass: the notation chapter must typeset real math."""
    info = visit("00-notation-and-data.html")
    assert info["has_math"] and info["math"] >= 5, info
