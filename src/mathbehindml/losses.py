r"""Losses minimised during training: squared error and cross-entropies, as means over samples.

* :func:`mean_squared_error`: :math:`\frac1n \sum_i (y_i - \hat y_i)^2` (regression);
* :func:`binary_cross_entropy`: the log-loss of predicted probabilities :math:`p_i`;
* :func:`binary_cross_entropy_with_logits`: the same loss of logits :math:`z_i`, with
  :math:`p_i = \sigma(z_i)`, computed without ever forming :math:`p_i`;
* :func:`cross_entropy_with_logits`: the multi-class log-loss of a row of logits per sample.

The ``_with_logits`` versions are the ones to train with: they are exact for any
finite logit, where a probability that rounds to 0 or 1 makes ``log(p)`` or
``log(1 - p)`` infinite. Scores for reporting (accuracy, R²) live in
:mod:`mathbehindml.metrics`.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from mathbehindml._validation import (
    as_float_array,
    check_1d,
    check_2d,
    check_consistent_length,
    check_finite,
)
from mathbehindml.functions import log_softmax

__all__ = [
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "cross_entropy_with_logits",
    "mean_squared_error",
]


def _softplus(z: NDArray[np.float64]) -> NDArray[np.float64]:
    r""":math:`\log(1 + e^{z}) = -\log \sigma(-z)`, exact and overflow-free for finite z."""
    return np.logaddexp(0.0, z)


def _check_unit_interval(arr: NDArray[np.float64], name: str, what: str) -> None:
    """Raise unless every entry of ``arr`` lies in [0, 1]."""
    bad = (arr < 0.0) | (arr > 1.0)
    if np.any(bad):
        raise ValueError(
            f"{name} must hold {what} in [0, 1]; got {int(bad.sum())} entries outside, e.g. "
            f"{float(arr[bad][0])!r}. "
            + ("Pass probabilities, or use binary_cross_entropy_with_logits for logits."
               if name == "p" else "Encode the positive class as 1 and the negative as 0.")
        )


def mean_squared_error(y_true: ArrayLike, y_pred: ArrayLike) -> float:
    r"""Mean squared error :math:`\frac{1}{n} \sum_{i=1}^n (y_i - \hat y_i)^2`.

    For 2-D targets of shape ``(n_samples, n_outputs)`` the squared errors are
    averaged over outputs as well (scikit-learn's default ``uniform_average``).

    Parameters
    ----------
    y_true : array-like of shape (n_samples,) or (n_samples, n_outputs)
        Observed targets.
    y_pred : array-like of the shape of y_true
        Predictions.

    Returns
    -------
    float
        The mean of the squared differences, :math:`\ge 0`.

    Raises
    ------
    TypeError
        If an input is not numeric.
    ValueError
        If an input is not 1-D or 2-D, is empty or not finite, or the shapes differ.

    Examples
    --------
    >>> mean_squared_error([1.0, 2.0, 3.0], [1.0, 2.0, 5.0])
    1.3333333333333333
    """
    t = check_finite(as_float_array(y_true, "y_true"), "y_true")
    p = check_finite(as_float_array(y_pred, "y_pred"), "y_pred")
    for name, arr in (("y_true", t), ("y_pred", p)):
        if arr.ndim not in (1, 2) or arr.size == 0:
            raise ValueError(
                f"{name} must be a non-empty 1-D (n_samples,) or 2-D (n_samples, n_outputs) "
                f"array; got shape {arr.shape}."
            )
    if t.shape != p.shape:
        raise ValueError(
            f"y_true and y_pred must have the same shape; got {t.shape} and {p.shape}. "
            "Use y_pred.ravel() if the model returned a column for a 1-D target."
        )
    return float(np.mean((t - p) ** 2))


def binary_cross_entropy(y_true: ArrayLike, p: ArrayLike) -> float:
    r"""Binary cross-entropy (log-loss) of predicted probabilities.

    .. math:: \frac1n \sum_{i=1}^n -\bigl[y_i \log p_i + (1 - y_i) \log(1 - p_i)\bigr],

    with the convention :math:`0 \log 0 = 0`: a term whose label weight is zero
    contributes nothing. A confident wrong prediction (``p = 0`` with ``y = 1``)
    has infinite loss and returns ``inf`` (without a warning). Near
    :math:`p = 1`, ``1 - p`` has lost digits already; train with
    :func:`binary_cross_entropy_with_logits` instead.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Labels in :math:`\{0, 1\}`, or target probabilities in :math:`[0, 1]`.
    p : array-like of shape (n_samples,)
        Predicted probabilities of the positive class, in :math:`[0, 1]`.

    Returns
    -------
    float
        The mean log-loss in nats, :math:`\ge 0` for hard labels; possibly ``inf``.

    Raises
    ------
    TypeError
        If an input is not numeric.
    ValueError
        If an input is not 1-D, empty or not finite, the lengths differ, or a
        value lies outside :math:`[0, 1]`.

    Examples
    --------
    >>> round(binary_cross_entropy([1, 0], [0.9, 0.2]), 6)  # (-log 0.9 - log 0.8) / 2
    0.164252
    >>> binary_cross_entropy([1, 0], [1.0, 0.0])
    0.0
    >>> binary_cross_entropy([1], [0.0])
    inf
    """
    y = check_1d(y_true, "y_true")
    prob = check_1d(p, "p")
    check_consistent_length(y_true=y, p=prob)
    _check_unit_interval(y, "y_true", "labels or target probabilities")
    _check_unit_interval(prob, "p", "probabilities")
    with np.errstate(divide="ignore"):  # log(0) = -inf is the right answer, weighted or not
        log_p, log_q = np.log(prob), np.log1p(-prob)
    # 0 * log(0) = 0: only terms with a non-zero weight are evaluated
    pos = y * np.where(y > 0.0, log_p, 0.0)
    neg = (1.0 - y) * np.where(y < 1.0, log_q, 0.0)
    return float(-np.mean(pos + neg))


def binary_cross_entropy_with_logits(y_true: ArrayLike, z: ArrayLike) -> float:
    r"""Binary cross-entropy of logits :math:`z_i`, the probabilities being :math:`\sigma(z_i)`.

    Since :math:`-\log \sigma(z) = \log(1 + e^{-z})` and
    :math:`-\log(1 - \sigma(z)) = \log(1 + e^{z})`, the loss is

    .. math:: \frac1n \sum_{i=1}^n \bigl[y_i \log(1 + e^{-z_i})
              + (1 - y_i) \log(1 + e^{z_i})\bigr],

    and each softplus :math:`\log(1 + e^{t})` is computed by
    ``numpy.logaddexp``: exact for any finite logit, never ``inf``.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Labels in :math:`\{0, 1\}`, or target probabilities in :math:`[0, 1]`.
    z : array-like of shape (n_samples,)
        Finite logits (decision values) :math:`z_i = \mathbf{w}^\top \mathbf{x}_i + b`.

    Returns
    -------
    float
        The mean log-loss in nats.

    Raises
    ------
    TypeError
        If an input is not numeric.
    ValueError
        If an input is not 1-D, empty or not finite, the lengths differ, or a
        label lies outside :math:`[0, 1]`.

    Examples
    --------
    >>> round(binary_cross_entropy_with_logits([1, 0], [0.0, 0.0]), 6)  # log 2
    0.693147
    >>> binary_cross_entropy_with_logits([1, 0], [-1000.0, 1000.0])  # confidently wrong
    1000.0
    """
    y = check_1d(y_true, "y_true")
    logits = check_1d(z, "z")
    check_consistent_length(y_true=y, z=logits)
    _check_unit_interval(y, "y_true", "labels or target probabilities")
    return float(np.mean(y * _softplus(-logits) + (1.0 - y) * _softplus(logits)))


def _label_matrix(y_true: ArrayLike, n: int, k: int, name: str = "y_true",
                  against: str = "logits") -> NDArray[np.float64] | NDArray[np.intp]:
    """Integer labels as an index vector, or validated probability rows as a matrix.

    ``name`` is the argument's name in messages; ``against`` names the array whose
    shape ``(n, k)`` the labels must fit (``k`` columns, one per class).
    """
    if isinstance(y_true, str | bytes):
        raise TypeError(f"{name} must be integer labels or one-hot rows; got the string "
                        f"{y_true!r}.")
    raw = np.asarray(y_true)
    if raw.ndim == 1:
        if raw.dtype.kind not in "iuf" or raw.dtype == np.bool_:
            raise TypeError(
                f"{name} must hold integer class indices 0..{k - 1}; got dtype {raw.dtype}. "
                "Encode string labels as integers first (e.g. with np.unique(..., "
                "return_inverse=True))."
            )
        labels = check_finite(raw.astype(np.float64), name)
        if labels.shape[0] != n:
            check_consistent_length(**{name: labels, against: np.empty(n)})
        bad = (labels != np.round(labels)) | (labels < 0) | (labels >= k)
        if np.any(bad):
            raise ValueError(
                f"{name} must hold class indices 0..{k - 1} (one per column of {against}); got "
                f"{float(labels[bad][0])!r}. Labels index the columns of {against}."
            )
        return labels.astype(np.intp)
    Y = check_2d(y_true, name)
    if Y.shape != (n, k):
        raise ValueError(
            f"{name} given as rows must have the shape {(n, k)} (one row per sample, one column "
            f"per column of {against}); got {Y.shape}. Pass one-hot rows, or a 1-D vector of "
            "class indices."
        )
    sums = Y.sum(axis=1)
    if np.any(Y < 0.0) or not np.allclose(sums, 1.0, rtol=0.0, atol=1e-8):
        raise ValueError(
            f"{name} given as rows must hold probability vectors (non-negative, each row "
            f"summing to 1), such as one-hot rows; got rows summing to {float(sums.min())!r}.."
            f"{float(sums.max())!r} and a smallest entry {float(Y.min())!r}."
        )
    return Y


def cross_entropy_with_logits(y_true: ArrayLike, logits: ArrayLike) -> float:
    r"""Multi-class cross-entropy of a row of logits per sample (softmax, then log-loss).

    With :math:`\log \hat p_{ik} = z_{ik} - \log \sum_l e^{z_{il}}` (the
    :func:`~mathbehindml.functions.log_softmax` of row :math:`i`), the loss is

    .. math:: -\frac1n \sum_{i=1}^n \sum_{k=1}^K y_{ik} \log \hat p_{ik}
              = \frac1n \sum_{i=1}^n \Bigl(\log \sum_l e^{z_{il}} - z_{i, c_i}\Bigr)

    for one-hot rows :math:`y_{ik} = \mathbb{1}[k = c_i]`. Its gradient with respect
    to the logits is :math:`(\operatorname{softmax}(Z) - Y)/n`.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,) or (n_samples, n_classes)
        Integer class indices in ``0..n_classes-1``, or one-hot rows (more
        generally, target probability rows: non-negative, summing to 1).
    logits : array-like of shape (n_samples, n_classes)
        Finite logits, one row per sample.

    Returns
    -------
    float
        The mean cross-entropy in nats, :math:`\ge 0` for one-hot targets.

    Raises
    ------
    TypeError
        If an input is not numeric, or 1-D labels are not numbers.
    ValueError
        If ``logits`` is not a finite 2-D array, the number of samples differs,
        a label is not an integer in range, or a target row is not a probability vector.

    Examples
    --------
    >>> logits = [[2.0, 0.0, 0.0], [0.0, 0.0, 0.0]]
    >>> round(cross_entropy_with_logits([0, 2], logits), 6)  # (log(e**2 + 2) - 2 + log 3) / 2
    0.669079
    >>> cross_entropy_with_logits([[1, 0, 0], [0, 0, 1]], logits) == (
    ...     cross_entropy_with_logits([0, 2], logits))
    True
    """
    Z = check_2d(logits, "logits")
    n, k = Z.shape
    Y = _label_matrix(y_true, n, k)
    log_p = log_softmax(Z, axis=1)
    if Y.ndim == 1:
        return float(-np.mean(log_p[np.arange(n), Y]))
    return float(-np.sum(Y * log_p) / n)
