"""Accessibility fixes to the HTML that myst-nb writes.

myst-nb draws a hidden code cell as ``<details><summary aria-label="Toggle
hidden content">Show code cell source</summary>``: the aria-label replaces the
visible words as the control's accessible name, so a speech-input user who says
"click show code cell source" reaches nothing (WCAG 2.5.3, label in name; axe's
``label-content-name-mismatch``). This extension writes the same markup without
the aria-label, so the name is the visible text.

docutils wraps the bibliography's entries in ``<div role="list">`` but gives
each entry the role ``doc-biblioentry``, deprecated in ARIA 1.2 and not a list
item, so assistive technology sees a list without items (axe's critical
``aria-required-children``). Each entry gets ``role="listitem"`` instead.
"""

from __future__ import annotations

from html import escape
from typing import Any

from sphinx.application import Sphinx


def visit_hide_cell_input(self, node) -> None:
    classes = " ".join(node["classes"])
    self.body.append(f'<details class="admonition hide {classes}">\n')
    self.body.append("<summary>\n")
    self.body.append(f'<p class="collapsed admonition-title">{escape(node["prompt_show"])}</p>\n')
    self.body.append(f'<p class="expanded admonition-title">{escape(node["prompt_hide"])}</p>\n')
    self.body.append("</summary>\n")


def depart_hide_cell_input(self, node) -> None:
    self.body.append("</details>\n")


def _biblioentries_as_listitems(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    body = context.get("body")
    if isinstance(body, str) and 'role="doc-biblioentry"' in body:
        context["body"] = body.replace('role="doc-biblioentry"', 'role="listitem"')


def setup(app: Sphinx) -> dict[str, object]:
    app.setup_extension("myst_nb")
    from myst_nb.sphinx_ import HideCodeCellNode

    app.add_node(
        HideCodeCellNode, override=True, html=(visit_hide_cell_input, depart_hide_cell_input)
    )
    app.connect("html-page-context", _biblioentries_as_listitems)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
