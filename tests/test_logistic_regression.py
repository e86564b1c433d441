"""LogisticRegression and SoftmaxRegression against scikit-learn, on separable data, and every
bad-input path."""

from __future__ import annotations

import sys
import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.linear_model import LogisticRegression as SkLogisticRegression

from mathbehindml.data import StandardScaler, load_breast_cancer, load_digits
from mathbehindml.exceptions import ConvergenceWarning, NotFittedError
from mathbehindml.logistic_regression import (
    LogisticRegression,
    SoftmaxRegression,
    logistic_gradient,
    logistic_loss,
)


@pytest.fixture(scope="module")
def cancer():
    data = load_breast_cancer()
    return StandardScaler().fit_transform(data.X), data.y


@pytest.fixture(scope="module")
def digits():
    data = load_digits()
    return data.X / 16.0, data.y


def sklearn_fit(X, y, alpha, *, solver="newton-cholesky", fit_intercept=True):
    """scikit-learn minimises C * sum(loss) + ||w||^2 / 2; dividing by C * n gives ours."""
    C = np.inf if alpha == 0 else 1.0 / (len(y) * alpha)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # lbfgs may stop just short of tol=1e-12
        return SkLogisticRegression(C=C, solver=solver, tol=1e-12, max_iter=10_000,
                                    fit_intercept=fit_intercept).fit(X, y)


def fit_quietly(model, X, y):
    """Fit, turning every warning into an error (a converged fit must not warn)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            return model.fit(X, y)


# ---------------------------------------------------------------------------- binary


@pytest.mark.parametrize("alpha", [1e-3, 1e-2, 1e-1])
def test_newton_matches_sklearn_on_breast_cancer(cancer, alpha):
    X, y = cancer
    ours = fit_quietly(LogisticRegression(alpha=alpha), X, y)
    for solver in ("newton-cholesky", "newton-cg"):
        sk = sklearn_fit(X, y, alpha, solver=solver)
        assert_allclose(ours.coef_, sk.coef_[0], rtol=0, atol=1e-8)
        assert ours.intercept_ == pytest.approx(sk.intercept_[0], abs=1e-8)
    assert ours.converged_ and ours.n_iter_ <= 15  # quadratic convergence: few steps
    sk = sklearn_fit(X, y, alpha, solver="lbfgs")  # the default of scikit-learn, less precise
    assert_allclose(ours.coef_, sk.coef_[0], rtol=0, atol=1e-5)
    assert_allclose(ours.predict_proba(X), sk.predict_proba(X), rtol=0, atol=1e-6)
    assert_array_equal(ours.predict(X), sk.predict(X))
    assert ours.score(X, y) == sk.score(X, y)


def test_gradient_descent_reaches_the_same_minimiser(cancer):
    X, y = cancer
    newton = fit_quietly(LogisticRegression(alpha=1e-1), X, y)
    gd = fit_quietly(LogisticRegression(alpha=1e-1, solver="gd", learning_rate=0.5,
                                        max_iter=5000, tol=1e-9), X, y)
    assert gd.converged_ and gd.n_iter_ > 10 * newton.n_iter_
    assert_allclose(gd.coef_, newton.coef_, rtol=0, atol=1e-8)


def test_alpha_zero_on_non_separable_data_is_maximum_likelihood(cancer):
    X, y = cancer[0][:, [0, 1]], cancer[1]  # mean radius, mean texture: not separable
    ours = fit_quietly(LogisticRegression(), X, y)
    sk = sklearn_fit(X, y, 0.0)
    assert_allclose(ours.coef_, sk.coef_[0], rtol=1e-9)
    assert ours.intercept_ == pytest.approx(sk.intercept_[0], rel=1e-9)
    theta = np.concatenate([[ours.intercept_], ours.coef_])
    assert np.linalg.norm(logistic_gradient(theta, X, y)) <= 1e-8


def test_without_intercept(cancer):
    X, y = cancer
    ours = fit_quietly(LogisticRegression(alpha=1e-2, fit_intercept=False), X, y)
    sk = sklearn_fit(X, y, 1e-2, fit_intercept=False)
    assert ours.intercept_ == 0.0
    assert_allclose(ours.coef_, sk.coef_[0], rtol=0, atol=1e-8)


def test_loss_history_decreases_and_ends_at_the_objective(cancer):
    X, y = cancer
    for solver in ("newton", "gd"):
        model = LogisticRegression(alpha=1e-2, solver=solver, max_iter=300, tol=1e-6)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            model.fit(X, y)
        h = model.loss_history_
        assert h.shape == (model.n_iter_ + 1,)
        assert h[0] == pytest.approx(np.log(2.0), rel=1e-15)  # p = 1/2 at the start
        assert np.all(np.diff(h) < 0)
        theta = np.concatenate([[model.intercept_], model.coef_])
        assert h[-1] == pytest.approx(logistic_loss(theta, X, y, alpha=1e-2), rel=1e-14)


@pytest.mark.parametrize(("labels", "positive"), [
    (np.array(["benign", "malignant"]), "malignant"),
    (np.array([-1, 1]), 1),
    (np.array([2.5, 7.0]), 7.0),
    (np.array([False, True]), True),
])
def test_labels_of_any_type_round_trip(cancer, labels, positive):
    X, y01 = cancer
    y = labels[y01]
    model = fit_quietly(LogisticRegression(alpha=1e-2), X, y)
    assert_array_equal(model.classes_, labels)
    assert model.classes_[1] == positive
    reference = fit_quietly(LogisticRegression(alpha=1e-2), X, y01)
    assert_allclose(model.coef_, reference.coef_, rtol=1e-12)
    assert_array_equal(model.predict(X), labels[reference.predict(X)])
    assert model.predict(X).dtype == labels.dtype
    assert model.score(X, y) == reference.score(X, y01)


def test_decision_function_and_proba_are_consistent(cancer):
    X, y = cancer
    model = fit_quietly(LogisticRegression(alpha=1e-2), X, y)
    z = model.decision_function(X)
    assert_allclose(z, X @ model.coef_ + model.intercept_, rtol=1e-14)
    proba = model.predict_proba(X)
    assert_allclose(proba[:, 1], 1.0 / (1.0 + np.exp(-z)), rtol=1e-14)
    assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-15)
    assert_array_equal(model.predict(X), model.classes_[(proba[:, 1] > 0.5).astype(int)])


# ---------------------------------------------------------------------------- separable data


@pytest.mark.parametrize(("solver", "max_iter", "how"), [
    ("newton", 100, "classify every training sample correctly"),
    ("gd", 50, "a separating hyperplane exists"),  # stops at max_iter; the LP certifies
])
def test_separable_data_warns_and_keeps_finite_coefficients(cancer, solver, max_iter, how):
    X, y = cancer  # the 30 standardised features separate the two classes
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            model = LogisticRegression(solver=solver, max_iter=max_iter).fit(X, y)
    assert [w.category for w in caught] == [ConvergenceWarning]
    message = str(caught[0].message)
    assert "linearly separable" in message and how in message and "alpha > 0" in message
    assert np.all(np.isfinite(model.coef_)) and np.isfinite(model.intercept_)
    assert not model.converged_
    assert np.all(np.isfinite(model.loss_history_))


def test_separable_coefficients_grow_with_the_iterations(cancer):
    X, y = cancer
    norms = []
    for max_iter in (10, 100, 1000):
        with pytest.warns(ConvergenceWarning, match="linearly separable"):
            model = LogisticRegression(solver="gd", learning_rate=0.5, max_iter=max_iter).fit(X, y)
        norms.append(np.linalg.norm(model.coef_))
    assert norms[0] < norms[1] < norms[2]


def test_max_iter_warning(cancer):
    X, y = cancer
    with pytest.warns(ConvergenceWarning, match=r"^The solver 'gd' did not converge in max_iter "
                                                 r"= 5 iterations: gradient norm .* Increase "
                                                 r"max_iter or learning_rate"):
        model = LogisticRegression(alpha=1e-2, solver="gd", max_iter=5).fit(X, y)
    assert model.n_iter_ == 5 and not model.converged_
    with pytest.warns(ConvergenceWarning, match=r"^The solver 'newton' did not converge in "
                                                 r"max_iter = 2"):
        LogisticRegression(alpha=1e-2, max_iter=2).fit(X, y)


def test_divergent_learning_rate_warns_once_from_gradient_descent(cancer):
    X, y = cancer
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = LogisticRegression(alpha=1e-2, solver="gd", learning_rate=1e6, max_iter=100).fit(
            X, y)
    messages = [str(w.message) for w in caught if w.category is ConvergenceWarning]
    assert len(messages) <= 1
    assert np.all(np.isfinite(model.coef_))


# ---------------------------------------------------------------------------- softmax


def test_softmax_matches_sklearn_multinomial_on_digits(digits):
    X, y = digits
    ours = fit_quietly(SoftmaxRegression(alpha=1e-2), X, y)
    sk = sklearn_fit(X, y, 1e-2)
    assert ours.coef_.shape == (10, 64) and ours.intercept_.shape == (10,)
    assert_allclose(ours.coef_, sk.coef_, rtol=0, atol=1e-8)
    # intercepts are defined up to a common constant; ours sum to zero
    assert ours.intercept_.sum() == pytest.approx(0.0, abs=1e-10)
    assert_allclose(ours.intercept_, sk.intercept_ - sk.intercept_.mean(), rtol=0, atol=1e-8)
    assert_allclose(ours.predict_proba(X), sk.predict_proba(X), rtol=0, atol=1e-8)
    assert_array_equal(ours.predict(X), sk.predict(X))
    assert ours.converged_ and ours.n_iter_ <= 15


def test_softmax_gradient_descent_and_string_labels(digits):
    X, y = digits[0][:300], digits[1][:300]
    names = np.array(["zero", "one", "two", "three", "four", "five", "six", "seven", "eight",
                      "nine"])
    newton = fit_quietly(SoftmaxRegression(alpha=1e-1), X, names[y])
    gd = fit_quietly(SoftmaxRegression(alpha=1e-1, solver="gd", learning_rate=1.0,
                                       max_iter=3000, tol=1e-7), X, names[y])
    assert_array_equal(newton.classes_, np.sort(names))
    assert_allclose(gd.coef_, newton.coef_, rtol=0, atol=1e-6)
    assert set(newton.predict(X)) <= set(names)
    assert newton.score(X, names[y]) == np.mean(newton.predict(X) == names[y])


def test_two_class_softmax_is_logistic_regression_with_half_the_penalty(cancer):
    # K = 2: w = w_1 - w_0 with w_0 = -w_1, and alpha/2 (|w_0|^2 + |w_1|^2) = (alpha/2)/2 |w|^2
    X, y = cancer
    soft = fit_quietly(SoftmaxRegression(alpha=2e-2), X, y)
    binary = fit_quietly(LogisticRegression(alpha=1e-2), X, y)
    assert_allclose(soft.coef_[1] - soft.coef_[0], binary.coef_, rtol=0, atol=1e-9)
    assert_allclose(soft.predict_proba(X), binary.predict_proba(X), rtol=0, atol=1e-10)


def test_softmax_on_separable_classes_warns():
    rng = np.random.default_rng(0)
    centres = np.array([[0.0, 0.0], [10.0, 0.0], [0.0, 10.0]])
    X = np.vstack([c + rng.normal(size=(20, 2)) for c in centres])
    y = np.repeat([0, 1, 2], 20)
    for solver in ("newton", "gd"):
        with pytest.warns(ConvergenceWarning, match=r"linearly separable.*alpha > 0"):
            model = SoftmaxRegression(solver=solver).fit(X, y)
        assert np.all(np.isfinite(model.coef_)) and model.score(X, y) == 1.0


@pytest.mark.parametrize("Model", [LogisticRegression, SoftmaxRegression])
def test_convergence_warning_points_at_the_callers_line(Model):
    X, y = np.array([[0.0], [1.0], [2.0], [3.0]]), np.array([0, 0, 1, 1])  # separable
    with pytest.warns(ConvergenceWarning, match="linearly separable") as record:
        line = sys._getframe().f_lineno + 1
        Model().fit(X, y)
    assert [(w.filename, w.lineno) for w in record] == [(__file__, line)]


@pytest.mark.parametrize(("Model", "y"), [(LogisticRegression, ["b", "a", "b", "a", "b", "a"]),
                                          (SoftmaxRegression, ["b", "a", "c", "b", "a", "c"])])
def test_ties_go_to_the_first_class(Model, y):
    X, y = np.arange(6.0)[:, None], np.array(y)
    model = fit_quietly(Model(alpha=0.1), X, y)
    model.coef_ = np.zeros_like(model.coef_)  # every logit 0: every class equally probable
    model.intercept_ = np.zeros_like(model.intercept_)
    assert_array_equal(model.predict(X), np.full(6, "a"))
    assert model.score(X, y) == np.mean(y == "a")


# ---------------------------------------------------------------------------- bad input


@pytest.mark.parametrize("Model", [LogisticRegression, SoftmaxRegression])
@pytest.mark.parametrize(("params", "error", "pattern"), [
    ({"alpha": -1.0}, ValueError, r"^alpha must be >= 0; got -1\.0"),
    ({"alpha": "0.1"}, TypeError, r"^alpha must be a real number; got str '0\.1'"),
    ({"alpha": np.inf}, ValueError, r"^alpha must be finite"),
    ({"fit_intercept": 1}, TypeError, r"^fit_intercept must be True or False; got int 1"),
    ({"solver": "lbfgs"}, ValueError, r"^solver must be one of 'newton', 'gd'; got 'lbfgs'"),
    ({"learning_rate": 0.0}, ValueError, r"^learning_rate must be > 0; got 0\.0"),
    ({"max_iter": 0}, ValueError, r"^max_iter must be >= 1; got 0"),
    ({"max_iter": 10.0}, TypeError, r"^max_iter must be an integer; got float 10\.0"),
    ({"tol": -1e-8}, ValueError, r"^tol must be >= 0"),
])
def test_bad_hyper_parameters(Model, params, error, pattern):
    model = Model(**params)  # __init__ only stores
    with pytest.raises(error, match=pattern):
        model.fit([[0.0], [1.0]], [0, 1])


@pytest.mark.parametrize("Model", [LogisticRegression, SoftmaxRegression])
def test_bad_training_data(Model):
    with pytest.raises(ValueError, match=r"^X must be 2-D .*Use X\.reshape\(-1, 1\)"):
        Model().fit([0.0, 1.0], [0, 1])
    with pytest.raises(ValueError, match=r"^X must contain only finite values; got 1 NaN"):
        Model().fit([[0.0], [np.nan]], [0, 1])
    with pytest.raises(TypeError, match=r"^X must be numeric"):
        Model().fit([["a"], ["b"]], [0, 1])
    with pytest.raises(ValueError, match=r"^X and y must have the same number of samples; got "
                                         r"X: 2, y: 3"):
        Model().fit([[0.0], [1.0]], [0, 1, 1])
    with pytest.raises(ValueError, match=r"^y must be 1-D \(n_samples,\); got shape \(2, 1\)"):
        Model().fit([[0.0], [1.0]], [[0], [1]])
    with pytest.raises(ValueError, match=rf"^y must contain at least two classes to fit a "
                                         rf"{Model.__name__}; got only the class 'a'"):
        Model().fit([[0.0], [1.0]], ["a", "a"])
    with pytest.raises(TypeError, match=r"^y must hold labels that can be sorted"):
        Model().fit([[0.0], [1.0], [2.0]], np.array([1, "a", 2.0], dtype=object))


def test_three_classes_point_to_softmax_regression():
    with pytest.raises(ValueError, match=r"^LogisticRegression is a binary classifier, but y has "
                                         r"3 classes \(0, 1, 2\)\. Use SoftmaxRegression for "
                                         r"more than two classes\."):
        LogisticRegression().fit([[0.0], [1.0], [2.0]], [0, 1, 2])
    with pytest.raises(ValueError, match=r"but y has 10 classes \(0, 1, 2, 3, 4, 5, \.\.\.\)"):
        LogisticRegression().fit(np.arange(10.0)[:, None], np.arange(10))


@pytest.mark.parametrize("Model", [LogisticRegression, SoftmaxRegression])
def test_not_fitted_and_wrong_number_of_features(Model):
    model = Model()
    for method in (model.decision_function, model.predict_proba, model.predict):
        with pytest.raises(NotFittedError, match=rf"^This {Model.__name__} is not fitted yet"):
            method([[0.0]])
    with pytest.raises(NotFittedError):
        model.score([[0.0]], [0])
    X = np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0]])
    model = Model(alpha=0.1).fit(X, [0, 1, 1, 0])
    with pytest.raises(ValueError, match=rf"^X has 3 features, but this {Model.__name__} was "
                                         r"fitted with 2 features"):
        model.predict(np.zeros((1, 3)))
    with pytest.raises(ValueError, match=r"^X must contain only finite values"):
        model.predict_proba([[0.0, np.inf]])
    with pytest.raises(ValueError, match=r"^X and y must have the same number of samples"):
        model.score(X, [0, 1])


def test_repr_lists_the_changed_hyper_parameters():
    assert repr(LogisticRegression()) == "LogisticRegression()"
    assert repr(SoftmaxRegression(alpha=0.1, solver="gd")) == (
        "SoftmaxRegression(alpha=0.1, solver='gd')")
