"""The objectives of logistic/softmax regression: values against scikit-learn's log_loss,
derivatives against finite differences, IRLS against Newton, the separability certificate."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.special as sps
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose
from sklearn.metrics import log_loss

from mathbehindml.data import StandardScaler, load_breast_cancer
from mathbehindml.gradcheck import check_gradient, numerical_gradient
from mathbehindml.logistic_regression import (
    irls_step,
    logistic_gradient,
    logistic_hessian,
    logistic_loss,
    separating_hyperplane,
    softmax_regression_gradient,
    softmax_regression_loss,
    solvers,
)
from mathbehindml.logistic_regression import objective as obj
from mathbehindml.logistic_regression.solvers import multinomial_hessian


@pytest.fixture(scope="module")
def cancer():
    data = load_breast_cancer()
    return StandardScaler().fit_transform(data.X), data.y.astype(float)


def problem(seed, n=30, d=4, k=None):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    y = rng.integers(0, 2 if k is None else k, size=n)
    return rng, X, y


# ---------------------------------------------------------------------------- values


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("alpha", [0.0, 0.3])
def test_logistic_loss_is_sklearn_log_loss_plus_the_penalty(alpha, fit_intercept):
    rng, X, y = problem(0)
    theta = rng.normal(size=5 if fit_intercept else 4)
    b, w = (theta[0], theta[1:]) if fit_intercept else (0.0, theta)
    p = sps.expit(X @ w + b)
    expected = log_loss(y, p, labels=[0, 1]) + alpha / 2 * w @ w
    assert logistic_loss(theta, X, y, alpha=alpha, fit_intercept=fit_intercept) == (
        pytest.approx(expected, rel=1e-13))


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_softmax_loss_is_sklearn_log_loss_plus_the_penalty(fit_intercept):
    rng, X, y = problem(1, k=4)
    Theta = rng.normal(size=(5 if fit_intercept else 4, 4))
    W = Theta[1:] if fit_intercept else Theta
    logits = X @ W + (Theta[0] if fit_intercept else 0.0)
    expected = log_loss(y, sps.softmax(logits, axis=1), labels=range(4)) + 0.2 / 2 * np.sum(W**2)
    got = softmax_regression_loss(Theta, X, y, alpha=0.2, fit_intercept=fit_intercept)
    assert got == pytest.approx(expected, rel=1e-13)
    assert softmax_regression_loss(Theta, X, np.eye(4)[y], alpha=0.2,
                                   fit_intercept=fit_intercept) == pytest.approx(got, rel=1e-15)


def test_no_overflow_for_huge_parameters():
    rng, X, y = problem(2)
    theta = 1e4 * rng.normal(size=5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            value = logistic_loss(theta, X, y)
            g = logistic_gradient(theta, X, y)
            H = logistic_hessian(theta, X)
            sm = softmax_regression_loss(1e4 * rng.normal(size=(5, 3)), X, y)
    z = X @ theta[1:] + theta[0]
    expected = np.mean(np.where(y == 1, np.logaddexp(0, -z), np.logaddexp(0, z)))
    assert value == pytest.approx(expected, rel=1e-14)
    assert np.all(np.isfinite(g)) and np.all(np.isfinite(H)) and np.isfinite(sm)


# ---------------------------------------------------------------------------- derivatives


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), alpha=st.sampled_from([0.0, 0.01, 1.0]),
       fit_intercept=st.booleans())
def test_logistic_gradient_and_hessian_against_finite_differences(seed, alpha, fit_intercept):
    rng, X, y = problem(seed)
    theta = rng.normal(size=5 if fit_intercept else 4)
    kw = {"alpha": alpha, "fit_intercept": fit_intercept}
    check_gradient(lambda t: logistic_loss(t, X, y, **kw),
                   lambda t: logistic_gradient(t, X, y, **kw), theta, rtol=1e-5, atol=1e-4)
    H = logistic_hessian(theta, X, **kw)
    rows = [numerical_gradient(lambda t, r=r: logistic_gradient(t, X, y, **kw)[r], theta)
            for r in range(theta.size)]
    assert_allclose(H, np.array(rows), rtol=1e-6, atol=1e-8)
    assert_allclose(H, H.T, rtol=0, atol=1e-15)
    assert np.linalg.eigvalsh(H).min() >= -1e-12  # convexity


def test_gradient_hessian_on_breast_cancer_and_psd_hessian(cancer):
    X, y = cancer
    theta = np.random.default_rng(3).normal(scale=0.1, size=31)
    check_gradient(lambda t: logistic_loss(t, X, y, alpha=1e-2),
                   lambda t: logistic_gradient(t, X, y, alpha=1e-2), theta, rtol=1e-6, atol=1e-7)
    H = logistic_hessian(theta, X)
    eig = np.linalg.eigvalsh(H)
    assert eig.min() >= -1e-12 * eig.max()
    # the explicit formula X~^T diag(p(1-p)) X~ / n, written with a Python loop over samples
    Xa = np.column_stack([np.ones(len(X)), X])
    loop = sum(np.outer(x, x) * sps.expit(x @ theta) * (1 - sps.expit(x @ theta)) for x in Xa)
    assert_allclose(H, loop / len(X), rtol=1e-12, atol=1e-15)


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), alpha=st.sampled_from([0.0, 0.5]),
       fit_intercept=st.booleans())
def test_softmax_gradient_and_hessian_against_finite_differences(seed, alpha, fit_intercept):
    rng, X, y = problem(seed, n=20, d=3, k=4)
    Theta = rng.normal(size=(4 if fit_intercept else 3, 4))
    kw = {"alpha": alpha, "fit_intercept": fit_intercept}
    check_gradient(lambda t: softmax_regression_loss(t, X, y, **kw),
                   lambda t: softmax_regression_gradient(t, X, y, **kw), Theta, rtol=1e-5,
                   atol=1e-4)  # round-off of the differences is ~1e-10 absolute
    # the identity grad = X~^T (P - Y) / n + alpha M Theta, from SciPy's softmax
    Xa = obj.augment(X, fit_intercept)
    P = sps.softmax(Xa @ Theta, axis=1)
    mask = obj.penalty_mask(Theta.shape[0], fit_intercept)[:, None]
    assert_allclose(softmax_regression_gradient(Theta, X, y, **kw),
                    Xa.T @ (P - np.eye(4)[y]) / 20 + alpha * mask * Theta, rtol=1e-12, atol=1e-15)
    H = multinomial_hessian(Theta, Xa, alpha, mask.ravel())
    rows = [numerical_gradient(
        lambda t, r=r: softmax_regression_gradient(t.reshape(Theta.shape), X, y, **kw).ravel()[r],
        Theta.ravel()) for r in range(Theta.size)]
    assert_allclose(H, np.array(rows), rtol=1e-6, atol=1e-8)


def test_irls_step_is_the_newton_step(cancer):
    X, y = cancer
    rng = np.random.default_rng(4)
    for alpha, fit_intercept in [(0.0, True), (1e-2, True), (1e-2, False)]:
        theta = rng.normal(scale=0.2, size=31 if fit_intercept else 30)
        kw = {"alpha": alpha, "fit_intercept": fit_intercept}
        H, g = logistic_hessian(theta, X, **kw), logistic_gradient(theta, X, y, **kw)
        newton = theta - np.linalg.solve(H, g)
        assert_allclose(irls_step(theta, X, y, **kw), newton, rtol=1e-7, atol=1e-9)


@settings(max_examples=40, deadline=None)
@given(scale=st.sampled_from([1e-3, 1.0, 30.0, 1e3]), seed=st.integers(0, 10_000),
       alpha=st.sampled_from([0.0, 0.1]))
def test_fused_kernel_matches_loss_gradient_and_hessian_weights(scale, seed, alpha):
    # the oracles: SciPy's log_expit and expit, and the Hessian from logistic_hessian
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((25, 3))
    y = (rng.random(25) < 0.5).astype(float)
    Xa, mask = obj.augment(X, True), obj.penalty_mask(4, True)
    theta = scale * rng.standard_normal(4)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        value, grad, omega = obj.binary_loss_gradient_weights(theta, Xa, y, alpha, mask)
    z = Xa @ theta
    expected = -np.mean(y * sps.log_expit(z) + (1 - y) * sps.log_expit(-z))
    expected += 0.5 * alpha * np.sum(theta[1:] ** 2)
    assert_allclose(value, expected, rtol=1e-12, atol=1e-300)
    assert_allclose(grad, Xa.T @ (sps.expit(z) - y) / 25 + alpha * mask * theta,
                    rtol=1e-12, atol=1e-15)
    assert_allclose(omega, sps.expit(z) * sps.expit(-z), rtol=1e-12, atol=1e-300)  # subnormals
    assert_allclose((Xa.T * omega) @ Xa / 25 + np.diag(alpha * mask),
                    logistic_hessian(theta, X, alpha=alpha), rtol=1e-12, atol=1e-300)


def test_newton_direction_by_cholesky_equals_the_irls_step(cancer):
    X, y = cancer
    Xa, mask = obj.augment(X, True), obj.penalty_mask(31, True)
    theta = np.random.default_rng(5).normal(scale=0.2, size=31)
    for alpha in [0.0, 1e-2]:
        _, g, omega = obj.binary_loss_gradient_weights(theta, Xa, y, alpha, mask)
        step = solvers._binary_direction(theta, g, omega, Xa, y, alpha, mask)
        newton = -np.linalg.solve(logistic_hessian(theta, X, alpha=alpha), g)
        assert_allclose(step, newton, rtol=1e-8, atol=1e-12)
        assert_allclose(theta + step, irls_step(theta, X, y, alpha=alpha), rtol=1e-7, atol=1e-9)


def test_newton_direction_falls_back_to_least_squares_for_a_singular_hessian():
    # a duplicated column makes the Hessian singular when alpha = 0: Cholesky breaks
    # down and the direction is the minimum-norm IRLS step (SVD), as numpy.linalg.lstsq
    rng = np.random.default_rng(6)
    x = rng.standard_normal((40, 1))
    X = np.hstack([x, x])
    y = (x[:, 0] + rng.standard_normal(40) > 0).astype(float)
    Xa, mask = obj.augment(X, True), obj.penalty_mask(3, True)
    theta = np.zeros(3)
    _, g, omega = obj.binary_loss_gradient_weights(theta, Xa, y, 0.0, mask)
    step = solvers._binary_direction(theta, g, omega, Xa, y, 0.0, mask)
    H = logistic_hessian(theta, X)
    assert np.linalg.matrix_rank(H) == 2
    assert_allclose(step, -np.linalg.lstsq(H, g, rcond=None)[0], rtol=1e-8, atol=1e-12)


# ---------------------------------------------------------------------------- separability


def test_separating_hyperplane_certificate_on_real_data(cancer):
    X, y = cancer
    w, b = separating_hyperplane(X, y)  # the 30 standardised features separate the classes
    margins = np.where(y == 1, 1.0, -1.0) * (X @ w + b)
    assert margins.min() > 0.0
    # two features do not: a point of each class lies inside the other's convex hull
    assert separating_hyperplane(X[:, [0, 1]], y) is None


def test_separating_hyperplane_small_cases():
    X = np.array([[0.0, 0.0], [1.0, 1.0], [1.0, 0.0], [0.0, 1.0]])
    assert separating_hyperplane(X, ["a", "a", "b", "b"]) is None  # XOR
    w, b = separating_hyperplane(X, ["a", "b", "b", "b"])  # "b" is the positive class
    assert np.all(np.array([-1, 1, 1, 1]) * (X @ w + b) > 0)


def test_separating_hyperplane_raises_when_the_solver_fails(monkeypatch):
    # only a proof of infeasibility (status 2) may be reported as "not separable"
    import scipy.optimize

    from mathbehindml.logistic_regression import solvers

    class Failed:
        status, message, x = 1, "Iteration limit reached.", None

    monkeypatch.setattr(scipy.optimize, "linprog", lambda *a, **k: Failed())
    X = np.array([[0.0], [1.0], [2.0], [3.0]])
    with pytest.raises(RuntimeError, match=r"^the linear program failed \(status 1"):
        solvers.separating_hyperplane(X, [0, 1, 0, 1])


def test_hessian_weights_do_not_cancel_for_saturated_logits():
    # at z = 40, p rounds to 1 and p (1 - p) would be 0; the weight is sigma'(40)
    X = np.array([[1.0], [-1.0]])
    theta = np.array([40.0])
    H = logistic_hessian(theta, X, fit_intercept=False)
    exact = np.exp(-40.0) / (1.0 + np.exp(-40.0)) ** 2  # sigma'(z), independent formula
    assert_allclose(H[0, 0], exact, rtol=1e-13)
    assert H[0, 0] > 0.0


def test_irls_step_uses_the_floor_for_saturated_samples():
    # with every |z| > 23 all weights are floored: the step stays finite
    X = np.array([[30.0], [-30.0], [31.0]])
    out = irls_step(np.array([1.0]), X, np.array([1, 0, 0]), fit_intercept=False)
    assert np.all(np.isfinite(out))


def test_separating_hyperplane_bad_input():
    with pytest.raises(ValueError, match=r"^y must hold exactly two classes; got 3: \[0, 1, 2\]"):
        separating_hyperplane(np.zeros((3, 1)), [0, 1, 2])
    with pytest.raises(ValueError, match=r"^X and y must have the same number of samples"):
        separating_hyperplane(np.zeros((3, 1)), [0, 1])
    with pytest.raises(ValueError, match=r"^X must be 2-D"):
        separating_hyperplane(np.zeros(3), [0, 1, 1])


# ---------------------------------------------------------------------------- bad input


def test_objective_bad_input():
    X, y = np.zeros((4, 2)), np.array([0, 1, 0, 1])
    with pytest.raises(ValueError, match=r"^theta must have shape \(n_features \+ 1,\) = \(3,\) "
                                         r"for X with 2 features and fit_intercept=True; got "
                                         r"shape \(2,\)\. The first entry is the intercept"):
        logistic_loss(np.zeros(2), X, y)
    with pytest.raises(ValueError, match=r"^theta must have shape \(n_features,\) = \(2,\) .*"
                                         r"fit_intercept=False; got shape \(3,\)\.$"):
        logistic_gradient(np.zeros(3), X, y, fit_intercept=False)
    with pytest.raises(ValueError, match=r"^y must hold the labels 0 and 1; got 2\.0\. Encode"):
        logistic_loss(np.zeros(3), X, [0, 1, 2, 1])
    with pytest.raises(ValueError, match=r"^X and y must have the same number of samples"):
        logistic_gradient(np.zeros(3), X, [0, 1])
    with pytest.raises(ValueError, match=r"^alpha must be >= 0; got -1"):
        logistic_hessian(np.zeros(3), X, alpha=-1)
    with pytest.raises(TypeError, match=r"^fit_intercept must be True or False; got int 1"):
        logistic_hessian(np.zeros(3), X, fit_intercept=1)
    with pytest.raises(ValueError, match=r"^theta must contain only finite values"):
        logistic_loss([np.nan, 0.0, 0.0], X, y)
    with pytest.raises(TypeError, match=r"^theta must be numeric"):
        irls_step(["a", "b", "c"], X, y)
    with pytest.raises(ValueError, match=r"^theta must have shape \(n_features \+ 1, n_classes\)"
                                         r" = \(3, K\) .*got shape \(3,\)\. The first row holds"):
        softmax_regression_loss(np.zeros(3), X, y)
    with pytest.raises(ValueError, match=r"^y must hold class indices 0\.\.1 \(one per column "
                                         r"of theta\)"):
        softmax_regression_gradient(np.zeros((3, 2)), X, [0, 1, 2, 1])
    with pytest.raises(ValueError, match=r"^X and y must have the same number of samples; got "
                                         r"X: 4, y: 3"):
        softmax_regression_loss(np.zeros((3, 2)), X, [0, 1, 1])
    with pytest.raises(ValueError, match=r"^y given as rows must have the shape \(4, 2\)"):
        softmax_regression_loss(np.zeros((3, 2)), X, np.eye(3)[[0, 1, 2, 0]])
    with pytest.raises(ValueError, match=r"^X must be 2-D"):
        softmax_regression_gradient(np.zeros((3, 2)), np.zeros(4), y)
