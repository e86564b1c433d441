"""Each chapter executes within its time budget, as measured by the build just made.

The budget is stated once, as ``chapter_budget_seconds`` in pyproject.toml's
``[tool.mathbehindml.book]``; the times are the ones the build wrote into its
execution report (``make test`` builds from an empty ``_build``, so every
chapter was executed by that build).
"""

from __future__ import annotations

from conftest import REPO
from sphinxext.execution_report import chapter_budget_seconds, read_execution_report


def test_every_chapter_executes_within_its_budget(site):
    budget = chapter_budget_seconds(REPO / "pyproject.toml")
    times = read_execution_report(site / "execution.html")
    chapters = sorted(p.stem for p in (REPO / "book").glob("[0-9]*.md"))
    missing = [c for c in chapters if c not in times]
    assert missing == [], f"the execution report has no time for {missing}"
    over = {c: t for c, t in times.items() if t > budget}
    summary = ", ".join(f"{c}: {t:.1f} s" for c, t in sorted(over.items()))
    assert not over, (
        f"chapters over the execution budget of {budget:g} s: {summary}. "
        "Make them cheaper (smaller grids, fewer runs, vectorised loops); "
        "see _build/html/execution.html."
    )
