r"""Ridge regression: least squares with the penalty :math:`\alpha \|w\|^2`, by the SVD.

The estimator :class:`~mathbehindml.linear_regression.Ridge`, which also fits an
unpenalised intercept, is built on :func:`ridge_regression`.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from mathbehindml._validation import check_scalar
from mathbehindml.least_squares import EPS, _as_2d, _check_xy, _svd, qr_reduce

__all__ = ["ridge_regression"]


def ridge_regression(X: ArrayLike, y: ArrayLike, alpha: float) -> NDArray[np.float64]:
    r"""Ridge regression :math:`w = (X^\top X + \alpha I)^{-1} X^\top y`, computed by the SVD.

    With :math:`X = U \Sigma V^\top` the solution is
    :math:`w = \sum_i v_i \, \frac{\sigma_i}{\sigma_i^2 + \alpha} \, (u_i^\top y)`:
    the penalty damps the directions of small singular values instead of dividing
    by them. A tall ``X`` (``n_samples > n_features``) is first reduced to a triangle
    with :func:`qr_reduce`, which has the same :math:`X^\top X` and
    :math:`X^\top y`. ``alpha = 0`` gives the minimum-norm least-squares solution.
    No intercept is fitted (centre the data, or use
    :class:`~mathbehindml.linear_regression.Ridge`).

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        The design matrix.
    y : array-like of shape (n_samples,) or (n_samples, n_targets)
        The targets.
    alpha : float
        The penalty :math:`\alpha \ge 0` on :math:`\|w\|^2`.

    Returns
    -------
    ndarray of shape (n_features,) or (n_features, n_targets)
        The ridge coefficients.

    Raises
    ------
    ValueError
        If the input is malformed or ``alpha`` is negative or not finite.
    TypeError
        If an input or ``alpha`` is not numeric.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[1.0, 0.0], [0.0, 2.0]])
    >>> ridge_regression(X, np.array([1.0, 2.0]), alpha=1.0)  # (1/2, 4/5)
    array([0.5, 0.8])
    """
    X, y = _check_xy(X, y)
    alpha = float(check_scalar(alpha, "alpha", min_value=0))
    Y = _as_2d(y)
    n, d = X.shape
    A, B = qr_reduce(X, Y) if n > d else (X, Y)  # same X^T X and X^T Y, smaller matrices
    U, s, Vt = _svd(A)
    keep = s > EPS * max(n, d) * s[0] if s.size and s[0] > 0 else np.zeros(s.shape, bool)
    filt = np.zeros_like(s)
    filt[keep] = s[keep] / (s[keep] ** 2 + alpha)
    coef = Vt.T @ (filt[:, None] * (U.T @ B))
    return coef[:, 0] if y.ndim == 1 else coef
