"""Scratch arrays that a layer keeps between calls instead of allocating them anew.

A convolution's forward and backward passes need several temporary arrays as
large as the patch matrix. Allocating them on every call costs more than the
arithmetic on small batches: the C library hands large blocks back to the
operating system when they are freed, and every new block is then zero-filled
page by page by the kernel. A layer therefore passes a :class:`Scratch` to the
functional core, which takes its temporaries from it; the functional API passes
``None`` and gets fresh arrays. Arrays returned to the caller (outputs and
gradients) are never scratch arrays.
"""

from __future__ import annotations

import numpy as np

Array = np.ndarray


class Scratch:
    """Named float64 arrays, reused while their shape stays the same.

    Examples
    --------
    >>> work = Scratch()
    >>> a = work.zeros("padded", (2, 3))
    >>> a[0, 0] = 5.0
    >>> work.zeros("padded", (2, 3)) is a  # the same array, contents kept
    True
    >>> work.zeros("padded", (3, 3)).sum()  # a new shape: a new array of zeros
    np.float64(0.0)
    >>> work.nbytes
    72
    """

    def __init__(self) -> None:
        self._arrays: dict[str, Array] = {}

    def _get(self, name: str, shape: tuple[int, ...], fill: bool) -> Array:
        array = self._arrays.get(name)
        if array is None or array.shape != shape:
            array = self._arrays[name] = np.zeros(shape) if fill else np.empty(shape)
        return array

    def empty(self, name: str, shape: tuple[int, ...]) -> Array:
        """The array called ``name`` with the given shape; its contents are arbitrary."""
        return self._get(name, shape, fill=False)

    def zeros(self, name: str, shape: tuple[int, ...]) -> Array:
        """Like :meth:`empty`, but zero when first created; later calls keep the contents.

        For arrays of which the caller only ever overwrites the same part, such as
        the interior of a zero-padded image: the border stays zero.
        """
        return self._get(name, shape, fill=True)

    @property
    def nbytes(self) -> int:
        """The memory held, in bytes."""
        return sum(array.nbytes for array in self._arrays.values())


def empty(work: Scratch | None, name: str, shape: tuple[int, ...]) -> Array:
    """``work.empty(name, shape)``, or a new array when there is no scratch space."""
    return np.empty(shape) if work is None else work.empty(name, shape)


def zeros(work: Scratch | None, name: str, shape: tuple[int, ...]) -> Array:
    """``work.zeros(name, shape)`` (zero border kept), or new zeros when ``work`` is None."""
    return np.zeros(shape) if work is None else work.zeros(name, shape)
