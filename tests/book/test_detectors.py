"""Every browser check of the site fails on a page built to break it.

The tests of test_browser.py and test_accessibility.py pass on a good book; this shows
that they can fail. A copy of a real page of the book (its theme, scripts and MathJax)
gets one defect per check, and is loaded exactly as the book's pages are
(``browsing.inspect_page``): each check must report its defect, naming the page.
"""

from __future__ import annotations

import numpy as np
import pytest
from browser import serve
from browsing import (
    axe_problems,
    image_problems,
    inspect_page,
    math_problems,
    request_problems,
    weight_problems,
)
from PIL import Image

from conftest import AXE

BASE_PAGE = "glossary.html"  # short, with math
DEFECTS = """
<section id="defects">
<p>A formula MathJax cannot parse:
<span class="math notranslate nohighlight">\\(x^1^2\\)</span> (a double exponent)</p>
<p>A formula element with no delimiters, left as raw text: <span class="math">x^2</span></p>
<img src="missing-figure.png">
<img src="heavy-figure.png" alt="A figure file far heavier than the page budget allows.">
<img src="https://example.invalid/outside.png" alt="An image requested from an outside host.">
<img src="http://127.0.0.1:9/refused.png" alt="An image from a port where nothing listens.">
<script>console.error("detector test: an error in the console");</script>
</section>
"""


@pytest.fixture(scope="module")
def broken_report(site, browser_context, tmp_path_factory):
    root = tmp_path_factory.mktemp("broken-site")
    for entry in site.iterdir():
        if entry.suffix != ".html":
            (root / entry.name).symlink_to(entry)
    html = (site / BASE_PAGE).read_text(encoding="utf-8")
    assert "</main>" in html, f"{BASE_PAGE} has no </main> to put the defects before"
    (root / "broken.html").write_text(html.replace("</main>", DEFECTS + "</main>", 1))
    # a valid PNG of noise, 2.7 MB: no encoder can shrink it, and it loads completely
    noise = np.random.default_rng(0).integers(0, 256, size=(960, 960, 3), dtype=np.uint8)
    Image.fromarray(noise).save(root / "heavy-figure.png")
    with serve(root) as base:
        report = inspect_page(browser_context, base, "broken.html", AXE)
    assert report.error is None, report.error
    return report


def test_request_check_finds_outside_and_failed_requests_and_console_errors(broken_report):
    problems = "\n".join(request_problems(broken_report))
    assert "broken.html requested outside hosts" in problems and "example.invalid" in problems
    assert "broken.html had failed requests" in problems and "refused.png" in problems
    assert "broken.html logged console errors" in problems and "detector test" in problems


def test_image_check_finds_images_that_did_not_load(broken_report):
    problems = "\n".join(image_problems(broken_report))
    assert "missing-figure.png" in problems and "heavy-figure.png" not in problems, problems


def test_math_check_finds_errors_and_untypeset_formulas(broken_report):
    problems = "\n".join(math_problems(broken_report))
    assert "broken.html has 1 MathJax errors" in problems, problems
    assert "broken.html shows 1 untypeset formulas" in problems, problems


def test_axe_check_finds_an_image_without_alt_text(broken_report):
    problems = "\n".join(axe_problems(broken_report))
    assert "image-alt" in problems and "missing-figure.png" in problems, problems


def test_weight_check_finds_a_page_over_2_mb(broken_report):
    problems = "\n".join(weight_problems(broken_report))
    assert "broken.html transfers" in problems and "heavy-figure.png" in problems, problems


def test_examples_of_the_browser_module():
    """The doctests of scripts/browser.py (outside pytest's testpaths): is_local, serve..."""
    import doctest

    import browser

    result = doctest.testmod(browser, optionflags=doctest.ELLIPSIS)
    assert result.attempted >= 5 and result.failed == 0, result
