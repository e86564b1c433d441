r"""Solvers for logistic and softmax regression: Newton's method (IRLS) and gradient descent.

Newton's method for the binary objective is written as *iteratively reweighted
least squares* (IRLS): each Newton step is the solution of a weighted, ridge-
augmented least-squares problem (:func:`irls_step`), solved by the same
orthogonal-factorisation route as ordinary least squares. The multinomial
Newton step solves with the Hessian directly, after fixing the directions in
which softmax is blind (adding a constant to every class). Gradient descent is
``mathbehindml.optim.gradient_descent``.

Every solver starts from zero, stops when the Euclidean norm of the gradient is
at most ``tol``, and, when ``alpha = 0``, also as soon as the current
parameters classify every training sample correctly: that is a proof that the
classes are linearly separable, in which case no minimiser exists.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import scipy.linalg
import scipy.optimize
from numpy.typing import ArrayLike, NDArray
from scipy.linalg.blas import dsyrk
from scipy.linalg.lapack import dpotrf, dpotrs

from mathbehindml._validation import check_2d, check_consistent_length, check_labels
from mathbehindml.functions import _sigmoid, softmax
from mathbehindml.least_squares import ols_qr, ols_svd
from mathbehindml.logistic_regression import objective as obj
from mathbehindml.optim import gradient_descent

__all__ = ["irls_step", "separating_hyperplane"]

Array = NDArray[np.float64]


#: Smallest IRLS weight omega_i = p_i(1 - p_i): keeps the working response finite for
#: saturated samples (active for |z| above about 23); with it, the step is a modified
#: Newton step.
WEIGHT_FLOOR = 1e-10

#: Below this ratio of squared Cholesky pivots the Hessian counts as singular (QR/SVD instead).
_SINGULAR = 1e3 * np.finfo(np.float64).eps


@dataclass
class SolverResult:
    """What a solver returns to the estimator (private)."""

    theta: Array
    n_iter: int
    converged: bool
    status: str  # "converged", "max_iter", "separable", "stalled" or "diverged"
    grad_norm: float
    history: Array


def _weighted_least_squares(A: Array, b: Array, weights: Array,
                            ridge: float, mask: Array) -> Array:
    r"""Minimise ``sum_i w_i (b_i - a_i^T x)^2 + ridge * sum_j mask_j x_j^2``.

    One ordinary least-squares problem on stacked rows,
    ``[sqrt(W) A; sqrt(ridge) diag(mask)] x ~ [sqrt(W) b; 0]``, solved with the
    QR solver of the chapter on linear regression (never by forming
    ``A^T W A``). If the stacked matrix is numerically rank deficient, which can
    happen only without a ridge term, the SVD solver gives the minimum-norm
    solution instead.
    """
    root = np.sqrt(weights)
    rows, rhs = root[:, None] * A, root * b
    if ridge > 0.0:
        penalised = np.flatnonzero(mask)
        extra = np.zeros((penalised.size, A.shape[1]))
        extra[np.arange(penalised.size), penalised] = np.sqrt(ridge)
        rows = np.vstack([rows, extra])
        rhs = np.concatenate([rhs, np.zeros(penalised.size)])
    try:
        return ols_qr(rows, rhs)
    except ValueError:  # ols_qr refuses a numerically rank-deficient matrix
        return ols_svd(rows, rhs)


def irls_step(theta: ArrayLike, X: ArrayLike, y: ArrayLike, *, alpha: float = 0.0,
              fit_intercept: bool = True) -> Array:
    r"""One Newton step for logistic regression, computed as weighted least squares.

    With :math:`\mathbf{z} = \tilde{\mathbf{X}}\tilde{\mathbf{w}}`,
    :math:`p_i = \sigma(z_i)` and weights :math:`\omega_i = p_i(1 - p_i)`, the Newton
    iterate :math:`\tilde{\mathbf{w}}^{+} = \tilde{\mathbf{w}} - (\nabla^2 J)^{-1}\nabla J`
    solves the weighted ridge least-squares problem

    .. math:: \min_{\boldsymbol{\beta}} \sum_{i=1}^n \omega_i \bigl(u_i - \tilde{\mathbf{x}}_i^\top
              \boldsymbol{\beta}\bigr)^2 + n\alpha \|\boldsymbol{\beta}_{\mathbf{w}}\|^2,
              \qquad u_i = z_i + \frac{y_i - p_i}{\omega_i},

    whose *working response* :math:`\mathbf{u}` is the current logit corrected by
    the scaled residual. The weights are computed as :math:`\sigma(z_i)\sigma(-z_i)`,
    which does not cancel when :math:`p_i` rounds to 1; weights below ``1e-10``
    (logits beyond about :math:`\pm 23`) are raised to it so that :math:`\mathbf{u}`
    stays finite, which makes the step a modified Newton step for such samples.
    The full step is returned, without a line search.

    Parameters
    ----------
    theta : array-like of shape (n_features + 1,) or (n_features,)
        The current parameters ``(b, w)`` (or ``w``).
    X : array-like of shape (n_samples, n_features)
        The design matrix.
    y : array-like of shape (n_samples,)
        Labels in :math:`\{0, 1\}`.
    alpha : float, default 0.0
        The ridge strength; the intercept is not penalised.
    fit_intercept : bool, default True
        Whether ``theta[0]`` is an intercept.

    Returns
    -------
    ndarray of the shape of theta
        The next Newton iterate.

    Raises
    ------
    TypeError, ValueError
        As :func:`~mathbehindml.logistic_regression.logistic_loss`.

    Examples
    --------
    The IRLS iterate equals the Newton iterate computed from the gradient and Hessian:

    >>> import numpy as np
    >>> from mathbehindml.logistic_regression import logistic_gradient, logistic_hessian
    >>> X, y = np.array([[0.0], [1.0], [2.0], [3.0]]), np.array([0, 1, 0, 1])
    >>> theta = np.array([0.1, -0.2])
    >>> newton = theta - np.linalg.solve(logistic_hessian(theta, X),
    ...                                  logistic_gradient(theta, X, y))
    >>> bool(np.allclose(irls_step(theta, X, y), newton))
    True
    """
    theta, Xa, labels, alpha, mask = obj._binary_args(theta, X, y, alpha, fit_intercept)
    return _irls(theta, Xa, labels, alpha, mask)


def _irls(theta: Array, Xa: Array, y: Array, alpha: float,
          mask: Array) -> Array:
    """The IRLS (Newton) iterate: weighted ridge least squares."""
    z = Xa @ theta
    p = _sigmoid(z)
    # sigma(z) sigma(-z) instead of p (1 - p): no cancellation when p rounds to 1
    omega = np.maximum(p * _sigmoid(-z), WEIGHT_FLOOR)  # the weights omega_i
    working_response = z + (y - p) / omega
    n = Xa.shape[0]
    return _weighted_least_squares(Xa, working_response, omega, n * alpha, mask)


def _binary_separates(theta: Array, Xa: Array, y: Array) -> bool:
    """True when every sample lies strictly on its own side of the hyperplane."""
    z = Xa @ theta
    return bool(np.all(np.where(y == 1.0, z, -z) > 0.0))


def _multinomial_separates(Theta: Array, Xa: Array, Y: Array) -> bool:
    """True when every sample's own logit is strictly larger than every other logit."""
    Z = Xa @ Theta
    own = np.sum(Z * Y, axis=1)
    others = np.max(np.where(Y == 1.0, -np.inf, Z), axis=1)
    return bool(np.all(own > others))


#: What an evaluation returns: the objective, its gradient, and what the direction can reuse.
Evaluation = tuple[float, Array, object]


def _newton(theta: Array, evaluate: Callable[[Array], Evaluation],
            direction: Callable[[Array, Array, object], Array],
            separates: Callable[[Array], bool], *, max_iter: int, tol: float,
            check_separation: bool) -> SolverResult:
    """Damped Newton iteration with an Armijo backtracking line search.

    ``evaluate(theta)`` returns the objective, its gradient and any intermediate result
    (the weights, say) that ``direction(theta, gradient, intermediate)`` can reuse: an
    accepted trial point of the line search is never evaluated twice.
    """
    value, g, state = evaluate(theta)
    history = [value]
    status = "max_iter"
    n_iter = 0
    while n_iter < max_iter:
        if np.linalg.norm(g) <= tol:
            status = "converged"
            break
        step = direction(theta, g, state)
        slope = float(g.ravel() @ step.ravel())
        if not np.all(np.isfinite(step)) or slope >= 0.0:
            step, slope = -g, -float(g.ravel() @ g.ravel())  # fall back to steepest descent
        t, accepted = 1.0, False
        for _ in range(50):  # backtracking: halve until the loss decreases enough
            candidate = theta + t * step
            trial = evaluate(candidate)
            if np.isfinite(trial[0]) and trial[0] <= history[-1] + 1e-4 * t * slope:
                accepted = True
                break
            t *= 0.5
        if not accepted:
            status = "stalled"
            break
        theta, (value, g, state) = candidate, trial
        history.append(value)
        n_iter += 1
        if check_separation and separates(theta):
            status = "separable"
            break
    else:
        if np.linalg.norm(g) <= tol:
            status = "converged"
    grad_norm = float(np.linalg.norm(g))
    return SolverResult(theta, n_iter, status == "converged", status, grad_norm,
                        np.array(history))


def _binary_direction(theta: Array, g: Array, omega: Array, Xa: Array, y: Array,
                      alpha: float, mask: Array) -> Array:
    r"""The Newton direction :math:`-(\nabla^2 J)^{-1}\nabla J` by Cholesky; IRLS by QR as fallback.

    The Hessian :math:`\tfrac1n\tilde{\mathbf{X}}^\top\boldsymbol{\Omega}\tilde{\mathbf{X}}
    + \alpha\mathbf{M}` is the matrix of the weighted normal equations of the IRLS
    problem, of size only :math:`(d+1) \times (d+1)`: forming it (half of it, by a
    symmetric rank-:math:`n` update) and factorising it costs far less than a QR
    factorisation of the :math:`n \times (d+1)` stacked rows. Squaring the condition
    number does not cost accuracy in the answer here: Newton's method needs the direction
    only to a relative error below one to keep converging fast, and the answer's accuracy
    is set by the gradient, which is computed from :math:`\tilde{\mathbf{X}}` itself.
    When the Cholesky factorisation breaks down or its pivots show a Hessian singular
    to working precision (possible only for ``alpha = 0``), the direction comes from
    the IRLS step solved by QR, or by the SVD (minimum norm) for a rank-deficient design.
    """
    n = Xa.shape[0]
    rows = np.sqrt(np.maximum(omega, WEIGHT_FLOOR))[:, None] * Xa
    hessian = dsyrk(1.0, rows, trans=1)  # upper triangle of rows^T rows = n * data Hessian
    hessian.flat[:: hessian.shape[0] + 1] += n * alpha * mask
    factor, info = dpotrf(hessian, lower=False, clean=False)
    if info == 0:
        pivots = np.abs(np.diag(factor))
        # (max/min pivot)^2 bounds cond(H) from below: near 1/eps, H is singular in effect
        if pivots.min() ** 2 > _SINGULAR * pivots.max() ** 2:
            step, info = dpotrs(factor, -n * g, lower=False)
            if info == 0 and np.all(np.isfinite(step)):
                return step
    return _irls(theta, Xa, y, alpha, mask) - theta


def newton_binary(Xa: Array, y: Array, alpha: float, mask: Array, *, max_iter: int,
                  tol: float) -> SolverResult:
    """Newton's method (IRLS) with a line search for the binary objective."""
    return _newton(
        np.zeros(Xa.shape[1]),
        lambda t: obj.binary_loss_gradient_weights(t, Xa, y, alpha, mask),
        lambda t, g, omega: _binary_direction(t, g, omega, Xa, y, alpha, mask),
        lambda t: _binary_separates(t, Xa, y),
        max_iter=max_iter, tol=tol, check_separation=alpha == 0.0,
    )


def multinomial_hessian(Theta: Array, Xa: Array, alpha: float, mask: Array) -> Array:
    r"""Hessian of the softmax objective, for ``Theta.ravel()`` (row-major ``(j, k)``).

    Block :math:`(k, l)` is :math:`\tfrac1n \tilde{\mathbf{X}}^\top
    \operatorname{diag}(p_k \delta_{kl} - p_k p_l) \tilde{\mathbf{X}}`, assembled as
    a block-diagonal part minus :math:`\mathbf{B}^\top \mathbf{B}` with
    :math:`\mathbf{B}_i = \tilde{\mathbf{x}}_i \otimes \mathbf{p}_i`.
    """
    n, D = Xa.shape
    K = Theta.shape[1]
    P = softmax(Xa @ Theta, axis=1)
    B = (Xa[:, :, None] * P[:, None, :]).reshape(n, D * K)
    H = -(B.T @ B)
    H4 = H.reshape(D, K, D, K)
    diagonal_blocks = (Xa.T @ B).reshape(D, D, K)  # [j, m, k] = sum_i x_ij x_im p_ik
    for k in range(K):
        H4[:, k, :, k] += diagonal_blocks[:, :, k]
    H /= n
    H[np.diag_indices(D * K)] += alpha * np.repeat(mask, K)
    return H


def _multinomial_direction(Theta: Array, g: Array, Xa: Array, alpha: float,
                           mask: Array) -> Array:
    """Newton direction; the null directions ``e_j (x) 1_K`` are made definite first.

    Adding a constant to row ``j`` of every class leaves the softmax unchanged,
    so the data part of the Hessian is singular along ``e_j (x) 1_K``. Where the
    penalty does not act (the intercept row, or every row when ``alpha = 0``) we
    add ``v v^T`` for these directions; the gradient is orthogonal to them, so
    the solution is the Newton step orthogonal to the null space.
    """
    D, K = Theta.shape
    H = multinomial_hessian(Theta, Xa, alpha, mask)
    blind = np.flatnonzero(alpha * mask == 0.0)
    for j in blind:
        block = slice(j * K, (j + 1) * K)
        H[block, block] += 1.0
    try:
        factor = scipy.linalg.cho_factor(H)
        step = scipy.linalg.cho_solve(factor, -g.ravel())
    except (np.linalg.LinAlgError, ValueError):
        step, *_ = np.linalg.lstsq(H, -g.ravel(), rcond=None)
    return step.reshape(D, K)


def newton_multinomial(Xa: Array, Y: Array, alpha: float, mask: Array, *, max_iter: int,
                       tol: float) -> SolverResult:
    """Newton's method with a line search for the softmax objective."""
    return _newton(
        np.zeros((Xa.shape[1], Y.shape[1])),
        lambda t: (obj.multinomial_loss(t, Xa, Y, alpha, mask),
                   obj.multinomial_gradient(t, Xa, Y, alpha, mask), None),
        lambda t, g, _: _multinomial_direction(t, g, Xa, alpha, mask),
        lambda t: _multinomial_separates(t, Xa, Y),
        max_iter=max_iter, tol=tol, check_separation=alpha == 0.0,
    )


def gradient_descent_solver(shape: tuple[int, ...], loss: Callable[[Array], float],
                            grad: Callable[[Array], Array],
                            separates: Callable[[Array], bool], *, learning_rate: float,
                            max_iter: int, tol: float, check_separation: bool) -> SolverResult:
    """Chapter 2's gradient descent on the flattened parameters."""
    found = []

    def stop_if_separated(x: Array) -> bool:
        if check_separation and separates(x.reshape(shape)):
            found.append(True)
            return True
        return False

    res = gradient_descent(lambda x: grad(x.reshape(shape)).ravel(), np.zeros(int(np.prod(shape))),
                           learning_rate=learning_rate, max_iter=max_iter, tol=tol,
                           fun=lambda x: loss(x.reshape(shape)), callback=stop_if_separated)
    if res.converged:
        status = "converged"
    elif found:
        status = "separable"
    elif res.n_iter < max_iter:
        status = "diverged"  # gradient_descent has already warned
    else:
        status = "max_iter"
    return SolverResult(res.x.reshape(shape), res.n_iter, res.converged, status,
                        res.grad_norm, res.values)


def separating_hyperplane(X: ArrayLike, y: ArrayLike) -> tuple[Array, float] | None:
    r"""A hyperplane that separates two classes strictly, or ``None`` if none exists.

    Solves the linear feasibility problem :math:`s_i(\mathbf{w}^\top\mathbf{x}_i + b)
    \ge 1` for all :math:`i`, with :math:`s_i = \pm 1` the signed labels, by
    linear programming (SciPy's HiGHS). Any strictly separating hyperplane can be
    scaled to satisfy it, so the problem is feasible exactly when the classes are
    linearly separable. On separable data, the logistic log-loss has no minimiser.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        The samples.
    y : array-like of shape (n_samples,)
        Labels of exactly two classes (any type); the larger one is the positive class.

    Returns
    -------
    tuple of (ndarray of shape (n_features,), float) or None
        ``(w, b)`` with every sample strictly on its own side, or ``None`` when
        the linear program is proved infeasible (no strictly separating
        hyperplane exists).

    Raises
    ------
    TypeError, ValueError
        If ``X`` is not a finite 2-D numeric array, ``y`` not 1-D, the lengths
        differ, or ``y`` does not hold exactly two classes.
    RuntimeError
        If the linear-programming solver fails for any other reason (iteration
        limit, numerical difficulties): then the question is left undecided.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0]])
    >>> w, b = separating_hyperplane(X, [0, 0, 1, 1])
    >>> bool(np.all(np.sign(X @ w + b) == [-1, -1, 1, 1]))
    True
    >>> separating_hyperplane(X, [0, 1, 0, 1]) is None
    True
    """
    X = check_2d(X, "X")
    labels = check_labels(y, "y")
    check_consistent_length(X=X, y=labels)
    classes = np.unique(labels)
    if classes.size != 2:
        raise ValueError(f"y must hold exactly two classes; got {classes.size}: "
                         f"{classes.tolist()[:5]}.")
    s = np.where(labels == classes[1], 1.0, -1.0)
    n, d = X.shape
    A = -s[:, None] * np.column_stack([X, np.ones(n)])
    res = scipy.optimize.linprog(np.zeros(d + 1), A_ub=A, b_ub=-np.ones(n),
                                 bounds=[(None, None)] * (d + 1), method="highs")
    if res.status == 2:  # proved infeasible: no separating hyperplane
        return None
    if res.status != 0:
        raise RuntimeError(f"the linear program failed (status {res.status}: "
                           f"{res.message}); separability is undecided.")
    return res.x[:d], float(res.x[d])
