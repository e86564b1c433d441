"""The figure optimisation is lossless, smaller and deterministic (sphinxext.png_optimise)."""

from __future__ import annotations

import base64
import io

import matplotlib
import nbformat
import numpy as np
import pytest
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from sphinxext.png_optimise import optimise_notebook, optimise_png

matplotlib.use("Agg")


def figure_png(facecolor: str = "white", transparent: bool = False) -> bytes:
    """A matplotlib figure as the book's kernels write it (PNG, no metadata)."""
    import matplotlib.pyplot as plt

    rng = np.random.default_rng(0)
    fig, ax = plt.subplots(figsize=(4, 3), facecolor=facecolor)
    ax.scatter(rng.normal(size=200), rng.normal(size=200), s=8)
    ax.plot(np.linspace(-3, 3, 50), np.sin(np.linspace(-3, 3, 50)))
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=100, metadata={"Software": None},
                transparent=transparent, bbox_inches="tight")
    plt.close(fig)
    return out.getvalue()


def pixels(data: bytes) -> np.ndarray:
    with Image.open(io.BytesIO(data)) as image:
        return np.asarray(image.convert("RGBA"))


def test_opaque_figure_gets_smaller_with_identical_pixels():
    original = figure_png()
    assert Image.open(io.BytesIO(original)).mode == "RGBA"
    optimised = optimise_png(original)
    assert len(optimised) < len(original)
    np.testing.assert_array_equal(pixels(optimised), pixels(original))
    assert Image.open(io.BytesIO(optimised)).mode == "RGB"
    assert optimise_png(original) == optimised, "the same figure must give the same bytes"


def test_transparent_figure_keeps_its_alpha():
    original = figure_png(transparent=True)
    optimised = optimise_png(original)
    assert Image.open(io.BytesIO(optimised)).mode == "RGBA"
    np.testing.assert_array_equal(pixels(optimised), pixels(original))


def test_png_with_metadata_is_left_alone():
    image = Image.new("RGB", (20, 20), "white")
    info = PngInfo()
    info.add_text("Title", "keep me")
    out = io.BytesIO()
    image.save(out, format="PNG", pnginfo=info)
    assert optimise_png(out.getvalue()) == out.getvalue()


def test_notebook_outputs_are_optimised_in_place():
    png = figure_png()
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("plot()")
    cell.outputs = [
        nbformat.v4.new_output("display_data", data={
            "image/png": base64.b64encode(png).decode(), "text/plain": "<Figure>"}),
        nbformat.v4.new_output("stream", name="stdout", text="hello\n"),
        nbformat.v4.new_output("display_data", data={  # a figure glued with myst-nb
            "application/papermill.record/image/png": base64.b64encode(png).decode()}),
    ]
    nb.cells = [cell, nbformat.v4.new_markdown_cell("text")]
    before, after = optimise_notebook(nb)
    assert before == 2 * len(png) and 0 < after < before
    shown = base64.b64decode(nb.cells[0].outputs[0].data["image/png"])
    glued = base64.b64decode(
        nb.cells[0].outputs[2].data["application/papermill.record/image/png"]
    )
    assert len(shown) + len(glued) == after
    np.testing.assert_array_equal(pixels(shown), pixels(png))
    np.testing.assert_array_equal(pixels(glued), pixels(png))
    assert nb.cells[0].outputs[1].text == "hello\n"


@pytest.mark.parametrize("mode", ["RGB", "L", "P"])
def test_other_modes_stay_lossless(mode):
    rng = np.random.default_rng(1)
    image = Image.fromarray(rng.integers(0, 255, (30, 40, 3), dtype=np.uint8)).convert(mode)
    out = io.BytesIO()
    image.save(out, format="PNG", compress_level=1)
    optimised = optimise_png(out.getvalue())
    np.testing.assert_array_equal(pixels(optimised), pixels(out.getvalue()))
