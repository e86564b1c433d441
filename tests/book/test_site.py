"""The built site has what a reader of a mathematics book expects."""

from __future__ import annotations

import re

from conftest import chapter_pages


def test_api_reference_documents_the_package(site):
    html = (site / "api.html").read_text()
    for name in ("load_diabetes", "train_test_split", "StandardScaler", "r2_score",
                 "confusion_matrix", "NotFittedError"):
        assert 'id="mathbehindml.' in html and name in html, f"{name} missing from the API page"


def test_execution_report_lists_every_chapter(site):
    html = (site / "execution.html").read_text()
    chapters = [p.removesuffix(".html") for p in chapter_pages() if re.match(r"\d\d-", p)]
    assert chapters
    for chapter in chapters:
        assert chapter in html, f"{chapter} missing from the execution report"


def test_equations_are_numbered_and_referenced(site):
    html = (site / "00-notation-and-data.html").read_text()
    assert re.search(r'<span class="eqno">\(\d+(\.\d+)?\)', html), "no numbered equation"
    assert 'class="reference internal" href="#equation-' in html, "no equation reference"


def test_bibliography_has_entries(site):
    html = (site / "bibliography.html").read_text()
    assert html.count('class="citation"') >= 1 or html.count("<dt") >= 1


def test_theme_buttons(site):
    html = (site / "00-notation-and-data.html").read_text()
    for label in ("repository-button", "download-notebook-button", "fullscreen-button",
                  "theme-switch-button", "search-button"):
        assert label in html or label.replace("-button", "") in html, f"no {label}"


def test_footer_states_the_licences(site):
    html = (site / "index.html").read_text()
    assert "CC BY 4.0" in html and "MIT" in html
