"""Scores that compare predictions with the truth: R², accuracy and the confusion matrix.

Losses that are minimised during training (mean squared error, cross-entropy) live in
``mathbehindml.losses``; the functions here are for reporting.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from mathbehindml._validation import (
    check_1d,
    check_consistent_length,
    check_labels,
    check_same_label_kind,
)

__all__ = ["accuracy_score", "confusion_matrix", "r2_score"]


def r2_score(y_true: ArrayLike, y_pred: ArrayLike) -> float:
    r"""Coefficient of determination :math:`R^2 = 1 - SS_\mathrm{res} / SS_\mathrm{tot}`.

    :math:`SS_\mathrm{res} = \sum_i (y_i - \hat y_i)^2` and
    :math:`SS_\mathrm{tot} = \sum_i (y_i - \bar y)^2`. A perfect fit scores 1, predicting the
    mean scores 0, and worse predictions score below 0. When ``y_true`` is constant
    (:math:`SS_\mathrm{tot} = 0`) the ratio is undefined; like scikit-learn, the score is then
    1.0 for a perfect prediction and 0.0 otherwise.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Observed targets, at least two.
    y_pred : array-like of shape (n_samples,)
        Predicted targets.

    Returns
    -------
    float
        The R² score, at most 1.

    Raises
    ------
    ValueError
        If an input is not 1-D, holds NaN or infinity, the lengths differ, or there are
        fewer than two samples.
    TypeError
        If an input is not numeric.

    Examples
    --------
    >>> r2_score([1.0, 2.0, 3.0], [1.0, 2.0, 3.0])
    1.0
    >>> r2_score([1.0, 2.0, 3.0], [2.0, 2.0, 2.0])
    0.0
    >>> r2_score([1.0, 2.0, 3.0], [1.5, 2.0, 2.0])
    0.375
    """
    y_true, y_pred = check_1d(y_true, "y_true"), check_1d(y_pred, "y_pred")
    n = check_consistent_length(y_true=y_true, y_pred=y_pred)
    if n < 2:
        raise ValueError(
            f"r2_score needs at least 2 samples; got {n}. R² compares the residuals with the "
            "spread of y_true around its mean, which one sample does not have."
        )
    if np.all(y_true == y_true[0]):  # SS_tot is exactly 0 (computed, it may be rounding noise)
        return 1.0 if np.array_equal(y_true, y_pred) else 0.0
    # R² is scale-free: dividing both by max|y| keeps the squares from under- or overflowing.
    size = np.max(np.abs(y_true))
    t, p = y_true / size, y_pred / size
    return float(1.0 - np.sum((t - p) ** 2) / np.sum((t - t.mean()) ** 2))


def _check_targets(y_true: ArrayLike, y_pred: ArrayLike) -> tuple[NDArray[Any], NDArray[Any]]:
    """Validate two label vectors of one length and the same kind (numbers or strings)."""
    y_true, y_pred = check_labels(y_true, "y_true"), check_labels(y_pred, "y_pred")
    check_consistent_length(y_true=y_true, y_pred=y_pred)
    check_same_label_kind(y_true=y_true, y_pred=y_pred)
    return y_true, y_pred


def accuracy_score(y_true: ArrayLike, y_pred: ArrayLike) -> float:
    """Fraction of samples whose predicted label equals the true label.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels: integers, floats or strings.
    y_pred : array-like of shape (n_samples,)
        Predicted labels, of the same kind as ``y_true``.

    Returns
    -------
    float
        A number in [0, 1].

    Raises
    ------
    ValueError
        If an input is not 1-D or empty, or the lengths differ.
    TypeError
        If one input holds numbers and the other strings.

    Examples
    --------
    >>> accuracy_score([0, 1, 1, 0], [0, 1, 0, 0])
    0.75
    >>> accuracy_score(["cat", "dog"], ["cat", "cat"])
    0.5
    """
    y_true, y_pred = _check_targets(y_true, y_pred)
    return float(np.mean(y_true == y_pred))


def confusion_matrix(
    y_true: ArrayLike, y_pred: ArrayLike, *, labels: ArrayLike | None = None
) -> NDArray[np.int64]:
    """Count each (true class, predicted class) pair.

    Entry ``C[i, j]`` is the number of samples of true class ``labels[i]`` predicted as
    ``labels[j]``: rows are true classes, columns predicted ones, and the diagonal holds the
    correct predictions.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels.
    y_pred : array-like of shape (n_samples,)
        Predicted labels, of the same kind as ``y_true``.
    labels : array-like of shape (n_classes,) or None, default=None
        The classes and their order in the matrix; defaults to the sorted union of the labels
        in ``y_true`` and ``y_pred``. Samples whose true or predicted label is not listed are
        left out.

    Returns
    -------
    ndarray of shape (n_classes, n_classes), int64

    Raises
    ------
    ValueError
        If an input is not 1-D or empty, the lengths differ, ``labels`` repeats a label, or
        none of ``labels`` occurs in ``y_true``.
    TypeError
        If the inputs mix numbers and strings.

    Examples
    --------
    >>> confusion_matrix([0, 0, 1, 1, 2], [0, 1, 1, 1, 0])
    array([[1, 1, 0],
           [0, 2, 0],
           [1, 0, 0]])
    >>> confusion_matrix(["a", "b", "b"], ["b", "b", "a"], labels=["b", "a"])
    array([[1, 1],
           [1, 0]])
    """
    y_true, y_pred = _check_targets(y_true, y_pred)
    if labels is None:
        classes = np.unique(np.concatenate([y_true, y_pred]))
    else:
        classes = check_labels(labels, "labels")
        check_same_label_kind(y_true=y_true, labels=classes)
        values, counts = np.unique(classes, return_counts=True)
        if counts.max() > 1:
            raise ValueError(
                f"labels must not repeat a label; got {values[counts.argmax()].item()!r} "
                f"{counts.max()} times. Pass each class once."
            )
        if not np.isin(y_true, classes).any():
            raise ValueError(
                f"labels must include at least one label present in y_true; got labels "
                f"{classes.tolist()!r}. Check that labels and y_true use the same encoding."
            )
    # Map each label to its row/column: search the sorted labels, then undo the sort.
    order = np.argsort(classes, kind="stable")
    ranked = classes[order]
    k = classes.shape[0]

    def position(y: NDArray[Any]) -> tuple[NDArray[np.int64], NDArray[np.bool_]]:
        pos = np.minimum(np.searchsorted(ranked, y), k - 1)
        return order[pos], ranked[pos] == y

    i, known_true = position(y_true)
    j, known_pred = position(y_pred)
    keep = known_true & known_pred
    counts_flat = np.bincount(i[keep] * k + j[keep], minlength=k * k)
    return counts_flat.reshape(k, k).astype(np.int64)
