"""Hyper-parameters and other scalar arguments, and fitted-state checks."""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np

from mathbehindml.exceptions import NotFittedError

__all__ = [
    "check_bool",
    "check_callable",
    "check_in",
    "check_is_fitted",
    "check_positive_int",
    "check_random_state",
    "check_scalar",
]


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
