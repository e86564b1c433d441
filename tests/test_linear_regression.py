"""Least squares and linear regression against independent oracles.

Oracles: ``numpy.linalg.lstsq`` and ``numpy.linalg.pinv`` (LAPACK gelsd and gesdd),
scikit-learn's ``LinearRegression``, ``Ridge`` and ``ridge_regression``, and closed
forms solved with ``numpy.linalg.solve``. Hypothesis checks the identities of the
chapter (residuals orthogonal to the columns, fitted values = projection of y).
"""

from __future__ import annotations

import sys
import warnings

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from numpy.testing import assert_allclose
from sklearn.linear_model import LinearRegression as SkLinearRegression
from sklearn.linear_model import Ridge as SkRidge
from sklearn.linear_model import ridge_regression as sk_ridge_regression

from mathbehindml.exceptions import IllConditionedWarning
from mathbehindml.linear_regression import (
    LinearRegression,
    Ridge,
    hat_matrix,
    ols_normal_equations,
    ols_qr,
    ols_svd,
    qr_reduce,
    ridge_regression,
)

EPS = np.finfo(np.float64).eps
SOLVERS = {"svd": ols_svd, "qr": ols_qr, "normal": ols_normal_equations}


def make_data(n, d, k=None, seed=0, rank=None):
    """A random design (of the given rank) and targets of shape (n,) or (n, k)."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d)) * rng.uniform(0.5, 3.0, d) + rng.uniform(-5, 5, d)
    if rank is not None:  # the columns beyond `rank` are combinations of the first ones
        X[:, rank:] = X[:, :rank] @ rng.standard_normal((rank, d - rank))
    y = rng.standard_normal((n,) if k is None else (n, k)) * 2.0 + 1.0
    return X, y


def close(actual, desired, rtol=1e-9):
    """assert_allclose with a tolerance relative to the largest entry of the oracle."""
    desired = np.asarray(desired, dtype=float)
    scale = max(float(np.max(np.abs(desired))), 1e-300) if desired.size else 1.0
    assert_allclose(actual, desired, rtol=0, atol=rtol * scale)


# ---------------------------------------------------------------------------- the solvers

# (n, d): tall, square-ish, and tall-skinny enough for the blockwise QR (with a last
# block of fewer rows than columns: 3 * 2048 + 2 rows).
FULL_RANK_SHAPES = [(30, 4), (12, 12), (500, 40), (5000, 3), (3 * 2048 + 2, 6)]


@pytest.mark.parametrize("solver", sorted(SOLVERS))
@pytest.mark.parametrize(("n", "d"), FULL_RANK_SHAPES)
@pytest.mark.parametrize("k", [None, 3])
def test_solvers_match_lstsq_full_rank(solver, n, d, k):
    X, y = make_data(n, d, k, seed=n + d)
    w = SOLVERS[solver](X, y)
    w_ref = np.linalg.lstsq(X, y, rcond=None)[0]
    assert w.shape == w_ref.shape
    close(w, w_ref, rtol=1e-8)


@pytest.mark.parametrize(("n", "d"), [(3, 8), (10, 40), (1, 5)])
@pytest.mark.parametrize("k", [None, 2])
def test_wide_design_gives_minimum_norm_solution(n, d, k):
    X, y = make_data(n, d, k, seed=d)
    w_ref = np.linalg.pinv(X) @ y
    close(ols_svd(X, y), w_ref)
    close(ols_svd(X, y), np.linalg.lstsq(X, y, rcond=None)[0])
    close(ols_qr(X, y), w_ref, rtol=1e-8)  # full row rank: QR of X^T
    close(X @ ols_svd(X, y), y)  # n < d and full row rank: an exact fit


@pytest.mark.parametrize(("n", "d", "rank"), [(40, 6, 3), (7, 9, 4), (5000, 8, 5)])
@pytest.mark.parametrize("k", [None, 2])
def test_rank_deficient_svd_is_minimum_norm(n, d, rank, k):
    X, y = make_data(n, d, k, seed=rank, rank=rank)
    w = ols_svd(X, y)
    close(w, np.linalg.pinv(X, rcond=1e-10) @ y)
    close(w, np.linalg.lstsq(X, y, rcond=None)[0])
    # the minimum-norm solution is orthogonal to the null space of X
    Vt = np.linalg.svd(X)[2]
    null = Vt[rank:]
    assert np.max(np.abs(null @ w)) < 1e-9 * np.max(np.abs(w))


def test_rcond_truncates_small_singular_values():
    rng = np.random.default_rng(3)
    U, _ = np.linalg.qr(rng.standard_normal((20, 3)))
    V, _ = np.linalg.qr(rng.standard_normal((3, 3)))
    s = np.array([1.0, 1e-3, 1e-9])
    X, y = U * s @ V.T, rng.standard_normal(20)
    # keeping the singular value 1e-9 costs digits: the relative error is about cond(X) * eps
    for rcond, keep, rtol in [(None, 3, 1e-5), (0.0, 3, 1e-5), (1e-6, 2, 1e-9), (1e-2, 1, 1e-12)]:
        w_ref = V[:, :keep] @ ((U[:, :keep].T @ y) / s[:keep])
        close(ols_svd(X, y, rcond=rcond), w_ref, rtol=rtol)


def test_qr_reduce_preserves_the_problem():
    X, y = make_data(3 * 2048 + 2, 6, 2, seed=11)  # blockwise path
    R, QtY = qr_reduce(X, y)
    assert R.shape == (6, 6) and QtY.shape == (6, 2)
    assert np.allclose(np.tril(R, -1), 0.0)
    close(R.T @ R, X.T @ X, rtol=1e-12)
    close(R.T @ QtY, X.T @ y, rtol=1e-12)
    # the same R as NumPy's Householder QR, up to the sign of each row
    R_np = np.linalg.qr(X, mode="r")
    signs = np.sign(np.diag(R)) * np.sign(np.diag(R_np))
    close(signs[:, None] * R, R_np, rtol=1e-12)


def test_solver_accuracy_normal_equations_square_the_condition_number():
    # X = U diag(s) V^T with cond(X) = 1e6 and a zero residual: QR and SVD lose about
    # cond * eps ~ 1e-10, the normal equations about cond^2 * eps ~ 1e-4.
    rng = np.random.default_rng(7)
    U, _ = np.linalg.qr(rng.standard_normal((200, 8)))
    V, _ = np.linalg.qr(rng.standard_normal((8, 8)))
    X = U * np.logspace(0, -6, 8) @ V.T
    w_true = rng.standard_normal(8)
    y = X @ w_true

    def err(w):
        return np.linalg.norm(w - w_true) / np.linalg.norm(w_true)

    assert err(ols_qr(X, y)) < 1e-8 and err(ols_svd(X, y)) < 1e-8
    assert err(ols_normal_equations(X, y)) > 1e-7  # no warning: cond(X^T X) = 1e12 < 1/eps
    assert err(ols_normal_equations(X, y)) > 100 * max(err(ols_qr(X, y)), err(ols_svd(X, y)))


def test_normal_equations_warn_when_gram_matrix_is_ill_conditioned():
    rng = np.random.default_rng(0)
    U, _ = np.linalg.qr(rng.standard_normal((60, 6)))
    Q, _ = np.linalg.qr(rng.standard_normal((6, 6)))
    V = U * np.logspace(0, -7.9, 6) @ Q.T  # cond(V^T V) = 10^15.8 > 1/eps = 10^15.65
    assert np.linalg.cond(V) ** 2 > 1 / EPS
    with pytest.warns(IllConditionedWarning, match=r"X\^T X is ill-conditioned.*Use ols_qr or "
                      r"ols_svd"):
        ols_normal_equations(V, np.ones(60))
    with pytest.warns(IllConditionedWarning, match=r"solver='qr' or 'svd'"):
        LinearRegression(solver="normal", fit_intercept=False).fit(V, np.ones(60))
    with warnings.catch_warnings():  # the stable solvers do not warn
        warnings.simplefilter("error")
        ols_qr(V, np.ones(60))
        ols_svd(V, np.ones(60))


def test_ill_conditioning_warning_points_at_the_callers_line():
    """The warning names the user's call (file and line), not a line inside the package."""
    rng = np.random.default_rng(0)
    U, _ = np.linalg.qr(rng.standard_normal((60, 6)))
    V = U * np.logspace(0, -7.9, 6)
    for fit_intercept in (False, True):
        with pytest.warns(IllConditionedWarning) as record:
            line = sys._getframe().f_lineno + 1
            LinearRegression(solver="normal", fit_intercept=fit_intercept).fit(V, np.ones(60))
        assert [(w.filename, w.lineno) for w in record] == [(__file__, line)]
    with pytest.warns(IllConditionedWarning) as record:
        line = sys._getframe().f_lineno + 1
        ols_normal_equations(V, np.ones(60))
    assert [(w.filename, w.lineno) for w in record] == [(__file__, line)]


# ---------------------------------------------------------------------------- the estimator

ESTIMATOR_CASES = [  # (n, d, k, rank)
    (50, 5, None, None),
    (50, 5, 3, None),
    (5000, 4, None, None),  # blockwise QR
    (6, 15, None, None),  # wide
    (6, 15, 2, None),
    (60, 8, None, 5),  # rank deficient
    (60, 8, 2, 5),
]


@pytest.mark.parametrize(("n", "d", "k", "rank"), ESTIMATOR_CASES)
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_linear_regression_svd_matches_sklearn(n, d, k, rank, fit_intercept):
    X, y = make_data(n, d, k, seed=n * d, rank=rank)
    ours = LinearRegression(fit_intercept=fit_intercept).fit(X, y)
    sk = SkLinearRegression(fit_intercept=fit_intercept).fit(X, y)
    assert ours.coef_.shape == sk.coef_.shape
    close(ours.coef_, sk.coef_)
    close(ours.intercept_, sk.intercept_ if fit_intercept else np.zeros_like(sk.intercept_) + 0.0)
    assert ours.rank_ == sk.rank_
    close(ours.singular_, sk.singular_, rtol=1e-10)
    X_new = make_data(7, d, seed=1)[0]
    close(ours.predict(X_new), sk.predict(X_new))
    assert ours.score(X, y) == pytest.approx(sk.score(X, y), abs=1e-10)
    assert ours.n_features_in_ == d
    assert isinstance(ours.intercept_, float) == (k is None)


@pytest.mark.parametrize("solver", ["qr", "normal"])
@pytest.mark.parametrize(("n", "d", "k"), [(50, 5, None), (50, 5, 3), (5000, 4, 2)])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_linear_regression_full_rank_solvers_match_sklearn(solver, n, d, k, fit_intercept):
    X, y = make_data(n, d, k, seed=d)
    ours = LinearRegression(fit_intercept=fit_intercept, solver=solver).fit(X, y)
    sk = SkLinearRegression(fit_intercept=fit_intercept).fit(X, y)
    close(ours.coef_, sk.coef_, rtol=1e-8)
    close(ours.predict(X), sk.predict(X), rtol=1e-9)
    assert ours.rank_ == d
    close(ours.singular_, sk.singular_, rtol=1e-8)


def test_wide_qr_without_intercept_matches_sklearn():
    X, y = make_data(6, 15, 2, seed=5)
    ours = LinearRegression(fit_intercept=False, solver="qr").fit(X, y)
    close(ours.coef_, SkLinearRegression(fit_intercept=False).fit(X, y).coef_, rtol=1e-8)


def test_fit_returns_self_and_stores_only_hyperparameters_in_init():
    model = LinearRegression(fit_intercept=False, solver="qr")
    assert vars(model) == {"fit_intercept": False, "solver": "qr"}
    X, y = make_data(10, 2)
    assert model.fit(X, y) is model
    ridge = Ridge(alpha=0.5)
    assert vars(ridge) == {"alpha": 0.5, "fit_intercept": True}
    assert ridge.fit(X, y) is ridge


def test_accepts_lists_and_integer_arrays():
    model = LinearRegression().fit([[0], [1], [2], [4]], [1, 3, 5, 9])
    assert model.coef_ == pytest.approx([2.0]) and model.intercept_ == pytest.approx(1.0)


def test_column_target_keeps_its_shape():
    X, y = make_data(20, 3, 1)
    model = LinearRegression().fit(X, y)
    assert model.coef_.shape == (1, 3) and model.intercept_.shape == (1,)
    assert model.predict(X).shape == (20, 1)


# ---------------------------------------------------------------------------- ridge, hat matrix


@pytest.mark.parametrize(("n", "d", "k"), [(40, 6, None), (40, 6, 2), (5, 12, None), (5000, 3, 2)])
@pytest.mark.parametrize("alpha", [1e-3, 0.7, 50.0])
def test_ridge_regression_matches_closed_form_and_sklearn(n, d, k, alpha):
    X, y = make_data(n, d, k, seed=d)
    w_closed = np.linalg.solve(X.T @ X + alpha * np.eye(d), X.T @ y)
    w = ridge_regression(X, y, alpha)
    close(w, w_closed, rtol=1e-7)
    close(w, sk_ridge_regression(X, y, alpha, solver="svd").T, rtol=1e-7)


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("k", [None, 2])
def test_ridge_estimator_matches_sklearn(fit_intercept, k):
    X, y = make_data(30, 5, k, seed=2)
    ours = Ridge(alpha=3.0, fit_intercept=fit_intercept).fit(X, y)
    sk = SkRidge(alpha=3.0, fit_intercept=fit_intercept, solver="svd").fit(X, y)
    close(ours.coef_, sk.coef_)
    close(ours.intercept_, sk.intercept_ if fit_intercept else np.zeros_like(sk.intercept_))
    close(ours.predict(X), sk.predict(X))
    assert ours.score(X, y) == pytest.approx(sk.score(X, y), abs=1e-10)


def test_ridge_with_zero_alpha_is_minimum_norm_least_squares():
    X, y = make_data(30, 8, seed=4, rank=5)
    close(ridge_regression(X, y, 0.0), np.linalg.pinv(X, rcond=1e-10) @ y)


@pytest.mark.parametrize(("n", "d", "rank"), [(12, 3, None), (10, 6, 4), (4, 9, None)])
def test_hat_matrix_is_the_projector_onto_the_column_space(n, d, rank):
    X, y = make_data(n, d, seed=n, rank=rank)
    H = hat_matrix(X)
    close(H, X @ np.linalg.pinv(X, rcond=1e-10))
    close(H, H.T, rtol=1e-13)
    close(H @ H, H, rtol=1e-12)
    assert np.trace(H) == pytest.approx(np.linalg.matrix_rank(X))
    close(H @ y, X @ np.linalg.lstsq(X, y, rcond=None)[0])


# ---------------------------------------------------------------------------- properties

# numbers with three decimals in [-100, 100]: zeros, repeats and dependent columns occur,
# while underflow (entries like 1e-300, whose squares vanish) stays out of the way
finite = st.integers(-100_000, 100_000).map(lambda i: i / 1000)


@st.composite
def regression_problems(draw):
    n = draw(st.integers(1, 25))
    d = draw(st.integers(1, 6))
    X = draw(arrays(np.float64, (n, d), elements=finite))
    y = draw(arrays(np.float64, (n,), elements=finite))
    return X, y


@settings(max_examples=150, deadline=None)
@given(regression_problems(), st.booleans())
def test_residuals_are_orthogonal_to_the_columns(problem, fit_intercept):
    X, y = problem
    model = LinearRegression(fit_intercept=fit_intercept).fit(X, y)
    r = y - model.predict(X)
    A = np.column_stack([np.ones(len(X)), X]) if fit_intercept else X
    w = np.concatenate([[model.intercept_], model.coef_]) if fit_intercept else model.coef_
    # backward-error bound: |A^T r| <= c * eps * ||A|| * (||A|| ||w|| + ||y||)
    norm_A = np.linalg.norm(A, 2)
    bound = 1e3 * EPS * max(A.shape) * norm_A * (norm_A * np.linalg.norm(w) + np.linalg.norm(y))
    assert np.max(np.abs(A.T @ r)) <= bound + 1e-300


@settings(max_examples=100, deadline=None)
@given(regression_problems())
def test_fitted_values_are_the_projection_of_y(problem):
    X, y = problem
    s = np.linalg.svd(X, compute_uv=False)
    assume(s[-1] > 1e-6 * s[0] or s[0] == 0)  # a well-defined numerical rank
    fitted = LinearRegression(fit_intercept=False).fit(X, y).predict(X)
    projection = X @ (np.linalg.pinv(X) @ y)
    assert np.allclose(fitted, projection, rtol=0, atol=1e-9 * (np.linalg.norm(y) + 1))


@settings(max_examples=100, deadline=None)
@given(regression_problems(), st.floats(-1e3, 1e3))
def test_shifting_y_moves_only_the_intercept(problem, shift):
    X, y = problem
    a = LinearRegression().fit(X, y)
    b = LinearRegression().fit(X, y + shift)
    scale = np.abs(a.coef_).max() + np.abs(y).max() + abs(shift) + 1
    assert np.allclose(a.coef_, b.coef_, rtol=0, atol=1e-8 * scale)
    assert b.intercept_ - a.intercept_ == pytest.approx(shift, abs=1e-8 * scale)


@settings(max_examples=100, deadline=None)
@given(regression_problems())
def test_training_r2_with_intercept_is_between_0_and_1(problem):
    X, y = problem
    assume(len(y) >= 2 and np.ptp(y) > 1e-3)
    r2 = LinearRegression().fit(X, y).score(X, y)
    assert -1e-9 <= r2 <= 1.0
