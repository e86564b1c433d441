"""Offer the PDF of the whole book in every page's download menu, when it exists.

``make pdf`` (``scripts/build_pdf.py``) prints the book to ``_build/pdf/book.pdf``. When
that file exists, an HTML build copies it to ``<html>/book.pdf`` and adds a "book.pdf"
entry to sphinx-book-theme's download menu; when it does not, no entry is added, so the
site never links to a missing file. The theme builds its header buttons at priority 501;
this handler runs after it. The extension also lets the ``singlehtml`` builder, which
``make pdf`` prints, render the nodes of extensions that only register ``html`` visitors.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx

PDF_NAME = "book.pdf"


def built_pdf(app: Sphinx) -> Path:
    """Where ``make pdf`` writes the book: ``_build/pdf/book.pdf``."""
    return Path(app.outdir).parent / "pdf" / PDF_NAME


def _add_pdf_entry(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    if app.builder.name != "html" or not built_pdf(app).is_file():
        return
    for button in context.get("header_buttons", []):
        if button.get("label") == "download-buttons":
            button["buttons"].append({
                "type": "link",
                "url": context["pathto"](PDF_NAME, 1),
                "text": "book.pdf",
                "tooltip": "Download the whole book as one PDF",
                "icon": "fas fa-book",
                "label": "download-book-pdf-button",
            })


def _copy_pdf(app: Sphinx, exception: Exception | None) -> None:
    if exception is None and app.builder.name == "html" and built_pdf(app).is_file():
        shutil.copyfile(built_pdf(app), Path(app.outdir) / PDF_NAME)


def _share_html_translators(app: Sphinx) -> None:
    """Give the singlehtml builder the node visitors that extensions register for ``html``.

    Extensions such as sphinx-design register visitors for their nodes under the builder
    name ``html`` only; the ``singlehtml`` builder, which writes the same HTML, looks its
    visitors up under its own name and would fail on those nodes.
    """
    if app.builder.name != "singlehtml":
        return
    handlers = app.registry.translation_handlers
    single = handlers.setdefault("singlehtml", {})
    for node, visitors in handlers.get("html", {}).items():
        single.setdefault(node, visitors)


def setup(app: Sphinx) -> dict[str, object]:
    app.connect("builder-inited", _share_html_translators)
    app.connect("html-page-context", _add_pdf_entry, priority=502)
    app.connect("build-finished", _copy_pdf)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
