"""Tests of mathbehindml.losses against scikit-learn, SciPy, naive formulas and mpmath."""

from __future__ import annotations

import math
import warnings

import mpmath
import numpy as np
import pytest
import scipy.special as sps
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from numpy.testing import assert_allclose
from sklearn.metrics import log_loss
from sklearn.metrics import mean_squared_error as sk_mse

from mathbehindml.gradcheck import numerical_gradient
from mathbehindml.losses import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy_with_logits,
    mean_squared_error,
)

rng = np.random.default_rng(12345)


def strict():
    return np.errstate(over="raise", invalid="raise", divide="raise", under="ignore")


def naive_bce(y, p):
    """The textbook formula, term by term in a Python loop (fine for p strictly inside (0, 1))."""
    terms = [t * math.log(q) + (1 - t) * math.log(1 - q) for t, q in zip(y, p, strict=True)]
    return -sum(terms) / len(y)


# ---------------------------------------------------------------------------- oracles


def test_mean_squared_error_matches_sklearn():
    y, yhat = rng.normal(size=50), rng.normal(size=50)
    assert mean_squared_error(y, yhat) == pytest.approx(sk_mse(y, yhat), rel=1e-15)
    Y, Yhat = rng.normal(size=(20, 3)), rng.normal(size=(20, 3))
    assert mean_squared_error(Y, Yhat) == pytest.approx(sk_mse(Y, Yhat), rel=1e-15)
    assert mean_squared_error([1, 2], [1, 2]) == 0.0
    assert isinstance(mean_squared_error(y, yhat), float)


def test_binary_cross_entropy_matches_sklearn_and_the_naive_formula():
    y = rng.integers(0, 2, size=200)
    p = rng.uniform(0.01, 0.99, size=200)
    ours = binary_cross_entropy(y, p)
    assert isinstance(ours, float)
    assert ours == pytest.approx(log_loss(y, p, labels=[0, 1]), rel=1e-13)
    assert ours == pytest.approx(naive_bce(y, p), rel=1e-13)


def test_binary_cross_entropy_edges_and_soft_labels():
    assert binary_cross_entropy([1, 0, 1], [1.0, 0.0, 1.0]) == 0.0  # 0 log 0 = 0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with strict():
            assert binary_cross_entropy([1, 0], [0.0, 0.5]) == math.inf
            assert binary_cross_entropy([0], [1.0]) == math.inf
    y, p = [0.3, 0.8, 0.5], [0.2, 0.6, 0.5]
    assert binary_cross_entropy(y, p) == pytest.approx(naive_bce(y, p), rel=1e-14)
    # a soft label's loss is minimised at p = y (Gibbs' inequality)
    grid = np.linspace(0.01, 0.99, 99)
    losses = [binary_cross_entropy([0.3], [q]) for q in grid]
    assert grid[int(np.argmin(losses))] == pytest.approx(0.3)


def test_binary_cross_entropy_with_logits_matches_sklearn_on_moderate_logits():
    y = rng.integers(0, 2, size=300)
    z = rng.normal(scale=4.0, size=300)
    ours = binary_cross_entropy_with_logits(y, z)
    assert ours == pytest.approx(log_loss(y, sps.expit(z), labels=[0, 1]), rel=1e-12)
    assert ours == pytest.approx(naive_bce(y, sps.expit(z)), rel=1e-12)
    soft = rng.uniform(size=300)
    assert binary_cross_entropy_with_logits(soft, z) == pytest.approx(
        naive_bce(soft, sps.expit(z)), rel=1e-12)


@pytest.mark.parametrize(("y", "z"), [(1, 40.0), (1, -40.0), (0, 40.0), (0, -1e4), (1, -1e4),
                                      (1, 700.0), (0, 3.0), (1, 1e-9)])
def test_binary_cross_entropy_with_logits_against_mpmath(y, z):
    with mpmath.workdps(60):
        s = 1 / (1 + mpmath.exp(-mpmath.mpf(z)))
        s_complement = 1 / (1 + mpmath.exp(mpmath.mpf(z)))  # 1 - s would round to 0 at z = 700
        exact = float(-(y * mpmath.log(s) + (1 - y) * mpmath.log(s_complement)))
    assert binary_cross_entropy_with_logits([y], [z]) == pytest.approx(exact, rel=4e-16)


def test_cross_entropy_matches_sklearn_with_labels_and_one_hot_rows():
    n, k = 120, 5
    logits = rng.normal(scale=3.0, size=(n, k))
    y = rng.integers(0, k, size=n)
    expected = log_loss(y, sps.softmax(logits, axis=1), labels=np.arange(k))
    assert cross_entropy_with_logits(y, logits) == pytest.approx(expected, rel=1e-12)
    onehot = np.eye(k)[y]
    assert cross_entropy_with_logits(onehot, logits) == pytest.approx(expected, rel=1e-12)
    assert cross_entropy_with_logits(y.astype(float), logits) == pytest.approx(expected, rel=1e-12)
    assert cross_entropy_with_logits(y.astype(np.uint8), logits) == pytest.approx(expected,
                                                                                  rel=1e-12)


def test_cross_entropy_with_soft_targets_matches_the_naive_sum():
    logits = rng.normal(size=(10, 4))
    T = rng.dirichlet(np.ones(4), size=10)
    P = sps.softmax(logits, axis=1)
    naive = -sum(T[i, c] * math.log(P[i, c]) for i in range(10) for c in range(4)) / 10
    assert cross_entropy_with_logits(T, logits) == pytest.approx(naive, rel=1e-13)


def test_cross_entropy_gradient_is_p_minus_y_over_n():
    n, k = 7, 4
    logits = rng.normal(size=(n, k))
    y = rng.integers(0, k, size=n)
    numeric = numerical_gradient(lambda Z: cross_entropy_with_logits(y, Z), logits)
    assert_allclose(numeric, (sps.softmax(logits, axis=1) - np.eye(k)[y]) / n,
                    rtol=1e-6, atol=1e-10)
    z = rng.normal(size=n)
    yb = rng.integers(0, 2, size=n)
    numeric = numerical_gradient(lambda v: binary_cross_entropy_with_logits(yb, v), z)
    assert_allclose(numeric, (sps.expit(z) - yb) / n, rtol=1e-6, atol=1e-10)


def test_two_class_cross_entropy_equals_binary_cross_entropy_with_logits():
    z = rng.normal(scale=5.0, size=40)
    y = rng.integers(0, 2, size=40)
    two = np.column_stack([np.zeros_like(z), z])  # softmax([0, z]) = (1 - sigma(z), sigma(z))
    assert cross_entropy_with_logits(y, two) == pytest.approx(
        binary_cross_entropy_with_logits(y, z), rel=1e-13)


def test_no_floating_point_warning_at_plus_minus_1e4():
    z = np.array([1e4, -1e4, 1e4, -1e4, 0.0])
    y = np.array([1, 1, 0, 0, 1])
    logits = np.array([[1e4, -1e4, 0.0], [-1e4, -1e4, -1e4], [-1e4, 1e4, 1e4]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with strict():
            bce = binary_cross_entropy_with_logits(y, z)
            ce = cross_entropy_with_logits([1, 2, 0], logits)
            ce_rows = cross_entropy_with_logits(np.eye(3)[[1, 2, 0]], logits)
            mse = mean_squared_error(z, -z)
            bce_p = binary_cross_entropy(y, [1.0, 0.5, 0.0, 0.5, 1.0])
    # per sample: 0, 1e4, 1e4, 0, log 2
    assert bce == pytest.approx((2e4 + math.log(2.0)) / 5, rel=1e-15)
    # per sample: 2e4, log 3, 2e4 + log 2
    expected = (4e4 + math.log(3.0) + math.log(2.0)) / 3
    assert ce == pytest.approx(expected, rel=1e-15) and ce_rows == pytest.approx(expected,
                                                                                rel=1e-15)
    assert mse == pytest.approx(4 * 1e8 * 4 / 5, rel=1e-15)
    assert bce_p == pytest.approx(2 * math.log(2.0) / 5, rel=1e-15)


@settings(max_examples=150, deadline=None)
@given(
    z=arrays(np.float64, st.integers(1, 30), elements=st.floats(-10, 10)),
    seed=st.integers(0, 2**32 - 1),
)
def test_logits_and_probabilities_agree_where_both_are_accurate(z, seed):
    # 1 - sigmoid(z) keeps about 16 - z / ln(10) digits, so |z| <= 10 leaves more than 11
    y = np.random.default_rng(seed).integers(0, 2, size=z.shape[0])
    assert binary_cross_entropy_with_logits(y, z) == pytest.approx(
        binary_cross_entropy(y, sps.expit(z)), rel=1e-9, abs=1e-13)


@settings(max_examples=150, deadline=None)
@given(
    logits=arrays(np.float64, st.tuples(st.integers(1, 6), st.integers(2, 5)),
                  elements=st.floats(-100, 100)),
    shift=st.floats(-100, 100),
    seed=st.integers(0, 2**32 - 1),
)
def test_cross_entropy_is_non_negative_and_row_shift_invariant(logits, shift, seed):
    n, k = logits.shape
    y = np.random.default_rng(seed).integers(0, k, size=n)
    loss = cross_entropy_with_logits(y, logits)
    assert loss >= 0.0
    assert cross_entropy_with_logits(y, logits + shift) == pytest.approx(loss, rel=1e-12,
                                                                         abs=1e-11)


# ---------------------------------------------------------------------------- bad input


def test_mean_squared_error_bad_input():
    with pytest.raises(ValueError, match=r"^y_true and y_pred must have the same shape; "
                                         r"got \(3,\) and \(3, 1\)\. Use y_pred\.ravel"):
        mean_squared_error([1, 2, 3], [[1], [2], [3]])
    with pytest.raises(ValueError, match=r"^y_true must be a non-empty 1-D .*got shape \(0,\)"):
        mean_squared_error([], [])
    with pytest.raises(ValueError, match=r"^y_pred must be a non-empty 1-D .*got shape \(\)"):
        mean_squared_error([1.0], 1.0)
    with pytest.raises(ValueError, match=r"^y_pred must contain only finite values"):
        mean_squared_error([1.0], [np.nan])
    with pytest.raises(TypeError, match=r"^y_true must be numeric"):
        mean_squared_error(["a"], [1.0])


@pytest.mark.parametrize("fn", [binary_cross_entropy, binary_cross_entropy_with_logits])
def test_binary_losses_bad_input(fn):
    second = "p" if fn is binary_cross_entropy else "z"
    with pytest.raises(ValueError, match=rf"^y_true and {second} must have the same number of "
                                         r"samples; got y_true: 2, " + second + ": 3"):
        fn([0, 1], [0.5, 0.5, 0.5])
    with pytest.raises(ValueError, match=r"^y_true must hold labels or target probabilities in "
                                         r"\[0, 1\]; got 1 entries outside, e\.g\. 2\.0\. Encode"):
        fn([0, 2], [0.5, 0.5])
    with pytest.raises(ValueError, match=r"^y_true must hold .*e\.g\. -1\.0"):
        fn([-1, 1], [0.5, 0.5])
    with pytest.raises(ValueError, match=rf"^{second} must be 1-D \(n_samples,\); got shape "
                                         r"\(2, 1\)\. Use " + second + r"\.ravel\(\)"):
        fn([0, 1], [[0.5], [0.5]])
    with pytest.raises(ValueError, match=rf"^{second} must contain only finite values"):
        fn([0, 1], [0.5, np.inf])
    with pytest.raises(TypeError, match=r"^y_true must be numeric"):
        fn(["no", "yes"], [0.5, 0.5])
    with pytest.raises(ValueError, match=r"^y_true must not be empty"):
        fn([], [])


def test_binary_cross_entropy_rejects_probabilities_outside_the_unit_interval():
    with pytest.raises(ValueError, match=r"^p must hold probabilities in \[0, 1\]; got 1 entries "
                                         r"outside, e\.g\. 1\.5\. Pass probabilities, or use "
                                         r"binary_cross_entropy_with_logits"):
        binary_cross_entropy([0, 1], [0.5, 1.5])


def test_cross_entropy_bad_input():
    logits = np.zeros((3, 4))
    with pytest.raises(ValueError, match=r"^logits must be 2-D \(n_samples, n_features\); got "
                                         r"shape \(4,\)"):
        cross_entropy_with_logits([0], np.zeros(4))
    with pytest.raises(ValueError, match=r"^logits must contain only finite values"):
        cross_entropy_with_logits([0], [[0.0, np.nan]])
    with pytest.raises(ValueError, match=r"^y_true must hold class indices 0\.\.3 \(one per column "
                                         r"of logits\); got 4\.0"):
        cross_entropy_with_logits([0, 1, 4], logits)
    with pytest.raises(ValueError, match=r"^y_true must hold class indices 0\.\.3 .*got -1\.0"):
        cross_entropy_with_logits([0, -1, 2], logits)
    with pytest.raises(ValueError, match=r"^y_true must hold class indices 0\.\.3 .*got 1\.5"):
        cross_entropy_with_logits([0, 1.5, 2], logits)
    with pytest.raises(ValueError, match=r"^y_true and logits must have the same number of "
                                         r"samples; got y_true: 2, logits: 3"):
        cross_entropy_with_logits([0, 1], logits)
    with pytest.raises(TypeError, match=r"^y_true must hold integer class indices 0\.\.3; got "
                                        r"dtype <U1\. Encode string labels"):
        cross_entropy_with_logits(["a", "b", "c"], logits)
    with pytest.raises(TypeError, match=r"^y_true must hold integer class indices .*dtype bool"):
        cross_entropy_with_logits([True, False, True], logits)
    with pytest.raises(TypeError, match=r"^y_true must be integer labels or one-hot rows; got "
                                        r"the string"):
        cross_entropy_with_logits("abc", logits)
    with pytest.raises(ValueError, match=r"^y_true must contain only finite values"):
        cross_entropy_with_logits([0, np.nan, 1], logits)
    with pytest.raises(ValueError, match=r"^y_true given as rows must have the shape \(3, 4\) "
                                         r"\(one row per sample, .*logits\); got \(3, 3\)"):
        cross_entropy_with_logits(np.eye(3), logits)
    with pytest.raises(ValueError, match=r"^y_true given as rows must hold probability vectors"):
        cross_entropy_with_logits(np.full((3, 4), 0.5), logits)
    with pytest.raises(ValueError, match=r"^y_true given as rows must hold probability vectors"):
        cross_entropy_with_logits([[2, -1, 0, 0]] * 3, logits)
    with pytest.raises(ValueError, match=r"^y_true must be 2-D .*got shape \(3, 4, 1\)"):
        cross_entropy_with_logits(np.zeros((3, 4, 1)), logits)
