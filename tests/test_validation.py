"""Every bad-input path: the exception type and a message that names the argument."""

from __future__ import annotations

import numbers

import numpy as np
import pytest

from mathbehindml import _validation as v
from mathbehindml.data import (
    StandardScaler,
    load_diabetes,
    one_hot,
    train_test_split,
)
from mathbehindml.exceptions import NotFittedError
from mathbehindml.metrics import accuracy_score, confusion_matrix, r2_score

# ---------------------------------------------------------------------------- _validation


def test_as_float_array_rejects_strings_and_non_numbers():
    with pytest.raises(TypeError, match=r"^y must be a numeric array; got the string 'abc'"):
        v.as_float_array("abc", "y")
    with pytest.raises(TypeError, match=r"^y must be numeric .*got list of length 2"):
        v.as_float_array(["a", "b"], "y")
    with pytest.raises(TypeError, match=r"^X must be numeric"):
        v.as_float_array([{"a": 1}], "X")


@pytest.mark.parametrize(
    ("value", "pattern"),
    [(np.nan, r"got 1 NaN and 0 infinite"), (np.inf, r"got 0 NaN and 1 infinite")],
)
def test_check_finite(value, pattern):
    with pytest.raises(ValueError, match=r"^X must contain only finite values; " + pattern):
        v.check_finite(np.array([1.0, value]), "X")


def test_check_2d_dimensions_and_emptiness():
    with pytest.raises(ValueError, match=r"^X must be 2-D .*shape \(3,\)\. Use X\.reshape"):
        v.check_2d([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match=r"^A must be 2-D .*shape \(2, 2, 2\)\. Reshape A"):
        v.check_2d(np.zeros((2, 2, 2)), "A")
    with pytest.raises(ValueError, match=r"^X must be 2-D .*shape \(\)"):
        v.check_2d(5.0)
    with pytest.raises(ValueError, match=r"^X must have at least one sample .*\(0, 3\)"):
        v.check_2d(np.zeros((0, 3)))
    assert v.check_2d(np.zeros((0, 3)), allow_empty=True).shape == (0, 3)
    with pytest.raises(ValueError, match=r"^X must contain only finite values"):
        v.check_2d([[1.0, np.inf]])
    with pytest.raises(TypeError, match=r"^X must be a numeric array; got the string"):
        v.check_2d("[[1, 2]]")


def test_check_1d():
    with pytest.raises(ValueError, match=r"^y must be 1-D .*shape \(2, 1\)\. Use y\.ravel\(\)"):
        v.check_1d([[1.0], [2.0]])
    with pytest.raises(ValueError, match=r"^y must not be empty"):
        v.check_1d([])
    with pytest.raises(ValueError, match=r"^w must contain only finite values; got 1 NaN"):
        v.check_1d([np.nan, 1.0], "w")
    with pytest.raises(TypeError, match=r"^y must be numeric"):
        v.check_1d(["x", "y"])


def test_check_consistent_length():
    with pytest.raises(ValueError, match=r"^X and y must have the same number of samples; "
                                         r"got X: 2, y: 3"):
        v.check_consistent_length(X=[[1], [2]], y=[0, 1, 1])
    assert v.check_consistent_length(X=[[1], [2]], y=None) == 2


def test_check_scalar_paths():
    with pytest.raises(TypeError, match=r"^alpha must be a real number; got str '1'"):
        v.check_scalar("1", "alpha")
    with pytest.raises(TypeError, match=r"^alpha must be a real number; got bool True"):
        v.check_scalar(True, "alpha")
    with pytest.raises(TypeError, match=r"^n must be an integer; got float 2.0"):
        v.check_scalar(2.0, "n", kind=numbers.Integral)
    for bad in (np.nan, np.inf, -np.inf):
        with pytest.raises(ValueError, match=r"^tol must be finite"):
            v.check_scalar(bad, "tol")
    with pytest.raises(ValueError, match=r"^tol must be >= 0; got -1"):
        v.check_scalar(-1, "tol", min_value=0)
    with pytest.raises(ValueError, match=r"^tol must be > 0; got 0"):
        v.check_scalar(0, "tol", min_value=0, include_min=False)
    with pytest.raises(ValueError, match=r"^p must be <= 1; got 2"):
        v.check_scalar(2, "p", max_value=1)
    with pytest.raises(ValueError, match=r"^p must be < 1; got 1"):
        v.check_scalar(1, "p", max_value=1, include_max=False)
    assert v.check_scalar(np.float64(0.5), "p", min_value=0, max_value=1) == 0.5


def test_check_positive_int():
    with pytest.raises(ValueError, match=r"^batch_size must be >= 1; got 0"):
        v.check_positive_int(0, "batch_size")
    with pytest.raises(TypeError, match=r"^batch_size must be an integer; got float 2.5"):
        v.check_positive_int(2.5, "batch_size")
    assert v.check_positive_int(np.int64(3), "batch_size") == 3


def test_check_in():
    with pytest.raises(ValueError, match=r"^solver must be one of 'svd', 'qr'; got 'lu'"):
        v.check_in("lu", "solver", ("svd", "qr"))


@pytest.mark.parametrize(
    ("bad", "error", "pattern"),
    [
        (1.5, TypeError, r"^random_state must be None, an int or a numpy\.random\.Generator; "
                         r"got float 1\.5"),
        ("seed", TypeError, r"^random_state must be None, an int .*got str 'seed'"),
        (True, TypeError, r"^random_state must be None, an int .*got bool True"),
        (np.random.RandomState(0), TypeError, r"^random_state must be None, an int .*RandomState"),
        (-1, ValueError, r"^random_state must be a non-negative int; got -1"),
    ],
)
def test_check_random_state(bad, error, pattern):
    with pytest.raises(error, match=pattern):
        v.check_random_state(bad)


def test_check_random_state_accepts_valid():
    rng = np.random.default_rng(1)
    assert v.check_random_state(rng) is rng
    assert isinstance(v.check_random_state(None), np.random.Generator)
    assert v.check_random_state(np.int64(3)).random() == np.random.default_rng(3).random()


def test_check_is_fitted():
    class Model:
        pass

    with pytest.raises(NotFittedError, match=r"^This Model is not fitted yet; call fit"):
        v.check_is_fitted(Model(), ["coef_", "intercept_"])


def test_check_bool():
    with pytest.raises(TypeError, match=r"^shuffle must be True or False; got int 1"):
        v.check_bool(1, "shuffle")
    with pytest.raises(TypeError, match=r"^shuffle must be True or False; got str 'yes'"):
        v.check_bool("yes", "shuffle")
    assert v.check_bool(np.True_, "shuffle") is True


def test_check_labels():
    with pytest.raises(TypeError, match=r"^y_true must be a 1-D array of labels; got the string"):
        v.check_labels("abc", "y_true")
    with pytest.raises(ValueError, match=r"^y_true must be 1-D .*shape \(1, 2\)"):
        v.check_labels([[0, 1]], "y_true")
    with pytest.raises(ValueError, match=r"^y_true must be 1-D .*shape \(\)"):
        v.check_labels(3, "y_true")
    with pytest.raises(ValueError, match=r"^labels must not be empty"):
        v.check_labels([], "labels")
    with pytest.raises(ValueError, match=r"^y_pred must contain only finite values"):
        v.check_labels([0.0, np.nan], "y_pred")
    with pytest.raises(TypeError, match=r"^y must hold real numbers or strings; got dtype complex"):
        v.check_labels([1j, 2], "y")


def test_check_same_label_kind_and_n_features():
    with pytest.raises(TypeError, match=r"^y_true and y_pred must hold labels of the same kind; "
                                        r"got y_true: number, y_pred: string"):
        v.check_same_label_kind(y_true=np.array([0, 1]), y_pred=np.array(["0", "1"]))
    with pytest.raises(ValueError, match=r"^X has 3 features, but this Scaler was fitted with 2"):
        v.check_n_features(np.ones((4, 3)), 2, "Scaler")


# ---------------------------------------------------------------------------- data


def test_load_diabetes_scaled_must_be_bool():
    with pytest.raises(TypeError, match=r"^scaled must be True or False; got str 'yes'"):
        load_diabetes(scaled="yes")


def test_split_needs_arrays_of_one_length():
    with pytest.raises(ValueError, match=r"^train_test_split needs at least one array"):
        train_test_split()
    with pytest.raises(ValueError, match=r"^arrays\[0\] and arrays\[1\] must have the same "
                                         r"number of samples; got arrays\[0\]: 4, arrays\[1\]: 3"):
        train_test_split(np.zeros((4, 2)), np.zeros(3))
    with pytest.raises(ValueError, match=r"^arrays\[1\] must have one row per sample; got the"):
        train_test_split(np.zeros(4), 5)
    with pytest.raises(ValueError, match=r"^arrays\[0\] must have one row per sample"):
        train_test_split("abcd")


@pytest.mark.parametrize(
    ("test_size", "error", "pattern"),
    [
        (0.0, ValueError, r"^test_size must be > 0; got 0\.0"),
        (1.0, ValueError, r"^test_size must be < 1; got 1\.0"),
        (1.5, ValueError, r"^test_size must be < 1; got 1\.5"),
        (-0.2, ValueError, r"^test_size must be > 0; got -0\.2"),
        (float("nan"), ValueError, r"^test_size must be finite"),
        (0, ValueError, r"^test_size must be >= 1; got 0"),
        (10, ValueError, r"^test_size must be <= 9; got 10"),
        (True, TypeError, r"^test_size must be a real number; got bool True"),
        ("0.2", TypeError, r"^test_size must be a real number; got str '0\.2'"),
        (0.95, ValueError, r"^test_size=0\.95 with 10 samples leaves no training samples"),
    ],
)
def test_split_bad_test_size(test_size, error, pattern):
    with pytest.raises(error, match=pattern):
        train_test_split(np.arange(10), test_size=test_size)


@pytest.mark.parametrize("n", [0, 1])
@pytest.mark.parametrize("test_size", [1, 0.25])
def test_split_needs_two_samples(n, test_size):
    with pytest.raises(ValueError, match=rf"^arrays must hold at least 2 samples; got {n}"):
        train_test_split(np.arange(n), test_size=test_size)


def test_split_bad_shuffle_and_random_state():
    with pytest.raises(TypeError, match=r"^shuffle must be True or False; got str 'no'"):
        train_test_split(np.arange(10), shuffle="no")
    with pytest.raises(TypeError, match=r"^random_state must be None, an int"):
        train_test_split(np.arange(10), random_state=0.5)
    with pytest.raises(ValueError, match=r"^random_state must be a non-negative int"):
        train_test_split(np.arange(10), random_state=-3)


def test_split_bad_stratify():
    X, y = np.zeros((10, 2)), np.array([0, 1] * 5)
    with pytest.raises(ValueError, match=r"^arrays\[0\] and stratify must have the same number"):
        train_test_split(X, y, stratify=y[:8])
    with pytest.raises(ValueError, match=r"^stratify must be 1-D"):
        train_test_split(X, y, stratify=y.reshape(-1, 1))
    with pytest.raises(ValueError, match=r"^stratify: every class needs at least 2 samples; "
                                         r"class 7 has 1"):
        train_test_split(X, y, stratify=np.r_[y[:9], 7])
    with pytest.raises(ValueError, match=r"^stratify: with 3 classes both sets need >= 3 "
                                         r"samples; got 2 test"):
        train_test_split(X, stratify=np.repeat([0, 1, 2], [3, 3, 4]), test_size=2)
    with pytest.raises(ValueError, match=r"^stratify requires shuffle=True; got shuffle=False"):
        train_test_split(X, y, stratify=y, shuffle=False)
    with pytest.raises(ValueError, match=r"^stratify must contain only finite values"):
        train_test_split(X, stratify=np.r_[np.zeros(9), np.nan])


def test_scaler_unfitted_and_mismatched():
    scaler = StandardScaler()
    for method in (scaler.transform, scaler.inverse_transform):
        with pytest.raises(NotFittedError, match=r"^This StandardScaler is not fitted yet"):
            method(np.zeros((2, 2)))
    with pytest.raises(ValueError, match=r"not fitted"):  # NotFittedError is a ValueError
        scaler.transform(np.zeros((2, 2)))
    scaler.fit(np.arange(6.0).reshape(3, 2))
    with pytest.raises(ValueError, match=r"^X has 3 features, but this StandardScaler was "
                                         r"fitted with 2 features"):
        scaler.transform(np.zeros((1, 3)))
    with pytest.raises(ValueError, match=r"^X has 1 features, but this StandardScaler"):
        scaler.inverse_transform(np.zeros((1, 1)))
    with pytest.raises(ValueError, match=r"^X must be 2-D"):
        scaler.transform(np.zeros(2))


@pytest.mark.parametrize(
    ("X", "error", "pattern"),
    [
        (np.arange(3.0), ValueError, r"^X must be 2-D .*Use X\.reshape\(-1, 1\)"),
        ([[1.0, np.nan]], ValueError, r"^X must contain only finite values; got 1 NaN"),
        ([["a", "b"]], TypeError, r"^X must be numeric"),
        ("X", TypeError, r"^X must be a numeric array; got the string"),
        (np.zeros((0, 2)), ValueError, r"^X must have at least one sample"),
    ],
)
def test_scaler_bad_fit_input(X, error, pattern):
    with pytest.raises(error, match=pattern):
        StandardScaler().fit(X)


@pytest.mark.parametrize(
    ("y", "kwargs", "error", "pattern"),
    [
        ([0, -1], {}, ValueError, r"^y must hold labels >= 0; got -1"),
        ([0, 1.5], {}, ValueError, r"^y must hold integer class labels 0\.\.K-1; got 1\.5"),
        ([0, 3], {"n_classes": 3}, ValueError, r"^y holds label 3, but n_classes=3 allows only"),
        ([[0, 1]], {}, ValueError, r"^y must be 1-D"),
        ([], {}, ValueError, r"^y must not be empty"),
        (["a", "b"], {}, TypeError, r"^y must be numeric"),
        ([0, np.nan], {}, ValueError, r"^y must contain only finite values"),
        ([0, 1], {"n_classes": 0}, ValueError, r"^n_classes must be >= 1; got 0"),
        ([0, 1], {"n_classes": 2.5}, TypeError, r"^n_classes must be an integer; got float"),
    ],
)
def test_one_hot_bad_input(y, kwargs, error, pattern):
    with pytest.raises(error, match=pattern):
        one_hot(y, **kwargs)


# ---------------------------------------------------------------------------- metrics


@pytest.mark.parametrize(
    ("y_true", "y_pred", "error", "pattern"),
    [
        ([1.0, 2.0], [1.0, 2.0, 3.0], ValueError, r"^y_true and y_pred must have the same number"),
        ([[1.0, 2.0]], [1.0, 2.0], ValueError, r"^y_true must be 1-D"),
        ([1.0, 2.0], [[1.0], [2.0]], ValueError, r"^y_pred must be 1-D"),
        ([1.0, np.nan], [1.0, 2.0], ValueError, r"^y_true must contain only finite values"),
        ([1.0, 2.0], [np.inf, 2.0], ValueError, r"^y_pred must contain only finite values"),
        ([1.0], [1.0], ValueError, r"^r2_score needs at least 2 samples; got 1"),
        (["a", "b"], [1.0, 2.0], TypeError, r"^y_true must be numeric"),
        ("ab", [1.0, 2.0], TypeError, r"^y_true must be a numeric array; got the string"),
        ([], [], ValueError, r"^y_true must not be empty"),
    ],
)
def test_r2_bad_input(y_true, y_pred, error, pattern):
    with pytest.raises(error, match=pattern):
        r2_score(y_true, y_pred)


@pytest.mark.parametrize("metric", [accuracy_score, confusion_matrix])
@pytest.mark.parametrize(
    ("y_true", "y_pred", "error", "pattern"),
    [
        ([0, 1], [0, 1, 1], ValueError, r"^y_true and y_pred must have the same number"),
        ([[0, 1]], [0, 1], ValueError, r"^y_true must be 1-D"),
        ([0, 1], [[0], [1]], ValueError, r"^y_pred must be 1-D"),
        ([], [], ValueError, r"^y_true must not be empty"),
        ([0, 1], ["0", "1"], TypeError, r"^y_true and y_pred must hold labels of the same kind"),
        ("ab", ["a", "b"], TypeError, r"^y_true must be a 1-D array of labels; got the string"),
        ([0.0, np.nan], [0.0, 1.0], ValueError, r"^y_true must contain only finite values"),
    ],
)
def test_classification_metrics_bad_input(metric, y_true, y_pred, error, pattern):
    with pytest.raises(error, match=pattern):
        metric(y_true, y_pred)


@pytest.mark.parametrize(
    ("labels", "error", "pattern"),
    [
        ([0, 1, 0], ValueError, r"^labels must not repeat a label; got 0 2 times"),
        ([5, 6], ValueError, r"^labels must include at least one label present in y_true"),
        (["0", "1"], TypeError, r"^y_true and labels must hold labels of the same kind"),
        ([[0, 1]], ValueError, r"^labels must be 1-D"),
        ([], ValueError, r"^labels must not be empty"),
    ],
)
def test_confusion_matrix_bad_labels(labels, error, pattern):
    with pytest.raises(error, match=pattern):
        confusion_matrix([0, 1, 1], [0, 1, 0], labels=labels)
