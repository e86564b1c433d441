"""Arrays: dtype, shape, finiteness and matching lengths."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "as_float_array",
    "check_1d",
    "check_1d_or_2d",
    "check_2d",
    "check_consistent_length",
    "check_finite",
    "check_n_features",
    "check_vector",
]


def _describe(value: Any) -> str:
    """Short description of a received value for error messages."""
    if isinstance(value, np.ndarray):
        return f"array of shape {value.shape} and dtype {value.dtype}"
    return (
        f"{type(value).__name__} {value!r}"
        if not isinstance(value, Sequence)
        else (f"{type(value).__name__} of length {len(value)}")
    )


def as_float_array(x: ArrayLike, name: str) -> NDArray[np.float64]:
    """Convert ``x`` to a float64 array, with a message naming ``name`` on failure.

    Examples
    --------
    >>> as_float_array([1, 2], "y")
    array([1., 2.])
    >>> as_float_array(["a"], "y")
    Traceback (most recent call last):
    ...
    TypeError: y must be numeric (convertible to float64); got list of length 1. ...
    """
    if isinstance(x, str | bytes):
        raise TypeError(f"{name} must be a numeric array; got the string {x!r}.")
    try:
        arr = np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError) as err:
        raise TypeError(
            f"{name} must be numeric (convertible to float64); got {_describe(x)}. "
            f"Convert or encode non-numeric entries first ({err})."
        ) from None
    return arr


def check_finite(arr: NDArray[np.float64], name: str) -> NDArray[np.float64]:
    """Raise if ``arr`` holds NaN or infinity.

    Examples
    --------
    >>> import numpy as np
    >>> check_finite(np.array([1.0, np.nan]), "X")
    Traceback (most recent call last):
    ...
    ValueError: X must contain only finite values; got 1 NaN and 0 infinite entries. ...
    """
    if not np.all(np.isfinite(arr)):
        n_nan = int(np.isnan(arr).sum())
        n_inf = int(np.isinf(arr).sum())
        raise ValueError(
            f"{name} must contain only finite values; got {n_nan} NaN and {n_inf} infinite "
            f"entries. Remove or impute them before calling this function."
        )
    return arr


def check_2d(x: ArrayLike, name: str = "X", *, allow_empty: bool = False) -> NDArray[np.float64]:
    """Validate a finite float64 matrix of shape ``(n_samples, n_features)``.

    Examples
    --------
    >>> check_2d([[1, 2], [3, 4]]).shape
    (2, 2)
    >>> check_2d([1.0, 2.0, 3.0])
    Traceback (most recent call last):
    ...
    ValueError: X must be 2-D (n_samples, n_features); got shape (3,). Use X.reshape(-1, 1) ...
    """
    arr = as_float_array(x, name)
    if arr.ndim != 2:
        hint = (
            f"Use {name}.reshape(-1, 1) for one feature or {name}.reshape(1, -1) for one sample."
            if arr.ndim == 1
            else f"Reshape {name} to (n_samples, n_features)."
        )
        raise ValueError(
            f"{name} must be 2-D (n_samples, n_features); got shape {arr.shape}. {hint}"
        )
    if not allow_empty and (arr.shape[0] == 0 or arr.shape[1] == 0):
        raise ValueError(
            f"{name} must have at least one sample and one feature; got shape {arr.shape}."
        )
    return check_finite(arr, name)


def check_1d(y: ArrayLike, name: str = "y") -> NDArray[np.float64]:
    """Validate a finite, non-empty float64 vector.

    A column vector of shape ``(n, 1)`` is rejected rather than silently
    flattened: it is a common sign of a broadcasting mistake.

    Examples
    --------
    >>> check_1d([1, 2, 3])
    array([1., 2., 3.])
    >>> check_1d([[1], [2]])
    Traceback (most recent call last):
    ...
    ValueError: y must be 1-D (n_samples,); got shape (2, 1). Use y.ravel() ...
    """
    arr = as_float_array(y, name)
    if arr.ndim != 1:
        raise ValueError(
            f"{name} must be 1-D (n_samples,); got shape {arr.shape}. "
            f"Use {name}.ravel() if it holds one value per sample."
        )
    if arr.shape[0] == 0:
        raise ValueError(f"{name} must not be empty; got shape {arr.shape}.")
    return check_finite(arr, name)


def check_1d_or_2d(y: ArrayLike, name: str = "y") -> NDArray[np.float64]:
    """Validate finite float64 targets of shape ``(n_samples,)`` or ``(n_samples, n_targets)``.

    Regression models accept one target per sample (a vector) or several (a
    matrix, one column per target).

    Examples
    --------
    >>> check_1d_or_2d([[1, 2], [3, 4], [5, 6]]).shape
    (3, 2)
    >>> check_1d_or_2d(np.zeros((2, 2, 1)))
    Traceback (most recent call last):
    ...
    ValueError: y must be 1-D (n_samples,) or 2-D (n_samples, n_targets); got shape (2, 2, 1). ...
    """
    arr = as_float_array(y, name)
    if arr.ndim not in (1, 2):
        raise ValueError(
            f"{name} must be 1-D (n_samples,) or 2-D (n_samples, n_targets); got shape "
            f"{arr.shape}. Reshape {name} so that it has one row per sample."
        )
    if arr.size == 0:
        raise ValueError(
            f"{name} must have at least one sample (and one target); got shape {arr.shape}."
        )
    return check_finite(arr, name)


def check_vector(x: ArrayLike, name: str = "x0") -> NDArray[np.float64]:
    """Validate a finite, non-empty float64 vector: a point of R^d.

    Unlike :func:`check_1d` (a vector of samples), the message speaks of a point.

    Examples
    --------
    >>> check_vector([1, 2])
    array([1., 2.])
    >>> check_vector(3.0)
    Traceback (most recent call last):
    ...
    ValueError: x0 must be a 1-D array (a point of R^d); got shape (). Use np.atleast_1d(x0) ...
    """
    arr = as_float_array(x, name)
    if arr.ndim != 1:
        hint = (
            f"Use np.atleast_1d({name}) for a scalar."
            if arr.ndim == 0
            else f"Flatten it with {name}.ravel() and reshape inside your functions."
        )
        raise ValueError(
            f"{name} must be a 1-D array (a point of R^d); got shape {arr.shape}. {hint}"
        )
    if arr.shape[0] == 0:
        raise ValueError(f"{name} must not be empty; got shape {arr.shape}.")
    return check_finite(arr, name)


def check_consistent_length(**arrays: Any) -> int:
    """Check that every array has the same number of rows; return that number.

    Examples
    --------
    >>> check_consistent_length(X=[[1], [2]], y=[0, 1])
    2
    >>> check_consistent_length(X=[[1], [2]], y=[0, 1, 1])
    Traceback (most recent call last):
    ...
    ValueError: X and y must have the same number of samples; got X: 2, y: 3. ...
    """
    lengths = {name: len(a) for name, a in arrays.items() if a is not None}
    if len(set(lengths.values())) > 1:
        names = " and ".join(lengths)
        got = ", ".join(f"{k}: {v}" for k, v in lengths.items())
        raise ValueError(
            f"{names} must have the same number of samples; got {got}. "
            "Pass arrays whose first dimensions match (one row per sample)."
        )
    return next(iter(lengths.values()))


def check_n_features(X: NDArray[Any], n_features: int, owner: str, name: str = "X") -> None:
    """Raise unless ``X`` has the ``n_features`` columns ``owner`` was fitted with.

    Examples
    --------
    >>> import numpy as np
    >>> check_n_features(np.ones((2, 3)), 2, "StandardScaler")
    Traceback (most recent call last):
    ...
    ValueError: X has 3 features, but this StandardScaler was fitted with 2 features. ...
    """
    if X.shape[1] != n_features:
        raise ValueError(
            f"{name} has {X.shape[1]} features, but this {owner} was fitted with {n_features} "
            f"features. Pass {name} with the same {n_features} columns, in the same order, "
            "as during fit."
        )
