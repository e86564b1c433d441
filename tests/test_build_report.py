"""Reading the execution report and the time budget (sphinxext.execution_report)."""

from __future__ import annotations

import pytest

from sphinxext.execution_report import chapter_budget_seconds, read_execution_report

TABLE = """<html><body><table class="table"><thead>
<tr class="row-odd"><th class="head"><p>Document</p></th><th class="head"><p>Modified</p></th>
<th class="head"><p>Method</p></th><th class="head"><p>Run Time (s)</p></th>
<th class="head"><p>Status</p></th></tr></thead><tbody>
<tr class="row-even"><td><p><a href="a.html"><span class="doc">01-alpha</span></a></p></td>
<td><p>2026-01-01 10:00</p></td>
<td><p>cache</p></td><td><p>3.25</p></td><td><p>&#9989;</p></td></tr>
<tr class="row-odd"><td><p><a href="b.html"><span class="doc">02-beta</span></a></p></td>
<td><p>2026-01-01 10:00</p></td>
<td><p>cache</p></td><td><p>16.5</p></td><td><p>&#9989;</p></td></tr>
</tbody></table></body></html>"""


def test_reads_every_row_of_the_execution_table(tmp_path):
    page = tmp_path / "execution.html"
    page.write_text(TABLE)
    assert read_execution_report(page) == {"01-alpha": 3.25, "02-beta": 16.5}


def test_a_page_without_the_table_is_an_error(tmp_path):
    page = tmp_path / "execution.html"
    page.write_text("<html><body><p>nothing</p></body></html>")
    with pytest.raises(ValueError, match=r"no execution table.*nb-exec-table"):
        read_execution_report(page)


def test_a_row_without_a_time_is_an_error(tmp_path):
    page = tmp_path / "execution.html"
    page.write_text(TABLE.replace("<p>16.5</p>", "<p>-</p>"))
    with pytest.raises(ValueError, match=r"02-beta.*no run time"):
        read_execution_report(page)


def test_budget_is_read_from_pyproject(tmp_path):
    toml = tmp_path / "pyproject.toml"
    toml.write_text("[tool.mathbehindml.book]\nchapter_budget_seconds = 12.5\n")
    assert chapter_budget_seconds(toml) == 12.5
    toml.write_text("[tool.other]\nx = 1\n")
    with pytest.raises(ValueError, match="chapter_budget_seconds = 15"):
        chapter_budget_seconds(toml)


def test_the_book_states_a_budget():
    from sphinx_project import REPO

    assert 0 < chapter_budget_seconds(REPO / "pyproject.toml") <= 15
