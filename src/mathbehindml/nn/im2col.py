r"""im2col and its adjoint col2im: a convolution rewritten as one matrix product.

For a batch ``x`` of shape ``(N, C, H, W)`` and a ``kH × kW`` window moved with
stride ``s`` over the image padded with ``p`` zeros, :func:`im2col` returns, for
each image, the matrix whose columns are the flattened windows (the *patches*):
shape ``(N, C·kH·kW, H_out·W_out)``. A convolution with weights of shape
``(C_out, C, kH, kW)`` is then the product of the ``C_out × C·kH·kW`` weight
matrix with that matrix; with the matrices of the whole batch side by side (the layout used
internally), it is a single matrix product. :func:`col2im` is the adjoint (the transpose) of the
linear map ``im2col``: it adds every entry of a patch matrix back onto the
pixel it came from, which is what the backward pass of a convolution needs.
"""

from __future__ import annotations

import numbers

import numpy as np
from numpy.typing import ArrayLike

from mathbehindml._validation import as_float_array, check_finite, check_scalar
from mathbehindml.nn._conv_checks import Array, check_images, check_pair, check_window_fits
from mathbehindml.nn._scratch import Scratch, empty, zeros

__all__ = ["col2im", "conv_output_size", "im2col"]

Pair = int | tuple[int, int]


def conv_output_size(n: int, kernel_size: int, stride: int = 1, padding: int = 0) -> int:
    r"""The number of window positions along one axis: :math:`\lfloor (n + 2p - k)/s \rfloor + 1`.

    Parameters
    ----------
    n : int
        The input size along the axis (height or width), >= 1.
    kernel_size : int
        The window size :math:`k \ge 1`.
    stride : int, default 1
        The step :math:`s \ge 1` between window positions.
    padding : int, default 0
        The number :math:`p \ge 0` of zeros added on each side.

    Returns
    -------
    int
        The output size, >= 1.

    Raises
    ------
    TypeError
        If an argument is not an integer.
    ValueError
        If an argument is out of range or the window is larger than the padded
        input.

    Examples
    --------
    >>> conv_output_size(8, 3), conv_output_size(8, 3, padding=1), conv_output_size(8, 3, 2, 1)
    (6, 8, 4)
    """
    n = int(check_scalar(n, "n", kind=numbers.Integral, min_value=1))
    k = int(check_scalar(kernel_size, "kernel_size", kind=numbers.Integral, min_value=1))
    s = int(check_scalar(stride, "stride", kind=numbers.Integral, min_value=1))
    p = int(check_scalar(padding, "padding", kind=numbers.Integral, min_value=0))
    check_window_fits((n, n), (k, k), (p, p))
    return (n + 2 * p - k) // s + 1


def _geometry(shape: tuple[int, ...], kernel_size: Pair, stride: Pair, padding: Pair
              ) -> tuple[tuple[int, int], tuple[int, int], tuple[int, int], tuple[int, int]]:
    """Validated kernel, stride, padding and output size ``(H_out, W_out)``."""
    k = check_pair(kernel_size, "kernel_size", min_value=1)
    s = check_pair(stride, "stride", min_value=1)
    p = check_pair(padding, "padding", min_value=0)
    check_window_fits((shape[2], shape[3]), k, p)
    out = ((shape[2] + 2 * p[0] - k[0]) // s[0] + 1, (shape[3] + 2 * p[1] - k[1]) // s[1] + 1)
    return k, s, p, out


def _im2col(x: Array, k: tuple[int, int], s: tuple[int, int],
            p: tuple[int, int], out: tuple[int, int],
            work: Scratch | None = None) -> Array:
    """The batch's patch matrices side by side: ``C·kH·kW × N·H_out·W_out``.

    On validated arguments. Row ``(c, i, j)`` holds, for every image and
    window, the pixel at offset ``(i, j)`` of channel ``c``: one strided copy
    per offset. With ``work`` (a layer's scratch space) the padded image and
    the result are reused from call to call.
    """
    n, c, h, w = x.shape
    # channels first, so that the copies move whole rows; the border stays 0
    xp = zeros(work, "im2col.padded", (c, n, h + 2 * p[0], w + 2 * p[1]))
    xp[:, :, p[0] : p[0] + h, p[1] : p[1] + w] = x.transpose(1, 0, 2, 3)
    cols = empty(work, "im2col.cols", (c, k[0], k[1], n, out[0], out[1]))
    for i in range(k[0]):
        for j in range(k[1]):  # pixel (i, j) of every window
            rows = xp[:, :, i : i + s[0] * out[0] : s[0]]
            cols[:, i, j] = rows[..., j : j + s[1] * out[1] : s[1]]
    return cols.reshape(c * k[0] * k[1], n * out[0] * out[1])


def _col2im(cols: Array, shape: tuple[int, ...], k: tuple[int, int],
            s: tuple[int, int], p: tuple[int, int], out: tuple[int, int],
            work: Scratch | None = None) -> Array:
    """The adjoint of :func:`_im2col`: its loop with ``+=``; returns NCHW."""
    n, c, h, w = shape
    blocks = cols.reshape(c, k[0], k[1], n, out[0], out[1])
    xp = empty(work, "col2im.padded", (c, n, h + 2 * p[0], w + 2 * p[1]))
    xp.fill(0.0)
    for i in range(k[0]):
        for j in range(k[1]):
            rows = xp[:, :, i : i + s[0] * out[0] : s[0]]
            rows[..., j : j + s[1] * out[1] : s[1]] += blocks[:, i, j]
    inner = xp[:, :, p[0] : p[0] + h, p[1] : p[1] + w]
    return np.ascontiguousarray(inner.transpose(1, 0, 2, 3))


def im2col(x: ArrayLike, kernel_size: Pair, *, stride: Pair = 1, padding: Pair = 0) -> Array:
    r"""Unfold every window of a batch of images into the columns of one matrix per image.

    Column :math:`(a, b)` (flattened as :math:`a W_\text{out} + b`) of image
    :math:`n` holds the window whose top-left corner is at :math:`(a s_h, b s_w)`
    in the zero-padded image, flattened in the order (channel, row, column),
    so that row :math:`(c, i, j)` of the matrix is pixel :math:`(c, a s_h + i,
    b s_w + j)` of the padded image.

    Parameters
    ----------
    x : array-like of shape (N, C, H, W)
        A batch of images, NCHW.
    kernel_size : int or (int, int)
        The window's height and width (one int for a square window).
    stride : int or (int, int), default 1
        The step between windows, vertically and horizontally.
    padding : int or (int, int), default 0
        The number of zero rows (columns) added above and below (left and right).

    Returns
    -------
    ndarray of shape (N, C * kH * kW, H_out * W_out)
        The patch matrices, with :math:`H_\text{out} = \lfloor (H + 2p_h - k_h)/s_h
        \rfloor + 1` and likewise :math:`W_\text{out}`.

    Raises
    ------
    TypeError
        If ``x`` is not numeric, or a size, stride or padding is not an int or a
        pair of ints.
    ValueError
        If ``x`` is not a finite, non-empty 4-D array, a kernel size or stride is
        smaller than 1, a padding is negative, or the window is larger than the
        padded image.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.arange(9.0).reshape(1, 1, 3, 3)
    >>> im2col(x, 2)[0]  # four 2x2 windows, one per column
    array([[0., 1., 3., 4.],
           [1., 2., 4., 5.],
           [3., 4., 6., 7.],
           [4., 5., 7., 8.]])
    >>> im2col(x, 3, padding=1, stride=2).shape
    (1, 9, 4)
    """
    x = check_images(x, "x")
    k, s, p, out = _geometry(x.shape, kernel_size, stride, padding)
    cols = _im2col(x, k, s, p, out)
    return cols.reshape(cols.shape[0], x.shape[0], -1).transpose(1, 0, 2)


def col2im(cols: ArrayLike, x_shape: tuple[int, int, int, int], kernel_size: Pair, *,
           stride: Pair = 1, padding: Pair = 0) -> Array:
    r"""The adjoint of :func:`im2col`: add every patch entry back onto its pixel.

    For every ``x`` of shape ``x_shape`` and every ``cols`` of the shape that
    ``im2col`` returns, :math:`\langle \operatorname{im2col}(x), \text{cols}
    \rangle = \langle x, \operatorname{col2im}(\text{cols}) \rangle`. A pixel
    covered by several windows receives the sum of their entries; entries that
    fall into the padding are dropped. It is *not* the inverse of ``im2col``
    unless the windows do not overlap.

    Parameters
    ----------
    cols : array-like of shape (N, C * kH * kW, H_out * W_out)
        Patch matrices, e.g. the gradient of a loss with respect to the output
        of :func:`im2col`.
    x_shape : tuple (N, C, H, W)
        The shape of the images.
    kernel_size, stride, padding : int or (int, int)
        As in :func:`im2col`.

    Returns
    -------
    ndarray of shape x_shape

    Raises
    ------
    TypeError
        If ``cols`` is not numeric or a geometry argument has the wrong type.
    ValueError
        If ``x_shape`` is not four positive ints, ``cols`` has the wrong shape
        or is not finite, or the geometry is invalid as in :func:`im2col`.

    Examples
    --------
    >>> import numpy as np
    >>> col2im(np.ones((1, 4, 4)), (1, 1, 3, 3), 2)  # how many windows cover each pixel
    array([[[[1., 2., 1.],
             [2., 4., 2.],
             [1., 2., 1.]]]])
    """
    shape = tuple(x_shape) if isinstance(x_shape, tuple | list) else ()
    if len(shape) != 4 or not all(isinstance(v, numbers.Integral) and v >= 1 for v in shape):
        raise ValueError(
            f"x_shape must be four positive ints (N, C, H, W); got {x_shape!r}. Pass the "
            "shape of the images that im2col unfolded, e.g. x.shape."
        )
    shape = tuple(int(v) for v in shape)
    k, s, p, out = _geometry(shape, kernel_size, stride, padding)
    expected = (shape[0], shape[1] * k[0] * k[1], out[0] * out[1])
    arr = check_finite(as_float_array(cols, "cols"), "cols")
    if arr.shape != expected:
        raise ValueError(
            f"cols must have shape {expected} (N, C*kH*kW, H_out*W_out) for x_shape {shape}, "
            f"kernel {k}, stride {s} and padding {p}; got shape {arr.shape}. Pass an array "
            "of the shape that im2col returns with the same arguments."
        )
    return _col2im(arr.transpose(1, 0, 2).reshape(expected[1], -1), shape, k, s, p, out)
