r"""Linear regression by ordinary least squares, and ridge regression.

:class:`LinearRegression` fits :math:`\hat y = Xw + b` by minimising the sum of
squared errors, with one of three solvers (``"svd"``, ``"qr"``, ``"normal"``);
:class:`Ridge` adds the penalty :math:`\alpha \|w\|^2`. Both follow scikit-learn's
conventions: ``fit`` returns the estimator, learned attributes end in ``_``, and
``coef_`` has shape ``(n_features,)`` for one target and ``(n_targets,
n_features)`` for several.

The solver functions (:func:`ols_normal_equations`, :func:`ols_qr`,
:func:`ols_svd`, :func:`qr_reduce`, :func:`hat_matrix`) live in
``mathbehindml.least_squares`` and :func:`ridge_regression` in ``mathbehindml.ridge``;
all are re-exported here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from mathbehindml._validation import (
    check_1d_or_2d,
    check_2d,
    check_bool,
    check_consistent_length,
    check_in,
    check_is_fitted,
    check_n_features,
    check_scalar,
)
from mathbehindml.least_squares import (
    LstsqSolution,
    _solve_normal,
    _solve_qr,
    _solve_svd,
    hat_matrix,
    ols_normal_equations,
    ols_qr,
    ols_svd,
    qr_reduce,
)
from mathbehindml.metrics import r2_score
from mathbehindml.ridge import ridge_regression

__all__ = [
    "LinearRegression",
    "Ridge",
    "hat_matrix",
    "ols_normal_equations",
    "ols_qr",
    "ols_svd",
    "qr_reduce",
    "ridge_regression",
]

SOLVERS = ("svd", "qr", "normal")


def _centre(X: NDArray[np.float64], Y: NDArray[np.float64], fit_intercept: bool):
    """Column means and centred copies; with no intercept, zeros and the data unchanged.

    The first row is subtracted before the mean is taken, so a constant column
    centres to exact zeros (``X - X.mean(axis=0)`` leaves rounding noise there,
    which a rank decision would mistake for a tiny but real feature).
    """
    if not fit_intercept:
        return np.zeros(X.shape[1]), np.zeros(Y.shape[1]), X, Y
    Xc, Yc = X - X[0], Y - Y[0]
    x_shift, y_shift = Xc.mean(axis=0), Yc.mean(axis=0)
    Xc -= x_shift
    Yc -= y_shift
    return X[0] + x_shift, Y[0] + y_shift, Xc, Yc


class _LinearModel:
    """Shared by the linear estimators: validation, the intercept, predict and score."""

    coef_: NDArray[np.float64]
    intercept_: Any

    def _fit_centred(self, X: ArrayLike, y: ArrayLike,
                     solve: Callable[[NDArray[np.float64], NDArray[np.float64], bool],
                                     NDArray[np.float64]]) -> None:
        """Validate, centre, solve the centred problem, recover the intercept; set coef_.

        ``solve(Xc, Yc, fit_intercept)`` returns the weights ``W`` of shape
        ``(n_features, n_targets)`` for the centred data (``Yc`` is always 2-D); the
        intercept is then :math:`b = \\bar y - \\bar x^\\top W`, and ``coef_`` and
        ``intercept_`` take scikit-learn's shapes (a vector and a float for one target).
        """
        fit_intercept = check_bool(self.fit_intercept, "fit_intercept")
        X, y = check_2d(X, "X"), check_1d_or_2d(y, "y")
        check_consistent_length(X=X, y=y)
        x_mean, y_mean, Xc, Yc = _centre(X, y[:, None] if y.ndim == 1 else y, fit_intercept)
        W = solve(Xc, Yc, fit_intercept)
        intercept = y_mean - x_mean @ W
        if y.ndim == 1:
            self.coef_, self.intercept_ = W[:, 0], float(intercept[0])
        else:
            self.coef_, self.intercept_ = np.ascontiguousarray(W.T), intercept
        self.n_features_in_ = X.shape[1]

    def predict(self, X: ArrayLike) -> NDArray[np.float64]:
        """Predict :math:`\\hat y = X w + b`.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples with the features the model was fitted on.

        Returns
        -------
        ndarray of shape (n_samples,) or (n_samples, n_targets)
            The predictions, one row per sample.

        Raises
        ------
        NotFittedError
            If called before ``fit``.
        ValueError
            If ``X`` is not 2-D, holds NaN or infinity, or has the wrong number of features.

        Examples
        --------
        >>> import numpy as np
        >>> model = LinearRegression().fit(np.array([[0.0], [1.0]]), np.array([1.0, 3.0]))
        >>> model.predict(np.array([[2.0]]))
        array([5.])
        """
        check_is_fitted(self, "coef_")
        X = check_2d(X, "X")
        check_n_features(X, self.n_features_in_, type(self).__name__)
        return X @ self.coef_.T + self.intercept_

    def score(self, X: ArrayLike, y: ArrayLike) -> float:
        """The coefficient of determination :math:`R^2` of the predictions for ``X``.

        For several targets, the mean of their :math:`R^2` (as scikit-learn does).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Test samples.
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
            Their true targets, shaped like the targets used in ``fit``.

        Returns
        -------
        float
            :math:`R^2 = 1 - SS_\\mathrm{res} / SS_\\mathrm{tot}`, at most 1.

        Raises
        ------
        NotFittedError
            If called before ``fit``.
        ValueError
            If the input is malformed, ``y`` has the wrong shape, or there are fewer
            than two samples.

        Examples
        --------
        >>> import numpy as np
        >>> X, y = np.array([[0.0], [1.0], [2.0]]), np.array([0.0, 1.0, 3.0])
        >>> round(LinearRegression().fit(X, y).score(X, y), 4)
        0.9643
        """
        y_pred = self.predict(X)
        y = check_1d_or_2d(y, "y")
        if y.shape != y_pred.shape:
            raise ValueError(
                f"y must have shape {y_pred.shape} (one row per sample of X, one column per "
                f"target the model was fitted on); got shape {y.shape}."
            )
        if y.ndim == 1:
            return r2_score(y, y_pred)
        return float(np.mean([r2_score(y[:, j], y_pred[:, j]) for j in range(y.shape[1])]))


class LinearRegression(_LinearModel):
    r"""Ordinary least squares: minimise :math:`\|y - Xw - b\mathbf{1}\|^2` over :math:`w, b`.

    With an intercept, the columns of ``X`` and ``y`` are centred first; then
    :math:`w` solves the centred problem and :math:`b = \bar y - \bar x^\top w`.

    Parameters
    ----------
    fit_intercept : bool, default True
        Whether to fit the intercept :math:`b` (otherwise :math:`b = 0`).
    solver : {"svd", "qr", "normal"}, default "svd"
        ``"svd"``: the minimum-norm solution, for any rank (:func:`ols_svd`).
        ``"qr"``: Householder QR, needs full rank (:func:`ols_qr`).
        ``"normal"``: Cholesky on the normal equations, squares the condition number
        and warns when that becomes dangerous (:func:`ols_normal_equations`).

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,) or (n_targets, n_features)
        The weights :math:`w`.
    intercept_ : float or ndarray of shape (n_targets,)
        The intercept :math:`b` (0 when ``fit_intercept=False``).
    rank_ : int
        The numerical rank of the (centred) design matrix.
    singular_ : ndarray of shape (min(n_samples, n_features),)
        Its singular values, largest first. The ``"normal"`` solver takes them from the
        Cholesky factor of :math:`X^\top X`, so the small ones are inaccurate.
    n_features_in_ : int
        The number of features seen by ``fit``.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[1.0, 0.0], [2.0, 1.0], [3.0, 0.0], [4.0, 1.0]])
    >>> y = 1.0 + X @ np.array([2.0, -1.0])
    >>> model = LinearRegression().fit(X, y)
    >>> model.coef_, round(model.intercept_, 12), model.rank_
    (array([ 2., -1.]), 1.0, 2)
    """

    def __init__(self, *, fit_intercept: bool = True, solver: str = "svd") -> None:
        self.fit_intercept = fit_intercept
        self.solver = solver

    def fit(self, X: ArrayLike, y: ArrayLike) -> LinearRegression:
        """Fit the least-squares coefficients (and intercept) to ``X`` and ``y``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training samples.
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
            Training targets.

        Returns
        -------
        LinearRegression
            The fitted estimator, ``self``.

        Raises
        ------
        ValueError
            If the input is malformed, ``solver`` is unknown, or the chosen solver cannot
            handle the (centred) design: ``"qr"`` needs full rank, ``"normal"`` a positive
            definite :math:`X^\\top X`.
        TypeError
            If ``fit_intercept`` is not a bool or an input is not numeric.

        Warns
        -----
        IllConditionedWarning
            With ``solver="normal"``, when :math:`X^\\top X` is ill-conditioned.

        Examples
        --------
        >>> import numpy as np
        >>> model = LinearRegression(solver="qr").fit([[0.0], [1.0], [2.0]], [1.0, 2.0, 3.0])
        >>> model.coef_, round(model.intercept_, 12)
        (array([1.]), 1.0)
        """
        solver = check_in(self.solver, "solver", SOLVERS)
        self._fit_centred(X, y, lambda Xc, Yc, centred: self._solve(solver, Xc, Yc, centred))
        return self

    def _solve(self, solver: str, Xc: NDArray[np.float64], Yc: NDArray[np.float64],
               centred: bool) -> NDArray[np.float64]:
        """Least squares on the centred data with ``solver``; sets ``rank_`` and ``singular_``."""
        n, d = Xc.shape
        if solver == "normal" and centred and n - 1 < d:
            raise ValueError(
                f"X^T X of the centred X is singular: centring for the intercept leaves rank "
                f"at most n_samples - 1 = {n - 1} < n_features = {d}. Use solver='svd' for the "
                "minimum-norm solution."
            )
        solution: LstsqSolution
        if solver == "svd":
            solution = _solve_svd(Xc, Yc)
        elif solver == "qr":
            solution = _solve_qr(Xc, Yc)
        else:  # warn at the line that called fit, 5 frames up: this one, the lambda of
            # fit, _fit_centred, fit, and that line
            solution = _solve_normal(Xc, Yc, stacklevel=5)
        self.rank_, self.singular_ = solution.rank, solution.singular
        return solution.coef


class Ridge(_LinearModel):
    r"""Ridge regression: minimise :math:`\|y - Xw - b\mathbf{1}\|^2 + \alpha \|w\|^2`.

    The intercept is not penalised: the data are centred, :func:`ridge_regression`
    solves the centred problem, and :math:`b = \bar y - \bar x^\top w`.

    Parameters
    ----------
    alpha : float, default 1.0
        The penalty :math:`\alpha \ge 0`; ``alpha=0`` is minimum-norm least squares.
    fit_intercept : bool, default True
        Whether to fit the (unpenalised) intercept.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,) or (n_targets, n_features)
        The weights :math:`w`.
    intercept_ : float or ndarray of shape (n_targets,)
        The intercept :math:`b`.
    n_features_in_ : int
        The number of features seen by ``fit``.

    Examples
    --------
    >>> import numpy as np
    >>> X, y = np.array([[-1.0], [0.0], [1.0]]), np.array([-2.0, 0.0, 2.0])
    >>> Ridge(alpha=2.0).fit(X, y).coef_  # 2 * 2 / (2 + 2)
    array([1.])
    """

    def __init__(self, alpha: float = 1.0, *, fit_intercept: bool = True) -> None:
        self.alpha = alpha
        self.fit_intercept = fit_intercept

    def fit(self, X: ArrayLike, y: ArrayLike) -> Ridge:
        """Fit the ridge coefficients (and the unpenalised intercept).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training samples.
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
            Training targets.

        Returns
        -------
        Ridge
            The fitted estimator, ``self``.

        Raises
        ------
        ValueError
            If the input is malformed or ``alpha`` is negative or not finite.
        TypeError
            If ``alpha`` or an input is not numeric, or ``fit_intercept`` is not a bool.

        Examples
        --------
        >>> Ridge(alpha=0.0).fit([[0.0], [1.0]], [1.0, 3.0]).coef_
        array([2.])
        """
        alpha = float(check_scalar(self.alpha, "alpha", min_value=0))
        self._fit_centred(X, y, lambda Xc, Yc, _: ridge_regression(Xc, Yc, alpha))
        return self
