r"""The layers: the affine map :class:`Dense`, the activations and :class:`Flatten`.

Each follows the protocol of :mod:`mathbehindml.nn.base`: ``forward`` caches
what ``backward`` needs, next to it ``_backward`` applies the local derivative
and fills ``grads``, and the layer's gradients are summed (not averaged) over
the batch.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from mathbehindml._validation import (
    check_2d,
    check_positive_int,
    check_random_state,
    check_scalar,
)
from mathbehindml.functions import sigmoid
from mathbehindml.nn.base import Array, Layer

__all__ = ["Dense", "Flatten", "ReLU", "Sigmoid", "Tanh"]

_INITS = ("he", "xavier", "glorot")


def _init_std(init: Any, fan_in: int, fan_out: int) -> float:
    """The standard deviation of the initial weights for ``init``."""
    if isinstance(init, str):
        if init == "he":
            return float(np.sqrt(2.0 / fan_in))
        if init in ("xavier", "glorot"):
            return float(np.sqrt(2.0 / (fan_in + fan_out)))
        raise ValueError(
            f"init must be one of {', '.join(map(repr, _INITS))} or a float (the standard "
            f"deviation of normal weights); got {init!r}. Use 'he' before ReLU and "
            "'xavier' before tanh or sigmoid."
        )
    if isinstance(init, numbers.Real) and not isinstance(init, bool):
        return float(check_scalar(init, "init", min_value=0))
    raise TypeError(
        f"init must be one of {', '.join(map(repr, _INITS))} or a float (the standard "
        f"deviation of normal weights); got {type(init).__name__} {init!r}."
    )


class Dense(Layer):
    r"""Fully connected (affine) layer: :math:`\mathbf{Z} = \mathbf{X W} + \mathbf{1 b}^\top`.

    Samples are rows, so a batch :math:`\mathbf{X} \in \mathbb{R}^{n \times d_\text{in}}`
    is mapped to :math:`\mathbf{Z} \in \mathbb{R}^{n \times d_\text{out}}` by the
    weights :math:`\mathbf{W} \in \mathbb{R}^{d_\text{in} \times d_\text{out}}`
    (``params["W"]``) and the bias :math:`\mathbf{b} \in \mathbb{R}^{d_\text{out}}`
    (``params["b"]``). Given :math:`\mathbf{G} = \partial \ell / \partial \mathbf{Z}`,
    the backward pass computes

    .. math::

        \frac{\partial \ell}{\partial \mathbf{W}} = \mathbf{X}^\top \mathbf{G}, \qquad
        \frac{\partial \ell}{\partial \mathbf{b}} = \mathbf{G}^\top \mathbf{1}, \qquad
        \frac{\partial \ell}{\partial \mathbf{X}} = \mathbf{G} \mathbf{W}^\top .

    Parameters
    ----------
    in_features : int
        The number of input features :math:`d_\text{in} \ge 1`.
    out_features : int
        The number of outputs :math:`d_\text{out} \ge 1`.
    init : {'he', 'xavier', 'glorot'} or float, default 'he'
        The initial weights are drawn from a centred normal distribution with
        standard deviation :math:`\sqrt{2 / d_\text{in}}` (``'he'``, for ReLU
        networks), :math:`\sqrt{2 / (d_\text{in} + d_\text{out})}`
        (``'xavier'`` or its synonym ``'glorot'``, for tanh and sigmoid), or the
        given float :math:`\ge 0` (``0.0`` gives all-zero weights). The bias
        starts at zero.
    random_state : None, int or numpy.random.Generator, default None
        The source of the initial weights; an int makes them reproducible.

    Attributes
    ----------
    params : dict
        ``{"W": array of shape (in_features, out_features), "b": array of shape
        (out_features,)}``.
    grads : dict
        The gradients of the same keys, filled by ``backward``.

    Raises
    ------
    TypeError
        If a size is not an integer, ``init`` is neither a string nor a
        number, or ``random_state`` has the wrong type.
    ValueError
        If a size is smaller than 1, ``init`` is an unknown name or a negative
        standard deviation.

    Examples
    --------
    >>> import numpy as np
    >>> layer = Dense(3, 2, random_state=0)
    >>> layer.params["W"].shape, layer.params["b"].shape
    ((3, 2), (2,))
    >>> layer.params["W"][...] = [[1, 0], [0, 1], [1, 1]]
    >>> layer.params["b"][...] = [0.5, -0.5]
    >>> layer.forward(np.array([[1.0, 2.0, 3.0]]))
    array([[4.5, 4.5]])
    >>> layer.backward(np.array([[1.0, -1.0]]))  # G W^T
    array([[ 1., -1.,  0.]])
    >>> layer.grads["W"], layer.grads["b"]  # X^T G and the column sums of G
    (array([[ 1., -1.],
           [ 2., -2.],
           [ 3., -3.]]), array([ 1., -1.]))
    """

    def __init__(self, in_features: int, out_features: int, *, init: str | float = "he",
                 random_state: Any = None) -> None:
        super().__init__()
        self.in_features = check_positive_int(in_features, "in_features")
        self.out_features = check_positive_int(out_features, "out_features")
        self.init = init
        std = _init_std(init, self.in_features, self.out_features)
        rng = check_random_state(random_state)
        self.params = {
            "W": std * rng.standard_normal((self.in_features, self.out_features)),
            "b": np.zeros(self.out_features),
        }
        self.grads = {key: np.zeros_like(p) for key, p in self.params.items()}

    def _check_input(self, x: ArrayLike) -> Array:
        X = check_2d(x, "x")
        if X.shape[1] != self.in_features:
            raise ValueError(
                f"x has {X.shape[1]} features (columns), but {self!r} expects "
                f"{self.in_features}; got shape {X.shape}. Pass a batch of shape "
                f"(n_samples, {self.in_features}), or check the width of the previous layer."
            )
        return X

    def _forward(self, x: Array) -> tuple[Array, Array]:
        return x @ self.params["W"] + self.params["b"], x

    def _backward(self, grad_out: Array, x: Array) -> Array:
        self.grads = {"W": x.T @ grad_out, "b": grad_out.sum(axis=0)}
        return grad_out @ self.params["W"].T

    def _backward_params_unchecked(self, grad_out: Array) -> None:
        """The parameter gradients of :meth:`_backward` alone, without ``G W^T`` (for ``train``)."""
        x = self._cache
        self.grads = {"W": x.T @ grad_out, "b": grad_out.sum(axis=0)}

    def __repr__(self) -> str:
        return f"Dense({self.in_features}, {self.out_features})"


class ReLU(Layer):
    r"""Rectified linear unit :math:`\max(x, 0)`, entry by entry, for inputs of any shape.

    Its derivative is :math:`\mathbb{1}[x > 0]`; at the kink :math:`x = 0` the
    layer uses :math:`0` (a subgradient), so ``backward`` returns
    ``grad_out * (x > 0)``.

    Examples
    --------
    >>> import numpy as np
    >>> layer = ReLU()
    >>> layer.forward(np.array([[-2.0, 0.0, 3.0]]))
    array([[0., 0., 3.]])
    >>> layer.backward(np.ones((1, 3)))
    array([[0., 0., 1.]])
    """

    def _forward(self, x: Array) -> tuple[Array, Array]:
        # mathbehindml.functions.relu(x) without its input check: forward has checked x
        return np.maximum(x, 0.0), x > 0

    def _backward(self, grad_out: Array, positive: NDArray[np.bool_]) -> Array:
        return grad_out * positive


class Sigmoid(Layer):
    r"""Logistic sigmoid :math:`\sigma(x) = 1/(1 + e^{-x})`, entry by entry.

    Its derivative is :math:`\sigma'(x) = \sigma(x)\,(1 - \sigma(x)) \le 1/4`,
    computed from the cached output. The forward pass is the overflow-free
    :func:`mathbehindml.functions.sigmoid`.

    Examples
    --------
    >>> import numpy as np
    >>> layer = Sigmoid()
    >>> layer.forward(np.array([[0.0]]))
    array([[0.5]])
    >>> layer.backward(np.array([[1.0]]))  # sigma'(0) = 1/4
    array([[0.25]])
    """

    def _forward(self, x: Array) -> tuple[Array, Array]:
        s = np.asarray(sigmoid(x))
        return s, s

    def _backward(self, grad_out: Array, s: Array) -> Array:
        return grad_out * s * (1.0 - s)


class Tanh(Layer):
    r"""Hyperbolic tangent, entry by entry, with derivative :math:`1 - \tanh^2(x)`.

    Examples
    --------
    >>> import numpy as np
    >>> layer = Tanh()
    >>> layer.forward(np.array([[0.0, 100.0]]))
    array([[0., 1.]])
    >>> layer.backward(np.array([[2.0, 2.0]]))  # tanh'(0) = 1, tanh'(100) = 0
    array([[2., 0.]])
    """

    def _forward(self, x: Array) -> tuple[Array, Array]:
        t = np.tanh(x)
        return t, t

    def _backward(self, grad_out: Array, t: Array) -> Array:
        return grad_out * (1.0 - t * t)


class Flatten(Layer):
    """Reshape a batch of shape ``(n, d1, d2, ...)`` to ``(n, d1 * d2 * ...)``.

    The bridge from images (NCHW) to :class:`Dense` layers: it changes the view
    of the data, not its values, so ``backward`` reshapes the gradient back.

    Examples
    --------
    >>> import numpy as np
    >>> layer = Flatten()
    >>> layer.forward(np.zeros((2, 1, 8, 8))).shape
    (2, 64)
    >>> layer.backward(np.ones((2, 64))).shape
    (2, 1, 8, 8)
    """

    def _check_input(self, x: ArrayLike) -> Array:
        arr = super()._check_input(x)
        if arr.ndim < 2:
            raise ValueError(
                f"x must have a batch dimension and at least one more, e.g. (n, C, H, W); "
                f"got shape {arr.shape}. Use x.reshape(-1, 1) for one feature per sample."
            )
        return arr

    def _forward(self, x: Array) -> tuple[Array, tuple[int, ...]]:
        return x.reshape(x.shape[0], -1), x.shape

    def _backward(self, grad_out: Array, shape: tuple[int, ...]) -> Array:
        return grad_out.reshape(shape)
