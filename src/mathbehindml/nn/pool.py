r"""Max and average pooling of NCHW batches, and their backward passes (functional core).

A pooling window of size :math:`k_h \times k_w` moves with stride
:math:`(s_h, s_w)` (by default the window size: windows that tile the image)
over each channel separately; max pooling keeps the largest value of each
window, average pooling the mean. Rows and columns that no window reaches are
ignored, so the output size is :math:`\lfloor (H - k_h)/s_h \rfloor + 1` by
:math:`\lfloor (W - k_w)/s_w \rfloor + 1`. There is no padding.

Both are computed with one vectorised operation per window offset
:math:`(i, j)` (at most :math:`k_h k_w` of them), never a loop over pixels.
The layer :class:`~mathbehindml.nn.conv_layers.MaxPool2D` uses a branch-free
variant of the same scan (the private ``_running_max`` and
``_route_to_first_max``), which keeps only the maxima in the forward pass and
finds their first positions again in the backward pass; it returns the same
numbers as :func:`max_pool2d` and :func:`max_pool2d_backward`.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterator

import numpy as np
from numpy.typing import ArrayLike, NDArray

from mathbehindml.nn._conv_checks import (
    Array,
    check_array_shape,
    check_images,
    check_pair,
    check_window_fits,
)

__all__ = ["avg_pool2d", "avg_pool2d_backward", "max_pool2d", "max_pool2d_backward"]

Pair = int | tuple[int, int]
Geometry = tuple[tuple[int, int], tuple[int, int], tuple[int, int]]


def _pool_geometry(shape: tuple[int, ...], kernel_size: Pair, stride: Pair | None) -> Geometry:
    """Validated window, stride (default: the window) and output size ``(H_out, W_out)``."""
    k = check_pair(kernel_size, "kernel_size", min_value=1)
    s = k if stride is None else check_pair(stride, "stride", min_value=1)
    check_window_fits((shape[2], shape[3]), k, (0, 0), what="pooling window")
    return k, s, ((shape[2] - k[0]) // s[0] + 1, (shape[3] - k[1]) // s[1] + 1)


def _offsets(k: tuple[int, int], s: tuple[int, int], out: tuple[int, int]
             ) -> Iterator[tuple[int, tuple[slice, slice, slice, slice]]]:
    """``(position in the window, index of the pixels at that offset in every window)``."""
    for i in range(k[0]):
        for j in range(k[1]):
            yield i * k[1] + j, (slice(None), slice(None),
                                 slice(i, i + s[0] * out[0], s[0]),
                                 slice(j, j + s[1] * out[1], s[1]))


def _max_pool(x: Array, geometry: Geometry) -> tuple[Array, NDArray[np.intp]]:
    """Maxima and the position (``i * kW + j``) of the first maximum of every window."""
    k, s, out = geometry
    offsets = _offsets(k, s, out)
    _, first = next(offsets)
    best = x[first].copy()
    arg = np.zeros(best.shape, dtype=np.intp)
    greater = np.empty(best.shape, dtype=bool)
    for pos, index in offsets:
        window = x[index]
        np.greater(window, best, out=greater)  # strict: a tie keeps the earlier position
        np.copyto(best, window, where=greater)
        np.copyto(arg, pos, where=greater)
    return best, arg


def _max_pool_backward(grad_out: Array, arg: NDArray[np.intp], x_shape: tuple[int, ...],
                       geometry: Geometry) -> Array:
    """Route each output gradient to its window's first maximum."""
    k, s, _ = geometry
    grad_x = np.zeros(x_shape)
    hit = np.empty(arg.shape, dtype=bool)
    for pos, index in _offsets(*geometry):
        np.equal(arg, pos, out=hit)
        if s[0] >= k[0] and s[1] >= k[1]:  # windows do not overlap: write in place
            np.multiply(grad_out, hit, out=grad_x[index])
        else:
            grad_x[index] += grad_out * hit
    return grad_x


def _running_max(x: Array, geometry: Geometry) -> Array:
    """The maxima of the windows alone, by a branch-free running ``np.maximum``.

    For the layer :class:`~mathbehindml.nn.conv_layers.MaxPool2D`, which needs no
    positions in the forward pass: it finds them again in the backward pass, with
    :func:`_route_to_first_max`. The same maxima as :func:`_max_pool` (as
    numbers: where a window's maximum is a zero held with both signs, the sign of
    the zero returned follows ``np.maximum``).
    """
    offsets = _offsets(*geometry)
    _, first = next(offsets)
    best = x[first].copy()
    for _, index in offsets:
        np.maximum(x[index], best, out=best)
    return best


def _route_to_first_max(grad_out: Array, x: Array, best: Array, geometry: Geometry) -> Array:
    """The backward pass of :func:`_running_max`; equals :func:`_max_pool_backward`.

    Scans the offsets in row-major order, as :func:`_max_pool` does: an offset
    receives its window's gradient where its pixel equals the window's maximum
    ``best`` and no earlier offset of the window has (``taken``), so ties go to
    the first maximum. Every step is a whole-array comparison, without the
    data-dependent branches of a masked copy.
    """
    k, s, _ = geometry
    grad_x = np.zeros(x.shape)
    taken = np.zeros(best.shape, dtype=bool)
    hit = np.empty(best.shape, dtype=bool)
    for _, index in _offsets(*geometry):
        np.equal(x[index], best, out=hit)
        np.greater(hit, taken, out=hit)  # a maximum here, and none earlier in the window
        np.logical_or(taken, hit, out=taken)
        if s[0] >= k[0] and s[1] >= k[1]:  # windows do not overlap: write in place
            np.multiply(grad_out, hit, out=grad_x[index])
        else:
            grad_x[index] += grad_out * hit
    return grad_x


def _check_grad(grad_out: ArrayLike, x_shape: tuple[int, ...], geometry: Geometry) -> Array:
    expected = (x_shape[0], x_shape[1], *geometry[2])
    return check_array_shape(grad_out, "grad_out", expected,
                             "Pass the gradient with respect to the pooling's output.")


def max_pool2d(x: ArrayLike, kernel_size: Pair, stride: Pair | None = None, *,
               return_indices: bool = False) -> Array | tuple[Array, NDArray[np.intp]]:
    r"""The maximum of every pooling window, channel by channel.

    Parameters
    ----------
    x : array-like of shape (N, C, H, W)
        A batch of images, NCHW.
    kernel_size : int or (int, int)
        The window's height and width.
    stride : int or (int, int), optional
        The step between windows; by default ``kernel_size`` (non-overlapping).
    return_indices : bool, default False
        Also return, for every output pixel, the position ``i * kW + j`` of the
        window's maximum; on ties, the first in row-major order.

    Returns
    -------
    out : ndarray of shape (N, C, H_out, W_out)
        With :math:`H_\text{out} = \lfloor (H - k_h)/s_h \rfloor + 1`, likewise
        :math:`W_\text{out}`.
    indices : ndarray of int, shape (N, C, H_out, W_out)
        Only with ``return_indices=True``.

    Raises
    ------
    TypeError
        If ``x`` is not numeric or ``kernel_size`` or ``stride`` is not an int or
        a pair of ints.
    ValueError
        If ``x`` is not a finite, non-empty 4-D array, a size is smaller than 1
        or the window is larger than the image.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.array([[[[1.0, 3.0, 2.0, 0.0],
    ...                 [4.0, 2.0, 1.0, 1.0],
    ...                 [0.0, 0.0, 5.0, 5.0],
    ...                 [0.0, 0.0, 5.0, 5.0]]]])
    >>> out, idx = max_pool2d(x, 2, return_indices=True)
    >>> out[0, 0], idx[0, 0]  # a tie (zeros, fives) goes to the first position, 0
    (array([[4., 2.],
           [0., 5.]]), array([[2, 0],
           [0, 0]]))
    """
    x = check_images(x, "x")
    if not isinstance(return_indices, bool | np.bool_):
        raise TypeError(
            f"return_indices must be True or False; got {type(return_indices).__name__} "
            f"{return_indices!r}."
        )
    out, arg = _max_pool(x, _pool_geometry(x.shape, kernel_size, stride))
    return (out, arg) if return_indices else out


def max_pool2d_backward(grad_out: ArrayLike, x: ArrayLike, kernel_size: Pair,
                        stride: Pair | None = None) -> Array:
    r"""The gradient of a scalar loss with respect to the input of :func:`max_pool2d`.

    Max pooling is piecewise linear: each output equals one input, the first
    maximum of its window. The gradient of every output therefore flows to that
    one input (and is summed when overlapping windows pick the same pixel);
    every other input gets zero. On ties the function is not differentiable, and
    this choice gives one of its subgradients.

    Parameters
    ----------
    grad_out : array-like of shape (N, C, H_out, W_out)
        The gradient with respect to the pooling's output.
    x : array-like of shape (N, C, H, W)
        The input of the forward pass.
    kernel_size, stride
        As in :func:`max_pool2d`.

    Returns
    -------
    ndarray of shape (N, C, H, W)

    Raises
    ------
    TypeError, ValueError
        As :func:`max_pool2d`, and if ``grad_out`` has the wrong shape.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.array([[[[1.0, 3.0], [3.0, 0.0]]]])  # two maxima: the first one wins
    >>> max_pool2d_backward(np.array([[[[10.0]]]]), x, 2)
    array([[[[ 0., 10.],
             [ 0.,  0.]]]])
    """
    x = check_images(x, "x")
    geometry = _pool_geometry(x.shape, kernel_size, stride)
    g = _check_grad(grad_out, x.shape, geometry)
    return _max_pool_backward(g, _max_pool(x, geometry)[1], x.shape, geometry)


def avg_pool2d(x: ArrayLike, kernel_size: Pair, stride: Pair | None = None) -> Array:
    r"""The mean of every pooling window, channel by channel.

    Parameters
    ----------
    x : array-like of shape (N, C, H, W)
        A batch of images, NCHW.
    kernel_size : int or (int, int)
        The window's height and width.
    stride : int or (int, int), optional
        The step between windows; by default ``kernel_size``.

    Returns
    -------
    ndarray of shape (N, C, H_out, W_out)
        Sizes as in :func:`max_pool2d`.

    Raises
    ------
    TypeError, ValueError
        As :func:`max_pool2d`.

    Examples
    --------
    >>> import numpy as np
    >>> avg_pool2d(np.arange(16.0).reshape(1, 1, 4, 4), 2)[0, 0]
    array([[ 2.5,  4.5],
           [10.5, 12.5]])
    """
    x = check_images(x, "x")
    return _avg_pool(x, _pool_geometry(x.shape, kernel_size, stride))


def _avg_pool(x: Array, geometry: Geometry) -> Array:
    k, _, out = geometry
    total = np.zeros((x.shape[0], x.shape[1], *out))
    for _, index in _offsets(*geometry):
        total += x[index]
    return total / (k[0] * k[1])


def _avg_pool_backward(grad_out: Array, x_shape: tuple[int, ...], geometry: Geometry) -> Array:
    k = geometry[0]
    share = grad_out / (k[0] * k[1])
    grad_x = np.zeros(x_shape)
    for _, index in _offsets(*geometry):
        grad_x[index] += share
    return grad_x


def avg_pool2d_backward(grad_out: ArrayLike, x_shape: tuple[int, int, int, int],
                        kernel_size: Pair, stride: Pair | None = None) -> Array:
    r"""The gradient with respect to the input of :func:`avg_pool2d`.

    Each output is the mean of :math:`k_h k_w` inputs, so each of them receives
    the fraction :math:`1/(k_h k_w)` of its gradient (summed over the windows
    that contain it). The map is linear, so the input itself is not needed.

    Parameters
    ----------
    grad_out : array-like of shape (N, C, H_out, W_out)
        The gradient with respect to the pooling's output.
    x_shape : tuple (N, C, H, W)
        The shape of the forward pass's input.
    kernel_size, stride
        As in :func:`avg_pool2d`.

    Returns
    -------
    ndarray of shape x_shape

    Raises
    ------
    TypeError, ValueError
        As :func:`avg_pool2d`, if ``x_shape`` is not four positive ints, or if
        ``grad_out`` has the wrong shape.

    Examples
    --------
    >>> import numpy as np
    >>> avg_pool2d_backward(np.array([[[[4.0]]]]), (1, 1, 2, 2), 2)
    array([[[[1., 1.],
             [1., 1.]]]])
    """
    shape = tuple(x_shape) if isinstance(x_shape, tuple | list) else ()
    if len(shape) != 4 or not all(isinstance(v, numbers.Integral) and v >= 1 for v in shape):
        raise ValueError(
            f"x_shape must be four positive ints (N, C, H, W); got {x_shape!r}. Pass the "
            "shape of the pooling's input, e.g. x.shape."
        )
    shape = tuple(int(v) for v in shape)
    geometry = _pool_geometry(shape, kernel_size, stride)
    return _avg_pool_backward(_check_grad(grad_out, shape, geometry), shape, geometry)
