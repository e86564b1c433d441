"""Input validation shared by every public function (private module).

Every check raises a :class:`ValueError` or :class:`TypeError` whose message
names the argument, says what was expected and what was received, and suggests
the fix. Nothing here uses ``assert``: input checks must survive ``python -O``.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from mathbehindml.exceptions import NotFittedError

__all__ = [
    "as_float_array",
    "check_1d",
    "check_1d_or_2d",
    "check_2d",
    "check_bool",
    "check_callable",
    "check_class_indices",
    "check_consistent_length",
    "check_finite",
    "check_in",
    "check_is_fitted",
    "check_labels",
    "check_n_features",
    "check_positive_int",
    "check_random_state",
    "check_same_label_kind",
    "check_scalar",
    "check_vector",
]


def _describe(value: Any) -> str:
    """Short description of a received value for error messages."""
    if isinstance(value, np.ndarray):
        return f"array of shape {value.shape} and dtype {value.dtype}"
    return f"{type(value).__name__} {value!r}" if not isinstance(value, Sequence) else (
        f"{type(value).__name__} of length {len(value)}"
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


def check_scalar(
    value: Any,
    name: str,
    *,
    kind: type | tuple[type, ...] = numbers.Real,
    min_value: float | None = None,
    max_value: float | None = None,
    include_min: bool = True,
    include_max: bool = True,
) -> Any:
    """Validate a scalar hyper-parameter's type and range.

    Examples
    --------
    >>> check_scalar(0.5, "test_size", min_value=0, max_value=1, include_min=False)
    0.5
    >>> check_scalar(-1.0, "learning_rate", min_value=0, include_min=False)
    Traceback (most recent call last):
    ...
    ValueError: learning_rate must be > 0; got -1.0.
    >>> check_scalar("0.1", "learning_rate")
    Traceback (most recent call last):
    ...
    TypeError: learning_rate must be a real number; got str '0.1'.
    """
    kind_name = {numbers.Real: "a real number", numbers.Integral: "an integer"}.get(
        kind, f"of type {kind}"
    )
    if isinstance(value, bool) or not isinstance(value, kind):
        raise TypeError(f"{name} must be {kind_name}; got {type(value).__name__} {value!r}.")
    if isinstance(value, numbers.Real) and not np.isfinite(value):
        raise ValueError(f"{name} must be finite; got {value!r}.")
    if min_value is not None:
        bad = value < min_value if include_min else value <= min_value
        if bad:
            op = ">=" if include_min else ">"
            raise ValueError(f"{name} must be {op} {min_value}; got {value!r}.")
    if max_value is not None:
        bad = value > max_value if include_max else value >= max_value
        if bad:
            op = "<=" if include_max else "<"
            raise ValueError(f"{name} must be {op} {max_value}; got {value!r}.")
    return value


def check_positive_int(value: Any, name: str) -> int:
    """Validate a positive integer (``bool`` is rejected).

    Examples
    --------
    >>> check_positive_int(3, "batch_size")
    3
    >>> check_positive_int(0, "batch_size")
    Traceback (most recent call last):
    ...
    ValueError: batch_size must be >= 1; got 0.
    """
    return int(check_scalar(value, name, kind=numbers.Integral, min_value=1))


def check_in(value: Any, name: str, options: Sequence[Any]) -> Any:
    """Validate that ``value`` is one of ``options``.

    Examples
    --------
    >>> check_in("qr", "solver", ("svd", "qr", "normal"))
    'qr'
    >>> check_in("lu", "solver", ("svd", "qr", "normal"))
    Traceback (most recent call last):
    ...
    ValueError: solver must be one of 'svd', 'qr', 'normal'; got 'lu'.
    """
    if value not in options:
        allowed = ", ".join(repr(o) for o in options)
        raise ValueError(f"{name} must be one of {allowed}; got {value!r}.")
    return value


def check_random_state(random_state: Any, name: str = "random_state") -> np.random.Generator:
    """Turn ``None``, an int or a :class:`numpy.random.Generator` into a Generator.

    Examples
    --------
    >>> rng = check_random_state(0)
    >>> float(rng.random()) == float(np.random.default_rng(0).random())
    True
    >>> check_random_state(1.5)
    Traceback (most recent call last):
    ...
    TypeError: random_state must be None, an int or a numpy.random.Generator; got float 1.5. ...
    """
    if random_state is None or (
        isinstance(random_state, numbers.Integral) and not isinstance(random_state, bool)
    ):
        if random_state is not None and random_state < 0:
            raise ValueError(f"{name} must be a non-negative int; got {random_state!r}.")
        return np.random.default_rng(random_state)
    if isinstance(random_state, np.random.Generator):
        return random_state
    raise TypeError(
        f"{name} must be None, an int or a numpy.random.Generator; got "
        f"{type(random_state).__name__} {random_state!r}. Pass an int seed for reproducibility."
    )


def check_is_fitted(estimator: Any, attributes: str | Sequence[str]) -> None:
    """Raise :class:`NotFittedError` unless ``estimator`` has the learned ``attributes``.

    Examples
    --------
    >>> class Model:
    ...     pass
    >>> check_is_fitted(Model(), "coef_")
    Traceback (most recent call last):
    ...
    mathbehindml.exceptions.NotFittedError: This Model is not fitted yet; call fit(...) first.
    """
    names = [attributes] if isinstance(attributes, str) else list(attributes)
    if not all(hasattr(estimator, a) for a in names):
        raise NotFittedError(
            f"This {type(estimator).__name__} is not fitted yet; call fit(...) first."
        )


def check_bool(value: Any, name: str) -> bool:
    """Validate a flag: ``True`` or ``False`` (NumPy booleans too), nothing else.

    Examples
    --------
    >>> check_bool(True, "shuffle")
    True
    >>> check_bool(1, "shuffle")
    Traceback (most recent call last):
    ...
    TypeError: shuffle must be True or False; got int 1.
    """
    if not isinstance(value, bool | np.bool_):
        raise TypeError(f"{name} must be True or False; got {type(value).__name__} {value!r}.")
    return bool(value)


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


def check_callable(value: Any, name: str, expected: str) -> Any:
    """Raise a :class:`TypeError` unless ``value`` is callable.

    ``expected`` describes the call the caller will make, e.g. ``"grad(x) -> ndarray"``.

    Examples
    --------
    >>> check_callable(abs, "grad", "grad(x) -> ndarray") is abs
    True
    >>> check_callable([1.0, 2.0], "grad", "grad(x) -> ndarray")
    Traceback (most recent call last):
    ...
    TypeError: grad must be a callable grad(x) -> ndarray; got list [1.0, 2.0]. ...
    """
    if not callable(value):
        raise TypeError(
            f"{name} must be a callable {expected}; got {type(value).__name__} {value!r}. "
            f"Pass a function (def or lambda), not the value it returns."
        )
    return value


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
