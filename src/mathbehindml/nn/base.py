r"""The layer protocol and the base class :class:`Layer` that implements its checks.

Every layer follows one protocol, which :class:`~mathbehindml.nn.network.Sequential`,
:func:`~mathbehindml.nn.training.train`,
the optimizers of ``mathbehindml.optim`` and ``mathbehindml.gradcheck.check_layer``
rely on:

* ``forward(x, *, training=True) -> out`` computes the output of a batch and,
  when ``training``, caches what ``backward`` needs;
* ``backward(grad_out) -> grad_in`` receives :math:`\partial \ell / \partial
  \text{out}` for some scalar :math:`\ell` and returns :math:`\partial \ell /
  \partial x`; it fills ``grads[key]`` with :math:`\partial \ell / \partial
  \text{params}[key]`, never updates the parameters and never changes
  ``grad_out`` in place;
* ``params`` and ``grads`` are dicts of float arrays with the same keys (empty
  for a layer without parameters).

A layer's gradients are the exact derivatives of its output summed over the
batch; only the loss divides by the batch size.

New layers subclass :class:`Layer` and implement two methods: ``_forward(x)``
returns the output and the cache, and ``_backward(grad_out, cache)`` returns
the input gradient and fills ``self.grads``. They may override
``_check_input(x)`` to validate the input (the default accepts any finite
array). :class:`Layer` does the rest: it validates ``grad_out``, refuses
``backward`` before ``forward`` and drops the cache when ``training=False``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from mathbehindml._validation import as_float_array, check_bool, check_finite

__all__ = ["Layer"]

Array = NDArray[np.float64]


def check_protocol(layer: Any, where: str) -> Any:
    """Raise a TypeError unless ``layer`` follows the layer protocol."""
    if isinstance(layer, type):
        raise TypeError(
            f"{where} must be a layer instance; got the class {layer.__name__}. "
            f"Call it: {layer.__name__}(...)."
        )
    ok = (callable(getattr(layer, "forward", None)) and callable(getattr(layer, "backward", None))
          and isinstance(getattr(layer, "params", None), Mapping)
          and isinstance(getattr(layer, "grads", None), Mapping))
    if not ok:
        raise TypeError(
            f"{where} must follow the layer protocol: forward(x, *, training=True), "
            f"backward(grad_out) and dicts params and grads; got {type(layer).__name__} "
            f"{layer!r}. Use the layers of mathbehindml.nn (Dense, ReLU, ...)."
        )
    return layer


class Layer:
    """Base class of the layers: the protocol's checks and the forward cache.

    Subclasses implement ``_forward(x) -> (out, cache)`` and
    ``_backward(grad_out, cache) -> grad_in`` (which fills ``self.grads``), and
    may override ``_check_input(x) -> x``. The public :meth:`forward` and
    :meth:`backward` validate their arguments and call them.

    Attributes
    ----------
    params : dict of str to ndarray
        The trainable parameters (empty here); an optimizer updates them in place.
    grads : dict of str to ndarray
        After :meth:`backward`, the gradient of each parameter, same keys and shapes.

    Examples
    --------
    >>> import numpy as np
    >>> class Double(Layer):  # y = 2 x
    ...     def _forward(self, x):
    ...         return 2 * x, None
    ...     def _backward(self, grad_out, cache):
    ...         return 2 * grad_out
    >>> layer = Double()
    >>> layer.forward(np.array([[1.0, -1.0]]))
    array([[ 2., -2.]])
    >>> layer.backward(np.array([[0.5, 1.0]]))
    array([[1., 2.]])
    """

    def __init__(self) -> None:
        self.params: dict[str, Array] = {}
        self.grads: dict[str, Array] = {}
        self._cache: Any = None
        self._out_shape: tuple[int, ...] | None = None

    def forward(self, x: ArrayLike, *, training: bool = True) -> Array:
        """Compute the layer's output for a batch ``x``.

        Parameters
        ----------
        x : array-like
            A batch of inputs, one sample per row (or per leading index).
        training : bool, default True
            Keep what :meth:`backward` needs. With ``False`` (inference) the
            cache is dropped, so a later :meth:`backward` raises instead of
            silently using a stale input.

        Returns
        -------
        ndarray
            The output batch.

        Raises
        ------
        TypeError
            If ``x`` is not numeric or ``training`` is not a bool.
        ValueError
            If ``x`` is not finite or has the wrong shape for this layer.

        Examples
        --------
        >>> import numpy as np
        >>> from mathbehindml.nn import ReLU
        >>> ReLU().forward(np.array([[-1.0, 2.0]]))
        array([[0., 2.]])
        """
        training = check_bool(training, "training")
        x = self._check_input(x)
        out, cache = self._forward(x)
        if training:
            self._cache, self._out_shape = cache, out.shape
        else:
            self._cache, self._out_shape = None, None
        return out

    def backward(self, grad_out: ArrayLike) -> Array:
        """Propagate the gradient of a scalar loss from the output back to the input.

        Parameters
        ----------
        grad_out : array-like of the shape of the last output
            The gradient of the loss with respect to this layer's output; never
            modified.

        Returns
        -------
        ndarray of the shape of the last input
            The gradient of the loss with respect to the input. The gradients of
            the parameters are stored in ``grads``.

        Raises
        ------
        ValueError
            If :meth:`forward` has not been called with ``training=True`` since
            the last inference call, or ``grad_out`` has the wrong shape or is
            not finite.
        TypeError
            If ``grad_out`` is not numeric.

        Examples
        --------
        >>> import numpy as np
        >>> from mathbehindml.nn import ReLU
        >>> layer = ReLU()
        >>> _ = layer.forward(np.array([[-1.0, 2.0]]))
        >>> layer.backward(np.array([[5.0, 5.0]]))  # passes where the input was positive
        array([[0., 5.]])
        """
        name = type(self).__name__
        if self._out_shape is None:
            raise ValueError(
                f"{name}.backward was called before forward; call forward(x) (with "
                "training=True) first: it caches the input that backward needs."
            )
        g = check_finite(as_float_array(grad_out, "grad_out"), "grad_out")
        if g.shape != self._out_shape:
            raise ValueError(
                f"grad_out must have the shape of {name}'s last output, {self._out_shape}; "
                f"got shape {g.shape}. Pass the gradient of the loss with respect to this "
                "layer's output."
            )
        return self._backward(g, self._cache)

    def _forward_unchecked(self, x: Array) -> Array:
        """``forward(x, training=True)`` without validating ``x``.

        For the inner loop of :func:`~mathbehindml.nn.training.train`, which
        validates its data once and has already passed a batch of the same
        kind through the checked :meth:`forward`; ``x`` must be a finite float64
        array that this layer accepts.
        """
        out, cache = self._forward(x)
        self._cache, self._out_shape = cache, out.shape
        return out

    def _backward_unchecked(self, grad_out: Array) -> Array:
        """:meth:`backward` without validating ``grad_out`` (see :meth:`_forward_unchecked`)."""
        return self._backward(grad_out, self._cache)

    def _backward_params_unchecked(self, grad_out: Array) -> None:
        """Fill ``grads`` as :meth:`_backward_unchecked` does; the input gradient may be skipped.

        For the first layer with parameters of a network trained by
        :func:`~mathbehindml.nn.training.train`, whose input gradient nobody
        reads. This default computes the whole backward pass; layers whose input
        gradient costs extra work (:class:`~mathbehindml.nn.layers.Dense`,
        :class:`~mathbehindml.nn.conv_layers.Conv2D`) override it with the same
        formulas for ``grads`` alone.
        """
        self._backward(grad_out, self._cache)

    def _check_input(self, x: ArrayLike) -> Array:
        """``x`` as a finite, non-empty float64 array (any shape)."""
        arr = check_finite(as_float_array(x, "x"), "x")
        if arr.ndim == 0 or arr.size == 0:
            raise ValueError(
                f"x must be a non-empty batch with one sample per row; got shape {arr.shape}."
            )
        return arr

    def _forward(self, x: Array) -> tuple[Array, Any]:  # pragma: no cover - abstract
        raise NotImplementedError

    def _backward(self, grad_out: Array, cache: Any) -> Array:  # pragma: no cover
        raise NotImplementedError

    def __call__(self, x: ArrayLike, *, training: bool = True) -> Array:
        return self.forward(x, training=training)

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"
