"""Gradient checking: central differences against an analytic gradient.

:func:`numerical_gradient` estimates every partial derivative of a scalar
function by a central difference, :func:`check_gradient` compares it with an
analytic gradient entry by entry, and :func:`check_layer` does both for the
input and the parameters of a layer of ``mathbehindml.nn`` (any object with
``forward(x, *, training=True)``, ``backward(grad_out) -> grad_in`` and dicts
``params`` and ``grads``). Every later chapter checks its derivatives this way.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from mathbehindml._validation import (
    as_float_array,
    check_callable,
    check_finite,
    check_random_state,
    check_scalar,
)
from mathbehindml.exceptions import GradientCheckError

__all__ = ["check_gradient", "check_layer", "numerical_gradient"]


def _scalar(value: Any, at: str) -> float:
    """``value`` as a finite float, or a ValueError saying what ``f`` returned."""
    arr = np.asarray(value)
    if arr.ndim != 0 or arr.dtype.kind not in "iuf":
        raise ValueError(
            f"f must return a real scalar; got {type(value).__name__} of shape {arr.shape} "
            f"{at}. Reduce a vector output to one number, e.g. with np.sum(u * output) "
            "for a fixed random u."
        )
    out = float(arr)
    if not np.isfinite(out):
        raise ValueError(
            f"f returned {out} {at}; a finite-difference estimate needs finite values. "
            "Check f near x or use a smaller eps."
        )
    return out


def _check_eps(eps: Any) -> float:
    return float(check_scalar(eps, "eps", min_value=0, include_min=False))


def numerical_gradient(
    f: Callable[[NDArray[np.float64]], float], x: ArrayLike, eps: float = 1e-6
) -> NDArray[np.float64]:
    r"""Estimate the gradient of a scalar function by central differences.

    Entry :math:`i` of the result is

    .. math:: \frac{f(x + \varepsilon e_i) - f(x - \varepsilon e_i)}{2 \varepsilon},

    whose truncation error is :math:`O(\varepsilon^2)` for a three times
    differentiable :math:`f`; round-off adds about :math:`u |f(x)| / \varepsilon`
    (:math:`u \approx 10^{-16}`), so steps near :math:`10^{-5}` to
    :math:`10^{-6}` balance the two. ``f`` is evaluated :math:`2 \cdot` ``x.size``
    times, each time on a fresh copy: ``x`` is never modified.

    Parameters
    ----------
    f : callable
        ``f(x) -> float`` for ``x`` of the shape of ``x``.
    x : array-like of any shape
        The point, with finite entries.
    eps : float, default 1e-6
        The step :math:`\varepsilon > 0`.

    Returns
    -------
    ndarray of the shape of x
        The estimated partial derivatives.

    Raises
    ------
    TypeError
        If ``f`` is not callable or ``x`` is not numeric.
    ValueError
        If ``x`` is empty or not finite, ``eps`` is not positive, or ``f``
        returns a non-scalar or non-finite value.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.array([[1.0, 2.0], [3.0, 4.0]])
    >>> g = numerical_gradient(lambda z: np.sum(z**3), x)  # exact gradient: 3 x**2
    >>> np.allclose(g, 3 * x**2, rtol=1e-8)
    True
    """
    check_callable(f, "f", "f(x) -> float")
    x = check_finite(as_float_array(x, "x"), "x")
    if x.size == 0:
        raise ValueError(f"x must not be empty; got shape {x.shape}.")
    eps = _check_eps(eps)
    flat = x.ravel().copy()
    grad = np.empty_like(flat)
    for i in range(flat.size):
        original = flat[i]
        flat[i] = original + eps
        ahead = _scalar(f(flat.reshape(x.shape).copy()), f"at x + eps * e_{i}")
        flat[i] = original - eps
        behind = _scalar(f(flat.reshape(x.shape).copy()), f"at x - eps * e_{i}")
        flat[i] = original
        grad[i] = (ahead - behind) / (2.0 * eps)
    return grad.reshape(x.shape)


def _relative_errors(analytic: NDArray[np.float64], numeric: NDArray[np.float64],
                     atol: float) -> NDArray[np.float64]:
    """``|g - ĝ| / max(|g|, |ĝ|, atol)`` entry by entry (NaN in ``g`` gives inf)."""
    denom = np.maximum(np.maximum(np.abs(analytic), np.abs(numeric)), atol)
    with np.errstate(invalid="ignore"):
        err = np.abs(analytic - numeric) / denom
    return np.where(np.isnan(err), np.inf, err)


def _compare(analytic: Any, numeric: NDArray[np.float64], *, rtol: float, atol: float,
             what: str) -> float:
    """Largest relative error of ``analytic`` against ``numeric``; raise if above ``rtol``."""
    analytic = as_float_array(analytic, what)
    if analytic.shape != numeric.shape:
        raise ValueError(
            f"{what} must have the shape of x, {numeric.shape}; got shape {analytic.shape}. "
            "A gradient has one entry per entry of x."
        )
    err = _relative_errors(analytic, numeric, atol)
    worst = np.unravel_index(int(np.argmax(err)), err.shape)
    worst_err = float(err[worst])
    if worst_err > rtol:
        index = tuple(int(i) for i in worst)
        raise GradientCheckError(
            f"{what} is wrong at index {index}: analytic {float(analytic[worst]):.10g}, "
            f"numerical {float(numeric[worst]):.10g}, relative error {worst_err:.3g} > "
            f"rtol = {rtol:.3g} "
            f"({int(np.sum(err > rtol))} of {err.size} entries fail)."
        )
    return worst_err


def check_gradient(
    f: Callable[[NDArray[np.float64]], float],
    grad: Callable[[NDArray[np.float64]], ArrayLike] | ArrayLike,
    x: ArrayLike,
    *,
    eps: float = 1e-6,
    rtol: float = 1e-5,
    atol: float = 1e-8,
) -> float:
    r"""Compare an analytic gradient with central differences; raise if they disagree.

    The error of entry :math:`i` is :math:`|g_i - \hat g_i| / \max(|g_i|, |\hat g_i|,
    \text{atol})`, where :math:`g` is the analytic and :math:`\hat g` the
    numerical gradient (:func:`numerical_gradient`): a relative error, except
    for entries smaller than ``atol``, where it becomes :math:`|g_i - \hat g_i| /
    \text{atol}`.

    Parameters
    ----------
    f : callable
        ``f(x) -> float``, the function.
    grad : callable or array-like
        ``grad(x) -> ndarray`` of the shape of ``x``, its claimed gradient, or
        that gradient already evaluated at ``x``.
    x : array-like of any shape
        The point of the check; never modified.
    eps : float, default 1e-6
        The finite-difference step.
    rtol : float, default 1e-5
        The largest relative error accepted (>= 0).
    atol : float, default 1e-8
        The floor of the denominator (> 0), for entries near zero.

    Returns
    -------
    float
        The largest relative error over all entries (at most ``rtol``).

    Raises
    ------
    GradientCheckError
        If some entry's relative error exceeds ``rtol``; the message names the
        worst index and both values. A NaN in the analytic gradient counts as
        an infinite error.
    TypeError, ValueError
        For invalid arguments, as :func:`numerical_gradient`, or an analytic
        gradient of the wrong shape.

    Notes
    -----
    Rounding limits the check. Each value of ``f`` is computed with an error of
    about :math:`u |f(x)|` (:math:`u = 2^{-53}`), so every central difference
    carries an absolute error of about :math:`u |f(x)| / \varepsilon`. The
    relative comparison is meaningful only for entries with :math:`|g_i| \gg u
    |f(x)| / (\varepsilon \cdot \text{rtol})`, about :math:`10^{-5} |f(x)|` with
    the defaults. Near a minimiser the gradient vanishes while :math:`f` does
    not, and a correct gradient can fail there. Check at random points away
    from minimisers or, where small entries are unavoidable, pass ``atol`` of a
    few times :math:`u |f(x)| / (\varepsilon \cdot \text{rtol})`: entries below
    it are then compared in absolute terms, to the accuracy the arithmetic
    allows.

    Examples
    --------
    >>> import numpy as np
    >>> f = lambda x: np.sum(np.sin(x))
    >>> err = check_gradient(f, np.cos, np.array([0.5, 1.0]))
    >>> bool(err < 1e-8)
    True
    >>> check_gradient(f, lambda x: -np.cos(x), np.array([0.5, 1.0]))
    Traceback (most recent call last):
    ...
    mathbehindml.exceptions.GradientCheckError: grad(x) is wrong at index (0,): ...
    """
    x = check_finite(as_float_array(x, "x"), "x")
    rtol = float(check_scalar(rtol, "rtol", min_value=0))
    atol = float(check_scalar(atol, "atol", min_value=0, include_min=False))
    numeric = numerical_gradient(f, x, eps)
    analytic = grad(x.copy()) if callable(grad) else grad
    return _compare(analytic, numeric, rtol=rtol, atol=atol,
                    what="grad(x)" if callable(grad) else "grad")


def _check_layer_protocol(layer: Any) -> tuple[Mapping[Any, Any], Mapping[Any, Any]]:
    """The layer's ``params`` and ``grads`` dicts, after checking the protocol."""
    missing = [name for name in ("forward", "backward", "params", "grads")
               if not hasattr(layer, name)]
    if missing or not callable(layer.forward) or not callable(layer.backward):
        raise TypeError(
            f"layer must follow the layer protocol: forward(x, *, training=True), "
            f"backward(grad_out) -> grad_in and dicts params and grads; "
            f"{type(layer).__name__} lacks {missing or 'callable forward/backward'}. "
            "Give a parameter-free layer params = grads = {}."
        )
    params, grads = layer.params, layer.grads
    if not isinstance(params, Mapping) or not isinstance(grads, Mapping):
        raise TypeError(
            f"layer.params and layer.grads must be dicts of arrays; got "
            f"{type(params).__name__} and {type(grads).__name__}."
        )
    for key, p in params.items():
        if not isinstance(p, np.ndarray) or p.dtype.kind != "f" or not p.flags.writeable:
            raise TypeError(
                f"layer.params[{key!r}] must be a writeable float ndarray (the check perturbs "
                f"it in place and restores it); got {type(p).__name__}."
            )
    return params, grads


def _forward(layer: Any, x: NDArray[np.float64]) -> NDArray[np.float64]:
    return np.asarray(layer.forward(x, training=True), dtype=np.float64)


def check_layer(
    layer: Any,
    x: ArrayLike,
    *,
    random_state: Any = None,
    eps: float = 1e-6,
    rtol: float = 1e-5,
    atol: float = 1e-8,
) -> dict[str, float]:
    r"""Check a layer's ``backward`` against central differences, input and parameters.

    With a random upstream gradient :math:`u` of the output's shape, the scalar
    :math:`\ell = \sum u \odot \text{forward}(x)` has gradient ``backward(u)``
    with respect to ``x`` and ``grads[key]`` with respect to ``params[key]``;
    both are compared with :func:`numerical_gradient` as in
    :func:`check_gradient`. The check also enforces the protocol: ``backward``
    must not modify ``grad_out`` or the parameters. The parameters are restored
    afterwards; ``forward`` must be deterministic (fix any dropout mask).

    Parameters
    ----------
    layer : object
        A layer with ``forward(x, *, training=True)``, ``backward(grad_out) ->
        grad_in`` and dicts ``params`` and ``grads`` of the same keys.
    x : array-like of any shape
        An input batch, e.g. of shape ``(n_samples, n_features)`` or NCHW.
    random_state : None, int or numpy.random.Generator, default None
        The source of the upstream gradient :math:`u`.
    eps, rtol, atol : float
        As in :func:`check_gradient`.

    Returns
    -------
    dict of str to float
        The largest relative error of the input gradient (key ``"input"``) and of
        each parameter's gradient (its key in ``params``).

    Raises
    ------
    GradientCheckError
        If a gradient is wrong (the message names it and the worst index), or
        ``backward`` changed ``grad_out`` or a parameter in place.
    TypeError
        If ``layer`` does not follow the protocol.
    ValueError
        If ``backward`` returns an array of the wrong shape, or for invalid
        arguments as in :func:`check_gradient`.

    Examples
    --------
    >>> import numpy as np
    >>> class Square:  # y = x ** 2, elementwise, no parameters
    ...     params, grads = {}, {}
    ...     def forward(self, x, *, training=True):
    ...         self.x = x
    ...         return x**2
    ...     def backward(self, grad_out):
    ...         return 2 * self.x * grad_out
    >>> errors = check_layer(Square(), np.ones((2, 3)), random_state=0)
    >>> list(errors), bool(errors["input"] < 1e-8)
    (['input'], True)
    """
    params, _ = _check_layer_protocol(layer)
    x = check_finite(as_float_array(x, "x"), "x").copy()
    rng = check_random_state(random_state)
    rtol = float(check_scalar(rtol, "rtol", min_value=0))
    atol = float(check_scalar(atol, "atol", min_value=0, include_min=False))
    _check_eps(eps)

    saved = {key: p.copy() for key, p in params.items()}
    out = _forward(layer, x.copy())
    u = rng.standard_normal(out.shape)
    u_given = u.copy()
    grad_in = layer.backward(u_given)
    if not np.array_equal(u_given, u):
        raise GradientCheckError(
            f"{type(layer).__name__}.backward modified grad_out in place; it must not. "
            "Compute into a new array (e.g. grad_out * mask, not grad_out *= mask)."
        )
    for key, p in params.items():
        if not np.array_equal(p, saved[key]):
            raise GradientCheckError(
                f"{type(layer).__name__}.backward changed params[{key!r}]; backward must only "
                "fill grads (the optimizer updates the weights)."
            )
    grads = layer.grads  # backward may have replaced the dict
    if not isinstance(grads, Mapping) or set(grads) != set(params):
        got = sorted(map(str, grads)) if isinstance(grads, Mapping) else type(grads).__name__
        raise ValueError(
            f"after backward, layer.grads must have the keys of layer.params, "
            f"{sorted(map(str, params))}; got {got}. Fill one gradient per parameter."
        )
    analytic = {key: as_float_array(grads[key], f"grads[{key!r}]").copy() for key in params}

    def loss_of_x(z: NDArray[np.float64]) -> float:
        return float(np.sum(u * _forward(layer, z)))

    errors = {"input": _compare(grad_in, numerical_gradient(loss_of_x, x, eps),
                                rtol=rtol, atol=atol, what="the input gradient (backward)")}
    for key, p in params.items():
        def loss_of_param(value: NDArray[np.float64], p: NDArray[Any] = p) -> float:
            p[...] = value
            return float(np.sum(u * _forward(layer, x.copy())))

        try:
            numeric = numerical_gradient(loss_of_param, saved[key], eps)
        finally:
            p[...] = saved[key]
        errors[str(key)] = _compare(analytic[key], numeric, rtol=rtol, atol=atol,
                                    what=f"grads[{key!r}]")
    return errors
