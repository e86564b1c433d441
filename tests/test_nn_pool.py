"""Tests of max and average pooling: the loop definition with ties, SciPy, finite differences."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import scipy.signal
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from mathbehindml.gradcheck import check_gradient
from mathbehindml.nn.conv import (
    avg_pool2d,
    avg_pool2d_backward,
    max_pool2d,
    max_pool2d_backward,
)


def windows(shape, k, s):
    """Every (top, left) corner of a pooling window, with its output index."""
    h_out, w_out = (shape[2] - k[0]) // s[0] + 1, (shape[3] - k[1]) // s[1] + 1
    for a, b in itertools.product(range(h_out), range(w_out)):
        yield a, b, a * s[0], b * s[1]


def pool_naive(x, k, s, reduce):
    h_out, w_out = (x.shape[2] - k[0]) // s[0] + 1, (x.shape[3] - k[1]) // s[1] + 1
    out = np.zeros((x.shape[0], x.shape[1], h_out, w_out))
    for n, c in itertools.product(range(x.shape[0]), range(x.shape[1])):
        for a, b, top, left in windows(x.shape, k, s):
            out[n, c, a, b] = reduce(x[n, c, top : top + k[0], left : left + k[1]])
    return out


def max_backward_naive(g, x, k, s):
    """Each output's gradient goes to np.argmax of its window: the first maximum."""
    gx = np.zeros_like(x)
    for n, c in itertools.product(range(x.shape[0]), range(x.shape[1])):
        for a, b, top, left in windows(x.shape, k, s):
            i, j = np.unravel_index(np.argmax(x[n, c, top : top + k[0], left : left + k[1]]), k)
            gx[n, c, top + i, left + j] += g[n, c, a, b]
    return gx


def avg_backward_naive(g, shape, k, s):
    gx = np.zeros(shape)
    for n, c in itertools.product(range(shape[0]), range(shape[1])):
        for a, b, top, left in windows(shape, k, s):
            gx[n, c, top : top + k[0], left : left + k[1]] += g[n, c, a, b] / (k[0] * k[1])
    return gx


def as_pair(v):
    return v if isinstance(v, tuple) else (v, v)


CASES = [(2, None), (2, 1), (3, 2), ((2, 3), None), ((3, 1), (1, 2)), (1, None), (4, 3)]


@pytest.mark.parametrize(("kernel", "stride"), CASES)
@pytest.mark.parametrize("ties", [False, True])
def test_max_pool_matches_the_loop_definition(kernel, stride, ties):
    rng = np.random.default_rng(0)
    shape = (2, 3, 7, 8)
    # with ties: small integers, so most windows hold their maximum several times
    x = rng.integers(0, 3, shape).astype(float) if ties else rng.standard_normal(shape)
    k = as_pair(kernel)
    s = k if stride is None else as_pair(stride)
    out, idx = max_pool2d(x, kernel, stride, return_indices=True)
    assert_allclose(out, pool_naive(x, k, s, np.max), rtol=0, atol=0)
    assert out.shape == (2, 3, (7 - k[0]) // s[0] + 1, (8 - k[1]) // s[1] + 1)
    expected_idx = pool_naive(x, k, s, np.argmax)  # np.argmax: the first maximum
    assert np.array_equal(idx, expected_idx)
    g = rng.standard_normal(out.shape)
    assert_allclose(max_pool2d_backward(g, x, kernel, stride), max_backward_naive(g, x, k, s),
                    rtol=1e-15, atol=1e-15)


def test_ties_go_to_the_first_maximum_in_row_major_order():
    x = np.zeros((1, 1, 4, 4))  # all zeros, as after a ReLU
    x[0, 0, 2:, 2:] = [[1.0, 7.0], [7.0, 7.0]]
    grad = max_pool2d_backward(np.arange(1.0, 5.0).reshape(1, 1, 2, 2), x, 2)[0, 0]
    expected = np.zeros((4, 4))
    expected[0, 0], expected[0, 2], expected[2, 0] = 1.0, 2.0, 3.0  # the top-left zeros
    expected[2, 3] = 4.0  # 7 appears three times; the first in row-major order is (0, 1)
    assert np.array_equal(grad, expected)


@pytest.mark.parametrize(("kernel", "stride"), CASES)
def test_avg_pool_matches_the_loop_definition_and_scipy(kernel, stride):
    rng = np.random.default_rng(1)
    x = rng.standard_normal((2, 2, 7, 8))
    k = as_pair(kernel)
    s = k if stride is None else as_pair(stride)
    out = avg_pool2d(x, kernel, stride)
    assert_allclose(out, pool_naive(x, k, s, np.mean), rtol=1e-13, atol=1e-14)
    box = np.ones(k) / (k[0] * k[1])
    for n, c in itertools.product(range(2), range(2)):
        corr = scipy.signal.correlate2d(x[n, c], box, mode="valid")[:: s[0], :: s[1]]
        assert_allclose(out[n, c], corr, rtol=1e-13, atol=1e-14)
    g = rng.standard_normal(out.shape)
    assert_allclose(avg_pool2d_backward(g, x.shape, kernel, stride),
                    avg_backward_naive(g, x.shape, k, s), rtol=1e-13, atol=1e-14)


@pytest.mark.parametrize(("kernel", "stride"), CASES)
def test_pool_backward_against_finite_differences(kernel, stride):
    rng = np.random.default_rng(2)
    x = rng.permutation(224).reshape(2, 2, 7, 8) / 10.0  # 0.1 apart: eps cannot flip a max
    g = rng.standard_normal(max_pool2d(x, kernel, stride).shape)
    check_gradient(lambda z: np.sum(g * max_pool2d(z, kernel, stride)),
                   max_pool2d_backward(g, x, kernel, stride), x, eps=1e-3)
    check_gradient(lambda z: np.sum(g * avg_pool2d(z, kernel, stride)),
                   avg_pool2d_backward(g, x.shape, kernel, stride), x, eps=1e-3)  # linear


@settings(max_examples=50, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), h=st.integers(1, 9), w=st.integers(1, 9),
       kh=st.integers(1, 4), kw=st.integers(1, 4), sh=st.integers(1, 3), sw=st.integers(1, 3),
       levels=st.integers(2, 6))
def test_pooling_equals_the_loop_definition_everywhere(seed, h, w, kh, kw, sh, sw, levels):
    assume(kh <= h and kw <= w)
    rng = np.random.default_rng(seed)
    x = rng.integers(0, levels, (2, 2, h, w)).astype(float)  # ties are frequent
    k, s = (kh, kw), (sh, sw)
    assert np.array_equal(max_pool2d(x, k, s), pool_naive(x, k, s, np.max))
    g = rng.standard_normal(max_pool2d(x, k, s).shape)
    assert_allclose(max_pool2d_backward(g, x, k, s), max_backward_naive(g, x, k, s),
                    rtol=1e-15, atol=1e-15)
    assert_allclose(avg_pool2d(x, k, s), pool_naive(x, k, s, np.mean), rtol=1e-13, atol=1e-13)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), c=st.floats(-5, 5), a=st.floats(0.1, 5))
def test_max_pool_commutes_with_increasing_affine_maps(seed, c, a):
    # max(a x + c) = a max(x) + c for a > 0, with the same arg-max
    x = np.random.default_rng(seed).standard_normal((2, 2, 6, 6))
    out, idx = max_pool2d(x, 2, return_indices=True)
    out2, idx2 = max_pool2d(a * x + c, 2, return_indices=True)
    assert_allclose(out2, a * out + c, rtol=1e-12, atol=1e-12)
    assert np.array_equal(idx, idx2)


@pytest.mark.parametrize(("kernel", "stride"), [(2, None), (3, 1), ((2, 3), (1, 2))])
def test_pooling_against_pytorch(kernel, stride):
    torch = pytest.importorskip("torch", reason="PyTorch is not installed")
    rng = np.random.default_rng(3)
    x = rng.integers(0, 3, (2, 3, 7, 8)).astype(float)  # with ties
    tx = torch.tensor(x, requires_grad=True)
    ty = torch.nn.functional.max_pool2d(tx, kernel, stride)
    g = rng.standard_normal(tuple(ty.shape))
    ty.backward(torch.tensor(g))
    assert_allclose(max_pool2d(x, kernel, stride), ty.detach().numpy())
    assert_allclose(max_pool2d_backward(g, x, kernel, stride), tx.grad.numpy())


@pytest.mark.parametrize(("shape", "kernel", "stride"), [((8, 8), 3, 2), ((7, 9), 2, 3),
                                                        ((9, 7), (3, 2), (2, 2))])
def test_overlapping_and_uncovered_pooling_backward(shape, kernel, stride):
    # windows that overlap (stride < kernel) or leave the last rows/columns uncovered
    rng = np.random.default_rng(21)
    x = rng.permutation(2 * 2 * shape[0] * shape[1]).reshape(2, 2, *shape) / 10.0
    k, s = as_pair(kernel), as_pair(stride)
    g = rng.standard_normal(max_pool2d(x, kernel, stride).shape)
    g_max = max_pool2d_backward(g, x, kernel, stride)
    g_avg = avg_pool2d_backward(g, x.shape, kernel, stride)
    assert_allclose(g_max, max_backward_naive(g, x, k, s), rtol=1e-15, atol=1e-15)
    assert_allclose(g_avg, avg_backward_naive(g, x.shape, k, s), rtol=1e-13, atol=1e-14)
    check_gradient(lambda z: np.sum(g * max_pool2d(z, kernel, stride)), g_max, x, eps=1e-3)
    check_gradient(lambda z: np.sum(g * avg_pool2d(z, kernel, stride)), g_avg, x, eps=1e-3)
    reached = np.zeros(shape, dtype=bool)
    for _, _, top, left in windows(x.shape, k, s):
        reached[top : top + k[0], left : left + k[1]] = True
    assert not reached.all() or s[0] < k[0]  # each case overlaps or leaves pixels uncovered
    assert np.all(g_max[:, :, ~reached] == 0) and np.all(g_avg[:, :, ~reached] == 0)


@pytest.mark.parametrize(("kernel", "stride"), [(2, None), (3, 1), ((2, 3), (1, 2)), (3, 2)])
def test_avg_pooling_against_pytorch(kernel, stride):
    torch = pytest.importorskip("torch", reason="PyTorch is not installed")
    x = np.random.default_rng(22).standard_normal((2, 3, 7, 8))
    tx = torch.tensor(x, requires_grad=True)
    ty = torch.nn.functional.avg_pool2d(tx, kernel, stride)
    g = np.random.default_rng(23).standard_normal(tuple(ty.shape))
    ty.backward(torch.tensor(g))
    assert_allclose(avg_pool2d(x, kernel, stride), ty.detach().numpy(), rtol=1e-13, atol=1e-14)
    assert_allclose(avg_pool2d_backward(g, x.shape, kernel, stride), tx.grad.numpy(),
                    rtol=1e-13, atol=1e-14)
