r"""The objectives of logistic and softmax regression, with their gradients and Hessians.

Parameters are one array ``theta``. With ``fit_intercept=True`` its first entry
(binary) or first row (softmax) is the intercept and the rest the coefficients,
exactly as in the augmented notation :math:`\tilde{\mathbf{x}} = (1, \mathbf{x})`,
:math:`\tilde{\mathbf{w}} = (b, \mathbf{w})`; with ``fit_intercept=False`` it holds
the coefficients only. The objective is the mean log-loss plus
:math:`\tfrac{\alpha}{2}\|\mathbf{w}\|^2`; the intercept is not penalised.

Binary (:math:`p_i = \sigma(\tilde{\mathbf{x}}_i^\top \tilde{\mathbf{w}})`,
:math:`\mathbf{S} = \operatorname{diag}(p_i(1 - p_i))`, :math:`\mathbf{M}` the
diagonal 0/1 mask of the penalised entries):

.. math::

   J(\tilde{\mathbf{w}}) = \frac1n \sum_i \bigl[\log(1 + e^{z_i}) - y_i z_i\bigr]
       + \frac{\alpha}{2} \tilde{\mathbf{w}}^\top \mathbf{M} \tilde{\mathbf{w}},\quad
   \nabla J = \frac1n \tilde{\mathbf{X}}^\top (\mathbf{p} - \mathbf{y})
       + \alpha \mathbf{M} \tilde{\mathbf{w}},\quad
   \nabla^2 J = \frac1n \tilde{\mathbf{X}}^\top \mathbf{S} \tilde{\mathbf{X}} + \alpha \mathbf{M}.

Softmax (:math:`\mathbf{P} = \operatorname{softmax}(\tilde{\mathbf{X}} \boldsymbol{\Theta})`
row by row, :math:`\mathbf{Y}` one-hot): gradient :math:`\tfrac1n \tilde{\mathbf{X}}^\top
(\mathbf{P} - \mathbf{Y}) + \alpha \mathbf{M} \boldsymbol{\Theta}`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from mathbehindml._validation import (
    as_float_array,
    check_1d,
    check_2d,
    check_bool,
    check_consistent_length,
    check_finite,
    check_scalar,
)
from mathbehindml.functions import _sigmoid, log_softmax, softmax
from mathbehindml.losses import _label_matrix

__all__ = [
    "logistic_gradient",
    "logistic_hessian",
    "logistic_loss",
    "softmax_regression_gradient",
    "softmax_regression_loss",
]

Array = NDArray[np.float64]


# ------------------------------------------------------------------ unchecked kernels
# ``Xa`` is the design matrix with the column of ones already prepended when there is an
# intercept, and ``mask`` is 0.0 for the intercept and 1.0 for every penalised parameter.


def augment(X: Array, fit_intercept: bool) -> Array:
    """``[1, X]`` with an intercept, else ``X`` itself."""
    return np.column_stack([np.ones(X.shape[0]), X]) if fit_intercept else X


def penalty_mask(n_params: int, fit_intercept: bool) -> Array:
    """1.0 for the penalised parameters, 0.0 for the intercept (the first one)."""
    mask = np.ones(n_params)
    if fit_intercept:
        mask[0] = 0.0
    return mask


def _softplus(z: Array) -> Array:
    return np.logaddexp(0.0, z)


def binary_loss(theta: Array, Xa: Array, y: Array, alpha: float,
                mask: Array) -> float:
    """Mean of ``y log(1 + e^-z) + (1 - y) log(1 + e^z)``, plus the penalty."""
    z = Xa @ theta
    data = np.mean(y * _softplus(-z) + (1.0 - y) * _softplus(z))
    return float(data + 0.5 * alpha * np.sum(mask * theta**2))


def binary_gradient(theta: Array, Xa: Array, y: Array, alpha: float,
                    mask: Array) -> Array:
    """``Xa^T (sigmoid(Xa theta) - y) / n + alpha * mask * theta``."""
    residual = _sigmoid(Xa @ theta) - y
    return Xa.T @ residual / Xa.shape[0] + alpha * mask * theta


def binary_hessian(theta: Array, Xa: Array, alpha: float,
                   mask: Array) -> Array:
    """``Xa^T Omega Xa / n + alpha * diag(mask)``, ``Omega = diag(p (1 - p))``."""
    z = Xa @ theta
    omega = _sigmoid(z) * _sigmoid(-z)  # p (1 - p), no cancellation when p rounds to 1
    return (Xa.T * omega) @ Xa / Xa.shape[0] + np.diag(alpha * mask)


def binary_loss_gradient_weights(theta: Array, Xa: Array, y: Array, alpha: float,
                                 mask: Array) -> tuple[float, Array, Array]:
    r"""The objective, its gradient and the IRLS weights from one pass over the logits.

    The fused kernel of Newton's method, where every trial point needs all three: one
    product :math:`\mathbf{z} = \tilde{\mathbf{X}}\tilde{\mathbf{w}}` and one exponential
    :math:`e_i = e^{-|z_i|} \in (0, 1]` give

    * :math:`\log(1 + e^{\pm z_i}) = \max(\pm z_i, 0) + \log(1 + e_i)`, so the loss
      term :math:`y_i\log(1 + e^{-z_i}) + (1 - y_i)\log(1 + e^{z_i})` of
      :func:`binary_loss`, a sum of non-negative terms (no cancellation);
    * :math:`\sigma(z_i) = 1/(1 + e_i)` for :math:`z_i \ge 0` and :math:`e_i/(1 + e_i)`
      otherwise, so the gradient of :func:`binary_gradient`;
    * :math:`\omega_i = \sigma(z_i)\sigma(-z_i) = e_i/(1 + e_i)^2` for either sign, the
      weights of :func:`binary_hessian`, without cancellation.

    No exponential overflows; the tests check the three against the separate kernels.
    """
    z = Xa @ theta
    e = np.exp(-np.abs(z))
    one_plus_e = 1.0 + e
    positive = z >= 0.0
    # y log(1 + e^-z) + (1 - y) log(1 + e^z) = log(1 + e) + (y if z < 0 else 1 - y) |z|
    terms = np.log1p(e) + np.where(positive, 1.0 - y, y) * np.abs(z)
    p = np.where(positive, 1.0, e) / one_plus_e
    omega = e / (one_plus_e * one_plus_e)
    penalised = mask * theta
    n = Xa.shape[0]
    value = float(np.mean(terms) + 0.5 * alpha * (penalised @ theta))
    gradient = Xa.T @ (p - y) / n + alpha * penalised
    return value, gradient, omega


def multinomial_loss(Theta: Array, Xa: Array, Y: Array, alpha: float,
                     mask: Array) -> float:
    """Mean cross-entropy of ``softmax(Xa Theta)`` against one-hot ``Y``."""
    log_p = log_softmax(Xa @ Theta, axis=1)
    data = -np.sum(Y * log_p) / Xa.shape[0]
    return float(data + 0.5 * alpha * np.sum(mask[:, None] * Theta**2))


def multinomial_gradient(Theta: Array, Xa: Array, Y: Array, alpha: float,
                         mask: Array) -> Array:
    """``Xa^T (P - Y) / n + alpha * mask * Theta``, ``P = softmax(Xa Theta)``."""
    P = softmax(Xa @ Theta, axis=1)
    return Xa.T @ (P - Y) / Xa.shape[0] + alpha * mask[:, None] * Theta


# ------------------------------------------------------------------ validation of the public API


def _common(theta: ArrayLike, X: ArrayLike, alpha: Any, fit_intercept: Any,
            ndim: int) -> tuple[Array, Array, float, bool]:
    X = check_2d(X, "X")
    fit_intercept = check_bool(fit_intercept, "fit_intercept")
    alpha = float(check_scalar(alpha, "alpha", min_value=0))
    theta = check_finite(as_float_array(theta, "theta"), "theta")
    n_rows = X.shape[1] + int(fit_intercept)
    if theta.ndim != ndim or theta.shape[0] != n_rows:
        layout = "(n_features + 1" if fit_intercept else "(n_features"
        layout += ",)" if ndim == 1 else ", n_classes)"
        first = (" The first entry is the intercept." if ndim == 1 else
                 " The first row holds the intercepts.") if fit_intercept else ""
        raise ValueError(
            f"theta must have shape {layout} = ({n_rows}{',' if ndim == 1 else ', K'}) for X with "
            f"{X.shape[1]} features and fit_intercept={fit_intercept}; got shape "
            f"{theta.shape}.{first}"
        )
    return theta, augment(X, fit_intercept), alpha, fit_intercept


def _binary_args(theta: ArrayLike, X: ArrayLike, y: ArrayLike | None, alpha: Any,
                 fit_intercept: Any) -> tuple[Array, Array, Array | None, float, Array]:
    theta, Xa, alpha, fit_intercept = _common(theta, X, alpha, fit_intercept, ndim=1)
    labels = None
    if y is not None:
        labels = check_1d(y, "y")
        check_consistent_length(X=Xa, y=labels)
        if np.any((labels != 0.0) & (labels != 1.0)):
            raise ValueError(
                "y must hold the labels 0 and 1; got "
                f"{float(labels[(labels != 0.0) & (labels != 1.0)][0])!r}. Encode the positive "
                "class as 1, e.g. y = (labels == positive).astype(float)."
            )
    return theta, Xa, labels, alpha, penalty_mask(theta.shape[0], fit_intercept)


def _multinomial_args(theta: ArrayLike, X: ArrayLike, y: ArrayLike, alpha: Any,
                      fit_intercept: Any) -> tuple[Array, Array, Array, float, Array]:
    Theta, Xa, alpha, fit_intercept = _common(theta, X, alpha, fit_intercept, ndim=2)
    n, k = Xa.shape[0], Theta.shape[1]
    if not isinstance(y, str | bytes) and np.ndim(y) >= 1:
        check_consistent_length(X=Xa, y=np.asarray(y))
    Y = _label_matrix(y, n, k, name="y", against="theta")
    if Y.ndim == 1:
        Y = np.eye(k)[Y]
    return Theta, Xa, Y, alpha, penalty_mask(Theta.shape[0], fit_intercept)


# ------------------------------------------------------------------ public functions


def logistic_loss(theta: ArrayLike, X: ArrayLike, y: ArrayLike, *, alpha: float = 0.0,
                  fit_intercept: bool = True) -> float:
    r"""The objective of logistic regression: mean log-loss plus a ridge penalty.

    .. math:: J(\tilde{\mathbf{w}}) = \frac1n \sum_{i=1}^n \bigl[y_i \log(1 + e^{-z_i})
              + (1 - y_i)\log(1 + e^{z_i})\bigr] + \frac{\alpha}{2}\|\mathbf{w}\|^2,
              \qquad z_i = b + \mathbf{w}^\top \mathbf{x}_i,

    computed from the logits with ``numpy.logaddexp`` (exact for any finite
    :math:`z_i`).

    Parameters
    ----------
    theta : array-like of shape (n_features + 1,) or (n_features,)
        ``(b, w_1, ..., w_d)`` with an intercept, ``w`` without.
    X : array-like of shape (n_samples, n_features)
        The design matrix (without the column of ones).
    y : array-like of shape (n_samples,)
        Labels in :math:`\{0, 1\}`.
    alpha : float, default 0.0
        The ridge strength :math:`\alpha \ge 0`; the intercept is not penalised.
    fit_intercept : bool, default True
        Whether ``theta[0]`` is an intercept.

    Returns
    -------
    float
        The value of the objective.

    Raises
    ------
    TypeError
        If an array is not numeric, ``alpha`` not a real number or
        ``fit_intercept`` not a bool.
    ValueError
        If ``X`` is not a finite 2-D array, the lengths differ, ``theta`` has the
        wrong shape, ``y`` holds values other than 0 and 1, or ``alpha < 0``.

    Examples
    --------
    At :math:`\tilde{\mathbf{w}} = \mathbf{0}` every :math:`p_i = 1/2`, and the loss is
    :math:`\log 2`:

    >>> import numpy as np
    >>> X, y = np.array([[1.0], [2.0], [3.0]]), np.array([0, 1, 1])
    >>> round(logistic_loss(np.zeros(2), X, y), 6), round(float(np.log(2)), 6)
    (0.693147, 0.693147)
    >>> round(logistic_loss([0.0, 1.0], X, y, alpha=2.0) - logistic_loss([0.0, 1.0], X, y), 12)
    1.0
    """
    theta, Xa, labels, alpha, mask = _binary_args(theta, X, y, alpha, fit_intercept)
    return binary_loss(theta, Xa, labels, alpha, mask)


def logistic_gradient(theta: ArrayLike, X: ArrayLike, y: ArrayLike, *, alpha: float = 0.0,
                      fit_intercept: bool = True) -> Array:
    r"""The gradient of :func:`logistic_loss`.

    .. math:: \nabla J(\tilde{\mathbf{w}}) = \frac1n \tilde{\mathbf{X}}^\top
              \bigl(\sigma(\tilde{\mathbf{X}}\tilde{\mathbf{w}}) - \mathbf{y}\bigr)
              + \alpha \mathbf{M}\tilde{\mathbf{w}},

    where :math:`\mathbf{M}` is the diagonal 0/1 mask of the penalised entries.

    Parameters
    ----------
    theta : array-like of shape (n_features + 1,) or (n_features,)
        ``(b, w_1, ..., w_d)`` with an intercept, ``w`` without.
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
        The gradient of :func:`logistic_loss` with respect to ``theta``.

    Raises
    ------
    TypeError, ValueError
        As :func:`logistic_loss`.

    Examples
    --------
    >>> import numpy as np
    >>> X, y = np.array([[1.0], [2.0], [3.0]]), np.array([0, 1, 1])
    >>> logistic_gradient(np.zeros(2), X, y)  # (1/2 - y) averaged, and weighted by x
    array([-0.16666667, -0.66666667])
    """
    theta, Xa, labels, alpha, mask = _binary_args(theta, X, y, alpha, fit_intercept)
    return binary_gradient(theta, Xa, labels, alpha, mask)


def logistic_hessian(theta: ArrayLike, X: ArrayLike, *, alpha: float = 0.0,
                     fit_intercept: bool = True) -> Array:
    r"""The Hessian of :func:`logistic_loss`.

    .. math:: \nabla^2 J(\tilde{\mathbf{w}}) = \frac1n \tilde{\mathbf{X}}^\top
              \mathbf{S} \tilde{\mathbf{X}} + \alpha\mathbf{M},
              \qquad \mathbf{S} = \operatorname{diag}\bigl(p_i(1 - p_i)\bigr).

    The Hessian does not depend on the labels, so there is no ``y``. It is
    positive semi-definite for every ``theta``: the objective is convex.

    Parameters
    ----------
    theta : array-like of shape (n_features + 1,) or (n_features,)
        ``(b, w_1, ..., w_d)`` with an intercept, ``w`` without.
    X : array-like of shape (n_samples, n_features)
        The design matrix.
    alpha : float, default 0.0
        The ridge strength; the intercept is not penalised.
    fit_intercept : bool, default True
        Whether ``theta[0]`` is an intercept.

    Returns
    -------
    ndarray of shape (len(theta), len(theta))
        The symmetric matrix of second derivatives of :func:`logistic_loss`.

    Raises
    ------
    TypeError, ValueError
        As :func:`logistic_loss`.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[1.0], [-1.0]])
    >>> logistic_hessian(np.zeros(2), X)  # p = 1/2, so S = I / 4
    array([[0.25, 0.  ],
           [0.  , 0.25]])
    """
    theta, Xa, _, alpha, mask = _binary_args(theta, X, None, alpha, fit_intercept)
    return binary_hessian(theta, Xa, alpha, mask)


def softmax_regression_loss(theta: ArrayLike, X: ArrayLike, y: ArrayLike, *,
                            alpha: float = 0.0, fit_intercept: bool = True) -> float:
    r"""The objective of softmax regression: mean cross-entropy plus a ridge penalty.

    .. math:: J(\boldsymbol{\Theta}) = -\frac1n \sum_{i=1}^n \sum_{k=1}^K y_{ik}
              \log \operatorname{softmax}(\tilde{\mathbf{x}}_i^\top \boldsymbol{\Theta})_k
              + \frac{\alpha}{2} \|\mathbf{W}\|_F^2,

    where :math:`\mathbf{W}` is :math:`\boldsymbol{\Theta}` without its intercept row.

    Parameters
    ----------
    theta : array-like of shape (n_features + 1, n_classes) or (n_features, n_classes)
        One column of parameters per class; with an intercept, row 0 holds the intercepts.
    X : array-like of shape (n_samples, n_features)
        The design matrix.
    y : array-like of shape (n_samples,) or (n_samples, n_classes)
        Class indices ``0..n_classes-1`` or one-hot rows.
    alpha : float, default 0.0
        The ridge strength; the intercepts are not penalised.
    fit_intercept : bool, default True
        Whether the first row of ``theta`` holds intercepts.

    Returns
    -------
    float
        The value of the objective.

    Raises
    ------
    TypeError
        If an array is not numeric, ``alpha`` not a real number or ``fit_intercept`` not a bool.
    ValueError
        If ``X`` is not a finite 2-D array, ``theta`` has the wrong shape, a label
        is out of range, the lengths differ, or ``alpha < 0``.

    Examples
    --------
    With all parameters zero, every class has probability :math:`1/K`:

    >>> import numpy as np
    >>> X, y = np.array([[1.0], [2.0]]), np.array([0, 2])
    >>> bool(np.isclose(softmax_regression_loss(np.zeros((2, 3)), X, y), np.log(3)))
    True
    """
    Theta, Xa, Y, alpha, mask = _multinomial_args(theta, X, y, alpha, fit_intercept)
    return multinomial_loss(Theta, Xa, Y, alpha, mask)


def softmax_regression_gradient(theta: ArrayLike, X: ArrayLike, y: ArrayLike, *,
                                alpha: float = 0.0, fit_intercept: bool = True) -> Array:
    r"""The gradient of :func:`softmax_regression_loss`.

    .. math:: \nabla J(\boldsymbol{\Theta}) = \frac1n \tilde{\mathbf{X}}^\top
              (\mathbf{P} - \mathbf{Y}) + \alpha\mathbf{M}\boldsymbol{\Theta},
              \qquad \mathbf{P} = \operatorname{softmax}(\tilde{\mathbf{X}}\boldsymbol{\Theta}).

    Parameters
    ----------
    theta : array-like of shape (n_features + 1, n_classes) or (n_features, n_classes)
        One column of parameters per class; with an intercept, row 0 holds the intercepts.
    X : array-like of shape (n_samples, n_features)
        The design matrix.
    y : array-like of shape (n_samples,) or (n_samples, n_classes)
        Class indices ``0..n_classes-1`` or one-hot rows.
    alpha : float, default 0.0
        The ridge strength; the intercepts are not penalised.
    fit_intercept : bool, default True
        Whether the first row of ``theta`` holds intercepts.

    Returns
    -------
    ndarray of the shape of theta
        The gradient of :func:`softmax_regression_loss`; its rows sum to zero
        when ``alpha = 0`` (adding a constant to every logit changes nothing).

    Raises
    ------
    TypeError, ValueError
        As :func:`softmax_regression_loss`.

    Examples
    --------
    >>> import numpy as np
    >>> X, y = np.array([[1.0], [2.0]]), np.array([0, 2])
    >>> g = softmax_regression_gradient(np.zeros((2, 3)), X, y)
    >>> g.shape, bool(np.allclose(g.sum(axis=1), 0.0))
    ((2, 3), True)
    """
    Theta, Xa, Y, alpha, mask = _multinomial_args(theta, X, y, alpha, fit_intercept)
    return multinomial_gradient(Theta, Xa, Y, alpha, mask)
