"""First-order optimizers that update named parameter arrays in place: SGD, Momentum, Adam.

An optimizer sees parameters and gradients as two dicts with the same keys,
``params = {"W": W, "b": b}`` and ``grads = {"W": dW, "b": db}``, the way the
layers of ``mathbehindml.nn`` hold them. :meth:`Optimizer.step` validates both
and updates every array of ``params`` in place, so a layer holding a reference
to ``W`` sees the new weights. Momentum and Adam keep their running averages per
key in ``state``. Training loops that have validated their parameters once
(``mathbehindml.nn.train``) may call the private ``Optimizer._step_unchecked``
afterwards: the same update without the checks.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from mathbehindml._validation import as_float_array, check_scalar

__all__ = ["SGD", "Adam", "Momentum", "Optimizer"]


def _check_mapping(value: Any, name: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise TypeError(
            f"{name} must be a dict mapping parameter names to arrays, e.g. "
            f"{{'W': W, 'b': b}}; got {type(value).__name__}. Wrap a single array as "
            f"{{'x': x}}."
        )
    return value


def _check_params_grads(
    params: Any, grads: Any
) -> list[tuple[Any, NDArray[np.floating[Any]], NDArray[np.float64]]]:
    """Validate ``params``/``grads`` and return ``(key, param, grad)`` triples."""
    params = _check_mapping(params, "params")
    grads = _check_mapping(grads, "grads")
    if params.keys() != grads.keys():
        missing = sorted(map(str, params.keys() - grads.keys()))
        extra = sorted(map(str, grads.keys() - params.keys()))
        raise ValueError(
            f"params and grads must have the same keys; missing from grads: {missing}, "
            f"extra in grads: {extra}. Compute exactly one gradient per parameter."
        )
    triples = []
    for key, p in params.items():
        if not isinstance(p, np.ndarray) or p.dtype.kind != "f":
            got = f"array of dtype {p.dtype}" if isinstance(p, np.ndarray) else type(p).__name__
            raise TypeError(
                f"params[{key!r}] must be a NumPy array of floats, which step updates in "
                f"place; got {got}. Store it as np.asarray(value, dtype=float)."
            )
        if not p.flags.writeable:
            raise ValueError(
                f"params[{key!r}] is read-only, but step updates it in place. "
                f"Pass a writeable copy, e.g. params[{key!r}].copy()."
            )
        g = as_float_array(grads[key], f"grads[{key!r}]")
        if g.shape != p.shape:
            raise ValueError(
                f"grads[{key!r}] must have the shape of params[{key!r}], {p.shape}; got shape "
                f"{g.shape}. A gradient has one entry per parameter entry."
            )
        if not np.all(np.isfinite(g)):
            n_nan, n_inf = int(np.isnan(g).sum()), int(np.isinf(g).sum())
            raise ValueError(
                f"grads[{key!r}] must be finite; got {n_nan} NaN and {n_inf} infinite entries. "
                "The training has diverged or the gradient is wrong: lower the learning rate "
                "or check the gradient with mathbehindml.gradcheck."
            )
        triples.append((key, p, g))
    return triples


class Optimizer:
    """Base class: validates ``step``'s input and holds the learning rate and state.

    Subclasses implement ``_update(key, param, grad)``, which changes ``param``
    in place.

    Parameters
    ----------
    learning_rate : float
        The step size (> 0). It may be changed between steps, e.g. by a
        learning-rate schedule: ``opt.learning_rate = eta0 / (1 + k / k0)``.

    Attributes
    ----------
    state : dict
        Per-parameter running quantities (empty for plain SGD).

    Examples
    --------
    >>> import numpy as np
    >>> params = {"w": np.array([1.0, 2.0])}
    >>> SGD(0.5).step(params, {"w": np.array([2.0, 2.0])})
    >>> params["w"]
    array([0., 1.])
    """

    def __init__(self, learning_rate: float) -> None:
        self.learning_rate = learning_rate
        self.state: dict[Any, dict[str, Any]] = {}

    @property
    def learning_rate(self) -> float:
        """The step size, a float > 0, validated whenever it is set.

        Examples
        --------
        >>> opt = SGD(0.1)
        >>> opt.learning_rate = 0.05
        >>> opt.learning_rate
        0.05
        """
        return self._learning_rate

    @learning_rate.setter
    def learning_rate(self, value: float) -> None:
        check_scalar(value, "learning_rate", min_value=0, include_min=False)
        self._learning_rate = float(value)

    def step(self, params: Mapping[Any, NDArray[np.floating[Any]]],
             grads: Mapping[Any, ArrayLike]) -> None:
        """Update every array of ``params`` in place, using the matching ``grads``.

        Parameters
        ----------
        params : dict of ndarray
            The parameters, float arrays that are modified in place.
        grads : dict of array-like
            The gradients of the loss with respect to each parameter: the same
            keys and shapes as ``params``, finite values.

        Returns
        -------
        None
            The arrays of ``params`` are updated in place.

        Raises
        ------
        TypeError
            If ``params`` or ``grads`` is not a dict, or a parameter is not a
            float array.
        ValueError
            If the keys or shapes differ, a gradient is not finite, a parameter
            is read-only or has changed shape since the previous step.

        Examples
        --------
        >>> import numpy as np
        >>> W = np.ones((2, 2))
        >>> Momentum(0.1, beta=0.5).step({"W": W}, {"W": np.full((2, 2), 10.0)})
        >>> W  # the caller's own array changed
        array([[0., 0.],
               [0., 0.]])
        """
        for key, p, g in _check_params_grads(params, grads):
            self._update(key, p, g)

    def _step_unchecked(self, params: Mapping[Any, NDArray[np.floating[Any]]],
                        grads: Mapping[Any, NDArray[np.float64]]) -> None:
        """:meth:`step` without validating its arguments: the same updates, in the same order.

        For loops such as :func:`mathbehindml.nn.train` that pass the same
        parameter arrays on every step and whose gradients come from the
        layers' own backward passes: they call the checked :meth:`step` first,
        which validates the keys, dtypes, shapes and writeability, and this
        method afterwards. ``grads`` must hold finite float64 arrays with the
        keys and shapes of ``params``; nothing here checks it.
        """
        for key, p in params.items():
            self._update(key, p, grads[key])

    def reset(self) -> None:
        """Forget the running state (velocities, moments, step counts).

        Returns
        -------
        None
            ``state`` is emptied.

        Examples
        --------
        >>> import numpy as np
        >>> opt = Adam(0.1)
        >>> opt.step({"w": np.zeros(1)}, {"w": np.ones(1)})
        >>> opt.reset(); opt.state
        {}
        """
        self.state = {}

    def _update(self, key: Any, param: NDArray[np.floating[Any]],
                grad: NDArray[np.float64]) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def _slot(self, key: Any, param: NDArray[np.floating[Any]], names: tuple[str, ...]
              ) -> dict[str, Any]:
        """The state of ``key``, created as zeros on first use; checks the shape."""
        slot = self.state.get(key)
        if slot is None:
            slot = {name: np.zeros(param.shape) for name in names}
            slot["t"] = 0
            self.state[key] = slot
        elif slot[names[0]].shape != param.shape:
            raise ValueError(
                f"params[{key!r}] changed shape from {slot[names[0]].shape} to {param.shape} "
                f"since the previous step. Call reset() before optimizing new parameters."
            )
        return slot

    def _hyper(self) -> str:
        return f"learning_rate={self.learning_rate!r}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._hyper()})"


class SGD(Optimizer):
    r"""Plain (stochastic) gradient descent: :math:`\theta \leftarrow \theta - \eta g`.

    Parameters
    ----------
    learning_rate : float
        The step size :math:`\eta > 0`.

    Examples
    --------
    >>> import numpy as np
    >>> params = {"W": np.array([[1.0, -1.0]]), "b": np.array([0.5])}
    >>> grads = {"W": np.array([[2.0, 0.0]]), "b": np.array([1.0])}
    >>> opt = SGD(learning_rate=0.25)
    >>> opt.step(params, grads)
    >>> params["W"], params["b"]
    (array([[ 0.5, -1. ]]), array([0.25]))
    """

    def _update(self, key: Any, param: NDArray[np.floating[Any]],
                grad: NDArray[np.float64]) -> None:
        param -= self.learning_rate * grad


class Momentum(Optimizer):
    r"""Gradient descent with Polyak's heavy-ball momentum.

    With velocity (the step) :math:`s_0 = 0`, each step is

    .. math::

        s \leftarrow \beta s - \eta g, \qquad \theta \leftarrow \theta + s,

    so the step is a geometrically weighted sum of all past gradients. The
    velocity is kept in ``state[key]["velocity"]``. (With a constant
    :math:`\eta` this is the same sequence as PyTorch's ``SGD(momentum=beta)``,
    which stores :math:`-s/\eta` instead.)

    Parameters
    ----------
    learning_rate : float
        The step size :math:`\eta > 0`.
    beta : float, default 0.9
        The momentum coefficient, in :math:`[0, 1)`; ``beta=0`` is plain SGD.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.array([1.0])
    >>> opt = Momentum(learning_rate=0.1, beta=0.5)
    >>> for _ in range(2):
    ...     opt.step({"x": x}, {"x": np.array([1.0])})
    >>> x  # steps of 0.1, then 0.5 * 0.1 + 0.1
    array([0.75])
    """

    def __init__(self, learning_rate: float, beta: float = 0.9) -> None:
        super().__init__(learning_rate)
        self.beta = float(check_scalar(beta, "beta", min_value=0, max_value=1,
                                       include_max=False))

    def _update(self, key: Any, param: NDArray[np.floating[Any]],
                grad: NDArray[np.float64]) -> None:
        slot = self._slot(key, param, ("velocity",))
        s = slot["velocity"]  # the step s_k, updated in place
        s *= self.beta
        s -= self.learning_rate * grad
        param += s
        slot["t"] += 1

    def _hyper(self) -> str:
        return f"{super()._hyper()}, beta={self.beta!r}"


class Adam(Optimizer):
    r"""Adam (Kingma and Ba, 2015): momentum scaled by a running RMS of the gradient.

    With :math:`m_0 = v_0 = 0`, at step :math:`t = 1, 2, \dots`

    .. math::

        m &\leftarrow \beta_1 m + (1 - \beta_1) g, \qquad
        v \leftarrow \beta_2 v + (1 - \beta_2) g^2, \\
        \theta &\leftarrow \theta - \eta \,
        \frac{m / (1 - \beta_1^t)}{\sqrt{v / (1 - \beta_2^t)} + \varepsilon},

    entry by entry; the divisions by :math:`1 - \beta^t` remove the bias of the
    averages towards their zero start.

    Parameters
    ----------
    learning_rate : float, default 1e-3
        The step size :math:`\eta > 0`; early steps move each entry by about :math:`\eta`.
    beta1 : float, default 0.9
        Decay of the first-moment average, in :math:`[0, 1)`.
    beta2 : float, default 0.999
        Decay of the second-moment average, in :math:`[0, 1)`.
    eps : float, default 1e-8
        Added to the denominator (> 0), so a zero gradient does not divide by zero.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.array([1.0, 1.0])
    >>> opt = Adam(learning_rate=0.1)
    >>> opt.step({"x": x}, {"x": np.array([1e-3, 1e3])})
    >>> x.round(4)  # the first step is about learning_rate per entry, whatever the scale
    array([0.9, 0.9])
    """

    def __init__(self, learning_rate: float = 1e-3, beta1: float = 0.9, beta2: float = 0.999,
                 eps: float = 1e-8) -> None:
        super().__init__(learning_rate)
        self.beta1 = float(check_scalar(beta1, "beta1", min_value=0, max_value=1,
                                        include_max=False))
        self.beta2 = float(check_scalar(beta2, "beta2", min_value=0, max_value=1,
                                        include_max=False))
        self.eps = float(check_scalar(eps, "eps", min_value=0, include_min=False))

    def _update(self, key: Any, param: NDArray[np.floating[Any]],
                grad: NDArray[np.float64]) -> None:
        slot = self._slot(key, param, ("m", "v"))
        m, v = slot["m"], slot["v"]
        slot["t"] += 1
        t = slot["t"]
        m *= self.beta1
        m += (1.0 - self.beta1) * grad
        v *= self.beta2
        v += (1.0 - self.beta2) * grad * grad
        m_hat = m / (1.0 - self.beta1**t)
        v_hat = v / (1.0 - self.beta2**t)
        param -= self.learning_rate * m_hat / (np.sqrt(v_hat) + self.eps)

    def _hyper(self) -> str:
        return (f"{super()._hyper()}, beta1={self.beta1!r}, beta2={self.beta2!r}, "
                f"eps={self.eps!r}")
