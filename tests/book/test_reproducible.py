"""Two clean builds produce the same pages and the same figures.

Builds the whole book a second time, from nothing (new execution cache, new
kernel state), and compares it with ``_build/html`` file by file. The
execution report is the only page allowed to differ: it shows the build's
execution times. The second build starts in the background when pytest has
collected these tests (tests/book/second_build.py), so that it runs while the
other tests of the site run.
"""

from __future__ import annotations

import hashlib

import pytest

from conftest import REPO, SECOND_BUILD, SITE, chapter_pages

VOLATILE = {"execution.html"}  # execution times and dates differ between builds


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def second_build(site, request):
    """The output folder of the second clean build (started by conftest.py at collection)."""
    from second_build import SecondBuild

    build = request.config.stash.get(SECOND_BUILD, None)
    if build is None:  # not started at collection (e.g. a plugin re-ordered the session)
        build = request.config.stash[SECOND_BUILD] = SecondBuild(REPO)
    return build.wait()


def test_pages_are_identical(second_build):
    pages = [p for p in chapter_pages() if p not in VOLATILE]
    assert "00-notation-and-data.html" in pages
    different = [p for p in pages if digest(SITE / p) != digest(second_build / p)]
    assert different == [], f"pages that differ between two clean builds: {different}"


def test_figures_are_identical(second_build):
    images = sorted(p.relative_to(SITE) for p in (SITE / "_images").glob("*"))
    assert images, "the book has no figures"
    again = sorted(p.relative_to(second_build) for p in (second_build / "_images").glob("*"))
    assert images == again, "the two builds produced different sets of figure files"
    different = [str(p) for p in images if digest(SITE / p) != digest(second_build / p)]
    assert different == [], f"figures that differ between two clean builds: {different}"


def test_downloadable_notebooks_are_identical(second_build):
    nbs = sorted(p.relative_to(SITE) for p in (SITE / "_sources").glob("*.ipynb"))
    assert nbs, "no notebook downloads were built"
    # execution timestamps live in cell metadata; compare the cells' sources and outputs
    import json

    def content(path):
        nb = json.loads(path.read_text())
        return [(c["source"], c.get("outputs")) for c in nb["cells"]]

    different = [str(p) for p in nbs if content(SITE / p) != content(second_build / p)]
    assert different == [], f"notebooks whose outputs differ between builds: {different}"
