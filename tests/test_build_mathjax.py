"""MathJax is served from the site itself when npm installed it, else from a CDN with a notice."""

from __future__ import annotations

import pytest

from sphinx_project import REPO, Project

pytestmark = pytest.mark.slow

MATH_PAGE = ["x = 1"]


def make(tmp_path, node_modules: str) -> Project:
    project = Project(
        tmp_path / "book",
        extra_conf=f"""
        extensions.append("sphinxext.local_mathjax")
        local_mathjax_node_modules = {node_modules!r}
        myst_enable_extensions = ["dollarmath"]
        """,
    )
    project.write_page("page", "Page", MATH_PAGE)
    (project.root / "math.md").write_text("# Math\n\n$$\na^2 + b^2 = c^2\n$$\n")
    project.pages.append("math")
    (project.root / "index.md").write_text("# Fixture\n\n```{toctree}\npage\nmath\n```\n")
    return project


def test_without_node_modules_the_build_passes_and_says_what_is_lost(tmp_path):
    project = make(tmp_path, "no-such-folder")
    result = project.build()
    assert result.returncode == 0, result.output  # -W: the notice is not a Sphinx warning
    assert "MathJax is not installed" in result.output
    assert "internet connection" in result.output
    assert "cdn.jsdelivr.net/npm/mathjax@4" in project.html("math")
    assert not (project.root / "_build" / "html" / "_static" / "mathjax").exists()


@pytest.mark.skipif(
    not (REPO / "node_modules" / "mathjax").is_dir(), reason="npm ci has not installed MathJax"
)
def test_with_node_modules_mathjax_and_its_font_are_served_locally(tmp_path):
    project = make(tmp_path, str(REPO / "node_modules"))
    result = project.build()
    assert result.returncode == 0, result.output
    html = project.html("math")
    assert "cdn.jsdelivr" not in html
    assert "_static/mathjax/tex-mml-chtml.js" in html
    assert '"fonts": "[mathjax]/fonts"' in html
    static = project.root / "_build" / "html" / "_static" / "mathjax"
    assert (static / "tex-mml-chtml.js").is_file()
    assert (static / "fonts" / "mathjax-newcm-font" / "chtml.js").is_file()
    assert any((static / "fonts" / "mathjax-newcm-font" / "chtml").rglob("*.woff2"))
