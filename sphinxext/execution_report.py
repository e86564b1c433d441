"""The execution report: a status that any browser can show, and its run times read back.

``book/execution.md`` holds myst-nb's ``nb-exec-table``: one row per executed
document with its run time in seconds, as measured by the build that wrote the
page (by ``sphinxext.parallel_execute`` or by myst-nb itself). The time budget
test and ``make build-bench`` read it from ``_build/html/execution.html`` with
:func:`read_execution_report`.

myst-nb writes each row's status as an emoji (U+2705 for success, U+274C for
failure), which needs a colour-emoji font: without one (headless Chromium, many
Linux desktops) the reader sees an empty box. As a Sphinx extension, this module
replaces the emoji with the words *passed* or *failed* (the failure keeps
myst-nb's tooltip with the error) after a check mark or a cross drawn in CSS,
in the theme's success and danger colours for light and dark mode. The words are
what assistive technology reads; the drawn mark is decoration.
"""

from __future__ import annotations

import re
import tomllib
from html import unescape
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform

#: myst-nb's status marks, and the words that replace them
STATUS_WORDS = {"\N{WHITE HEAVY CHECK MARK}": "passed", "\N{CROSS MARK}": "failed"}
#: the marks drawn in CSS before the words (a rotated corner; two crossed bars), in the
#: theme's success and danger colours; the words keep the text colour, because green text
#: on the table's striped rows falls short of the 4.5:1 contrast text needs
STATUS_CSS = """
.exec-status { font-weight: 600; white-space: nowrap; }
.exec-status-passed::before { color: var(--pst-color-success); }
.exec-status-failed::before { color: var(--pst-color-danger); }
.exec-status::before { content: ""; display: inline-block; margin-right: 0.45em; }
.exec-status-passed::before {
  width: 0.38em; height: 0.72em; margin-left: 0.15em;
  border: solid currentColor; border-width: 0 0.17em 0.17em 0;
  transform: translateY(-0.12em) rotate(45deg);
}
.exec-status-failed::before {
  width: 0.75em; height: 0.75em; vertical-align: -0.05em;
  background:
    linear-gradient(45deg, transparent 42%, currentColor 42% 58%, transparent 58%),
    linear-gradient(-45deg, transparent 42%, currentColor 42% 58%, transparent 58%);
}
abbr.exec-status { text-decoration: underline dotted; cursor: help; }
"""

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


class ExecutionStatusAsText(SphinxPostTransform):
    """Write the status column of myst-nb's execution table as words with a drawn mark."""

    # after myst-nb's ExecutionStatsPostTransform (8), which builds the table
    default_priority = 9
    formats = ("html",)

    def run(self, **kwargs: Any) -> None:
        for table in self.document.findall(nodes.table):
            thead = next(table.findall(nodes.thead), None)
            tbody = next(table.findall(nodes.tbody), None)
            if thead is None or tbody is None:
                continue
            header = [entry.astext().strip() for entry in thead.findall(nodes.entry)]
            if header[:1] != ["Document"] or "Status" not in header:
                continue
            column = header.index("Status")
            for row in tbody.findall(nodes.row):
                entry = row.children[column]
                word = STATUS_WORDS.get(entry.astext().strip())
                if word is None:
                    continue
                classes = ["exec-status", f"exec-status-{word}"]
                failure = next(entry.findall(nodes.abbreviation), None)
                if failure is not None:  # keep myst-nb's tooltip with the error message
                    mark = nodes.abbreviation(
                        word, word, explanation=failure.get("explanation", ""), classes=classes
                    )
                else:
                    mark = nodes.inline(word, word, classes=classes)
                entry.clear()
                entry += nodes.paragraph("", "", mark)


def _add_status_css(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    if doctree is not None and any(
        "exec-status" in node["classes"]
        for node in doctree.findall(lambda n: isinstance(n, nodes.Element))
    ):
        context["metatags"] = context.get("metatags", "") + f"\n<style>{STATUS_CSS}</style>"


def setup(app: Sphinx) -> dict[str, object]:
    app.setup_extension("myst_nb")
    app.add_post_transform(ExecutionStatusAsText)
    app.connect("html-page-context", _add_status_css)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
