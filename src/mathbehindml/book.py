"""Helpers for the book's notebooks: publishing computed values into the prose.

The chapters never type a number by hand: a code cell computes it and
:func:`glue` hands it to myst-nb, whose ``{glue}`` role places it in the text.
Values are converted to plain Python numbers first (a NumPy scalar would be
shown as ``np.float64(0.5)``), and the function still works in a plain Jupyter
session without myst-nb, where it simply displays the value.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

__all__ = ["glue", "to_builtin"]


def to_builtin(value: Any) -> Any:
    """Convert NumPy scalars and 0-d arrays to Python ``int``, ``float`` or ``bool``.

    Other values (strings, figures, tables) are returned unchanged.

    Parameters
    ----------
    value : object
        Any value; NumPy scalars and 0-d arrays are converted.

    Returns
    -------
    object
        A Python ``bool``, ``int`` or ``float`` for numeric input, else ``value``.

    Examples
    --------
    >>> import numpy as np
    >>> to_builtin(np.float64(0.25)), to_builtin(np.int64(3)), to_builtin(np.array(2.0))
    (0.25, 3, 2.0)
    >>> to_builtin("text")
    'text'
    """
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value[()]
    if isinstance(value, np.bool_ | bool):
        return bool(value)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    return value


def glue(name: str, value: Any, *, display: bool = False) -> Any:
    """Publish ``value`` under ``name`` for the ``{glue}`` roles of the chapter.

    Parameters
    ----------
    name : str
        The key that the chapter's ``glue`` roles and directives refer to.
    value : object
        A number (NumPy scalars are converted to Python numbers), a string, a
        figure or a table.
    display : bool, default False
        Also show the value in the cell's output.

    Returns
    -------
    object
        The converted value, so a cell can ``glue`` and use it in one line.

    Examples
    --------
    >>> import numpy as np
    >>> glue("n_samples", np.int64(442))
    442
    """
    if not isinstance(name, str) or not name.isidentifier():
        raise ValueError(
            f"name must be a Python identifier-like string (letters, digits, _); got {name!r}."
        )
    value = to_builtin(value)
    try:
        from myst_nb import glue as _myst_glue
    except ImportError:  # plain Jupyter: show it instead of recording it
        if display:
            print(f"{name} = {value!r}")
        return value
    _myst_glue(name, value, display=display)
    return value
