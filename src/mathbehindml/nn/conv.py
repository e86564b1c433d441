r"""Two-dimensional convolution (cross-correlation) of NCHW batches: the functional core.

Deep-learning libraries call *convolution* what mathematicians call
cross-correlation: the kernel is not flipped. For images ``x`` of shape
``(N, C, H, W)``, weights ``w`` of shape ``(C_out, C, kH, kW)``, stride
:math:`(s_h, s_w)` and zero padding :math:`(p_h, p_w)`,

.. math::

    y_{n,o,a,b} = b_o + \sum_{c=0}^{C-1} \sum_{i=0}^{k_h-1} \sum_{j=0}^{k_w-1}
        w_{o,c,i,j}\, \tilde x_{n,c,\,a s_h + i,\, b s_w + j},

where :math:`\tilde x` is ``x`` padded with zeros. :func:`conv2d_naive` computes
this sum with loops (the definition, the tests' oracle); :func:`conv2d` computes
it as one matrix product, of the weight matrix with the patch matrices of
:func:`~mathbehindml.nn.im2col.im2col` placed side by side;
:func:`conv2d_backward` returns the three gradients. The pooling functions
:func:`~mathbehindml.nn.pool.max_pool2d` and :func:`~mathbehindml.nn.pool.avg_pool2d`
(with their backward passes) and the patch functions
:func:`~mathbehindml.nn.im2col.im2col` and :func:`~mathbehindml.nn.im2col.col2im` live
in :mod:`mathbehindml.nn.pool` and :mod:`mathbehindml.nn.im2col` and are re-exported
here.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from mathbehindml._validation import as_float_array, check_finite
from mathbehindml.nn._conv_checks import Array, check_array_shape, check_images
from mathbehindml.nn._scratch import Scratch, empty
from mathbehindml.nn.im2col import (
    Pair,
    _col2im,
    _geometry,
    _im2col,
    col2im,
    conv_output_size,
    im2col,
)
from mathbehindml.nn.pool import avg_pool2d, avg_pool2d_backward, max_pool2d, max_pool2d_backward

__all__ = [
    "avg_pool2d",
    "avg_pool2d_backward",
    "col2im",
    "conv2d",
    "conv2d_backward",
    "conv2d_naive",
    "conv_output_size",
    "im2col",
    "max_pool2d",
    "max_pool2d_backward",
]

Geometry = tuple[tuple[int, int], tuple[int, int], tuple[int, int], tuple[int, int]]


def _check_conv(x: ArrayLike, weight: ArrayLike, bias: ArrayLike | None, stride: Pair,
                padding: Pair) -> tuple[Array, Array, Array | None, Geometry]:
    """Validated ``x``, ``weight``, ``bias`` and geometry (kernel, stride, padding, output)."""
    x = check_images(x, "x")
    w = check_finite(as_float_array(weight, "weight"), "weight")
    if w.ndim != 4 or w.size == 0:
        raise ValueError(
            f"weight must be a non-empty 4-D array (out_channels, in_channels, kernel_height, "
            f"kernel_width); got shape {w.shape}. For one 3x3 filter on grey images use "
            "w.reshape(1, 1, 3, 3)."
        )
    if w.shape[1] != x.shape[1]:
        raise ValueError(
            f"weight expects {w.shape[1]} input channels (weight.shape[1]) but x has "
            f"{x.shape[1]} (x.shape[1]); got x of shape {x.shape} and weight of shape "
            f"{w.shape}. Images are NCHW: the channel axis comes second."
        )
    b = None if bias is None else check_array_shape(
        bias, "bias", (w.shape[0],), "Pass one bias per output channel (weight.shape[0]).")
    return x, w, b, _geometry(x.shape, w.shape[2:], stride, padding)


def conv2d(x: ArrayLike, weight: ArrayLike, bias: ArrayLike | None = None, *,
           stride: Pair = 1, padding: Pair = 0) -> Array:
    r"""Convolve (cross-correlate) a batch of images with a bank of filters, via im2col.

    The patches of each image are unfolded into the columns of a matrix, as
    :func:`~mathbehindml.nn.im2col.im2col` does; with the matrices of the whole
    batch side by side, every output pixel of every image and channel comes out
    of one product with the ``C_out × C·kH·kW`` weight matrix.

    Parameters
    ----------
    x : array-like of shape (N, C, H, W)
        A batch of images, NCHW.
    weight : array-like of shape (C_out, C, kH, kW)
        One ``C × kH × kW`` filter per output channel; rectangular kernels allowed.
    bias : array-like of shape (C_out,), optional
        Added to every pixel of each output channel.
    stride : int or (int, int), default 1
        The step between windows, vertically and horizontally.
    padding : int or (int, int), default 0
        The zeros added on each side, vertically and horizontally.

    Returns
    -------
    ndarray of shape (N, C_out, H_out, W_out)
        With :math:`H_\text{out} = \lfloor (H + 2p_h - k_h)/s_h \rfloor + 1` and
        likewise :math:`W_\text{out}`.

    Raises
    ------
    TypeError
        If an array is not numeric, or ``stride`` or ``padding`` is not an int or
        a pair of ints.
    ValueError
        If ``x`` or ``weight`` is not a finite, non-empty 4-D array, the channels
        differ, ``bias`` has the wrong shape, ``stride < 1``, ``padding < 0`` or
        the kernel is larger than the padded image.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.arange(16.0).reshape(1, 1, 4, 4)
    >>> edge = np.array([[[[1.0, -1.0]]]])  # horizontal difference, no flip
    >>> conv2d(x, edge)[0, 0]
    array([[-1., -1., -1.],
           [-1., -1., -1.],
           [-1., -1., -1.],
           [-1., -1., -1.]])
    >>> conv2d(x, np.ones((2, 1, 3, 3)), [0.0, 1.0], stride=2, padding=1).shape
    (1, 2, 2, 2)
    """
    x, w, b, (k, s, p, out) = _check_conv(x, weight, bias, stride, padding)
    return _conv2d_cols(_im2col(x, k, s, p, out), w, b, x.shape[0], out)


def _conv2d_cols(cols: Array, w: Array, b: Array | None, n: int,
                 out: tuple[int, int], work: Scratch | None = None) -> Array:
    """The forward pass from the patch matrix: one product, plus the bias."""
    c_out = w.shape[0]
    # the product, of shape (C_out, N H_out W_out)
    product = empty(work, "conv.product", (c_out, cols.shape[1]))
    np.matmul(w.reshape(c_out, -1), cols, out=product)
    # back to NCHW, adding the bias on the way
    y = np.empty((n, c_out, out[0], out[1]))
    by_channel = product.reshape(c_out, n, out[0], out[1])
    np.add(by_channel.transpose(1, 0, 2, 3),
           0.0 if b is None else b[:, None, None], out=y)
    return y


def _upstream_matrix(grad_out: Array, work: Scratch | None) -> Array:
    """The upstream gradient as the matrix G of shape ``(C_out, N·H_out·W_out)``."""
    n, c_out, h_out, w_out = grad_out.shape
    G = empty(work, "conv.upstream", (c_out, n, h_out, w_out))
    np.copyto(G, grad_out.transpose(1, 0, 2, 3))
    return G.reshape(c_out, -1)


def _conv2d_backward_cols(grad_out: Array, cols: Array, w: Array,
                          x_shape: tuple[int, ...], geometry: Geometry,
                          work: Scratch | None = None
                          ) -> tuple[Array, Array, Array]:
    """The gradients of x, w and b, from the patches cached by forward."""
    G = _upstream_matrix(grad_out, work)
    grad_w = (G @ cols.T).reshape(w.shape)
    grad_cols = empty(work, "conv.grad_cols", cols.shape)  # of the patches
    np.matmul(w.reshape(w.shape[0], -1).T, G, out=grad_cols)
    grad_x = _col2im(grad_cols, x_shape, *geometry, work=work)
    return grad_x, grad_w, G.sum(axis=1)


def _conv2d_param_grads(grad_out: Array, cols: Array, w: Array, work: Scratch | None = None
                        ) -> tuple[Array, Array]:
    """The weight and bias gradients of :func:`_conv2d_backward_cols` alone (no col2im)."""
    G = _upstream_matrix(grad_out, work)
    return (G @ cols.T).reshape(w.shape), G.sum(axis=1)


def conv2d_backward(grad_out: ArrayLike, x: ArrayLike, weight: ArrayLike, *,
                    stride: Pair = 1, padding: Pair = 0) -> tuple[Array, Array, Array]:
    r"""The gradients of a scalar loss through :func:`conv2d`.

    Given :math:`G = \partial \ell / \partial y` for :math:`y` = ``conv2d(x,
    weight, bias, stride=stride, padding=padding)``, with :math:`\mathbf{X}_n`
    the patch matrix of image :math:`n` and :math:`\mathbf{W}` the weight matrix,

    .. math::

        \frac{\partial \ell}{\partial \mathbf{W}} = \sum_n \mathbf{G}_n \mathbf{X}_n^\top,
        \qquad
        \frac{\partial \ell}{\partial x} = \operatorname{col2im}\bigl(\mathbf{W}^\top
        \mathbf{G}_n\bigr)_n,
        \qquad
        \frac{\partial \ell}{\partial b_o} = \sum_{n,a,b} G_{n,o,a,b}.

    With stride 1 the input gradient is the full convolution of :math:`G` with
    the flipped kernel, and the weight gradient the correlation of the padded
    input with :math:`G`.

    Parameters
    ----------
    grad_out : array-like of shape (N, C_out, H_out, W_out)
        The gradient of the loss with respect to the convolution's output.
    x : array-like of shape (N, C, H, W)
        The input of the forward pass.
    weight : array-like of shape (C_out, C, kH, kW)
        The filters of the forward pass.
    stride, padding : int or (int, int)
        As in :func:`conv2d`.

    Returns
    -------
    grad_x : ndarray of shape (N, C, H, W)
    grad_weight : ndarray of shape (C_out, C, kH, kW)
    grad_bias : ndarray of shape (C_out,)
        Sums over the batch, not means.

    Raises
    ------
    TypeError, ValueError
        As :func:`conv2d`, and if ``grad_out`` does not have the output's shape.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.arange(9.0).reshape(1, 1, 3, 3)
    >>> gx, gw, gb = conv2d_backward(np.ones((1, 1, 2, 2)), x, np.ones((1, 1, 2, 2)))
    >>> gx[0, 0]  # each pixel counted once per window that covers it
    array([[1., 2., 1.],
           [2., 4., 2.],
           [1., 2., 1.]])
    >>> gw[0, 0], gb  # sums of x over the windows, and the number of output pixels
    (array([[ 8., 12.],
           [20., 24.]]), array([4.]))
    """
    x, w, _, geometry = _check_conv(x, weight, None, stride, padding)
    out = geometry[3]
    g = check_array_shape(grad_out, "grad_out", (x.shape[0], w.shape[0], *out),
                          "Pass the gradient with respect to conv2d's output.")
    cols = _im2col(x, *geometry)
    return _conv2d_backward_cols(g, cols, w, x.shape, geometry)


def conv2d_naive(x: ArrayLike, weight: ArrayLike, bias: ArrayLike | None = None, *,
                 stride: Pair = 1, padding: Pair = 0) -> Array:
    r"""The definition of :func:`conv2d`, with loops: slow, and the oracle of the tests.

    Every output pixel is computed separately as the sum, over the channels
    and the window, of the products of the filter with the padded input.

    Parameters
    ----------
    x : array-like of shape (N, C, H, W)
        A batch of images, NCHW.
    weight : array-like of shape (C_out, C, kH, kW)
        The filters.
    bias : array-like of shape (C_out,), optional
        One offset per output channel.
    stride, padding : int or (int, int)
        As in :func:`conv2d`.

    Returns
    -------
    ndarray of shape (N, C_out, H_out, W_out)

    Raises
    ------
    TypeError, ValueError
        Exactly as :func:`conv2d`.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> x, w = rng.standard_normal((2, 3, 6, 5)), rng.standard_normal((4, 3, 3, 2))
    >>> bool(np.allclose(conv2d_naive(x, w, stride=(2, 1), padding=1),
    ...                  conv2d(x, w, stride=(2, 1), padding=1)))
    True
    """
    x, w, b, (k, s, p, out) = _check_conv(x, weight, bias, stride, padding)
    n_samples, c_in, h, wd = x.shape
    xp = np.zeros((n_samples, c_in, h + 2 * p[0], wd + 2 * p[1]))
    xp[:, :, p[0] : p[0] + h, p[1] : p[1] + wd] = x
    y = np.zeros((n_samples, w.shape[0], out[0], out[1]))
    for n in range(n_samples):
        for o in range(w.shape[0]):
            for a in range(out[0]):
                for c in range(out[1]):
                    top, left = a * s[0], c * s[1]
                    total = 0.0 if b is None else float(b[o])
                    for ch in range(c_in):
                        for i in range(k[0]):
                            for j in range(k[1]):
                                total += w[o, ch, i, j] * xp[n, ch, top + i, left + j]
                    y[n, o, a, c] = total
    return y
