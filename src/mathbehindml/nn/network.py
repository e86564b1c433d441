r"""Networks and the classification loss.

:class:`Sequential` chains layers: its forward pass runs them in order, its
backward pass in reverse order (the chain rule), and it exposes every layer's
parameters and gradients in two flat dicts, so one optimizer step updates the
whole network. :class:`SoftmaxCrossEntropy` turns logits and integer labels
into the mean cross-entropy and returns its gradient :math:`(\mathbf{P} -
\mathbf{Y})/n`. Training is in :mod:`mathbehindml.nn.training`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from mathbehindml._validation import (
    check_2d,
    check_bool,
    check_class_indices,
    check_consistent_length,
)
from mathbehindml.nn.base import Array, check_protocol

__all__ = ["Sequential", "SoftmaxCrossEntropy"]


def _in_layer(err: Exception, i: int, layer: Any) -> Exception:
    """``err`` with the position of the failing layer prepended, for plain errors."""
    if type(err) in (ValueError, TypeError):
        return type(err)(f"in layer {i} ({layer!r}) of the Sequential: {err}")
    return err


class Sequential:
    """A stack of layers applied one after the other; itself a layer.

    ``forward`` applies the layers in order, ``backward`` in reverse order,
    each layer receiving the gradient returned by the one after it. Parameters
    and gradients are exposed in flat dicts keyed ``"<layer index>.<name>"``
    (``"0.W"``, ``"0.b"``, ``"2.W"``, ...); the arrays are the layers' own, so
    an optimizer's in-place ``step(model.params, model.grads)`` trains them.

    Parameters
    ----------
    *layers : layer
        At least one object following the layer protocol of
        :mod:`mathbehindml.nn.layers` (a :class:`Sequential` too).

    Attributes
    ----------
    layers : tuple
        The layers, in order.

    Raises
    ------
    TypeError
        If an argument does not follow the layer protocol (for example a
        class such as ``ReLU`` instead of the instance ``ReLU()``).
    ValueError
        If no layer is given.

    Examples
    --------
    >>> import numpy as np
    >>> from mathbehindml.nn import Dense, ReLU
    >>> model = Sequential(Dense(4, 3, random_state=0), ReLU(), Dense(3, 2, random_state=1))
    >>> model
    Sequential(Dense(4, 3), ReLU(), Dense(3, 2))
    >>> model.forward(np.ones((5, 4))).shape
    (5, 2)
    >>> model.backward(np.ones((5, 2))).shape
    (5, 4)
    >>> {key: p.shape for key, p in model.params.items()}
    {'0.W': (4, 3), '0.b': (3,), '2.W': (3, 2), '2.b': (2,)}
    """

    def __init__(self, *layers: Any) -> None:
        if not layers:
            raise ValueError(
                "Sequential needs at least one layer; got none. Pass the layers as "
                "arguments: Sequential(Dense(64, 32), ReLU(), Dense(32, 10))."
            )
        if len(layers) == 1 and isinstance(layers[0], list | tuple):
            raise TypeError(
                "Sequential takes the layers as separate arguments, not one list; "
                "unpack it: Sequential(*layers)."
            )
        self.layers = tuple(check_protocol(layer, f"layers[{i}]") for i, layer in enumerate(layers))

    def forward(self, x: ArrayLike, *, training: bool = True) -> Array:
        """Apply every layer in order.

        Parameters
        ----------
        x : array-like
            The input batch of the first layer.
        training : bool, default True
            Passed to every layer; ``False`` for inference (no cache kept).

        Returns
        -------
        ndarray
            The output of the last layer.

        Raises
        ------
        ValueError, TypeError
            If a layer rejects its input; the message names the layer.

        Examples
        --------
        >>> import numpy as np
        >>> from mathbehindml.nn import Dense, Tanh
        >>> model = Sequential(Dense(2, 2, random_state=0), Tanh())
        >>> bool(np.all(np.abs(model.forward(np.ones((3, 2)))) < 1))
        True
        """
        training = check_bool(training, "training")
        out = x
        for i, layer in enumerate(self.layers):
            try:
                out = layer.forward(out, training=training)
            except (ValueError, TypeError) as err:
                raise _in_layer(err, i, layer) from err
        return np.asarray(out)

    def backward(self, grad_out: ArrayLike) -> Array:
        """Back-propagate through the layers in reverse order.

        Parameters
        ----------
        grad_out : array-like of the shape of the last output
            The gradient of the loss with respect to the network's output;
            never modified.

        Returns
        -------
        ndarray of the shape of the input
            The gradient with respect to the network's input; every layer's
            ``grads`` (and so :attr:`grads`) is filled on the way.

        Raises
        ------
        ValueError, TypeError
            If a layer rejects its gradient, e.g. when ``backward`` is called
            before ``forward``; the message names the layer.

        Examples
        --------
        >>> import numpy as np
        >>> from mathbehindml.nn import Dense
        >>> model = Sequential(Dense(3, 1, random_state=0))
        >>> x = np.array([[1.0, 2.0, 3.0]])
        >>> _ = model.forward(x)
        >>> bool(np.allclose(model.backward(np.ones((1, 1))), model.params["0.W"].T))
        True
        """
        grad = grad_out
        for i in range(len(self.layers) - 1, -1, -1):
            layer = self.layers[i]
            try:
                grad = layer.backward(grad)
            except (ValueError, TypeError) as err:
                raise _in_layer(err, i, layer) from err
        return np.asarray(grad)

    def _forward_unchecked(self, x: Array) -> Array:
        """:meth:`forward` in training mode without the layers' input checks (for ``train``)."""
        for layer in self.layers:
            fast = getattr(layer, "_forward_unchecked", None)
            x = fast(x) if fast is not None else np.asarray(layer.forward(x, training=True))
        return x

    def _backward_unchecked(self, grad_out: Array) -> Array:
        """:meth:`backward` without the layers' checks of ``grad_out`` (for ``train``)."""
        grad = grad_out
        for i in range(len(self.layers) - 1, -1, -1):
            layer = self.layers[i]
            fast = getattr(layer, "_backward_unchecked", None)
            grad = fast(grad) if fast is not None else np.asarray(layer.backward(grad))
        return grad

    def _backward_params_unchecked(self, grad_out: Array) -> None:
        """Fill every layer's ``grads``, skipping work whose result nobody reads (for ``train``).

        The same gradients as :meth:`_backward_unchecked`, but the first layer
        with parameters computes only their gradients (not its input gradient),
        and the parameter-free layers before it (``Reshape``, ...) are not run
        backwards at all.
        """
        first = next((i for i, layer in enumerate(self.layers) if layer.params), None)
        if first is None:
            return
        grad = grad_out
        for i in range(len(self.layers) - 1, first, -1):
            layer = self.layers[i]
            fast = getattr(layer, "_backward_unchecked", None)
            grad = fast(grad) if fast is not None else np.asarray(layer.backward(grad))
        layer = self.layers[first]
        fast = getattr(layer, "_backward_params_unchecked", None)
        if fast is not None:
            fast(grad)
        else:
            layer.backward(grad)

    @property
    def params(self) -> dict[str, Array]:
        """Every layer's parameters, keyed ``"<layer index>.<name>"`` (the layers' own arrays).

        Examples
        --------
        >>> from mathbehindml.nn import Dense, ReLU
        >>> model = Sequential(Dense(2, 3), ReLU(), Dense(3, 1))
        >>> list(model.params), sum(p.size for p in model.params.values())
        (['0.W', '0.b', '2.W', '2.b'], 13)
        """
        return {f"{i}.{key}": p for i, layer in enumerate(self.layers)
                for key, p in layer.params.items()}

    @property
    def grads(self) -> dict[str, Array]:
        """Every layer's gradients, with the keys of :attr:`params`.

        Examples
        --------
        >>> import numpy as np
        >>> from mathbehindml.nn import Dense
        >>> model = Sequential(Dense(2, 1, random_state=0))
        >>> _ = model.forward(np.array([[1.0, 2.0]]))
        >>> _ = model.backward(np.array([[1.0]]))
        >>> model.grads["0.W"].ravel(), model.grads["0.b"]
        (array([1., 2.]), array([1.]))
        """
        return {f"{i}.{key}": g for i, layer in enumerate(self.layers)
                for key, g in layer.grads.items()}

    def __len__(self) -> int:
        return len(self.layers)

    def __getitem__(self, index: int) -> Any:
        return self.layers[index]

    def __iter__(self) -> Iterator[Any]:
        return iter(self.layers)

    def __call__(self, x: ArrayLike, *, training: bool = True) -> Array:
        return self.forward(x, training=training)

    def __repr__(self) -> str:
        return f"Sequential({', '.join(map(repr, self.layers))})"


class SoftmaxCrossEntropy:
    r"""Softmax, then the mean cross-entropy; its gradient is :math:`(\mathbf{P - Y})/n`.

    For logits :math:`\mathbf{Z} \in \mathbb{R}^{n \times K}` and labels
    :math:`y_i \in \{0, \dots, K - 1\}`, ``forward`` returns

    .. math:: \ell = -\frac1n \sum_{i=1}^n \log p_{i, y_i}, \qquad
              \mathbf{P} = \operatorname{softmax}(\mathbf{Z}) \text{ row by row},

    computed stably from the shifted logits :math:`\mathbf{Z} - \max` (as
    :func:`~mathbehindml.functions.log_softmax` does), and
    ``backward`` returns :math:`\partial \ell / \partial \mathbf{Z} = (\mathbf{P}
    - \mathbf{Y})/n`, where :math:`\mathbf{Y}` holds the one-hot rows of the
    labels. This is the only place where the batch size divides a gradient.

    Examples
    --------
    >>> import numpy as np
    >>> loss = SoftmaxCrossEntropy()
    >>> logits = np.array([[0.0, 0.0], [np.log(3.0), 0.0]])
    >>> round(loss.forward(logits, [0, 0]), 6)  # (log 2 + log(4/3)) / 2
    0.490415
    >>> loss.backward()  # P = [[1/2, 1/2], [3/4, 1/4]], minus Y, over n = 2
    array([[-0.25 ,  0.25 ],
           [-0.125,  0.125]])
    """

    def __init__(self) -> None:
        self._probs: Array | None = None
        self._labels: NDArray[np.intp] | None = None

    def forward(self, logits: ArrayLike, y: ArrayLike) -> float:
        r"""The mean cross-entropy of the softmax of ``logits`` against the labels ``y``.

        Parameters
        ----------
        logits : array-like of shape (n_samples, n_classes)
            Finite scores, one row per sample.
        y : array-like of shape (n_samples,)
            The class of each sample, an integer in ``0..n_classes-1``. For
            one-hot rows ``Y``, pass ``Y.argmax(axis=1)``.

        Returns
        -------
        float
            The loss in nats, :math:`\ge 0`.

        Raises
        ------
        TypeError
            If an input is not numeric.
        ValueError
            If ``logits`` is not a finite 2-D array, the numbers of samples
            differ or a label is not a class index in range.

        Examples
        --------
        >>> import numpy as np
        >>> loss = SoftmaxCrossEntropy()
        >>> bool(np.isclose(loss.forward(np.zeros((4, 10)), [0, 1, 2, 3]), np.log(10)))
        True
        """
        Z = check_2d(logits, "logits")
        labels = check_class_indices(y, "y", n_classes=Z.shape[1])
        check_consistent_length(logits=Z, y=labels)
        return self._forward_unchecked(Z, labels)

    def _forward_unchecked(self, Z: Array, labels: NDArray[np.intp]) -> float:
        """:meth:`forward` for finite 2-D logits and valid labels, unchecked (for ``train``)."""
        # log_softmax, as in mathbehindml.functions; the reductions Z.max, .sum and np.mean are
        # called as the ufunc reductions they wrap (the same arithmetic, less Python per batch)
        shifted = Z - np.maximum.reduce(Z, axis=1, keepdims=True)
        log_p = shifted - np.log(np.add.reduce(np.exp(shifted), axis=1, keepdims=True))
        self._probs, self._labels = np.exp(log_p), labels
        return float(-(np.add.reduce(log_p[np.arange(Z.shape[0]), labels]) / Z.shape[0]))

    def backward(self) -> Array:
        r"""The gradient :math:`(\mathbf{P - Y})/n` of the last loss with respect to the logits.

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
            A new array each call; its rows sum to zero.

        Raises
        ------
        ValueError
            If :meth:`forward` has not been called.

        Examples
        --------
        >>> import numpy as np
        >>> loss = SoftmaxCrossEntropy()
        >>> _ = loss.forward(np.zeros((2, 3)), [0, 2])
        >>> loss.backward() * 6  # (1/3 - Y) / 2, times 6
        array([[-2.,  1.,  1.],
               [ 1.,  1., -2.]])
        """
        if self._probs is None or self._labels is None:
            raise ValueError(
                "SoftmaxCrossEntropy.backward was called before forward; call "
                "forward(logits, y) first: the gradient depends on both."
            )
        n = self._probs.shape[0]
        grad = self._probs.copy()
        grad[np.arange(n), self._labels] -= 1.0
        grad /= n
        return grad

    def __call__(self, logits: ArrayLike, y: ArrayLike) -> float:
        return self.forward(logits, y)

    def __repr__(self) -> str:
        return "SoftmaxCrossEntropy()"
