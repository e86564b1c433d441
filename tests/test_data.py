"""Tests of mathbehindml.data against independent oracles (scikit-learn, NumPy, properties)."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
import sklearn.datasets as skd
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.model_selection import train_test_split as sk_train_test_split
from sklearn.preprocessing import OneHotEncoder
from sklearn.preprocessing import StandardScaler as SkStandardScaler

from mathbehindml.data import (
    Dataset,
    StandardScaler,
    datasets,
    load_breast_cancer,
    load_diabetes,
    load_digits,
    one_hot,
    train_test_split,
)

# ---------------------------------------------------------------------------- loaders


@pytest.fixture(scope="module")
def sk_diabetes_raw():
    return skd.load_diabetes(scaled=False)


def test_diabetes_raw_equals_sklearn(sk_diabetes_raw):
    ours = load_diabetes()
    assert ours.X.dtype == np.float64 and ours.y.dtype == np.float64
    assert ours.X.shape == (442, 10) and ours.y.shape == (442,)
    assert_array_equal(ours.X, sk_diabetes_raw.data)
    assert_array_equal(ours.y, sk_diabetes_raw.target)
    assert ours.feature_names == tuple(sk_diabetes_raw.feature_names)
    assert ours.target_names == ()
    assert ours.description == sk_diabetes_raw.DESCR
    assert ours.images is None


def test_diabetes_scaled_close_to_sklearn():
    ours, sk = load_diabetes(scaled=True), skd.load_diabetes(scaled=True)
    assert_allclose(ours.X, sk.data, rtol=1e-12, atol=1e-15)
    assert_array_equal(ours.y, sk.target)
    # the defining property: centred columns of unit Euclidean norm
    assert_allclose(ours.X.mean(axis=0), 0.0, atol=1e-15)
    assert_allclose(np.linalg.norm(ours.X, axis=0), 1.0, rtol=1e-12)


def test_breast_cancer_equals_sklearn():
    ours, sk = load_breast_cancer(), skd.load_breast_cancer()
    assert ours.X.dtype == np.float64 and ours.y.dtype == np.int64
    assert_array_equal(ours.X, sk.data)
    assert_array_equal(ours.y, sk.target)
    assert ours.feature_names == tuple(sk.feature_names.tolist())
    assert ours.target_names == tuple(sk.target_names.tolist()) == ("malignant", "benign")
    assert ours.description == sk.DESCR
    assert all(isinstance(n, str) for n in ours.feature_names + ours.target_names)


def test_digits_equals_sklearn():
    ours, sk = load_digits(), skd.load_digits()
    assert ours.X.dtype == np.float64 and ours.y.dtype == np.int64
    assert ours.images is not None and ours.images.shape == (1797, 8, 8)
    assert_array_equal(ours.X, sk.data)
    assert_array_equal(ours.y, sk.target)
    assert_array_equal(ours.images, sk.images)
    assert ours.feature_names == tuple(sk.feature_names)
    assert ours.target_names == tuple(str(t) for t in sk.target_names)
    assert ours.description == sk.DESCR


def test_loaders_do_not_use_sklearn_loaders(monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("scikit-learn's loader was called")

    for name in ("load_diabetes", "load_breast_cancer", "load_digits"):
        monkeypatch.setattr(skd, name, forbidden)
    for name in ("load_csv_data", "load_gzip_compressed_csv_data", "load_descr"):
        monkeypatch.setattr(skd._base, name, forbidden)
    datasets._read_table.cache_clear()
    datasets._read_text.cache_clear()
    assert load_diabetes().X.shape == (442, 10)
    assert load_breast_cancer().X.shape == (569, 30)
    assert load_digits().X.shape == (1797, 64)


@pytest.mark.parametrize("loader", [load_diabetes, load_breast_cancer, load_digits])
def test_callers_cannot_corrupt_the_cache(loader):
    first = loader()
    expected_X, expected_y = first.X.copy(), first.y.copy()
    first.X[:] = -1.0
    first.y[:] = 7
    if first.images is not None:
        first.images[:] = -1.0
    second = loader()
    assert_array_equal(second.X, expected_X)
    assert_array_equal(second.y, expected_y)
    if second.images is not None:
        assert_array_equal(second.images.reshape(len(second.X), -1), expected_X)
    assert second.X is not first.X


def test_dataset_is_frozen_and_summarised():
    ds = load_breast_cancer()
    with pytest.raises(dataclasses.FrozenInstanceError):
        ds.X = np.zeros((1, 1))  # type: ignore[misc]
    assert (ds.n_samples, ds.n_features) == (569, 30)
    text = repr(ds)
    assert "(569, 30)" in text and "float64" in text and "int64" in text
    assert "'malignant', 'benign'" in text and "Breast cancer" in text
    assert len(text) < 400  # a summary, not the arrays
    assert "(1797, 8, 8)" in repr(load_digits())


def test_dataset_repr_without_description():
    ds = Dataset(np.zeros((3, 2)), np.zeros(3), ("a", "b"))
    assert repr(ds).startswith("Dataset(X: (3, 2) float64")


# ---------------------------------------------------------------------------- train_test_split


_SIZE_CASES = [
    (n, t)
    for n in (2, 5, 10, 17, 100, 442, 569)
    for t in (0.07, 0.1, 0.25, 1 / 3, 0.5, 0.8, 0.9, 1, 3)
    if (t <= n - 1 if isinstance(t, int) else math.ceil(t * n) < n)
]


@pytest.mark.parametrize(("n", "test_size"), _SIZE_CASES)
def test_split_sizes_match_sklearn(n, test_size):
    idx = np.arange(n)
    train, test = train_test_split(idx, test_size=test_size, random_state=0)
    sk_train, sk_test = sk_train_test_split(idx, test_size=test_size, random_state=0)
    assert (len(train), len(test)) == (len(sk_train), len(sk_test))
    assert_array_equal(np.sort(np.concatenate([train, test])), idx)  # disjoint and covering


def test_split_without_shuffle_equals_sklearn():
    X = np.arange(30.0).reshape(15, 2)
    ours = train_test_split(X, test_size=0.3, shuffle=False)
    theirs = sk_train_test_split(X, test_size=0.3, shuffle=False)
    for a, b in zip(ours, theirs, strict=True):
        assert_array_equal(a, b)


@pytest.mark.parametrize("n_arrays", [1, 2, 3])
def test_split_keeps_rows_aligned(n_arrays):
    n = 40
    X = np.column_stack([np.arange(n), -np.arange(n)]).astype(float)
    y = 10 * np.arange(n)
    names = np.array([f"s{i}" for i in range(n)])
    out = train_test_split(*[X, y, names][:n_arrays], test_size=0.25, random_state=3)
    assert len(out) == 2 * n_arrays
    X_train, X_test = out[0], out[1]
    assert X_train.shape == (30, 2) and X_test.shape == (10, 2)
    for part in (0, 1):  # train, test
        rows = out[part][:, 0].astype(int)
        assert_array_equal(out[part][:, 1], -rows)
        if n_arrays >= 2:
            assert_array_equal(out[2 + part], 10 * rows)
        if n_arrays == 3:
            assert out[4 + part].tolist() == [f"s{i}" for i in rows]
    assert len(np.intersect1d(X_train[:, 0], X_test[:, 0])) == 0


def test_split_reproducible_and_seed_dependent():
    X = np.arange(100.0)
    a = train_test_split(X, random_state=42)
    b = train_test_split(X, random_state=42)
    c = train_test_split(X, random_state=43)
    assert_array_equal(a[1], b[1])
    assert not np.array_equal(a[1], c[1])
    g1, g2 = np.random.default_rng(5), np.random.default_rng(5)
    assert_array_equal(train_test_split(X, random_state=g1)[1],
                       train_test_split(X, random_state=g2)[1])
    assert not np.array_equal(X[:25], train_test_split(X, random_state=0)[1])  # shuffled


def _check_stratified(y, test_size, seed=0):
    n = len(y)
    idx = np.arange(n)
    train, test, y_train, y_test = train_test_split(
        idx, y, test_size=test_size, random_state=seed, stratify=y
    )
    sk_test = sk_train_test_split(idx, test_size=test_size, random_state=seed, stratify=y)[1]
    assert len(test) == len(sk_test)
    assert_array_equal(np.sort(np.concatenate([train, test])), idx)
    assert_array_equal(y_train, y[train])
    assert_array_equal(y_test, y[test])
    classes, counts = np.unique(y, return_counts=True)
    exact = len(test) * counts / n
    got = np.array([np.sum(y_test == c) for c in classes])
    assert np.all((got >= 1) & (got <= counts - 1))  # a sample of every class on each side
    # Within one sample of the exact share, whenever the "each side" rule allows it: counts
    # strictly within one of the share and in [1, n_c - 1] must be able to add up to n_test.
    low = np.maximum(1, np.floor(exact - 1) + 1)
    high = np.minimum(counts - 1, np.ceil(exact + 1) - 1)
    if low.sum() <= len(test) <= high.sum():
        assert np.all(np.abs(got - exact) < 1.0), (got, exact)
    return bool(low.sum() <= len(test) <= high.sum())


@pytest.mark.parametrize("test_size", [0.1, 0.2, 0.25, 0.5, 0.9, 50])
def test_stratified_split_real_labels(test_size):
    assert _check_stratified(load_breast_cancer().y, test_size)
    assert _check_stratified(load_digits().y, test_size)


def test_stratified_split_string_labels_and_small_classes():
    y = np.array(["rare"] * 2 + ["common"] * 20)
    _, y_test = train_test_split(y, test_size=0.1, random_state=0, stratify=y)
    assert sorted(y_test.tolist()) == ["common", "common", "rare"]  # 3 = ceil(2.2)
    # the smallest class keeps a sample on each side even where its quota rounds to 0
    y = np.array([0] * 2 + [1] * 50 + [2] * 48)
    y_train, y_test = train_test_split(y, test_size=0.1, random_state=1, stratify=y)
    assert {int(c) for c in y_test} == {0, 1, 2} and len(y_test) == 10
    assert {int(c) for c in y_train} == {0, 1, 2}
    # where the rule cannot hold within one sample, it still holds: shares 0.5, 0.5, 2
    assert not _check_stratified(np.repeat([0, 1, 2], [3, 3, 12]), 3)


@settings(max_examples=60, deadline=None)
@given(
    counts=st.lists(st.integers(min_value=3, max_value=40), min_size=1, max_size=5),
    test_size=st.floats(min_value=0.05, max_value=0.95),
    seed=st.integers(min_value=0, max_value=2**32 - 1),
)
def test_stratified_split_property(counts, test_size, seed):
    y = np.repeat(np.arange(len(counts)), counts)
    n = len(y)
    n_test = math.ceil(test_size * n)
    k = len(counts)
    if not k <= n_test <= n - k:
        return
    rng = np.random.default_rng(seed)
    _check_stratified(rng.permutation(y), test_size, seed)


# ---------------------------------------------------------------------------- StandardScaler


@pytest.mark.parametrize("loader", [load_diabetes, load_breast_cancer, load_digits])
def test_scaler_matches_sklearn_on_real_data(loader):
    X = loader().X
    X_train, X_test = train_test_split(X, random_state=0)
    ours, sk = StandardScaler().fit(X_train), SkStandardScaler().fit(X_train)
    assert ours.n_features_in_ == sk.n_features_in_ == X.shape[1]
    assert_allclose(ours.mean_, sk.mean_, rtol=1e-12, atol=1e-12)
    assert_allclose(ours.var_, sk.var_, rtol=1e-12, atol=1e-12)
    assert_allclose(ours.scale_, sk.scale_, rtol=1e-12)
    assert_allclose(ours.transform(X_test), sk.transform(X_test), rtol=1e-10, atol=1e-12)
    assert_allclose(StandardScaler().fit_transform(X), SkStandardScaler().fit_transform(X),
                    rtol=1e-10, atol=1e-12)


def test_scaler_constant_features_match_sklearn():
    X = np.column_stack([np.full(10, 0.1), np.full(10, 1e10 + 0.1), np.arange(10.0), np.zeros(10)])
    ours, sk = StandardScaler().fit(X), SkStandardScaler().fit(X)
    assert_array_equal(ours.scale_[[0, 1, 3]], 1.0)
    assert_allclose(ours.scale_, sk.scale_)
    # scikit-learn's mean of the 1e10 + 0.1 column is one ulp (1.9e-6) off, ours is exact
    assert_allclose(ours.transform(X), sk.transform(X), atol=1e-5)
    assert_array_equal(ours.transform(X)[:, [0, 1, 3]], 0.0)
    assert_array_equal(ours.mean_[[0, 1, 3]], X[0, [0, 1, 3]])


def test_scaler_inverse_round_trip():
    X = load_breast_cancer().X
    scaler = StandardScaler().fit(X)
    assert_allclose(scaler.inverse_transform(scaler.transform(X)), X, rtol=1e-12, atol=1e-12)
    Z = np.random.default_rng(0).standard_normal((5, X.shape[1]))
    assert_allclose(scaler.transform(scaler.inverse_transform(Z)), Z, rtol=1e-9, atol=1e-9)


def test_scaler_fit_returns_self_and_accepts_lists():
    scaler = StandardScaler()
    assert scaler.fit([[1, 2], [3, 4]]) is scaler
    assert_allclose(scaler.mean_, [2.0, 3.0])
    assert_allclose(scaler.scale_, [1.0, 1.0])


@settings(max_examples=60, deadline=None)
@given(
    arrays(np.float64, st.tuples(st.integers(2, 30), st.integers(1, 5)),
           elements=st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False)),
)
def test_scaler_standardises_every_non_constant_column(X):
    Z = StandardScaler().fit_transform(X)
    spread = X.std(axis=0)
    informative = spread > 1e-6 * np.maximum(1.0, np.abs(X).max(axis=0))
    assert_allclose(Z.mean(axis=0)[informative], 0.0, atol=1e-9)
    assert_allclose(Z.std(axis=0)[informative], 1.0, rtol=1e-9)
    constant = np.all(X == X[0], axis=0)
    assert_array_equal(Z[:, constant], 0.0)
    assert_allclose(Z, SkStandardScaler().fit_transform(X), rtol=1e-7, atol=1e-7)


# ---------------------------------------------------------------------------- one_hot


def test_one_hot_matches_eye_and_sklearn():
    y = np.random.default_rng(0).integers(0, 7, size=200)
    encoded = one_hot(y)
    assert encoded.dtype == np.float64 and encoded.shape == (200, 7)
    assert_array_equal(encoded, np.eye(7)[y])
    encoder = OneHotEncoder(categories=[list(range(7))], sparse_output=False)
    assert_array_equal(encoded, encoder.fit_transform(y.reshape(-1, 1)))


def test_one_hot_real_labels_and_float_labels():
    y = load_digits().y
    assert_array_equal(one_hot(y), np.eye(10)[y])
    assert_array_equal(one_hot(y.astype(float)), np.eye(10)[y])
    assert_array_equal(one_hot([1.0, 0.0], n_classes=4), np.eye(4)[[1, 0]])
    assert_array_equal(one_hot([0, 0]), [[1.0], [1.0]])


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(0, 9), min_size=1, max_size=50), st.integers(0, 5))
def test_one_hot_property(labels, extra):
    y = np.array(labels)
    k = int(y.max()) + 1 + extra
    encoded = one_hot(y, n_classes=k)
    assert encoded.shape == (len(y), k)
    assert_array_equal(encoded.sum(axis=1), 1.0)
    assert_array_equal(encoded.argmax(axis=1), y)
