"""Every bad-input path of least squares and linear regression: the type and the message."""

from __future__ import annotations

import numpy as np
import pytest

from mathbehindml import _validation as v
from mathbehindml.exceptions import NotFittedError
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

X_OK = np.arange(12.0).reshape(6, 2) ** 1.5
Y_OK = np.array([1.0, 2.0, 0.0, 4.0, 3.0, 5.0])
SOLVER_FUNCTIONS = [ols_normal_equations, ols_qr, ols_svd,
                    lambda X, y: ridge_regression(X, y, 1.0)]
ESTIMATORS = [LinearRegression(solver="svd"), LinearRegression(solver="qr"),
              LinearRegression(solver="normal"), Ridge()]


def test_check_1d_or_2d():
    assert v.check_1d_or_2d([1, 2]).shape == (2,)
    assert v.check_1d_or_2d([[1], [2]]).shape == (2, 1)
    with pytest.raises(ValueError, match=r"^y must be 1-D \(n_samples,\) or 2-D \(n_samples, "
                                         r"n_targets\); got shape \(\)\. Reshape y"):
        v.check_1d_or_2d(3.0)
    with pytest.raises(ValueError, match=r"^y must have at least one sample .*shape \(0,\)"):
        v.check_1d_or_2d([])
    with pytest.raises(ValueError, match=r"^y must have at least one sample .*shape \(3, 0\)"):
        v.check_1d_or_2d(np.zeros((3, 0)))
    with pytest.raises(ValueError, match=r"^y must contain only finite values; got 1 NaN"):
        v.check_1d_or_2d([[1.0], [np.nan]])
    with pytest.raises(TypeError, match=r"^y must be numeric"):
        v.check_1d_or_2d(["a", "b"])


BAD_INPUTS = [  # (X, y, exception, message)
    (np.arange(6.0), Y_OK, ValueError,
     r"^X must be 2-D \(n_samples, n_features\); got shape \(6,\)\. Use X\.reshape\(-1, 1\)"),
    (np.zeros((2, 3, 1)), Y_OK[:2], ValueError, r"^X must be 2-D .*got shape \(2, 3, 1\)"),
    (np.zeros((0, 2)), np.zeros(0), ValueError, r"^X must have at least one sample"),
    (np.where(X_OK > 5, np.nan, X_OK), Y_OK, ValueError,
     r"^X must contain only finite values; got \d+ NaN and 0 infinite"),
    (np.where(X_OK > 5, np.inf, X_OK), Y_OK, ValueError,
     r"^X must contain only finite values; got 0 NaN and \d+ infinite"),
    (X_OK, np.where(Y_OK > 3, np.nan, Y_OK), ValueError, r"^y must contain only finite values"),
    (X_OK, np.where(Y_OK > 3, -np.inf, Y_OK), ValueError, r"^y must contain only finite values"),
    (X_OK, Y_OK[:4], ValueError,
     r"^X and y must have the same number of samples; got X: 6, y: 4\. Pass arrays"),
    (X_OK, np.zeros((6, 1, 1)), ValueError, r"^y must be 1-D \(n_samples,\) or 2-D"),
    (X_OK.astype(str).astype(object) + "x", Y_OK, TypeError, r"^X must be numeric"),
    ("X", Y_OK, TypeError, r"^X must be a numeric array; got the string 'X'"),
    (X_OK, ["a"] * 6, TypeError, r"^y must be numeric"),
]


@pytest.mark.parametrize(("X", "y", "exc", "pattern"), BAD_INPUTS)
@pytest.mark.parametrize("solve", SOLVER_FUNCTIONS)
def test_solver_functions_reject_bad_input(solve, X, y, exc, pattern):
    with pytest.raises(exc, match=pattern):
        solve(X, y)


@pytest.mark.parametrize(("X", "y", "exc", "pattern"), BAD_INPUTS)
@pytest.mark.parametrize("model", ESTIMATORS, ids=lambda m: f"{type(m).__name__}")
def test_fit_rejects_bad_input(model, X, y, exc, pattern):
    with pytest.raises(exc, match=pattern):
        model.fit(X, y)


@pytest.mark.parametrize("model", ESTIMATORS, ids=lambda m: f"{type(m).__name__}")
def test_unfitted_use_raises_not_fitted(model):
    for call in (lambda: model.predict(X_OK), lambda: model.score(X_OK, Y_OK)):
        with pytest.raises(NotFittedError, match=r"is not fitted yet; call fit\(\.\.\.\) first"):
            call()


@pytest.mark.parametrize("model", ESTIMATORS, ids=lambda m: f"{type(m).__name__}")
def test_predict_and_score_check_their_input(model):
    model.fit(X_OK, Y_OK)
    name = type(model).__name__
    with pytest.raises(ValueError, match=rf"^X has 3 features, but this {name} was fitted with 2 "
                                         r"features\. Pass X with the same 2 columns"):
        model.predict(np.ones((4, 3)))
    with pytest.raises(ValueError, match=r"^X must be 2-D .*Use X\.reshape\(-1, 1\)"):
        model.predict(np.ones(2))
    with pytest.raises(ValueError, match=r"^X must contain only finite values"):
        model.predict(np.array([[1.0, np.nan]]))
    with pytest.raises(ValueError, match=r"^y must have shape \(6,\) .*got shape \(6, 1\)"):
        model.score(X_OK, Y_OK[:, None])
    with pytest.raises(ValueError, match=r"^y must have shape \(6,\) .*got shape \(5,\)"):
        model.score(X_OK, Y_OK[:5])
    with pytest.raises(ValueError, match=r"^r2_score needs at least 2 samples; got 1"):
        model.score(X_OK[:1], Y_OK[:1])


@pytest.mark.parametrize("solver", ["lu", "SVD", None, 3])
def test_unknown_solver(solver):
    with pytest.raises(ValueError, match=r"^solver must be one of 'svd', 'qr', 'normal'; got "):
        LinearRegression(solver=solver).fit(X_OK, Y_OK)


@pytest.mark.parametrize("model", [LinearRegression, Ridge])
@pytest.mark.parametrize("flag", [1, "yes", None])
def test_fit_intercept_must_be_a_bool(model, flag):
    with pytest.raises(TypeError, match=r"^fit_intercept must be True or False; got "):
        model(fit_intercept=flag).fit(X_OK, Y_OK)


@pytest.mark.parametrize(("alpha", "exc", "pattern"), [
    (-1.0, ValueError, r"^alpha must be >= 0; got -1\.0\."),
    (np.nan, ValueError, r"^alpha must be finite; got nan\."),
    (np.inf, ValueError, r"^alpha must be finite; got inf\."),
    ("1", TypeError, r"^alpha must be a real number; got str '1'\."),
    (True, TypeError, r"^alpha must be a real number; got bool True\."),
])
def test_bad_alpha(alpha, exc, pattern):
    with pytest.raises(exc, match=pattern):
        ridge_regression(X_OK, Y_OK, alpha)
    with pytest.raises(exc, match=pattern):
        Ridge(alpha=alpha).fit(X_OK, Y_OK)


@pytest.mark.parametrize(("rcond", "exc", "pattern"), [
    (-1e-3, ValueError, r"^rcond must be >= 0; got -0\.001\."),
    (np.nan, ValueError, r"^rcond must be finite"),
    ("small", TypeError, r"^rcond must be a real number; got str 'small'\."),
])
def test_bad_rcond(rcond, exc, pattern):
    with pytest.raises(exc, match=pattern):
        ols_svd(X_OK, Y_OK, rcond=rcond)


# ---------------------------------------------------------------------------- solver limits

RANK_DEFICIENT = np.column_stack([X_OK, X_OK[:, 0] + 2 * X_OK[:, 1]])  # 6 x 3, rank 2


def test_qr_rejects_rank_deficient_designs():
    with pytest.raises(ValueError, match=r"^X is rank deficient: its numerical rank is 2, but QR "
                                         r"needs full column rank 3\..*Use ols_svd"):
        ols_qr(RANK_DEFICIENT, Y_OK)
    with pytest.raises(ValueError, match=r"needs full row rank 3 \(X is wide\)"):
        ols_qr(np.ones((3, 5)), Y_OK[:3])  # wide, rank 1
    with pytest.raises(ValueError, match=r"^X is rank deficient.*solver='svd'"):
        LinearRegression(solver="qr").fit(RANK_DEFICIENT, Y_OK)
    with pytest.raises(ValueError, match=r"^X is rank deficient: its numerical rank is 0"):
        ols_qr(np.zeros((4, 2)), Y_OK[:4])


def test_normal_equations_name_the_singular_matrix():
    pattern = (r"^X\^T X \(the 3x3 Gram matrix of X\) is singular or not positive definite to "
               r"working precision: its Cholesky factorisation broke down at pivot \d\. .*"
               r"Use ols_qr or ols_svd")
    with pytest.raises(ValueError, match=pattern):
        ols_normal_equations(RANK_DEFICIENT, Y_OK)
    with pytest.raises(ValueError, match=pattern):
        LinearRegression(solver="normal", fit_intercept=False).fit(RANK_DEFICIENT, Y_OK)
    with pytest.raises(ValueError, match=r"broke down at pivot 1\."):
        ols_normal_equations(np.zeros((4, 2)), Y_OK[:4])
    with pytest.raises(ValueError, match=r"^X\^T X is singular: X has fewer samples \(2\) than "
                                         r"features \(3\), so rank\(X\^T X\) <= 2 < 3"):
        ols_normal_equations(np.ones((2, 3)), Y_OK[:2])
    with pytest.raises(ValueError, match=r"^X\^T X of the centred X is singular: centring for the "
                                         r"intercept leaves rank at most n_samples - 1 = 2 < "
                                         r"n_features = 3\. Use solver='svd'"):
        LinearRegression(solver="normal").fit(np.eye(3), Y_OK[:3])


def test_qr_reduce_rejects_bad_shapes():
    with pytest.raises(ValueError, match=r"^X must have at least as many rows as columns for "
                                         r"qr_reduce; got shape \(2, 3\)\. Reduce X\.T instead"):
        qr_reduce(np.ones((2, 3)), np.ones((2, 1)))
    with pytest.raises(ValueError, match=r"^Y must be 2-D .*got shape \(6,\)"):
        qr_reduce(X_OK, Y_OK)
    with pytest.raises(ValueError, match=r"^X and Y must have the same number of samples"):
        qr_reduce(X_OK, np.ones((5, 1)))


def test_hat_matrix_rejects_bad_input():
    with pytest.raises(ValueError, match=r"^X must be 2-D .*got shape \(6,\)"):
        hat_matrix(Y_OK)
    with pytest.raises(ValueError, match=r"^X must contain only finite values"):
        hat_matrix([[np.inf]])
    with pytest.raises(TypeError, match=r"^X must be a numeric array"):
        hat_matrix("X")
