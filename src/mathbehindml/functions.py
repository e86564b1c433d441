r"""Numerically stable elementwise and normalising functions of logits.

The sigmoid :math:`\sigma(z) = 1 / (1 + e^{-z})`, its logarithm, the softmax, its
logarithm, log-sum-exp and the rectifier. Written naively, each of the first five
overflows or loses every digit for inputs of a few hundred; here each is computed
so that no intermediate quantity overflows for any finite input:

* :func:`sigmoid` only ever exponentiates :math:`-|z| \le 0`;
* :func:`log_sigmoid` is :math:`-\log(1 + e^{-z})`, computed by ``numpy.logaddexp``;
* :func:`softmax`, :func:`log_softmax` and :func:`logsumexp` subtract the largest
  entry first, which changes nothing mathematically (shift invariance) and makes
  every exponent :math:`\le 0`.

An exponential that underflows to zero is the correctly rounded answer, so
underflow is allowed; overflow, invalid operations and division by zero never
happen. The input must be finite: a NaN or an infinity raises a ``ValueError``.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from mathbehindml._validation import as_float_array, check_finite

__all__ = ["log_sigmoid", "log_softmax", "logsumexp", "relu", "sigmoid", "softmax"]


def _finite(z: ArrayLike, name: str = "z") -> NDArray[np.float64]:
    """``z`` as a finite float64 array of any shape, or a clear error."""
    return check_finite(as_float_array(z, name), name)


def _out(arr: NDArray[np.float64]) -> Any:
    """A 0-d result as a NumPy scalar (like a ufunc), anything else unchanged."""
    return arr[()] if arr.ndim == 0 else arr


def _check_axis(axis: Any, z: NDArray[np.float64], *, allow_none: bool = False) -> int | None:
    """Validate ``axis`` against ``z`` and require a non-empty reduction; return it."""
    if axis is None and allow_none:
        if z.size == 0:
            raise ValueError(
                f"z must have at least one entry; got shape {z.shape}. The log of an empty sum "
                "is -inf; handle the empty case before calling."
            )
        return None
    if isinstance(axis, bool) or not isinstance(axis, numbers.Integral):
        expected = "an int or None" if allow_none else "an int"
        raise TypeError(f"axis must be {expected}; got {type(axis).__name__} {axis!r}.")
    if z.ndim == 0:
        raise ValueError(
            "z must have at least one dimension to normalise along; got a scalar. "
            "Use np.atleast_1d(z)."
        )
    if not -z.ndim <= axis < z.ndim:
        raise ValueError(
            f"axis must be in [-{z.ndim}, {z.ndim - 1}] for z with {z.ndim} dimension(s) "
            f"(shape {z.shape}); got {axis}."
        )
    if z.shape[axis] == 0:
        raise ValueError(
            f"z must have at least one entry along axis {axis}; got shape {z.shape}."
        )
    return int(axis)


def sigmoid(z: ArrayLike) -> Any:
    r"""The logistic sigmoid :math:`\sigma(z) = 1 / (1 + e^{-z})`, entrywise.

    Computed as :math:`1 / (1 + e^{-z})` for :math:`z \ge 0` and as
    :math:`e^{z} / (1 + e^{z})` for :math:`z < 0`, so the exponential never
    overflows and small probabilities keep their relative accuracy (the
    naive formula overflows in ``exp`` from :math:`z = -710` on).

    Parameters
    ----------
    z : array-like of any shape
        Finite real numbers (logits).

    Returns
    -------
    numpy.float64 or ndarray of the shape of z
        Values in :math:`[0, 1]`; a scalar for scalar input.

    Raises
    ------
    TypeError
        If ``z`` is not numeric.
    ValueError
        If ``z`` holds NaN or infinity.

    See Also
    --------
    mathbehindml.functions.log_sigmoid : :math:`\log \sigma(z)`, without
        forming :math:`\sigma(z)` first.

    Examples
    --------
    >>> sigmoid([0.0, 2.0, -2.0]).round(6)
    array([0.5     , 0.880797, 0.119203])
    >>> float(sigmoid(-1000.0)), float(sigmoid(1000.0))
    (0.0, 1.0)
    """
    return _out(_sigmoid(_finite(z)))


def _sigmoid(z: NDArray[np.float64]) -> NDArray[np.float64]:
    """:func:`sigmoid` without input validation, for the package's inner loops."""
    e = np.exp(-np.abs(z))  # in (0, 1]: never overflows
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def log_sigmoid(z: ArrayLike) -> Any:
    r"""The log-sigmoid :math:`\log \sigma(z) = -\log(1 + e^{-z})`, entrywise.

    Computed as ``-numpy.logaddexp(0, -z)``: for :math:`z \ll 0` this is
    :math:`z - \log(1 + e^{z}) \approx z`, where ``log(sigmoid(z))``
    would give ``log(0) = -inf`` once :math:`\sigma(z)` underflows
    (at about :math:`z = -745`).

    Parameters
    ----------
    z : array-like of any shape
        Finite real numbers (logits).

    Returns
    -------
    numpy.float64 or ndarray of the shape of z
        Values :math:`\le 0`; a scalar for scalar input.

    Raises
    ------
    TypeError
        If ``z`` is not numeric.
    ValueError
        If ``z`` holds NaN or infinity.

    Examples
    --------
    >>> float(log_sigmoid(0.0)) == -float(np.log(2.0))
    True
    >>> log_sigmoid([-1000.0, 1000.0])
    array([-1000.,    -0.])
    """
    z = _finite(z)
    return _out(-np.logaddexp(0.0, -z))


def logsumexp(z: ArrayLike, axis: int | None = None) -> Any:
    r"""The log of a sum of exponentials, :math:`\log \sum_k e^{z_k}`, without overflow.

    With :math:`m = \max_k z_k`, the identity
    :math:`\log \sum_k e^{z_k} = m + \log \sum_k e^{z_k - m}` makes every
    exponent :math:`\le 0` and the largest term exactly 1, so the sum lies in
    :math:`[1, K]` and its logarithm is accurate.

    Parameters
    ----------
    z : array-like
        Finite real numbers.
    axis : int or None, default None
        The axis to sum over; ``None`` sums over every entry.

    Returns
    -------
    numpy.float64 or ndarray
        A scalar for ``axis=None``, else an array of the shape of ``z`` without ``axis``.

    Raises
    ------
    TypeError
        If ``z`` is not numeric or ``axis`` is not an int or None.
    ValueError
        If ``z`` holds NaN or infinity, ``axis`` is out of range, or the sum is empty.

    Examples
    --------
    >>> float(logsumexp([1000.0, 1000.0])) == 1000.0 + float(np.log(2.0))
    True
    >>> logsumexp([[0.0, 0.0], [1.0, 1.0]], axis=1).round(4)
    array([0.6931, 1.6931])
    """
    z = _finite(z)
    ax = _check_axis(axis, z, allow_none=True)
    m = np.max(z, axis=ax, keepdims=True)
    out = np.log(np.sum(np.exp(z - m), axis=ax, keepdims=True)) + m
    return _out(out.reshape(())) if ax is None else np.squeeze(out, axis=ax)


def softmax(z: ArrayLike, axis: int = -1) -> NDArray[np.float64]:
    r"""The softmax :math:`\operatorname{softmax}(z)_k = e^{z_k} / \sum_l e^{z_l}` along ``axis``.

    The largest entry along ``axis`` is subtracted first (the result is unchanged
    because softmax is invariant under adding a constant to every entry), so no
    exponential overflows. Each slice along ``axis`` is a probability vector.

    Parameters
    ----------
    z : array-like of at least one dimension
        Finite logits; for a batch, shape ``(n_samples, n_classes)``.
    axis : int, default -1
        The axis along which the entries sum to 1 (the classes).

    Returns
    -------
    ndarray of the shape of z
        Non-negative entries summing to 1 along ``axis``.

    Raises
    ------
    TypeError
        If ``z`` is not numeric or ``axis`` not an int.
    ValueError
        If ``z`` holds NaN or infinity, is a scalar, ``axis`` is out of range or
        ``z`` is empty along ``axis``.

    Examples
    --------
    >>> softmax([1.0, 2.0, 3.0]).round(4)
    array([0.09  , 0.2447, 0.6652])
    >>> softmax([[1000.0, 1000.0], [0.0, -1000.0]])
    array([[0.5, 0.5],
           [1. , 0. ]])
    """
    z = _finite(z)
    ax = _check_axis(axis, z)
    e = np.exp(z - np.max(z, axis=ax, keepdims=True))
    return e / np.sum(e, axis=ax, keepdims=True)


def log_softmax(z: ArrayLike, axis: int = -1) -> NDArray[np.float64]:
    r"""The log of the softmax, :math:`z_k - \log \sum_l e^{z_l}`, along ``axis``.

    Computed from the shifted logits :math:`z - \max z`, so a class whose
    probability underflows to 0 still gets its exact (finite) log-probability;
    ``log(softmax(z))`` would give ``-inf`` there.

    Parameters
    ----------
    z : array-like of at least one dimension
        Finite logits; for a batch, shape ``(n_samples, n_classes)``.
    axis : int, default -1
        The axis of the classes.

    Returns
    -------
    ndarray of the shape of z
        Finite values :math:`\le 0` whose exponentials sum to 1 along ``axis``.

    Raises
    ------
    TypeError
        If ``z`` is not numeric or ``axis`` not an int.
    ValueError
        If ``z`` holds NaN or infinity, is a scalar, ``axis`` is out of range or
        ``z`` is empty along ``axis``.

    Examples
    --------
    >>> log_softmax([0.0, -1000.0])
    array([    0., -1000.])
    >>> bool(np.allclose(np.exp(log_softmax([1.0, 2.0, 3.0])), softmax([1.0, 2.0, 3.0])))
    True
    """
    z = _finite(z)
    ax = _check_axis(axis, z)
    shifted = z - np.max(z, axis=ax, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=ax, keepdims=True))


def relu(z: ArrayLike) -> Any:
    r"""The rectified linear unit :math:`\max(z, 0)`, entry by entry.

    Parameters
    ----------
    z : array-like of any shape
        Finite real numbers.

    Returns
    -------
    numpy.float64 or ndarray of the shape of z
        The non-negative part of ``z``; a scalar for scalar input.

    Raises
    ------
    TypeError
        If ``z`` is not numeric.
    ValueError
        If ``z`` holds NaN or infinity.

    Examples
    --------
    >>> relu([-2.0, 0.0, 3.5])
    array([0. , 0. , 3.5])
    """
    z = _finite(z)
    return _out(np.maximum(z, 0.0))
