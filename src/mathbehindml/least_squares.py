r"""Least squares three ways: the normal equations, a QR factorisation, the SVD.

Each solver returns a minimiser of :math:`\|y - Xw\|^2`, column by column when
``y`` holds several targets. They differ in what they compute, and therefore in
how much accuracy they lose to rounding:

* :func:`ols_normal_equations` forms :math:`X^\top X` and uses its Cholesky factor.
  Cheapest, but the condition number of :math:`X^\top X` is the *square* of that of
  :math:`X`; it warns when that square passes :math:`1/\epsilon_\text{mach}`.
* :func:`ols_qr` factorises :math:`X = QR` and solves :math:`Rw = Q^\top y`.
  Backward stable; needs full column rank (or, for wide ``X``, full row rank).
* :func:`ols_svd` returns the minimum-norm solution :math:`X^+ y` for any ``X``,
  of any rank, through the singular value decomposition.

:func:`ols_qr` first reduces a tall ``X`` to a small triangle with :func:`qr_reduce`,
a Householder QR that works blockwise ("tall-skinny QR", row blocks that fit in the
processor's cache) when ``X`` has more than two blocks of rows,
``n_samples > 2 * max(2048, 2 * n_features)``. :func:`ols_svd` applies the same
reduction only to such designs and hands any other ``X`` to LAPACK directly.
:func:`hat_matrix` gives the projection behind every fit; ridge regression lives in
``mathbehindml.ridge`` and the estimators built on these solvers in
``mathbehindml.linear_regression``.
"""

from __future__ import annotations

import warnings
from typing import NamedTuple

import numpy as np
import scipy.linalg as sla
from numpy.typing import ArrayLike, NDArray
from scipy.linalg.lapack import dpotrf

from mathbehindml._validation import (
    check_1d_or_2d,
    check_2d,
    check_consistent_length,
    check_scalar,
)
from mathbehindml.exceptions import IllConditionedWarning

__all__ = [
    "hat_matrix",
    "ols_normal_equations",
    "ols_qr",
    "ols_svd",
    "qr_reduce",
]

EPS = float(np.finfo(np.float64).eps)  # 2.2e-16, the unit roundoff of float64 times 2
_BLOCK_ROWS = 2048  # rows per block of the tall-skinny QR: a block of 50 columns is 800 kB


class LstsqSolution(NamedTuple):
    """A least-squares solution with what the solver learned about ``X`` on the way."""

    coef: NDArray[np.float64]  # shape (d,) or (d, k), like y
    rank: int  # numerical rank of X
    singular: NDArray[np.float64]  # singular values of X, largest first


def _check_xy(X: ArrayLike, y: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Validate a design matrix and 1-D or 2-D targets with one row per sample."""
    X, y = check_2d(X, "X"), check_1d_or_2d(y, "y")
    check_consistent_length(X=X, y=y)
    return X, y


def _numerical_rank(s: NDArray[np.float64], shape: tuple[int, int]) -> int:
    """Number of singular values above ``eps * max(n, d) * s_max`` (NumPy's default)."""
    return int(np.sum(s > EPS * max(shape) * s[0])) if s.size and s[0] > 0 else 0


def qr_reduce(X: ArrayLike, Y: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    r"""Reduce a tall least-squares problem to a triangular one: ``R`` and ``Q.T @ Y``.

    With the economy QR factorisation :math:`X = QR`
    (:math:`Q^\top Q = I_d`, :math:`R` upper triangular, :math:`n \ge d`),
    :math:`\|Y - XW\|^2 = \|Q^\top Y - RW\|^2 + \|Y - QQ^\top Y\|^2` for every
    :math:`W`, so both problems have the same minimisers. When ``X`` has more than
    two blocks of rows, ``n_samples > 2 * max(2048, 2 * n_features)``, the QR is
    computed blockwise ("tall-skinny QR"): each block of rows is factorised on its
    own, then the stacked triangles are factorised again. Every step is an
    orthogonal transformation, so the result is as stable as one Householder QR,
    and the small blocks stay in the processor's cache.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        The design matrix, with ``n_samples >= n_features``.
    Y : array-like of shape (n_samples, n_targets)
        The targets, one column per target.

    Returns
    -------
    R : ndarray of shape (n_features, n_features)
        Upper triangular, with :math:`R^\top R = X^\top X` (up to rounding).
    QtY : ndarray of shape (n_features, n_targets)
        :math:`Q^\top Y`.

    Raises
    ------
    ValueError
        If ``X`` is not 2-D, ``Y`` not 2-D, their lengths differ, or ``X`` is wide.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[3.0, 0.0], [4.0, 5.0], [0.0, 0.0]])
    >>> R, QtY = qr_reduce(X, np.array([[1.0], [2.0], [3.0]]))
    >>> np.allclose(R.T @ R, X.T @ X), R.shape, QtY.shape
    (True, (2, 2), (2, 1))
    """
    X, Y = check_2d(X, "X"), check_2d(Y, "Y")
    check_consistent_length(X=X, Y=Y)
    n, d = X.shape
    if n < d:
        raise ValueError(
            f"X must have at least as many rows as columns for qr_reduce; got shape {X.shape}. "
            "Reduce X.T instead (an LQ factorisation of X)."
        )
    block = max(_BLOCK_ROWS, 2 * d)
    if _is_tall_skinny(n, d):  # QR of each row block, then of the stacked R's
        parts = [_householder_qr(X[i : i + block], Y[i : i + block]) for i in range(0, n, block)]
        X = np.vstack([R for R, _ in parts])
        Y = np.vstack([QtY for _, QtY in parts])
    return _householder_qr(X, Y)


def _is_tall_skinny(n: int, d: int) -> bool:
    """Worth a blockwise QR: more than two blocks of rows."""
    return n > 2 * max(_BLOCK_ROWS, 2 * d)


def _householder_qr(A: NDArray[np.float64], B: NDArray[np.float64]):
    """``R`` and ``Q.T @ B`` for ``A = QR`` (LAPACK geqrf + ormqr; Q is never formed)."""
    BtQ, R = sla.qr_multiply(A, B.T, mode="right")  # B.T @ Q, of shape (k, min(n, d))
    return R, BtQ.T


def _solve_normal(X, Y, *, stacklevel: int = 2) -> LstsqSolution:
    """Normal equations X^T X W = X^T Y by Cholesky, with a conditioning check."""
    n, d = X.shape
    if n < d:
        raise ValueError(
            f"X^T X is singular: X has fewer samples ({n}) than features ({d}), so "
            f"rank(X^T X) <= {n} < {d} and the normal equations have infinitely many "
            "solutions. Use ols_svd (LinearRegression(solver='svd')) for the minimum-norm one."
        )
    gram, rhs = X.T @ X, X.T @ Y
    R, info = dpotrf(gram, lower=False, clean=True)  # gram = R^T R, R upper triangular
    if info != 0:
        raise ValueError(
            f"X^T X (the {d}x{d} Gram matrix of X) is singular or not positive definite to "
            f"working precision: its Cholesky factorisation broke down at pivot {info}. The "
            "columns of X are linearly dependent, or too close to it for the normal equations. "
            "Use ols_qr or ols_svd (LinearRegression(solver='qr' or 'svd')), or remove the "
            "redundant columns."
        )
    s = _sv(R)  # the singular values of X, as far as X^T X still knows them
    cond = (s[0] / s[-1]) ** 2  # cond(X^T X) = cond(R)^2
    if cond > 1.0 / EPS:
        warnings.warn(
            f"X^T X is ill-conditioned: its condition number {cond:.1e} exceeds 1/eps = "
            f"{1 / EPS:.1e}, so the solution of the normal equations may have no correct "
            "digit. Use ols_qr or ols_svd (LinearRegression(solver='qr' or 'svd')): they work "
            f"with X itself, whose condition number is only the square root, {np.sqrt(cond):.1e}.",
            IllConditionedWarning,
            stacklevel=stacklevel + 1,
        )
    W = sla.cho_solve((R, False), rhs, check_finite=False)
    return LstsqSolution(W, d, s)


def _sv(A: NDArray[np.float64]) -> NDArray[np.float64]:
    """Singular values of a small matrix, largest first."""
    return sla.svdvals(A, check_finite=False)


def _solve_qr(X, Y) -> LstsqSolution:
    """Least squares through Householder QR; full rank required."""
    n, d = X.shape
    if n >= d:  # X = QR: minimise ||Q^T Y - R W||, so R W = Q^T Y
        R, QtY = qr_reduce(X, Y)
        s = _sv(R)
        rank = _numerical_rank(s, X.shape)
        if rank == d:
            return LstsqSolution(sla.solve_triangular(R, QtY, check_finite=False), rank, s)
        need = f"full column rank {d}"
    else:  # wide: X^T = QR, so X = R^T Q^T and the minimum-norm W = Q R^{-T} Y
        Q, R = np.linalg.qr(X.T)
        s = _sv(R)
        rank = _numerical_rank(s, X.shape)
        if rank == n:
            Z = sla.solve_triangular(R, Y, trans="T", check_finite=False)
            return LstsqSolution(Q @ Z, rank, s)
        need = f"full row rank {n} (X is wide)"
    raise ValueError(
        f"X is rank deficient: its numerical rank is {rank}, but QR needs {need}. The "
        "least-squares solution is not unique and a triangular solve cannot choose one. Use "
        "ols_svd (LinearRegression(solver='svd')) for the minimum-norm solution, or remove the "
        "linearly dependent columns."
    )


def _solve_svd(X, Y, rcond: float | None = None) -> LstsqSolution:
    """Minimum-norm least squares through the SVD (LAPACK gelsd), after a QR reduction."""
    n, d = X.shape
    rcond = EPS * max(n, d) if rcond is None else rcond
    A, B = qr_reduce(X, Y) if _is_tall_skinny(n, d) else (X, Y)
    # gelsd: bidiagonalise A, take the SVD of the bidiagonal by divide and conquer, and
    # apply the pseudo-inverse, zeroing singular values below rcond * s_max.
    W, _, rank, s = sla.lstsq(A, B, cond=rcond, lapack_driver="gelsd", check_finite=False)
    return LstsqSolution(W, int(rank), s)


def _as_2d(y: NDArray[np.float64]) -> NDArray[np.float64]:
    return y[:, None] if y.ndim == 1 else y


def ols_normal_equations(X: ArrayLike, y: ArrayLike) -> NDArray[np.float64]:
    r"""Least squares by the normal equations :math:`X^\top X w = X^\top y` (Cholesky).

    Fast, but it squares the condition number: the solution loses about twice as
    many digits as the QR and SVD solvers do. Prefer :func:`ols_qr` or
    :func:`ols_svd` unless ``X`` is known to be well conditioned.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        The design matrix, of full column rank.
    y : array-like of shape (n_samples,) or (n_samples, n_targets)
        The targets.

    Returns
    -------
    ndarray of shape (n_features,) or (n_features, n_targets)
        The least-squares coefficients, shaped like ``y`` without its first axis.

    Raises
    ------
    ValueError
        If the input is malformed (not 2-D, NaN or infinity, mismatched lengths), or if
        :math:`X^\top X` is singular or not positive definite to working precision (for
        instance when ``X`` has fewer rows than columns or dependent columns).
    TypeError
        If an input is not numeric.

    Warns
    -----
    IllConditionedWarning
        When the condition number of :math:`X^\top X` exceeds :math:`1/\epsilon_\text{mach}`.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[1.0, 0.0], [1.0, 1.0], [1.0, 2.0]])
    >>> ols_normal_equations(X, np.array([1.0, 3.0, 5.0]))
    array([1., 2.])
    """
    X, y = _check_xy(X, y)
    coef = _solve_normal(X, _as_2d(y), stacklevel=2).coef
    return coef[:, 0] if y.ndim == 1 else coef


def ols_qr(X: ArrayLike, y: ArrayLike) -> NDArray[np.float64]:
    r"""Least squares through the QR factorisation: :math:`X = QR`, then :math:`Rw = Q^\top y`.

    Backward stable: the computed solution is the exact solution of a problem with
    slightly perturbed data. ``X`` must have full column rank; a wide ``X``
    (fewer rows than columns) must have full row rank, and then the minimum-norm
    solution :math:`w = Q R^{-\top} y` with :math:`X^\top = QR` is returned.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        The design matrix.
    y : array-like of shape (n_samples,) or (n_samples, n_targets)
        The targets.

    Returns
    -------
    ndarray of shape (n_features,) or (n_features, n_targets)
        The least-squares coefficients.

    Raises
    ------
    ValueError
        If the input is malformed, or if ``X`` is numerically rank deficient (use
        :func:`ols_svd` then).
    TypeError
        If an input is not numeric.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[1.0, 0.0], [1.0, 1.0], [1.0, 2.0], [1.0, 3.0]])
    >>> ols_qr(X, np.array([1.0, 3.0, 5.0, 7.5]))
    array([0.9 , 2.15])
    """
    X, y = _check_xy(X, y)
    coef = _solve_qr(X, _as_2d(y)).coef
    return coef[:, 0] if y.ndim == 1 else coef


def ols_svd(X: ArrayLike, y: ArrayLike, rcond: float | None = None) -> NDArray[np.float64]:
    r"""Minimum-norm least squares :math:`w = X^+ y` through the singular value decomposition.

    With :math:`X = U \Sigma V^\top`, :math:`w = \sum_{\sigma_i > \tau} v_i
    (u_i^\top y) / \sigma_i`: among all minimisers of :math:`\|y - Xw\|^2` the one of
    smallest norm. Works for any shape and any rank. The SVD step is LAPACK's
    ``gelsd``; designs with more than two blocks of rows,
    ``n_samples > 2 * max(2048, 2 * n_features)``, are first reduced to a triangle
    with :func:`qr_reduce`, and all others go to ``gelsd`` directly.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        The design matrix.
    y : array-like of shape (n_samples,) or (n_samples, n_targets)
        The targets.
    rcond : float, optional
        Singular values at most ``rcond * s_max`` count as zero (the cut-off
        :math:`\tau`). Default ``eps * max(n_samples, n_features)``, as in
        ``numpy.linalg.lstsq``.

    Returns
    -------
    ndarray of shape (n_features,) or (n_features, n_targets)
        The minimum-norm least-squares coefficients.

    Raises
    ------
    ValueError
        If the input is malformed or ``rcond`` is negative.
    TypeError
        If an input is not numeric.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[1.0, 1.0], [2.0, 2.0]])  # rank 1: w1 + w2 is all the data fix
    >>> ols_svd(X, np.array([2.0, 4.0]))
    array([1., 1.])
    """
    X, y = _check_xy(X, y)
    if rcond is not None:
        rcond = float(check_scalar(rcond, "rcond", min_value=0))
    coef = _solve_svd(X, _as_2d(y), rcond).coef
    return coef[:, 0] if y.ndim == 1 else coef


def _svd(A: NDArray[np.float64]):
    """Thin SVD; falls back to the slower QR-iteration driver if divide and conquer fails."""
    try:
        return sla.svd(A, full_matrices=False, check_finite=False, lapack_driver="gesdd")
    except np.linalg.LinAlgError:  # pragma: no cover - gesdd almost never fails
        return sla.svd(A, full_matrices=False, check_finite=False, lapack_driver="gesvd")


def hat_matrix(X: ArrayLike) -> NDArray[np.float64]:
    r"""The hat matrix :math:`H`, the orthogonal projector onto the column space of ``X``.

    :math:`\hat y = H y` for the least-squares fit. It is computed as :math:`U_r U_r^\top`
    from the thin SVD, with :math:`r` the numerical rank; for full column rank this
    equals :math:`X (X^\top X)^{-1} X^\top`. The result is ``n_samples`` by
    ``n_samples``: meant for small data sets and for checking identities.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        The design matrix (append a column of ones for a model with intercept).

    Returns
    -------
    ndarray of shape (n_samples, n_samples)
        Symmetric and idempotent, with trace equal to the rank of ``X``.

    Raises
    ------
    ValueError
        If ``X`` is not 2-D or holds NaN or infinity.
    TypeError
        If ``X`` is not numeric.

    Examples
    --------
    >>> import numpy as np
    >>> hat_matrix(np.ones((3, 1)))  # projecting onto constants: averaging
    array([[0.333..., 0.333..., 0.333...],
           [0.333..., 0.333..., 0.333...],
           [0.333..., 0.333..., 0.333...]])
    """
    X = check_2d(X, "X")
    U, s, _ = _svd(X)
    U = U[:, : _numerical_rank(s, X.shape)]
    return U @ U.T
