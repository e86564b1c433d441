"""Fixtures for the tests of the built site in ``_build/html``.

``make test`` runs these after a clean strict build. They are marked ``book``
and skipped by ``pytest -m "not book"``.

Chromium and the local static host are set up in ``scripts/browser.py`` (shared with
the scripts that print the PDF, take screenshots and weigh pages), put on ``sys.path``
here. Each page is loaded in Chromium once per session (``page_report``) and every
browser check of that page reads that one load.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "scripts"))

from browser import book_pages, chromium_path, launch_persistent, serve  # noqa: E402

SITE = REPO / "_build" / "html"
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = chromium_path()


SECOND_BUILD = pytest.StashKey["SecondBuild"]()


def pytest_collection_modifyitems(items):
    for item in items:
        if Path(item.fspath).parent == Path(__file__).parent:
            item.add_marker(pytest.mark.book)


def pytest_collection_finish(session):
    """Start the second clean build of test_reproducible.py now, if one of its tests runs.

    It then runs (at a lower priority) while the browser and notebook tests run; the
    ``second_build`` fixture waits for it.
    """
    if session.config.option.collectonly:
        return
    if any(Path(item.fspath).name == "test_reproducible.py" for item in session.items):
        from second_build import SecondBuild

        session.config.stash[SECOND_BUILD] = SecondBuild(REPO)


def pytest_sessionfinish(session):
    build = session.config.stash.get(SECOND_BUILD, None)
    if build is not None:
        build.remove()


def chapter_pages() -> list[str]:
    """Every HTML page built from a source in book/ (relative paths)."""
    return book_pages(SITE)


@pytest.fixture(scope="session")
def site() -> Path:
    if not (SITE / "index.html").is_file():
        pytest.fail(f"{SITE} has no built book; run `make html` first (make test does).")
    return SITE


@pytest.fixture(scope="session")
def server(site: Path) -> Iterator[str]:
    """The built site served on 127.0.0.1, text gzipped as a static host sends it."""
    with serve(site) as base:
        yield base


@pytest.fixture(scope="session")
def browser_context(tmp_path_factory):
    """A fresh headless Chromium profile driven by Playwright (Debian's chromium)."""
    if not Path(CHROMIUM).is_file():
        reason = (
            f"Chromium not found at {CHROMIUM}: the browser tests of the built site did NOT run. "
            "Install it with `apt-get install chromium` (.ci/run does)."
        )
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as pw:
        context = launch_persistent(pw, profile, viewport={"width": 1280, "height": 900})
        try:
            yield context
        finally:
            context.close()
            shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="session")
def page_report(browser_context, server) -> Callable:
    """``page_report(path)``: the one recorded load of a page of the site (browsing.py).

    The first test that asks for a page loads it (empty cache, MathJax typeset, axe-core
    run); every later test of that page reads the same :class:`browsing.PageReport`.
    """
    from browsing import inspect_page

    reports = {}

    def _report(path: str):
        if path not in reports:
            reports[path] = inspect_page(
                browser_context, server, path, AXE if AXE.is_file() else None
            )
        return reports[path]

    return _report
