"""Tests of mathbehindml.functions against SciPy, mpmath at high precision, and identities."""

from __future__ import annotations

import warnings

import mpmath
import numpy as np
import pytest
import scipy.special as sps
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, arrays
from numpy.testing import assert_allclose, assert_array_equal

from mathbehindml.functions import log_sigmoid, log_softmax, logsumexp, relu, sigmoid, softmax

EPS = np.finfo(np.float64).eps
# from deep in the tails through the overflow thresholds of exp (709.8) and 1/(1+exp) (745)
GRID = np.concatenate([
    [-1e4, -1000.0, -746.0, -745.0, -710.0, -709.0, -100.0, -37.0, -36.0],
    np.linspace(-20.0, 20.0, 81),
    [-1e-12, 1e-12, 36.0, 37.0, 100.0, 709.0, 710.0, 745.0, 746.0, 1000.0, 1e4],
])
finite = st.floats(-1e4, 1e4, allow_nan=False, allow_infinity=False)


def strict():
    """Overflow, invalid and divide-by-zero raise; underflow (correct rounding) is allowed."""
    return np.errstate(over="raise", invalid="raise", divide="raise", under="ignore")


# ---------------------------------------------------------------------------- oracles


def test_sigmoid_matches_scipy_expit():
    with strict():
        ours = sigmoid(GRID)
    assert ours.dtype == np.float64 and ours.shape == GRID.shape
    # below 2.2e-308 SciPy flushes subnormal results to 0 and we do not (mpmath test below)
    assert_allclose(ours, sps.expit(GRID), rtol=4 * EPS, atol=np.finfo(np.float64).tiny)


def test_log_sigmoid_matches_scipy_log_expit():
    with strict():
        ours = log_sigmoid(GRID)
    assert_allclose(ours, sps.log_expit(GRID), rtol=4 * EPS, atol=0)


@pytest.mark.parametrize("z", [-1e4, -745.5, -700.0, -40.0, -5.0, -1e-8, 0.0, 1e-8, 3.0,
                               36.5, 700.0])
def test_sigmoid_and_log_sigmoid_against_mpmath_at_60_digits(z):
    with mpmath.workdps(60):
        s = 1 / (1 + mpmath.exp(-mpmath.mpf(z)))
        exact_sigmoid, exact_log = float(s), float(mpmath.log(s))
    assert float(sigmoid(z)) == pytest.approx(exact_sigmoid, rel=2 * EPS, abs=0)
    assert float(log_sigmoid(z)) == pytest.approx(exact_log, rel=2 * EPS, abs=1e-300)


def test_softmax_log_softmax_logsumexp_against_mpmath():
    z = np.array([-1000.0, -3.5, 0.25, 2.0, 700.0, 701.5])
    with mpmath.workdps(60):
        terms = [mpmath.exp(mpmath.mpf(v)) for v in z]
        total = mpmath.fsum(terms)
        lse = float(mpmath.log(total))
        probs = [float(t / total) for t in terms]
        logp = [float(mpmath.log(t / total)) for t in terms]
    assert float(logsumexp(z)) == pytest.approx(lse, rel=2 * EPS)
    assert_allclose(softmax(z), probs, rtol=8 * EPS, atol=0)
    assert_allclose(log_softmax(z), logp, rtol=8 * EPS, atol=0)


@pytest.mark.parametrize("shape", [(7,), (5, 4), (3, 4, 6)])
def test_softmax_family_matches_scipy_on_every_axis(shape):
    z = np.random.default_rng(0).normal(scale=30.0, size=shape)
    for axis in range(-len(shape), len(shape)):
        assert_allclose(softmax(z, axis=axis), sps.softmax(z, axis=axis), rtol=1e-14, atol=0)
        assert_allclose(log_softmax(z, axis=axis), sps.log_softmax(z, axis=axis), rtol=1e-14)
        assert_allclose(logsumexp(z, axis=axis), sps.logsumexp(z, axis=axis), rtol=1e-14)
    assert float(logsumexp(z)) == pytest.approx(float(sps.logsumexp(z)), rel=1e-14)
    assert np.ndim(logsumexp(z)) == 0


def test_default_axis_is_the_last():
    z = np.random.default_rng(1).standard_normal((4, 3))
    assert_array_equal(softmax(z), softmax(z, axis=1))
    assert_array_equal(log_softmax(z), log_softmax(z, axis=-1))


def test_relu_is_the_positive_part():
    with strict():
        ours = relu(GRID)
    assert_array_equal(ours, np.where(GRID > 0, GRID, 0.0))
    assert not np.any(np.signbit(ours))  # no -0.0


def test_scalars_in_scalars_out():
    for fn in (sigmoid, log_sigmoid, relu, logsumexp):
        out = fn(0.5)
        assert isinstance(out, np.float64), fn.__name__
    assert float(sigmoid(0.5)) == pytest.approx(float(sps.expit(0.5)), rel=EPS)
    assert float(logsumexp(3.0)) == 3.0


def test_inputs_are_not_modified_and_lists_accepted():
    z = np.array([[1.0, -2.0], [3.0, 4.0]])
    before = z.copy()
    for fn in (sigmoid, log_sigmoid, softmax, log_softmax, logsumexp, relu):
        fn(z)
    assert_array_equal(z, before)
    assert_allclose(softmax([[1, 2], [3, 3]]), sps.softmax([[1.0, 2.0], [3.0, 3.0]], axis=1))


# ------------------------------------------------------------------ stability at ±1e4


def test_no_floating_point_warning_at_plus_minus_1e4():
    z = np.array([[1e4, -1e4, 0.0], [-1e4, -1e4, -1e4], [1e4, 1e4, -1e4]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with strict():
            s, ls = sigmoid(z), log_sigmoid(z)
            p, lp = softmax(z), log_softmax(z)
            lse_rows, lse_all, r = logsumexp(z, axis=1), logsumexp(z), relu(z)
    assert_array_equal(s[0], [1.0, 0.0, 0.5])
    assert_array_equal(ls[0], [-0.0, -1e4, -np.log(2.0)])
    assert_allclose(p, [[1.0, 0.0, 0.0], [1 / 3] * 3, [0.5, 0.5, 0.0]], rtol=1e-15, atol=0)
    assert_allclose(lp[0], [0.0, -2e4, -1e4], rtol=1e-15)
    assert_allclose(lp[2], [-np.log(2.0), -np.log(2.0), -2e4 - np.log(2.0)], rtol=1e-15)
    assert_allclose(lse_rows, [1e4, -1e4 + np.log(3.0), 1e4 + np.log(2.0)], rtol=1e-15)
    assert float(lse_all) == pytest.approx(1e4 + np.log(3.0), rel=1e-15)
    assert np.all(np.isfinite(lp)) and np.all(np.isfinite(ls))
    assert_array_equal(r, np.maximum(z, 0.0))


def test_naive_formulas_fail_where_ours_do_not():
    # the reason this module exists: the textbook formulas overflow or give -inf
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        naive_log_sigmoid = np.log(1.0 / (1.0 + np.exp(1000.0)))
        naive_softmax = np.exp([1000.0, 0.0]) / np.exp([1000.0, 0.0]).sum()
    assert naive_log_sigmoid == -np.inf and np.isnan(naive_softmax[0])
    assert float(log_sigmoid(-1000.0)) == -1000.0
    assert_array_equal(softmax([1000.0, 0.0]), [1.0, 0.0])


# ---------------------------------------------------------------------------- identities


@settings(max_examples=200, deadline=None)
@given(z=arrays(np.float64, array_shapes(max_dims=2, max_side=6), elements=finite))
def test_sigmoid_symmetry(z):
    # sigma(-z) = 1 - sigma(z): each side is rounded once, so they agree to an ulp of 1
    assert_allclose(sigmoid(-z), 1.0 - sigmoid(z), rtol=0, atol=2 * EPS)
    assert np.all((sigmoid(z) >= 0.0) & (sigmoid(z) <= 1.0))


@settings(max_examples=200, deadline=None)
@given(z=arrays(np.float64, st.integers(1, 40), elements=st.floats(-30, 30)))
def test_log_sigmoid_is_log_of_sigmoid_and_sigmoid_is_two_class_softmax(z):
    assert_allclose(log_sigmoid(z), np.log(sps.expit(z)), rtol=1e-14, atol=1e-15)
    two_class = np.column_stack([np.zeros_like(z), z])  # softmax([0, z])_2 = sigma(z)
    assert_allclose(softmax(two_class, axis=1)[:, 1], sigmoid(z), rtol=1e-14, atol=0)


@settings(max_examples=200, deadline=None)
@given(
    z=arrays(np.float64, st.tuples(st.integers(1, 5), st.integers(1, 8)),
             elements=st.floats(-500, 500)),
    shift=st.floats(-1000, 1000),
)
def test_softmax_shift_invariance_and_rows_sum_to_one(z, shift):
    p = softmax(z, axis=1)
    assert np.all(p >= 0.0)
    assert_allclose(p.sum(axis=1), 1.0, rtol=0, atol=z.shape[1] * EPS)
    # the shifted logits z + c are rounded: a relative perturbation of |z + c| * eps each
    scale = (np.max(np.abs(z)) + abs(shift)) * 4 * EPS
    assert_allclose(softmax(z + shift, axis=1), p, rtol=scale + 1e-15, atol=1e-300)
    assert_allclose(log_softmax(z + shift, axis=1), log_softmax(z, axis=1),
                    rtol=0, atol=2 * scale + 1e-12)
    assert_allclose(logsumexp(z + shift, axis=1), logsumexp(z, axis=1) + shift,
                    rtol=1e-15, atol=scale + 1e-12)


@settings(max_examples=100, deadline=None)
@given(z=arrays(np.float64, st.tuples(st.integers(1, 5), st.integers(1, 8)), elements=finite))
def test_log_softmax_is_z_minus_logsumexp(z):
    expected = z - sps.logsumexp(z, axis=1, keepdims=True)
    assert_allclose(log_softmax(z, axis=1), expected, rtol=1e-15,
                    atol=8 * EPS * np.max(np.abs(z)) + 1e-15)
    assert np.all(log_softmax(z, axis=1) <= 0.0)


# ---------------------------------------------------------------------------- bad input


@pytest.mark.parametrize("fn", [sigmoid, log_sigmoid, softmax, log_softmax, logsumexp, relu])
def test_non_numeric_and_non_finite_input(fn):
    with pytest.raises(TypeError, match=r"^z must be a numeric array; got the string"):
        fn("1.0")
    with pytest.raises(TypeError, match=r"^z must be numeric \(convertible to float64\)"):
        fn(["a", "b"])
    with pytest.raises(ValueError, match=r"^z must contain only finite values; got 1 NaN"):
        fn([1.0, np.nan])
    with pytest.raises(ValueError, match=r"^z must contain only finite values; got 0 NaN and 1 "):
        fn([1.0, np.inf])


@pytest.mark.parametrize("fn", [softmax, log_softmax])
def test_softmax_axis_and_shape_errors(fn):
    with pytest.raises(ValueError, match=r"^z must have at least one dimension .*got a scalar\. "
                                         r"Use np\.atleast_1d"):
        fn(1.0)
    with pytest.raises(ValueError, match=r"^axis must be in \[-2, 1\] for z with 2 dimension"):
        fn(np.zeros((2, 3)), axis=2)
    with pytest.raises(TypeError, match=r"^axis must be an int; got NoneType None"):
        fn(np.zeros((2, 3)), axis=None)
    with pytest.raises(TypeError, match=r"^axis must be an int; got bool True"):
        fn(np.zeros((2, 3)), axis=True)
    with pytest.raises(ValueError, match=r"^z must have at least one entry along axis -1; "
                                         r"got shape \(2, 0\)"):
        fn(np.zeros((2, 0)))
    assert fn(np.zeros((0, 3))).shape == (0, 3)  # no rows: nothing to normalise


def test_logsumexp_axis_and_empty_errors():
    with pytest.raises(ValueError, match=r"^z must have at least one entry; got shape \(0,\)\. "
                                         r"The log of an empty sum is -inf"):
        logsumexp([])
    with pytest.raises(TypeError, match=r"^axis must be an int or None; got float 1\.0"):
        logsumexp([1.0, 2.0], axis=1.0)
    with pytest.raises(ValueError, match=r"^axis must be in \[-1, 0\]"):
        logsumexp([1.0, 2.0], axis=-2)
    with pytest.raises(ValueError, match=r"^z must have at least one dimension"):
        logsumexp(1.0, axis=0)
