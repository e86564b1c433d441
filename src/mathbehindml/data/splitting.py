"""Splitting samples into a training and a test set, optionally stratified."""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from mathbehindml._validation import (
    check_bool,
    check_consistent_length,
    check_labels,
    check_random_state,
    check_scalar,
)

__all__ = ["train_test_split"]

def _n_test(test_size: Any, n: int) -> int:
    """Validate ``test_size`` against ``n`` samples and return the number of test samples."""
    if n < 2:
        raise ValueError(f"arrays must hold at least 2 samples; got {n}. "
                         "A split needs one sample on each side.")
    if isinstance(test_size, numbers.Integral) and not isinstance(test_size, bool):
        return int(check_scalar(test_size, "test_size", min_value=1, max_value=n - 1))
    check_scalar(test_size, "test_size", min_value=0, max_value=1,
                 include_min=False, include_max=False)
    n_test = math.ceil(test_size * n)  # scikit-learn's rule, rounding error included
    if n_test >= n:
        size = float(test_size)
        raise ValueError(
            f"test_size={size!r} with {n} samples leaves no training samples "
            f"(ceil({size!r} * {n}) = {n_test}). Use a smaller test_size or more samples."
        )
    return n_test


def _stratified_test_counts(counts: NDArray[np.int64], n_test: int) -> NDArray[np.int64]:
    """Per-class test counts: largest remainder, then at least one sample on each side.

    Largest remainder puts every class within one sample of its exact share
    ``n_test * n_k / n``. Clipping to ``[1, n_k - 1]`` may change the total; each repair
    step then moves the class furthest from its share, which keeps every class within one
    sample of its share whenever some allocation can.
    """
    quota = n_test * counts / counts.sum()
    take = np.floor(quota).astype(np.int64)
    order = np.argsort(-(quota - take), kind="stable")
    take[order[: n_test - take.sum()]] += 1
    take = np.clip(take, 1, counts - 1)
    while take.sum() != n_test:  # the clip moved the total: repair it one sample at a time
        excess = take - quota
        if take.sum() > n_test:
            k = np.argmax(np.where(take > 1, excess, -np.inf))
            take[k] -= 1
        else:
            k = np.argmin(np.where(take < counts - 1, excess, np.inf))
            take[k] += 1
    return take


def train_test_split(
    *arrays: ArrayLike,
    test_size: float | int = 0.25,
    random_state: int | np.random.Generator | None = None,
    stratify: ArrayLike | None = None,
    shuffle: bool = True,
) -> list[NDArray[Any]]:
    """Split arrays into random train and test subsets, rows kept aligned.

    Parameters
    ----------
    *arrays : array-likes with the same number of rows (samples).
    test_size : float in (0, 1) or int in [1, n_samples - 1], default=0.25
        A float is the fraction of samples in the test set, rounded up:
        ``ceil(test_size * n_samples)``; an int is the number of test samples.
    random_state : int, numpy.random.Generator or None, default=None
        Seed of the shuffle; pass an int for a reproducible split.
    stratify : array-like of labels, shape (n_samples,), or None, default=None
        If given, each class keeps its proportion in both subsets: the test counts per class
        are allocated by largest remainder, and every class keeps at least one sample on
        each side (every class needs >= 2 samples).
    shuffle : bool, default=True
        If False, the first samples go to training and the last to testing, in order.

    Returns
    -------
    list of ndarray
        ``[a1_train, a1_test, a2_train, a2_test, ...]``, the order scikit-learn uses.

    Raises
    ------
    ValueError
        No arrays; mismatched lengths; a bad ``test_size``; a ``stratify`` array of the wrong
        length; a class with one member or too few test/train samples for every class;
        ``stratify`` with ``shuffle=False``.
    TypeError
        A ``test_size``, ``random_state`` or ``shuffle`` of the wrong type.

    Examples
    --------
    >>> X, y = np.arange(20.0).reshape(10, 2), np.array([0, 1] * 5)
    >>> X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, random_state=0)
    >>> X_train.shape, X_test.shape
    ((7, 2), (3, 2))
    >>> bool(np.all(X_test[:, 0] / 2 % 2 == y_test))  # rows stay aligned
    True
    """
    if not arrays:
        raise ValueError("train_test_split needs at least one array; got none. "
                         "Call train_test_split(X, y, ...).")
    arrs = [np.asarray(a) for a in arrays]
    for i, a in enumerate(arrs):
        if a.ndim == 0:
            raise ValueError(f"arrays[{i}] must have one row per sample; got the scalar "
                             f"{a.item()!r}. Pass an array of shape (n_samples, ...).")
    named = {f"arrays[{i}]": a for i, a in enumerate(arrs)}
    n = check_consistent_length(**named)
    n_test = _n_test(test_size, n)
    shuffle = check_bool(shuffle, "shuffle")
    rng = check_random_state(random_state)
    if stratify is None:
        if shuffle:
            perm = rng.permutation(n)
            test, train = perm[:n_test], perm[n_test:]
        else:  # scikit-learn's order: the first samples train, the last ones test
            train, test = np.arange(n - n_test), np.arange(n - n_test, n)
    else:
        if not shuffle:
            raise ValueError("stratify requires shuffle=True; got shuffle=False. "
                             "Drop stratify or set shuffle=True.")
        labels = check_labels(stratify, "stratify")
        check_consistent_length(**{"arrays[0]": arrs[0], "stratify": labels})
        classes, y_idx, counts = np.unique(labels, return_inverse=True, return_counts=True)
        if counts.min() < 2:
            rare = classes[counts.argmin()].item()
            raise ValueError(
                f"stratify: every class needs at least 2 samples; class {rare!r} has 1. "
                "Merge or drop rare classes, or split without stratify."
            )
        if not len(classes) <= n_test <= n - len(classes):
            raise ValueError(
                f"stratify: with {len(classes)} classes both sets need >= {len(classes)} samples;"
                f" got {n_test} test and {n - n_test} training. Adjust test_size."
            )
        take = _stratified_test_counts(counts, n_test)
        test_parts, train_parts = [], []
        for k, t in enumerate(take):
            members = rng.permutation(np.flatnonzero(y_idx == k))
            test_parts.append(members[:t])
            train_parts.append(members[t:])
        test = rng.permutation(np.concatenate(test_parts))
        train = rng.permutation(np.concatenate(train_parts))
    return [part for a in arrs for part in (a[train], a[test])]
