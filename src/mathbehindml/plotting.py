"""Figure helpers shared by the chapters.

:func:`use_book_style` gives every figure of the book the same look: a white
background of its own (so figures stay readable when the page is in dark mode),
readable font sizes, a colour-blind-safe palette, and PNG output without
timestamps, so two builds produce byte-identical images.
"""

from __future__ import annotations

from typing import Any

__all__ = ["BOOK_COLORS", "use_book_style"]

#: Okabe–Ito palette: distinguishable under the common forms of colour blindness.
BOOK_COLORS = (
    "#0072B2",
    "#D55E00",
    "#009E73",
    "#CC79A7",
    "#E69F00",
    "#56B4E9",
    "#F0E442",
    "#000000",
)


def use_book_style(**overrides: Any) -> dict[str, Any]:
    """Apply the book's matplotlib style and return the settings applied.

    Parameters
    ----------
    **overrides
        Extra ``rcParams`` entries, applied after the book's own.

    Returns
    -------
    dict
        The ``rcParams`` entries that were set.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> settings = use_book_style()
    >>> matplotlib.rcParams["figure.facecolor"]
    'white'
    """
    import matplotlib as mpl
    from cycler import cycler

    settings: dict[str, Any] = {
        "figure.figsize": (6.4, 4.0),
        "figure.dpi": 100,
        "savefig.dpi": 150,
        "figure.facecolor": "white",
        "savefig.facecolor": "white",
        "axes.facecolor": "white",
        "axes.edgecolor": "#333333",
        "axes.labelcolor": "#222222",
        "text.color": "#222222",
        "xtick.color": "#333333",
        "ytick.color": "#333333",
        "axes.grid": True,
        "grid.alpha": 0.3,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.prop_cycle": cycler(color=list(BOOK_COLORS)),
        "font.size": 11,
        "axes.titlesize": 12,
        "legend.frameon": False,
        "image.cmap": "viridis",
        "svg.hashsalt": "mathbehindml",
        "path.simplify": True,
    }
    settings.update(overrides)
    mpl.rcParams.update(settings)
    _set_inline_formats()
    return settings


def _set_inline_formats() -> None:
    """In IPython, render figures as PNG without a varying metadata chunk."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython is optional
        return
    shell = get_ipython()
    if shell is None:
        return
    try:
        from matplotlib_inline.backend_inline import set_matplotlib_formats
    except ImportError:  # pragma: no cover
        return
    set_matplotlib_formats("png", bbox_inches="tight", metadata={"Software": None})
