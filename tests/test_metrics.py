"""Tests of mathbehindml.metrics against scikit-learn's metrics (the oracle)."""

from __future__ import annotations

import numpy as np
import pytest
import sklearn.metrics as skm
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal

from mathbehindml.data import load_breast_cancer, load_diabetes
from mathbehindml.metrics import accuracy_score, confusion_matrix, r2_score

# scikit-learn (the oracle) warns when a confusion matrix has one class; that is intended here
pytestmark = pytest.mark.filterwarnings("ignore:A single label was found:UserWarning")

# ---------------------------------------------------------------------------- r2_score


@pytest.mark.parametrize("seed", range(5))
def test_r2_random_matches_sklearn(seed):
    rng = np.random.default_rng(seed)
    y = rng.normal(size=50) * 3 + 1
    y_hat = y + rng.normal(size=50) * rng.uniform(0.1, 5)
    assert isinstance(r2_score(y, y_hat), float)
    assert_allclose(r2_score(y, y_hat), skm.r2_score(y, y_hat), rtol=1e-12)


def test_r2_least_squares_fit_on_diabetes():
    ds = load_diabetes()
    A = np.column_stack([np.ones(ds.n_samples), ds.X])
    coef, *_ = np.linalg.lstsq(A, ds.y, rcond=None)
    y_hat = A @ coef
    ours = r2_score(ds.y, y_hat)
    assert_allclose(ours, skm.r2_score(ds.y, y_hat), rtol=1e-12)
    # with an intercept, R² is the squared correlation of y and the fit
    assert_allclose(ours, np.corrcoef(ds.y, y_hat)[0, 1] ** 2, rtol=1e-10)


@pytest.mark.parametrize(
    ("y_true", "y_pred"),
    [
        ([1.0, 2.0, 3.0], [1.0, 2.0, 3.0]),  # perfect
        ([1.0, 2.0, 3.0], [2.0, 2.0, 2.0]),  # the mean: 0
        ([1.0, 2.0, 3.0], [3.0, 2.0, 1.0]),  # worse than the mean: negative
        ([3.0, 3.0, 3.0], [3.0, 3.0, 3.0]),  # constant, perfect: 1
        ([3.0, 3.0, 3.0], [3.0, 3.0, 4.0]),  # constant, imperfect: 0
        ([0.1] * 10, [0.1] * 10),  # constant whose computed mean is rounded
        ([0.1] * 10, [0.2] * 10),
        ([5, 7], [6, 6]),  # integers, two samples
    ],
)
def test_r2_edge_cases_match_sklearn(y_true, y_pred):
    assert r2_score(y_true, y_pred) == pytest.approx(skm.r2_score(y_true, y_pred), rel=1e-12)


_MILLI = st.integers(-10**6, 10**6).map(lambda i: i / 1000)  # no underflow in the oracle


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(_MILLI, _MILLI), min_size=2, max_size=30))
def test_r2_property_matches_sklearn(pairs):
    y_true, y_pred = np.array(pairs).T
    ours = r2_score(y_true, y_pred)
    assert ours <= 1.0
    if np.ptp(y_true) == 0:  # the documented rule; scikit-learn's own rounding can miss it
        assert ours == (1.0 if np.array_equal(y_true, y_pred) else 0.0)
    else:
        assert ours == pytest.approx(skm.r2_score(y_true, y_pred), rel=1e-8, abs=1e-8)


def test_r2_where_sklearn_rounding_breaks_its_own_rule():
    # scikit-learn's SS_res underflows to 0 here and it reports 1.0; the error is real
    assert r2_score([0.0, 0.0], [0.0, 1e-273]) == 0.0
    assert r2_score([0.0, 7e-212], [0.0, 0.0]) == pytest.approx(-1.0)
    # a constant y_true whose computed mean is rounded: scikit-learn finds SS_tot ~ 1e-37 > 0
    # and returns about -5e31; SS_tot is exactly 0, so the rule gives 0.0
    assert r2_score([0.003] * 3, [0.0] * 3) == 0.0


@pytest.mark.parametrize("scale", [1e-212, 1e-160, 1e160, 1e200])
def test_r2_is_scale_free_where_squares_under_or_overflow(scale):
    y_true, y_pred = np.array([0.0, 1.0, 3.0]), np.array([0.5, 1.0, 2.0])
    expected = skm.r2_score(y_true, y_pred)  # at unit scale the oracle is accurate
    assert r2_score(scale * y_true, scale * y_pred) == pytest.approx(expected, rel=1e-12)


# ---------------------------------------------------------------------------- accuracy_score


@pytest.mark.parametrize("seed", range(3))
def test_accuracy_random_matches_sklearn(seed):
    rng = np.random.default_rng(seed)
    y, y_hat = rng.integers(0, 4, 100), rng.integers(0, 4, 100)
    assert accuracy_score(y, y_hat) == skm.accuracy_score(y, y_hat)
    assert isinstance(accuracy_score(y, y_hat), float)


def test_accuracy_on_real_labels_and_kinds():
    y = load_breast_cancer().y
    y_hat = np.roll(y, 1)
    assert accuracy_score(y, y_hat) == skm.accuracy_score(y, y_hat)
    names = np.array(["malignant", "benign"])
    assert accuracy_score(names[y], names[y_hat]) == skm.accuracy_score(names[y], names[y_hat])
    assert accuracy_score([1, 2, 3], [1.0, 2.0, 4.0]) == skm.accuracy_score([1, 2, 3], [1, 2, 4])
    assert accuracy_score([True, False], [True, True]) == 0.5
    assert accuracy_score(["a"], ["a"]) == 1.0


# ---------------------------------------------------------------------------- confusion_matrix


@pytest.mark.parametrize("seed", range(3))
def test_confusion_random_matches_sklearn(seed):
    rng = np.random.default_rng(seed)
    y, y_hat = rng.integers(0, 5, 200), rng.integers(1, 6, 200)
    ours = confusion_matrix(y, y_hat)
    assert ours.dtype == np.int64 and ours.shape == (6, 6)
    assert_array_equal(ours, skm.confusion_matrix(y, y_hat))
    assert ours.sum() == 200
    assert np.trace(ours) == np.sum(y == y_hat)


def test_confusion_strings_and_labels_argument():
    y = np.array(["cat", "dog", "dog", "bird", "cat", "dog"])
    y_hat = np.array(["cat", "cat", "dog", "dog", "bird", "dog"])
    assert_array_equal(confusion_matrix(y, y_hat), skm.confusion_matrix(y, y_hat))
    for labels in (["dog", "cat", "bird"], ["dog", "cat"], ["cat", "fish", "dog"], ["bird"]):
        assert_array_equal(
            confusion_matrix(y, y_hat, labels=labels),
            skm.confusion_matrix(y, y_hat, labels=labels),
        )


def test_confusion_numeric_labels_argument():
    y, y_hat = [0, 1, 2, 2, 1], [0, 2, 2, 1, 1]
    for labels in ([2, 1, 0], [1, 2], [0, 1, 2, 7], [7, 2], np.array([2.0, 0.0])):
        assert_array_equal(
            confusion_matrix(y, y_hat, labels=labels),
            skm.confusion_matrix(y, y_hat, labels=labels),
        )


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.tuples(st.integers(-3, 3), st.integers(-3, 3)), min_size=1, max_size=40),
    st.lists(st.integers(-4, 4), min_size=1, max_size=6, unique=True),
)
def test_confusion_property_matches_sklearn(pairs, labels):
    y, y_hat = np.array(pairs).T
    assert_array_equal(confusion_matrix(y, y_hat), skm.confusion_matrix(y, y_hat))
    if np.isin(y, labels).any():
        assert_array_equal(
            confusion_matrix(y, y_hat, labels=labels),
            skm.confusion_matrix(y, y_hat, labels=labels),
        )
