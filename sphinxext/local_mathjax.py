"""Serve MathJax 4 and its font from the site's own ``_static`` folder.

When ``npm ci`` has installed ``mathjax`` and ``@mathjax/mathjax-newcm-font``
into ``node_modules``, the needed files are copied to ``_static/mathjax`` and
``mathjax_path`` points there, so reading the book makes no outside request.
Without them the build still succeeds with Sphinx's CDN default, and a plain
notice (not a Sphinx warning, which ``-W`` would turn into an error) says what
is lost.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.config import Config

ENTRY = "tex-mml-chtml.js"
FONT = "mathjax-newcm-font"
_SKIP = shutil.ignore_patterns("node-main*", "*.md", "*.cjs", "*.mjs", "require.mjs", "LICENSE")


def _paths(app: Sphinx, config: Config) -> tuple[Path, Path]:
    modules = Path(app.confdir, config.local_mathjax_node_modules).resolve()
    return modules / "mathjax", modules / "@mathjax" / FONT


def _configure(app: Sphinx, config: Config) -> None:
    mathjax, font = _paths(app, config)
    if (mathjax / ENTRY).is_file() and (font / "chtml.js").is_file():
        config.mathjax_path = f"mathjax/{ENTRY}"
        # keep the book's own settings (conf.py), and load the fonts from the copy too
        config.mathjax4_config = {**(config.mathjax4_config or {}),
                                  "loader": {"paths": {"fonts": "[mathjax]/fonts"}}}
        return
    print(
        "\n*** NOTICE: MathJax is not installed in node_modules (run `npm ci`, which "
        "`make html` does when npm is present).\n*** The pages will load MathJax from a CDN: "
        "math renders only with an internet connection, and the site is not self-contained.\n",
        file=sys.stderr,
    )


def _copy(app: Sphinx) -> None:
    if app.builder.format != "html" or not app.config.mathjax_path.startswith("mathjax/"):
        return
    mathjax, font = _paths(app, app.config)
    target = Path(app.outdir, "_static", "mathjax")
    stamp = target / ".version"
    version = (mathjax / "package.json").read_text() + (font / "package.json").read_text()
    if stamp.is_file() and stamp.read_text() == version:
        return  # already copied by an earlier build
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(mathjax, target, ignore=_SKIP)
    fonts = target / "fonts" / FONT
    fonts.mkdir(parents=True)
    shutil.copy2(font / "chtml.js", fonts / "chtml.js")
    shutil.copytree(font / "chtml", fonts / "chtml")
    stamp.write_text(version)


def setup(app: Sphinx) -> dict[str, object]:
    app.setup_extension("sphinx.ext.mathjax")
    app.add_config_value(
        "local_mathjax_node_modules", "node_modules", "html", types=frozenset({str})
    )
    app.connect("config-inited", _configure)
    app.connect("builder-inited", _copy)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
