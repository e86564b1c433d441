"""Build small throw-away Sphinx + myst-nb projects that use the book's extensions.

The tests of the build machinery (cache keyed by the package source, failing
cells) run on such projects rather than on the whole book: they build in a few
seconds and test exactly one mechanism each.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

CONF = """\
import sys
sys.path.insert(0, {repo!r})
project = "fixture"
extensions = [
    "myst_nb", "sphinxext.kernel_setup", "sphinxext.package_cache", "sphinxext.parallel_execute",
]
exclude_patterns = ["_build", "pkg"]
nb_execution_mode = "cache"
nb_execution_raise_on_error = True
nb_execution_show_tb = True
nb_execution_timeout = 60
package_cache_source_dirs = ["pkg"]
package_cache_root = "_build/.jupyter_cache"
kernel_ipython_dir = "_build/.ipython"
"""

HEADER = """\
---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---
"""


@dataclass
class BuildResult:
    returncode: int
    output: str


class Project:
    """A Sphinx project in ``root`` with a watched package folder ``pkg/``."""

    def __init__(self, root: Path, extra_conf: str = "") -> None:
        self.root = root
        (root / "pkg").mkdir(parents=True)
        (root / "conf.py").write_text(CONF.format(repo=str(REPO)) + textwrap.dedent(extra_conf))
        self.write_package("version 1")
        self.pages: list[str] = []

    def write_package(self, text: str) -> None:
        (self.root / "pkg" / "value.txt").write_text(text)

    def write_page(self, name: str, title: str, cells: list[str]) -> None:
        body = [HEADER, f"# {title}\n"]
        for cell in cells:
            body.append("```{code-cell} ipython3\n" + textwrap.dedent(cell).strip() + "\n```\n")
        (self.root / f"{name}.md").write_text("\n".join(body))
        if name not in self.pages:
            self.pages.append(name)
        toc = "\n".join(self.pages)
        (self.root / "index.md").write_text(f"# Fixture\n\n```{{toctree}}\n{toc}\n```\n")

    def build(self) -> BuildResult:
        proc = subprocess.run(
            [sys.executable, "-m", "sphinx", "-b", "html", "-W", "--keep-going", "--no-color",
             str(self.root), str(self.root / "_build" / "html")],
            capture_output=True, text=True, timeout=300,
            # Sphinx colours its log (and erases lines) whenever CI=true; the tests read it
            env={**os.environ, "NO_COLOR": "1"},
        )
        return BuildResult(proc.returncode, proc.stdout + proc.stderr)

    def html(self, name: str) -> str:
        return (self.root / "_build" / "html" / f"{name}.html").read_text()

    def stamp(self, name: str) -> str:
        """The execution stamp printed by a page's ``print('stamp', uuid4())`` cell."""
        found = re.findall(r"stamp ([0-9a-f]{32})", self.html(name))
        if len(found) != 1:
            raise AssertionError(f"expected one execution stamp in {name}.html, found {found}")
        return found[0]
