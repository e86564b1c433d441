"""Full-batch gradient descent with a fixed step, and the result it returns."""

from __future__ import annotations

import numbers
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from mathbehindml._validation import (
    check_callable,
    check_scalar,
    check_vector,
)
from mathbehindml.exceptions import ConvergenceWarning

__all__ = ["OptimizeResult", "gradient_descent"]


@dataclass(frozen=True, repr=False)
class OptimizeResult:
    """What :func:`gradient_descent` returns: the last iterate and its history.

    Parameters
    ----------
    x : ndarray of shape (dim,)
        The last finite iterate.
    n_iter : int
        The number of steps taken; ``x`` is the iterate after ``n_iter`` steps.
    converged : bool
        Whether the stopping rule ``||grad(x)|| <= tol`` was met.
    grad_norm : float
        The Euclidean norm of the gradient at ``x`` (``nan`` if that gradient
        was not finite).
    path : ndarray of shape (n_iter + 1, dim)
        Every iterate, from ``x0`` (row 0) to ``x`` (the last row).
    values : ndarray of shape (n_iter + 1,) or None
        ``fun`` at every row of ``path``, or ``None`` when no ``fun`` was given.
    message : str
        Why the iteration stopped, in one sentence.

    Examples
    --------
    >>> import numpy as np
    >>> res = gradient_descent(lambda x: 2 * x, np.array([1.0]), learning_rate=0.25)
    >>> res.converged, res.n_iter, res.path.shape  # x_k = 0.5**k; stops once 2 * 0.5**k <= 1e-6
    (True, 21, (22, 1))
    >>> res
    OptimizeResult(converged=True, n_iter=21, grad_norm=9.5e-07, x=[4.7684e-07])
    """

    x: NDArray[np.float64]
    n_iter: int
    converged: bool
    grad_norm: float
    path: NDArray[np.float64]
    values: NDArray[np.float64] | None
    message: str

    def __repr__(self) -> str:
        """A one-line summary (the path is long, so it is left out)."""
        with np.printoptions(precision=4, threshold=6, edgeitems=2):
            x = np.array2string(self.x, separator=", ")
        return (
            f"OptimizeResult(converged={self.converged}, n_iter={self.n_iter}, "
            f"grad_norm={self.grad_norm:.2g}, x={x})"
        )


def _norm(g: NDArray[np.float64]) -> float:
    """Euclidean norm without overflow for entries above 1e154 (scaled by the largest)."""
    scale = float(np.max(np.abs(g)))
    if scale == 0.0 or not np.isfinite(scale):
        return scale
    return scale * float(np.linalg.norm(g / scale))


def _call_grad(grad: Callable[..., Any], x: NDArray[np.float64]) -> NDArray[np.float64]:
    """``grad(x)`` as a float64 vector of the shape of ``x``, or a clear error."""
    g = np.asarray(grad(x.copy()), dtype=np.float64)
    if g.shape != x.shape:
        raise ValueError(
            f"grad must return an array of the shape of x0, {x.shape}; got shape {g.shape}. "
            "Return the gradient as a flat vector with one entry per coordinate of x."
        )
    return g


def _call_fun(fun: Callable[..., Any], x: NDArray[np.float64]) -> float:
    """``fun(x)`` as a Python float, or a clear error if it is not a real scalar."""
    value = fun(x.copy())
    arr = np.asarray(value)
    if arr.ndim != 0 or arr.dtype.kind not in "iuf":
        raise ValueError(
            f"fun must return a real scalar (the objective at x); got "
            f"{type(value).__name__} of shape {arr.shape}. Reduce it to one number, "
            "e.g. with .sum() or .mean()."
        )
    return float(arr)


def gradient_descent(
    grad: Callable[[NDArray[np.float64]], ArrayLike],
    x0: ArrayLike,
    *,
    learning_rate: float = 0.1,
    max_iter: int = 1000,
    tol: float = 1e-6,
    fun: Callable[[NDArray[np.float64]], float] | None = None,
    callback: Callable[[NDArray[np.float64]], Any] | None = None,
) -> OptimizeResult:
    r"""Minimise a differentiable function by gradient descent with a fixed step.

    The iteration is :math:`x_{k+1} = x_k - \eta \nabla f(x_k)`, starting from
    ``x0``. It stops as soon as :math:`\|\nabla f(x_k)\|_2 \le` ``tol``
    (``converged=True``) or after ``max_iter`` steps (``converged=False``, no
    warning: inspect the result). It never raises on divergence: if an iterate,
    its gradient or its value under ``fun`` is not finite, the iteration stops at
    the last finite iterate, warns with a :class:`~mathbehindml.exceptions.ConvergenceWarning`
    and returns ``converged=False``. NumPy's overflow warnings inside ``grad``
    and ``fun`` are silenced, since this warning replaces them.

    Parameters
    ----------
    grad : callable
        ``grad(x) -> ndarray of shape (dim,)``, the gradient of the objective.
        It receives a copy of the iterate, so it may modify its argument.
    x0 : array-like of shape (dim,)
        The starting point; it is copied, never modified.
    learning_rate : float, default 0.1
        The step size :math:`\eta > 0`. For an :math:`L`-smooth convex objective,
        any :math:`\eta \le 1/L` decreases the objective at every step.
    max_iter : int, default 1000
        The largest number of steps (0 evaluates the gradient at ``x0`` only).
    tol : float, default 1e-6
        Stop when the Euclidean norm of the gradient is at most ``tol`` (>= 0).
    fun : callable, optional
        ``fun(x) -> float``, the objective; when given, its value at every
        iterate is recorded in ``values``.
    callback : callable, optional
        ``callback(x)`` is called with a copy of each new iterate; if it returns
        ``True``, the iteration stops there.

    Returns
    -------
    OptimizeResult
        The last iterate ``x``, ``n_iter``, ``converged``, ``grad_norm``, the
        iterates ``path`` of shape ``(n_iter + 1, dim)``, ``values`` and ``message``.

    Raises
    ------
    TypeError
        If ``grad``, ``fun`` or ``callback`` is not callable, or a
        hyper-parameter has the wrong type.
    ValueError
        If ``x0`` is not a finite, non-empty 1-D array, a hyper-parameter is
        out of range, ``grad`` returns an array of the wrong shape or ``fun`` a
        non-scalar.

    Warns
    -----
    ConvergenceWarning
        When the iteration diverges to a non-finite value.

    See Also
    --------
    mathbehindml.optim.SGD : the same update, applied to mini-batch gradients.

    Examples
    --------
    The quadratic :math:`f(x) = \tfrac12 x^\top A x - b^\top x` has gradient
    :math:`Ax - b` and its minimiser solves :math:`Ax = b`:

    >>> import numpy as np
    >>> A, b = np.array([[3.0, 1.0], [1.0, 2.0]]), np.array([1.0, -1.0])
    >>> res = gradient_descent(lambda x: A @ x - b, np.zeros(2), learning_rate=0.3,
    ...                        tol=1e-10)
    >>> res.converged, np.allclose(res.x, np.linalg.solve(A, b))
    (True, True)

    A step above :math:`2/\lambda_{\max}` diverges; the result stays finite:

    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     res = gradient_descent(lambda x: A @ x - b, np.zeros(2), learning_rate=1.0,
    ...                            max_iter=10_000)
    >>> res.converged, bool(np.all(np.isfinite(res.path))), caught[0].category.__name__
    (False, True, 'ConvergenceWarning')
    """
    check_callable(grad, "grad", "grad(x) -> ndarray of the shape of x")
    x = check_vector(x0, "x0").copy()
    eta = float(check_scalar(learning_rate, "learning_rate", min_value=0, include_min=False))
    max_iter = int(check_scalar(max_iter, "max_iter", kind=numbers.Integral, min_value=0))
    tol = float(check_scalar(tol, "tol", min_value=0))
    if fun is not None:
        check_callable(fun, "fun", "fun(x) -> float")
    if callback is not None:
        check_callable(callback, "callback", "callback(x) -> bool | None")

    path = [x.copy()]
    values: list[float] | None = None
    diverged = ""
    stopped = False
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        if fun is not None:
            values = [_call_fun(fun, x)]
            if not np.isfinite(values[0]):
                diverged = "fun(x0) is not finite"
        g = _call_grad(grad, x)
        if not diverged and not np.all(np.isfinite(g)):
            diverged = "grad(x0) is not finite"
        n_iter = 0
        while not diverged and not stopped and n_iter < max_iter:
            if _norm(g) <= tol:
                break
            x_new = x - eta * g
            if not np.all(np.isfinite(x_new)):
                diverged = f"the iterate of step {n_iter + 1} is not finite"
                break
            g_new = _call_grad(grad, x_new)
            value = _call_fun(fun, x_new) if fun is not None else 0.0
            if not np.all(np.isfinite(g_new)) or not np.isfinite(value):
                what = "gradient" if not np.all(np.isfinite(g_new)) else "value"
                diverged = f"the {what} at the iterate of step {n_iter + 1} is not finite"
                break
            x, g = x_new, g_new
            n_iter += 1
            path.append(x.copy())
            if values is not None:
                values.append(value)
            if callback is not None and callback(x.copy()) is True:
                stopped = True
        grad_norm = _norm(g) if np.all(np.isfinite(g)) else float("nan")

    converged = not diverged and grad_norm <= tol
    if diverged:
        message = (
            f"Gradient descent diverged: {diverged}; stopped after {n_iter} steps at the last "
            f"finite iterate. Use a smaller learning_rate (got {eta!r}); for an L-smooth "
            "objective, learning_rate <= 1/L is safe."
        )
        warnings.warn(message, ConvergenceWarning, stacklevel=2)
    elif converged:
        message = f"Converged: gradient norm {grad_norm:.3g} <= tol = {tol:.3g}."
    elif stopped:
        message = f"Stopped by the callback after {n_iter} steps."
    else:
        message = (
            f"Reached max_iter = {max_iter} steps with gradient norm {grad_norm:.3g} > "
            f"tol = {tol:.3g}. Increase max_iter or learning_rate, or rescale the features."
        )
    return OptimizeResult(
        x=x,
        n_iter=n_iter,
        converged=bool(converged),
        grad_norm=grad_norm,
        path=np.array(path),
        values=None if values is None else np.array(values),
        message=message,
    )
