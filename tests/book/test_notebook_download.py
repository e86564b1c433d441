"""Each chapter can be downloaded as a notebook that runs in plain Jupyter.

"Plain Jupyter" means: the package installed, but none of the book's build
tools. The test makes ``import myst_nb`` fail inside the kernel and executes
the downloaded notebook from top to bottom with nbclient.
"""

from __future__ import annotations

import os
import re

import nbformat
import pytest
from nbclient import NotebookClient

from conftest import SITE, chapter_pages

NOTEBOOK_PAGES = [
    p for p in chapter_pages() if (SITE / "_sources" / p).with_suffix(".ipynb").is_file()
]


def test_every_chapter_offers_a_notebook(site):
    chapters = [p for p in chapter_pages() if re.match(r"\d\d-", p)]
    assert chapters, "no chapters found"
    for page in chapters:
        html = (site / page).read_text()
        link = f"_sources/{page.removesuffix('.html')}.ipynb"
        assert link in html, f"{page} has no .ipynb link in its download menu"
        assert (site / link).is_file(), f"{link} is linked but missing"


@pytest.mark.parametrize("page", NOTEBOOK_PAGES)
def test_downloaded_notebook_runs_without_the_book_tools(page, tmp_path):
    nb = nbformat.read(SITE / "_sources" / page.replace(".html", ".ipynb"), as_version=4)
    blocker = tmp_path / "blocked"
    blocker.mkdir()
    (blocker / "myst_nb.py").write_text("raise ImportError('myst_nb is not installed here')\n")
    env = {**os.environ, "PYTHONPATH": str(blocker)}
    client = NotebookClient(
        nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    )
    old = dict(os.environ)
    os.environ.update(env)  # the kernel inherits the environment of this process
    try:
        client.execute()
    finally:
        os.environ.clear()
        os.environ.update(old)
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert errors == []
    # the blocker really was in effect
    probe = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "try:\n    import myst_nb\n    print('imported')\nexcept ImportError:\n    print('blocked')"
    )])
    os.environ.update(env)
    try:
        NotebookClient(probe, timeout=60, kernel_name="python3").execute()
    finally:
        os.environ.clear()
        os.environ.update(old)
    assert probe.cells[0].outputs[0]["text"].strip() == "blocked"
