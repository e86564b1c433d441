"""Class labels and class indices."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from mathbehindml._validation.arrays import check_finite

__all__ = ["check_class_indices", "check_labels", "check_same_label_kind"]


def check_labels(y: Any, name: str = "y") -> NDArray[Any]:
    """Validate a non-empty 1-D array of class labels (numbers or strings).

    Labels keep their dtype; float labels must be finite.

    Examples
    --------
    >>> check_labels(["cat", "dog"], "y_true")
    array(['cat', 'dog'], dtype='<U3')
    >>> check_labels([[0, 1]], "y_true")
    Traceback (most recent call last):
    ...
    ValueError: y_true must be 1-D (n_samples,); got shape (1, 2). Use y_true.ravel() ...
    """
    if isinstance(y, str | bytes):
        raise TypeError(
            f"{name} must be a 1-D array of labels; got the string {y!r}. "
            f"Wrap a single label in a list: [{y!r}]."
        )
    arr = np.asarray(y)
    if arr.ndim != 1:
        raise ValueError(
            f"{name} must be 1-D (n_samples,); got shape {arr.shape}. "
            f"Use {name}.ravel() if it holds one label per sample."
        )
    if arr.shape[0] == 0:
        raise ValueError(f"{name} must not be empty; got shape {arr.shape}.")
    if arr.dtype.kind == "c":
        raise TypeError(f"{name} must hold real numbers or strings; got dtype {arr.dtype}.")
    if arr.dtype.kind == "f":
        check_finite(arr, name)
    return arr


def _label_kind(arr: NDArray[Any]) -> str:
    """``"number"``, ``"string"`` or ``"object"`` for a label array."""
    if arr.dtype.kind in "biuf":
        return "number"
    return "string" if arr.dtype.kind in "US" else "object"


def check_same_label_kind(**arrays: NDArray[Any]) -> None:
    """Raise unless the label arrays are all numbers or all strings.

    Examples
    --------
    >>> import numpy as np
    >>> check_same_label_kind(y_true=np.array([0, 1]), y_pred=np.array([1.0, 0.0]))
    >>> check_same_label_kind(y_true=np.array([0, 1]), y_pred=np.array(["0", "1"]))
    Traceback (most recent call last):
    ...
    TypeError: y_true and y_pred must hold labels of the same kind; got y_true: number, ...
    """
    kinds = {name: _label_kind(a) for name, a in arrays.items()}
    if len(set(kinds.values()) - {"object"}) > 1:
        names = " and ".join(kinds)
        got = ", ".join(f"{k}: {v}" for k, v in kinds.items())
        raise TypeError(
            f"{names} must hold labels of the same kind; got {got}. "
            "Encode them the same way (all integers or all strings)."
        )


def check_class_indices(
    y: Any, name: str = "y", *, n_classes: int | None = None
) -> NDArray[np.intp]:
    """Validate a non-empty 1-D array of class indices ``0, 1, ...`` (``n_classes - 1`` at most).

    Integer arrays and float arrays holding whole numbers are accepted (and
    returned as ``intp``); booleans, strings, fractions and negative or too large
    indices are rejected.

    Examples
    --------
    >>> check_class_indices([0, 2, 1.0], n_classes=3)
    array([0, 2, 1])
    >>> check_class_indices([0, 3], n_classes=3)
    Traceback (most recent call last):
    ...
    ValueError: y must hold class indices 0..2 (one per output column); got 3. ...
    """
    arr = check_labels(y, name)
    if arr.dtype.kind not in "iuf":
        raise TypeError(
            f"{name} must hold integer class indices 0, 1, ...; got dtype {arr.dtype}. "
            f"Encode the labels as integers first, e.g. with "
            f"np.unique({name}, return_inverse=True)[1]."
        )
    low, high = arr.min(), arr.max()  # two reductions: the common, valid case is cheap
    in_range = low >= 0 and (n_classes is None or high < n_classes)
    whole = arr.dtype.kind in "iu" or bool(np.all(arr == np.round(arr)))
    if not (in_range and whole):
        bad = (arr != np.round(arr)) | (arr < 0)
        if n_classes is not None:
            bad |= arr >= n_classes
        first = arr[bad][0].item()
        expected = (
            f"class indices 0..{n_classes - 1} (one per output column)"
            if n_classes is not None
            else "non-negative integer class indices"
        )
        raise ValueError(
            f"{name} must hold {expected}; got {first!r}. "
            f"Encode the labels as 0, 1, ..., n_classes - 1."
        )
    return arr.astype(np.intp, copy=False)
