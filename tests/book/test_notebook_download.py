"""Each chapter can be downloaded as a notebook that runs in plain Jupyter.

"Plain Jupyter" means: the package installed, but none of the book's build
tools. Each kernel starts with a folder first on its ``PYTHONPATH`` whose
``myst_nb.py`` fails to import, and executes the downloaded notebook from top to
bottom with nbclient. The notebooks run two at a time (each in its own kernel;
the thread only relays messages, as in sphinxext/parallel_execute.py), once per
session; each page's test reports its own notebook.
"""

from __future__ import annotations

import os
import re
import traceback
from concurrent.futures import ThreadPoolExecutor

import nbformat
import pytest
from nbclient import NotebookClient

from conftest import SITE, chapter_pages

NOTEBOOK_PAGES = [
    p for p in chapter_pages() if (SITE / "_sources" / p).with_suffix(".ipynb").is_file()
]
WORKERS = 2
#: a cell that says whether the kernel can import myst_nb
PROBE = "try:\n    import myst_nb\n    print('imported')\nexcept ImportError:\n    print('blocked')"


def test_every_chapter_offers_a_notebook(site):
    chapters = [p for p in chapter_pages() if re.match(r"\d\d-", p)]
    assert chapters, "no chapters found"
    for page in chapters:
        html = (site / page).read_text()
        link = f"_sources/{page.removesuffix('.html')}.ipynb"
        assert link in html, f"{page} has no .ipynb link in its download menu"
        assert (site / link).is_file(), f"{link} is linked but missing"


@pytest.fixture(scope="module")
def kernel_env(tmp_path_factory) -> dict[str, str]:
    """The environment of a kernel in which ``import myst_nb`` fails."""
    blocker = tmp_path_factory.mktemp("blocked")
    (blocker / "myst_nb.py").write_text("raise ImportError('myst_nb is not installed here')\n")
    return {**os.environ, "PYTHONPATH": str(blocker)}


def run(nb, env: dict[str, str], cwd, timeout: int):
    """Execute ``nb`` in place in a new kernel started with ``env``; return ``nb``."""
    client = NotebookClient(
        nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(cwd)}}
    )
    client.execute(env=env)
    return nb


@pytest.fixture(scope="module")
def executed(kernel_env, tmp_path_factory) -> dict[str, str | list]:
    """page -> the error outputs of its executed notebook, or the traceback of a failure."""

    def one(page: str):
        nb = nbformat.read(SITE / "_sources" / page.replace(".html", ".ipynb"), as_version=4)
        cwd = tmp_path_factory.mktemp(page.removesuffix(".html"))
        try:
            run(nb, kernel_env, cwd, timeout=300)
        except Exception:  # reported by the page's own test
            return traceback.format_exc()
        return [o for c in nb.cells for o in c.get("outputs", [])
                if o.get("output_type") == "error"]

    with ThreadPoolExecutor(WORKERS) as pool:
        return dict(zip(NOTEBOOK_PAGES, pool.map(one, NOTEBOOK_PAGES), strict=True))


def test_the_kernels_cannot_import_the_book_tools(kernel_env, tmp_path):
    """The blocker is in effect: without it, the notebook tests would prove nothing."""
    probe = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(PROBE)])
    run(probe, kernel_env, tmp_path, timeout=60)
    assert probe.cells[0].outputs[0]["text"].strip() == "blocked"


@pytest.mark.parametrize("page", NOTEBOOK_PAGES)
def test_downloaded_notebook_runs_without_the_book_tools(executed, page):
    result = executed[page]
    if isinstance(result, str):
        pytest.fail(f"the notebook of {page} failed in plain Jupyter:\n{result}")
    assert result == [], f"the notebook of {page} has error outputs: {result}"
