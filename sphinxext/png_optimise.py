"""Make the figures of executed notebooks smaller without changing a pixel.

matplotlib writes RGBA PNGs with a default zlib effort. The book's figures are
drawn on an opaque white background (``use_book_style``), so their alpha
channel is 255 everywhere: dropping it and letting Pillow search harder for the
best filters and compression (``optimize=True``) saves about a tenth of their
bytes, identically on every build (the same input gives the same output).

:func:`optimise_png` is lossless: the result decodes to the same RGBA pixels,
and it is only used when it is smaller. :func:`optimise_notebook` applies it to
every PNG output of an executed notebook, shown or glued, (``sphinxext.parallel_execute``
calls it before the notebook goes into the cache, so the pages, the figure
files and the downloadable notebooks all get the smaller PNGs).
"""

from __future__ import annotations

import base64
import io
from typing import Any

#: a figure shown directly, or glued (myst-nb's glue stores it under a papermill mime type)
PNG_TYPES = {"image/png", "application/papermill.record/image/png"}


def optimise_png(data: bytes) -> bytes:
    """Return ``data`` re-encoded losslessly and smaller, or ``data`` itself.

    An RGBA image whose alpha is 255 everywhere is stored as RGB. A PNG with text
    chunks (metadata) or a transparent colour is returned unchanged; the book's
    figures have neither (``metadata={"Software": None}``).
    """
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        image.load()
        if image.format != "PNG" or image.info.get("transparency") is not None:
            return data
        if image.text:  # keep any metadata a figure carries: re-encoding would lose it
            return data
        if image.mode == "RGBA" and image.getchannel("A").getextrema() == (255, 255):
            image = image.convert("RGB")
        out = io.BytesIO()
        save: dict[str, Any] = {"format": "PNG", "optimize": True}
        if "dpi" in image.info:
            save["dpi"] = image.info["dpi"]
        image.save(out, **save)
    smaller = out.getvalue()
    return smaller if len(smaller) < len(data) else data


def optimise_notebook(notebook: Any) -> tuple[int, int]:
    """Optimise every PNG output of ``notebook`` in place, glued figures included.

    Returns the total bytes of those PNGs before and after.
    """
    before = after = 0
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            for mime in [m for m in data if m in PNG_TYPES or m.endswith("/image/png")]:
                encoded = data[mime]
                if not isinstance(encoded, str):
                    continue
                raw = base64.b64decode(encoded)
                optimised = optimise_png(raw)
                before += len(raw)
                after += len(optimised)
                if optimised is not raw:
                    data[mime] = base64.b64encode(optimised).decode("ascii")
    return before, after
