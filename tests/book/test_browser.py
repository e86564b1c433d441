"""Open every page of the built book in headless Chromium, as a reader would.

On every page: math is typeset by MathJax with no error, every image loads,
the console shows no error (but the theme's known one on a fresh profile), and
no request leaves 127.0.0.1. Each page is loaded once per session (the
``page_report`` fixture); these tests and those of test_accessibility.py read
that one load.
"""

from __future__ import annotations

import pytest
from browsing import image_problems, math_problems, request_problems

from conftest import chapter_pages

PAGES = chapter_pages()


def test_the_book_has_pages():
    assert "index.html" in PAGES and len(PAGES) >= 5, PAGES


@pytest.mark.parametrize("path", PAGES)
def test_page_renders_offline(page_report, path):
    report = page_report(path)
    problems = request_problems(report) + image_problems(report) + math_problems(report)
    assert problems == [], "\n".join(problems)


def test_math_pages_exist(page_report):
    """Guard against a vacuous pass: the notation chapter must typeset real math."""
    report = page_report("00-notation-and-data.html")
    assert report.visit.has_math and report.dom["math"] >= 5, report
