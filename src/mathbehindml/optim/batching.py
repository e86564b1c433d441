"""Mini-batches: one epoch's sample indices, cut into batches."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
from numpy.typing import NDArray

from mathbehindml._validation import check_bool, check_positive_int, check_random_state

__all__ = ["minibatches"]


def minibatches(
    n_samples: int,
    batch_size: int,
    *,
    shuffle: bool = True,
    random_state: Any = None,
) -> Iterator[NDArray[np.intp]]:
    """Yield the index arrays of one epoch of mini-batches.

    The indices ``0, ..., n_samples - 1`` are permuted (when ``shuffle``) and cut
    into consecutive batches of ``batch_size``; the last batch holds the
    remainder and may be smaller. Every sample appears exactly once per epoch.
    Call the function once per epoch; pass a ``numpy.random.Generator`` to
    draw a fresh permutation each time from one reproducible stream.

    Parameters
    ----------
    n_samples : int
        The number of samples (>= 1).
    batch_size : int
        The number of samples per batch (>= 1). A ``batch_size`` of at least
        ``n_samples`` gives one batch holding every sample (full-batch).
    shuffle : bool, default True
        Permute the samples before cutting them; ``False`` gives the batches
        ``0..batch_size-1``, ``batch_size..2*batch_size-1`` and so on.
    random_state : None, int or numpy.random.Generator, default None
        The source of the permutation; an int makes the epoch reproducible.
        Ignored when ``shuffle=False``.

    Returns
    -------
    iterator of ndarray of int
        The batches of sample indices, ``ceil(n_samples / batch_size)`` of them.

    Raises
    ------
    TypeError
        If ``n_samples`` or ``batch_size`` is not an integer, ``shuffle`` not a
        bool, or ``random_state`` of another type.
    ValueError
        If ``n_samples`` or ``batch_size`` is smaller than 1.

    Examples
    --------
    >>> [b.tolist() for b in minibatches(5, 2, shuffle=False)]
    [[0, 1], [2, 3], [4]]
    >>> batches = list(minibatches(10, 4, random_state=0))
    >>> [len(b) for b in batches], sorted(np.concatenate(batches).tolist()) == list(range(10))
    ([4, 4, 2], True)
    """
    n = check_positive_int(n_samples, "n_samples")
    size = check_positive_int(batch_size, "batch_size")
    shuffle = check_bool(shuffle, "shuffle")
    rng = check_random_state(random_state)  # validated even when unused
    order = rng.permutation(n) if shuffle else np.arange(n)
    return _cut(order, size)


def _cut(order: NDArray[np.intp], size: int) -> Iterator[NDArray[np.intp]]:
    """Consecutive slices of ``order`` of length ``size`` (the last may be shorter)."""
    for start in range(0, order.shape[0], size):
        yield order[start : start + size]
