"""A failing cell fails the build, naming the chapter and the cell in plain text."""

from __future__ import annotations

import re

import pytest

from sphinx_project import Project

pytestmark = pytest.mark.slow


def test_failing_cell_fails_the_build_with_a_readable_traceback(tmp_path):
    project = Project(tmp_path / "book")
    project.write_page("good", "Good", ["x = 1"])
    project.write_page(
        "broken",
        "Broken",
        ["y = 2", "def ratio(a, b):\n    return a / b\n\nratio(1, 0)"],
    )
    result = project.build()
    assert result.returncode != 0, "a failing cell must fail the build"
    out = result.output
    assert "broken.md" in out, "the log must name the chapter"
    assert "ratio(1, 0)" in out, "the log must show the failing cell's source"
    assert "ZeroDivisionError" in out
    assert "\x1b[" not in out, "the traceback must be plain text, without ANSI colour codes"
    assert not re.search(r"good\.md.*(failed|Error)", out), "the good chapter is not to blame"
