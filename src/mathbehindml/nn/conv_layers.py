r"""The layers of a convolutional network: :class:`Conv2D`, :class:`MaxPool2D`, :class:`AvgPool2D`.

They follow the layer protocol of ``mathbehindml.nn.base`` and call the functional
core of :mod:`mathbehindml.nn.conv` and :mod:`mathbehindml.nn.pool`; ``forward``
caches what ``backward`` needs (the patch matrices of the input; the input and
the maxima of each pooling window). :class:`Reshape` turns the rows of a design matrix back into
images, so that ``mathbehindml.nn.train``, which takes
``X`` of shape ``(n_samples, n_features)``, can train a convolutional network.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from mathbehindml._validation import check_positive_int, check_random_state
from mathbehindml.nn._conv_checks import Array, check_images, check_pair, check_window_fits
from mathbehindml.nn._scratch import Scratch
from mathbehindml.nn.base import Layer
from mathbehindml.nn.conv import _conv2d_backward_cols, _conv2d_cols, _conv2d_param_grads
from mathbehindml.nn.im2col import _geometry, _im2col
from mathbehindml.nn.pool import (
    _avg_pool,
    _avg_pool_backward,
    _pool_geometry,
    _route_to_first_max,
    _running_max,
)

__all__ = ["AvgPool2D", "Conv2D", "MaxPool2D", "Reshape"]


class Conv2D(Layer):
    r"""Convolutional layer: :func:`~mathbehindml.nn.conv.conv2d` with trainable filters.

    Maps a batch of shape ``(N, in_channels, H, W)`` to ``(N, out_channels,
    H_out, W_out)`` with :math:`H_\text{out} = \lfloor (H + 2p_h - k_h)/s_h
    \rfloor + 1` (likewise :math:`W_\text{out}`). The forward pass keeps the
    patch matrices of :func:`~mathbehindml.nn.im2col.im2col`, so the backward pass
    costs two matrix products and one :func:`~mathbehindml.nn.im2col.col2im`.

    The layer also keeps its temporaries from call to call (the padded input, the
    patch matrix, the product and the gradient of the patch matrix: about three
    times the patch matrix's memory), because on small batches allocating them
    anew costs more than the arithmetic. Outputs and gradients are always new
    arrays.

    Parameters
    ----------
    in_channels : int
        The number :math:`C \ge 1` of input channels.
    out_channels : int
        The number :math:`C_\text{out} \ge 1` of filters.
    kernel_size : int or (int, int)
        The filters' height and width.
    stride : int or (int, int), default 1
        The step between windows.
    padding : int or (int, int), default 0
        The zeros added on each side of the input.
    random_state : None, int or numpy.random.Generator, default None
        The source of the initial weights: centred normal with standard deviation
        :math:`\sqrt{2 / (C k_h k_w)}` (He initialisation; the fan-in of one output
        pixel is :math:`C k_h k_w`). The bias starts at zero.

    Attributes
    ----------
    params : dict
        ``{"W": array of shape (out_channels, in_channels, kH, kW), "b": array
        of shape (out_channels,)}``.
    grads : dict
        The gradients of the same keys, filled by ``backward`` (sums over the
        batch).

    Raises
    ------
    TypeError
        If a size is not an int (or a pair of ints), or ``random_state`` has the
        wrong type.
    ValueError
        If a channel count, kernel size or stride is smaller than 1 or a padding
        is negative.

    Examples
    --------
    >>> import numpy as np
    >>> layer = Conv2D(1, 2, 3, padding=1, random_state=0)
    >>> layer
    Conv2D(1, 2, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))
    >>> layer.params["W"].shape, layer.params["b"].shape
    ((2, 1, 3, 3), (2,))
    >>> y = layer.forward(np.ones((5, 1, 8, 8)))
    >>> y.shape, layer.backward(np.ones_like(y)).shape, layer.grads["W"].shape
    ((5, 2, 8, 8), (5, 1, 8, 8), (2, 1, 3, 3))
    """

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int | tuple[int, int],
                 *, stride: int | tuple[int, int] = 1, padding: int | tuple[int, int] = 0,
                 random_state: Any = None) -> None:
        super().__init__()
        self.in_channels = check_positive_int(in_channels, "in_channels")
        self.out_channels = check_positive_int(out_channels, "out_channels")
        self.kernel_size = check_pair(kernel_size, "kernel_size", min_value=1)
        self.stride = check_pair(stride, "stride", min_value=1)
        self.padding = check_pair(padding, "padding", min_value=0)
        fan_in = self.in_channels * self.kernel_size[0] * self.kernel_size[1]
        rng = check_random_state(random_state)
        shape = (self.out_channels, self.in_channels, *self.kernel_size)
        self.params = {"W": math.sqrt(2.0 / fan_in) * rng.standard_normal(shape),
                       "b": np.zeros(self.out_channels)}
        self.grads = {key: np.zeros_like(p) for key, p in self.params.items()}
        self._work = Scratch()  # the temporaries of forward and backward, reused

    def _check_input(self, x: ArrayLike) -> Array:
        x = check_images(x, "x")
        if x.shape[1] != self.in_channels:
            raise ValueError(
                f"x has {x.shape[1]} channels (x.shape[1]), but {self!r} expects "
                f"{self.in_channels}; got shape {x.shape}. Images are NCHW: pass "
                f"(n_samples, {self.in_channels}, height, width), or check the previous layer."
            )
        check_window_fits(x.shape[2:], self.kernel_size, self.padding)
        return x

    def _forward(self, x: Array) -> tuple[Array, Any]:
        geometry = _geometry(x.shape, self.kernel_size, self.stride,
                             self.padding)
        cols = _im2col(x, *geometry, work=self._work)
        out = _conv2d_cols(cols, self.params["W"], self.params["b"],
                           x.shape[0], geometry[3], work=self._work)
        return out, (cols, x.shape, geometry)

    def _backward(self, grad_out: Array, cache: Any) -> Array:
        cols, shape, geometry = cache
        grad_x, grad_w, grad_b = _conv2d_backward_cols(grad_out, cols, self.params["W"],
                                                       shape, geometry, work=self._work)
        self.grads = {"W": grad_w, "b": grad_b}
        return grad_x

    def _backward_params_unchecked(self, grad_out: Array) -> None:
        """The weight and bias gradients of :meth:`_backward`, without the input gradient."""
        grad_w, grad_b = _conv2d_param_grads(grad_out, self._cache[0], self.params["W"],
                                             work=self._work)
        self.grads = {"W": grad_w, "b": grad_b}

    def __repr__(self) -> str:
        return (f"Conv2D({self.in_channels}, {self.out_channels}, kernel_size="
                f"{self.kernel_size}, stride={self.stride}, padding={self.padding})")


class _Pool2D(Layer):
    """Shared constructor, input check and geometry of the pooling layers.

    Subclasses implement ``_pool(x, geometry) -> (out, cache)`` and
    ``_unpool(grad_out, cache, x_shape, geometry) -> grad_x``.
    """

    def __init__(self, kernel_size: int | tuple[int, int],
                 stride: int | tuple[int, int] | None = None) -> None:
        super().__init__()
        self.kernel_size = check_pair(kernel_size, "kernel_size", min_value=1)
        self.stride = self.kernel_size if stride is None else check_pair(
            stride, "stride", min_value=1)

    def _check_input(self, x: ArrayLike) -> Array:
        x = check_images(x, "x")
        check_window_fits(x.shape[2:], self.kernel_size, (0, 0), what="pooling window")
        return x

    def _forward(self, x: Array) -> tuple[Array, Any]:
        geometry = _pool_geometry(x.shape, self.kernel_size, self.stride)
        out, cache = self._pool(x, geometry)
        return out, (cache, x.shape, geometry)

    def _backward(self, grad_out: Array, cache: Any) -> Array:
        inner, shape, geometry = cache
        return self._unpool(grad_out, inner, shape, geometry)

    def _pool(self, x: Array, geometry: Any) -> tuple[Array, Any]:
        raise NotImplementedError

    def _unpool(self, grad_out: Array, cache: Any, shape: tuple[int, ...], geometry: Any
                ) -> Array:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.kernel_size}, stride={self.stride})"


class MaxPool2D(_Pool2D):
    r"""Max pooling: the largest value of each window, channel by channel.

    ``backward`` sends each output's gradient to the position of its window's
    maximum (the first one in row-major order on ties) and zero elsewhere; see
    :func:`~mathbehindml.nn.pool.max_pool2d_backward`. The layer computes the
    same numbers as :func:`~mathbehindml.nn.pool.max_pool2d` and its backward
    pass, in a faster order: ``forward`` keeps only the maxima (a running
    ``np.maximum`` over the window offsets, caching the input), and ``backward``
    finds the first maximum of each window by comparing the input with them.

    Parameters
    ----------
    kernel_size : int or (int, int)
        The window's height and width.
    stride : int or (int, int), optional
        The step between windows; by default ``kernel_size``.

    Raises
    ------
    TypeError
        If a size is not an int or a pair of ints.
    ValueError
        If a size is smaller than 1.

    Examples
    --------
    >>> import numpy as np
    >>> layer = MaxPool2D(2)
    >>> x = np.array([[[[1.0, 2.0], [4.0, 4.0]]]])
    >>> layer.forward(x)
    array([[[[4.]]]])
    >>> layer.backward(np.array([[[[1.0]]]]))  # the first of the two maxima
    array([[[[0., 0.],
             [1., 0.]]]])
    """

    def _pool(self, x: Array, geometry: Any) -> tuple[Array, Any]:
        best = _running_max(x, geometry)  # the maxima; their positions are found in backward
        return best, (x, best)

    def _unpool(self, grad_out: Array, cache: Any, shape: tuple[int, ...], geometry: Any
                ) -> Array:
        x, best = cache
        return _route_to_first_max(grad_out, x, best, geometry)


class AvgPool2D(_Pool2D):
    r"""Average pooling: the mean of each window, channel by channel.

    ``backward`` spreads each output's gradient evenly, :math:`1/(k_h k_w)` to
    every pixel of its window; see :func:`~mathbehindml.nn.pool.avg_pool2d_backward`.

    Parameters
    ----------
    kernel_size : int or (int, int)
        The window's height and width.
    stride : int or (int, int), optional
        The step between windows; by default ``kernel_size``.

    Raises
    ------
    TypeError
        If a size is not an int or a pair of ints.
    ValueError
        If a size is smaller than 1.

    Examples
    --------
    >>> import numpy as np
    >>> layer = AvgPool2D(2)
    >>> layer.forward(np.array([[[[1.0, 2.0], [3.0, 6.0]]]]))
    array([[[[3.]]]])
    >>> layer.backward(np.array([[[[4.0]]]]))
    array([[[[1., 1.],
             [1., 1.]]]])
    """

    def _pool(self, x: Array, geometry: Any) -> tuple[Array, Any]:
        return _avg_pool(x, geometry), None  # linear: the backward pass needs no cache

    def _unpool(self, grad_out: Array, cache: Any, shape: tuple[int, ...], geometry: Any
                ) -> Array:
        return _avg_pool_backward(grad_out, shape, geometry)


class Reshape(Layer):
    """Reshape each sample: ``(n, d)`` to ``(n, *shape)``, e.g. rows of pixels to images.

    The inverse of ``mathbehindml.nn.Flatten``. It lets a
    convolutional network take a design matrix of flattened images, the input
    that ``mathbehindml.nn.train`` expects.

    Parameters
    ----------
    shape : tuple of int
        The shape of one sample after the layer, e.g. ``(1, 8, 8)`` for one
        channel of 8×8 pixels.

    Raises
    ------
    TypeError
        If ``shape`` is not a tuple of ints.
    ValueError
        If ``shape`` is empty or has an entry smaller than 1; from
        ``forward``, if a sample does not have ``prod(shape)`` entries.

    Examples
    --------
    >>> import numpy as np
    >>> layer = Reshape((1, 2, 2))
    >>> layer.forward(np.arange(8.0).reshape(2, 4)).shape
    (2, 1, 2, 2)
    >>> layer.backward(np.ones((2, 1, 2, 2))).shape
    (2, 4)
    """

    def __init__(self, shape: tuple[int, ...]) -> None:
        super().__init__()
        ok = isinstance(shape, tuple | list) and len(shape) > 0 and all(
            isinstance(v, numbers.Integral) and not isinstance(v, bool) for v in shape)
        if not ok:
            raise TypeError(
                f"shape must be a non-empty tuple of ints, the shape of one sample; got "
                f"{type(shape).__name__} {shape!r}. For 8x8 grey images pass (1, 8, 8)."
            )
        if min(shape) < 1:
            raise ValueError(f"shape must have entries >= 1; got {tuple(shape)!r}.")
        self.shape = tuple(int(v) for v in shape)

    def _check_input(self, x: ArrayLike) -> Array:
        arr = super()._check_input(x)
        size = math.prod(self.shape)
        if arr.ndim < 1 or math.prod(arr.shape[1:]) != size:
            raise ValueError(
                f"each sample of x must have {size} entries to become {self.shape}; got x "
                f"of shape {arr.shape}. Pass a batch of shape (n_samples, {size})."
            )
        return arr

    def _forward(self, x: Array) -> tuple[Array, tuple[int, ...]]:
        return x.reshape(x.shape[0], *self.shape), x.shape

    def _backward(self, grad_out: Array, shape: tuple[int, ...]) -> Array:
        return grad_out.reshape(shape)

    def __repr__(self) -> str:
        return f"Reshape({self.shape})"
