"""Read the chapters' execution times from the built execution report.

``book/execution.md`` holds myst-nb's ``nb-exec-table``: one row per executed
document with its run time in seconds, as measured by the build that wrote the
page (by ``sphinxext.parallel_execute`` or by myst-nb itself). The time budget
test and ``make build-bench`` read it from ``_build/html/execution.html``.
"""

from __future__ import annotations

import re
import tomllib
from html import unescape
from pathlib import Path

_ROW = re.compile(r"<tr[^>]*>(.*?)</tr>", re.S)
_CELL = re.compile(r"<t[dh][^>]*>(.*?)</t[dh]>", re.S)
_TAG = re.compile(r"<[^>]+>")


def read_execution_report(page: Path) -> dict[str, float]:
    """Return ``{docname: run time in seconds}`` from a built ``execution.html``.

    Raises ValueError when the page has no execution table or a row without a time.
    """
    html = Path(page).read_text(encoding="utf-8")
    rows = [
        [unescape(_TAG.sub("", cell)).strip() for cell in _CELL.findall(row)]
        for row in _ROW.findall(html)
    ]
    if not rows or rows[0][:1] != ["Document"] or "Run Time (s)" not in rows[0]:
        raise ValueError(
            f"{page} has no execution table (expected a header row 'Document ... Run Time (s)'); "
            "is book/execution.md's nb-exec-table directive still there?"
        )
    column = rows[0].index("Run Time (s)")
    times = {}
    for row in rows[1:]:
        try:
            times[row[0]] = float(row[column])
        except (IndexError, ValueError):
            raise ValueError(f"{page}: the row {row} has no run time in seconds") from None
    return times


def chapter_budget_seconds(pyproject: Path) -> float:
    """The execution budget of one chapter, from ``[tool.mathbehindml.book]`` in pyproject.toml."""
    with open(pyproject, "rb") as f:
        table = tomllib.load(f).get("tool", {}).get("mathbehindml", {}).get("book", {})
    if "chapter_budget_seconds" not in table:
        raise ValueError(
            f"{pyproject} has no chapter_budget_seconds in [tool.mathbehindml.book]; add "
            "`chapter_budget_seconds = 15` there."
        )
    return float(table["chapter_budget_seconds"])
