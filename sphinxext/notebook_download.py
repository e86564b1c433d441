"""Offer each executed chapter as a Jupyter notebook in the download menu.

myst-nb writes every executed MyST notebook to ``<build>/jupyter_execute``;
sphinx-book-theme lists ``context["ipynb_source"]`` in its download menu but
only copies the notebook when launch buttons are configured. This extension
copies it next to the page sources and sets the context itself, before the
theme builds its header buttons (priority 500 < the theme's 501).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx


def _offer_notebook(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    executed = Path(app.outdir).parent / "jupyter_execute" / f"{pagename}.ipynb"
    if not executed.is_file():
        return
    target = Path(app.outdir, "_sources", f"{pagename}.ipynb")
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(executed, target)
    context["ipynb_source"] = f"{pagename}.ipynb"


def setup(app: Sphinx) -> dict[str, object]:
    app.connect("html-page-context", _offer_notebook, priority=500)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
