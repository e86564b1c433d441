"""Tests of mathbehindml.optim.gradient_descent against closed forms, NumPy and SciPy."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
import scipy.optimize
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal

from mathbehindml.data import StandardScaler, load_breast_cancer, load_diabetes
from mathbehindml.exceptions import ConvergenceWarning
from mathbehindml.optim import OptimizeResult, gradient_descent


def spd_matrix(eigenvalues, seed=0):
    """A symmetric matrix with the given eigenvalues and a random orthonormal eigenbasis."""
    rng = np.random.default_rng(seed)
    Q, _ = np.linalg.qr(rng.standard_normal((len(eigenvalues), len(eigenvalues))))
    return Q @ np.diag(eigenvalues) @ Q.T, Q


@pytest.fixture(scope="module")
def quadratic():
    lams = np.array([0.5, 1.0, 2.0, 4.0, 10.0])
    A, Q = spd_matrix(lams, seed=1)
    b = np.random.default_rng(2).standard_normal(5)
    return A, b, lams, Q


# ------------------------------------------------------------------ quadratics: closed forms


def test_converges_to_the_solution_of_the_linear_system(quadratic):
    A, b, lams, _ = quadratic
    res = gradient_descent(lambda x: A @ x - b, np.zeros(5), learning_rate=1 / lams.max(),
                           tol=1e-10, max_iter=10_000)
    assert isinstance(res, OptimizeResult)
    assert res.converged and "Converged" in res.message
    assert_allclose(res.x, np.linalg.solve(A, b), rtol=1e-9, atol=1e-10)
    assert res.grad_norm <= 1e-10
    assert res.grad_norm == pytest.approx(np.linalg.norm(A @ res.x - b))
    assert res.path.shape == (res.n_iter + 1, 5)
    assert_array_equal(res.path[-1], res.x)
    assert res.values is None


@pytest.mark.parametrize("eta_times_lmax", [0.3, 1.0, 1.9])
def test_every_iterate_equals_the_eigendecomposition_formula(quadratic, eta_times_lmax):
    # e_k = x_k - x* = Q diag((1 - eta * lam)^k) Q^T e_0
    A, b, lams, Q = quadratic
    eta = eta_times_lmax / lams.max()
    x0 = np.random.default_rng(3).standard_normal(5)
    res = gradient_descent(lambda x: A @ x - b, x0, learning_rate=eta, max_iter=60, tol=0.0)
    assert res.n_iter == 60 and not res.converged and "max_iter" in res.message
    x_star = np.linalg.solve(A, b)
    k = np.arange(61)[:, None]
    expected = x_star + ((1 - eta * lams) ** k * (Q.T @ (x0 - x_star))) @ Q.T
    assert_allclose(res.path, expected, rtol=0, atol=1e-12 * np.linalg.norm(x0 - x_star) + 1e-13)


def test_best_fixed_step_contracts_at_rate_kappa_minus_one_over_kappa_plus_one(quadratic):
    A, b, lams, Q = quadratic
    eta = 2 / (lams.min() + lams.max())
    kappa = lams.max() / lams.min()
    x_star = np.linalg.solve(A, b)
    # the error along the two extreme eigenvectors contracts by exactly (kappa - 1)/(kappa + 1)
    x0 = x_star + Q[:, 0] + Q[:, -1]
    res = gradient_descent(lambda x: A @ x - b, x0, learning_rate=eta, max_iter=30, tol=0.0)
    errors = np.linalg.norm(res.path - x_star, axis=1)
    assert_allclose(errors[1:] / errors[:-1], (kappa - 1) / (kappa + 1), rtol=1e-8)


@pytest.mark.parametrize("eta_times_lmax", [0.2, 1.0, 1.5, 1.95])
def test_measured_asymptotic_rate_is_max_abs_one_minus_eta_lambda(quadratic, eta_times_lmax):
    A, b, lams, _ = quadratic
    eta = eta_times_lmax / lams.max()
    predicted = np.max(np.abs(1 - eta * lams))
    x_star = np.linalg.solve(A, b)
    res = gradient_descent(lambda x: A @ x - b, x_star + 1.0, learning_rate=eta,
                           max_iter=400, tol=0.0)
    errors = np.linalg.norm(res.path - x_star, axis=1)
    k = 300 if predicted < 0.95 else 400
    k = min(k, int(np.argmax(errors < 1e-12)) or 400)  # stop before round-off dominates
    measured = (errors[k] / errors[k - 50]) ** (1 / 50)
    assert measured == pytest.approx(predicted, rel=1e-3)


def test_step_just_above_two_over_lambda_max_grows_at_the_predicted_rate(quadratic):
    A, b, lams, Q = quadratic
    eta = 2.02 / lams.max()
    x_star = np.linalg.solve(A, b)
    res = gradient_descent(lambda x: A @ x - b, x_star + Q[:, -1], learning_rate=eta,
                           max_iter=100, tol=1e-8)
    errors = np.linalg.norm(res.path - x_star, axis=1)
    assert not res.converged
    assert_allclose(errors[1:] / errors[:-1], abs(1 - eta * lams.max()), rtol=1e-6)
    assert errors[-1] > errors[0]


@settings(max_examples=60, deadline=None)
@given(
    lam=st.floats(0.01, 100.0),
    ratio=st.floats(0.01, 1.99),
    x0=st.floats(-1e3, 1e3).filter(lambda v: abs(v) > 1e-3),
)
def test_one_dimensional_quadratic_iterates_are_powers(lam, ratio, x0):
    eta = ratio / lam
    res = gradient_descent(lambda x: lam * x, [x0], learning_rate=eta, max_iter=25, tol=0.0)
    expected = x0 * (1 - eta * lam) ** np.arange(26)
    n = len(res.path)  # fewer rows only if an iterate hit the minimiser exactly (tol = 0)
    assert n == 26 or (res.converged and res.path[-1, 0] == 0.0)
    assert_allclose(res.path[:, 0], expected[:n], rtol=1e-10, atol=1e-12 * abs(x0))


# ------------------------------------------------------------------ divergence


def naive_divergence_steps(x0, eta, lam):
    """Plain Python floats: the number of finite steps before an iterate overflows."""
    x, steps = x0, 0
    while True:
        x_new = x - eta * (lam * x)
        if not math.isfinite(x_new):
            return steps, x
        x, steps = x_new, steps + 1


def test_divergence_stops_at_the_last_finite_iterate_and_warns():
    lam, eta, x0 = 1.0, 4.0, 1.0  # x_k = (-3)^k
    steps, last = naive_divergence_steps(x0, eta, lam)
    assert steps == pytest.approx(math.log(np.finfo(float).max) / math.log(3), abs=2)
    with pytest.warns(ConvergenceWarning, match=r"diverged: the iterate of step \d+ is not"):
        res = gradient_descent(lambda x: lam * x, [x0], learning_rate=eta, max_iter=10_000,
                               fun=lambda x: float(np.abs(x[0])))
    assert not res.converged
    assert res.n_iter == steps
    assert res.x[0] == last
    assert np.all(np.isfinite(res.path)) and res.path.shape == (steps + 1, 1)
    assert res.values is not None and res.values.shape == (steps + 1,)
    assert "smaller learning_rate" in res.message


def test_divergence_through_an_infinite_gradient():
    # the iterate stays finite but its gradient overflows first
    with pytest.warns(ConvergenceWarning, match="the gradient at the iterate of step"):
        res = gradient_descent(lambda x: 1e300 * x, [1.0], learning_rate=3e-300, max_iter=5000)
    assert not res.converged and np.all(np.isfinite(res.path))
    assert math.isfinite(res.grad_norm)


def test_divergence_through_an_infinite_value():
    with pytest.warns(ConvergenceWarning, match="the value at the iterate of step 3"):
        res = gradient_descent(lambda x: -np.ones(1), [0.0], learning_rate=1.0, max_iter=10,
                               fun=lambda x: float(np.inf) if x[0] > 2.5 else -float(x[0]))
    assert res.n_iter == 2 and not res.converged
    assert_array_equal(res.values, [0.0, -1.0, -2.0])


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_non_finite_gradient_at_the_start(bad):
    with pytest.warns(ConvergenceWarning, match=r"grad\(x0\) is not finite"):
        res = gradient_descent(lambda x: np.full(2, bad), [1.0, 2.0])
    assert res.n_iter == 0 and not res.converged and math.isnan(res.grad_norm)
    assert_array_equal(res.path, [[1.0, 2.0]])


def test_non_finite_value_at_the_start():
    with pytest.warns(ConvergenceWarning, match=r"fun\(x0\) is not finite"):
        res = gradient_descent(lambda x: x, [1.0], fun=lambda x: np.nan)
    assert res.n_iter == 0 and not res.converged


# ------------------------------------------------------------------ real problems: NumPy and SciPy


def test_least_squares_on_diabetes_reaches_lstsq_to_1e_minus_6():
    data = load_diabetes()
    Z = StandardScaler().fit_transform(data.X)
    X = np.column_stack([np.ones(len(Z)), Z])
    y = data.y
    n = len(y)
    L = np.linalg.eigvalsh(X.T @ X / n).max()
    res = gradient_descent(lambda w: X.T @ (X @ w - y) / n, np.zeros(X.shape[1]),
                           learning_rate=1 / L, tol=1e-9, max_iter=200_000)
    w_lstsq = np.linalg.lstsq(X, y, rcond=None)[0]
    assert res.converged
    assert np.max(np.abs(res.x - w_lstsq)) / np.max(np.abs(w_lstsq)) < 1e-6


def test_regularised_logistic_loss_matches_scipy_bfgs():
    data = load_breast_cancer()
    X = StandardScaler().fit_transform(data.X)
    y = data.y.astype(float)
    n, alpha = len(y), 1e-2

    def fun(w):
        z = X @ w
        return float(np.mean(np.logaddexp(0, z) - y * z) + 0.5 * alpha * w @ w)

    def grad(w):
        p = 0.5 * (1 + np.tanh(0.5 * (X @ w)))  # the sigmoid, overflow-free
        return X.T @ (p - y) / n + alpha * w

    L = np.linalg.eigvalsh(X.T @ X).max() / (4 * n) + alpha
    res = gradient_descent(grad, np.zeros(X.shape[1]), learning_rate=1 / L, tol=1e-8,
                           max_iter=100_000, fun=fun)
    ref = scipy.optimize.minimize(fun, np.zeros(X.shape[1]), jac=grad, method="BFGS",
                                  options={"gtol": 1e-10, "maxiter": 10_000})
    assert res.converged
    assert_allclose(res.x, ref.x, atol=1e-5)
    assert res.values[-1] == pytest.approx(ref.fun, rel=1e-10)
    # the descent lemma: with a step of 1/L the objective never increases
    assert np.all(np.diff(res.values) <= 1e-15)
    assert_allclose(res.values, [fun(w) for w in res.path], rtol=1e-14)


# ------------------------------------------------------------------ stopping rules and callbacks


def test_start_at_the_minimiser_takes_no_step():
    res = gradient_descent(lambda x: 2 * x, [0.0, 0.0])
    assert res.converged and res.n_iter == 0 and res.grad_norm == 0.0


def test_max_iter_zero_only_evaluates_the_gradient():
    res = gradient_descent(lambda x: 2 * x, [3.0, 4.0], max_iter=0)
    assert res.n_iter == 0 and not res.converged and res.grad_norm == pytest.approx(10.0)


def test_callback_sees_copies_of_each_iterate_and_can_stop():
    seen = []

    def callback(x):
        seen.append(x.copy())
        x[:] = 1e9  # modifying the copy must not change the iteration
        return len(seen) == 3

    res = gradient_descent(lambda x: x - 1.0, [0.0, 2.0], learning_rate=0.5, callback=callback)
    assert res.n_iter == 3 and not res.converged and "callback" in res.message
    assert_array_equal(np.array(seen), res.path[1:])
    assert_allclose(res.path[:, 0], [0.0, 0.5, 0.75, 0.875])


def test_x0_and_its_copies_are_never_modified():
    x0 = np.array([1.0, -2.0])

    def grad(x):
        g = 2 * x
        x[:] = 0.0  # a careless grad that overwrites its argument
        return g

    res = gradient_descent(grad, x0, learning_rate=0.25, max_iter=3, tol=0.0)
    assert_array_equal(x0, [1.0, -2.0])
    assert_allclose(res.path[:, 0], 0.5 ** np.arange(4))


def test_integer_list_start_and_repr():
    res = gradient_descent(lambda x: x, [2, 4], learning_rate=0.5, max_iter=1, tol=0.0)
    assert res.x.dtype == np.float64
    assert repr(res) == "OptimizeResult(converged=False, n_iter=1, grad_norm=2.2, x=[1., 2.])"


def test_no_warning_when_max_iter_is_reached():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = gradient_descent(lambda x: x, [1.0], learning_rate=1e-3, max_iter=5)
    assert not res.converged


# ------------------------------------------------------------------ bad input


def test_bad_callables():
    with pytest.raises(TypeError, match=r"^grad must be a callable grad\(x\).*got ndarray"):
        gradient_descent(np.zeros(2), [1.0, 2.0])
    with pytest.raises(TypeError, match=r"^fun must be a callable fun\(x\) -> float; got float"):
        gradient_descent(lambda x: x, [1.0], fun=1.0)
    with pytest.raises(TypeError, match=r"^callback must be a callable"):
        gradient_descent(lambda x: x, [1.0], callback="print")


@pytest.mark.parametrize(
    ("x0", "error", "pattern"),
    [
        (3.0, ValueError, r"^x0 must be a 1-D array \(a point of R\^d\); got shape \(\)\. Use np"),
        ([[1.0, 2.0]], ValueError, r"^x0 must be a 1-D array .*\(1, 2\)\. Flatten it with x0"),
        ([], ValueError, r"^x0 must not be empty"),
        ([1.0, np.nan], ValueError, r"^x0 must contain only finite values; got 1 NaN"),
        (["a"], TypeError, r"^x0 must be numeric"),
        ("1.0", TypeError, r"^x0 must be a numeric array; got the string"),
    ],
)
def test_bad_x0(x0, error, pattern):
    with pytest.raises(error, match=pattern):
        gradient_descent(lambda x: x, x0)


@pytest.mark.parametrize(
    ("kwargs", "error", "pattern"),
    [
        ({"learning_rate": 0.0}, ValueError, r"^learning_rate must be > 0; got 0\.0"),
        ({"learning_rate": -0.1}, ValueError, r"^learning_rate must be > 0"),
        ({"learning_rate": np.inf}, ValueError, r"^learning_rate must be finite"),
        ({"learning_rate": "0.1"}, TypeError, r"^learning_rate must be a real number; got str"),
        ({"learning_rate": True}, TypeError, r"^learning_rate must be a real number; got bool"),
        ({"max_iter": -1}, ValueError, r"^max_iter must be >= 0; got -1"),
        ({"max_iter": 10.0}, TypeError, r"^max_iter must be an integer; got float"),
        ({"tol": -1e-6}, ValueError, r"^tol must be >= 0"),
        ({"tol": None}, TypeError, r"^tol must be a real number; got NoneType"),
    ],
)
def test_bad_hyper_parameters(kwargs, error, pattern):
    with pytest.raises(error, match=pattern):
        gradient_descent(lambda x: x, [1.0], **kwargs)


def test_grad_of_the_wrong_shape():
    with pytest.raises(ValueError, match=r"^grad must return an array of the shape of x0, \(2,\)"):
        gradient_descent(lambda x: np.ones(3), [1.0, 2.0])
    with pytest.raises(ValueError, match=r"got shape \(\)\. Return the gradient as a flat"):
        gradient_descent(lambda x: 1.0, [1.0])


@pytest.mark.parametrize("value", [np.ones(2), [1.0], "1.0", None, True, 1j])
def test_fun_must_return_a_real_scalar(value):
    with pytest.raises(ValueError, match=r"^fun must return a real scalar .*Reduce it to one"):
        gradient_descent(lambda x: x, [1.0, 2.0], fun=lambda x: value)
