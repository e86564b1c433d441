"""Tests of nn.conv and nn.im2col: the loop definition, SciPy, PyTorch when installed."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import scipy.signal
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from mathbehindml.data import load_digits
from mathbehindml.gradcheck import check_gradient
from mathbehindml.nn.conv import (
    col2im,
    conv2d,
    conv2d_backward,
    conv2d_naive,
    conv_output_size,
    im2col,
)


def scipy_conv2d(x, w, b=None, stride=(1, 1), padding=(0, 0)):
    """Second oracle: SciPy's 2-D cross-correlation, channel by channel, then subsampled."""
    xp = np.pad(x, ((0, 0), (0, 0), (padding[0],) * 2, (padding[1],) * 2))
    out = []
    for n in range(x.shape[0]):
        maps = []
        for o in range(w.shape[0]):
            full = sum(scipy.signal.correlate2d(xp[n, c], w[o, c], mode="valid")
                       for c in range(x.shape[1]))
            maps.append(full[:: stride[0], :: stride[1]] + (0.0 if b is None else b[o]))
        out.append(maps)
    return np.array(out)


def random_problem(seed, n, c, co, h, w, kh, kw):
    rng = np.random.default_rng(seed)
    return (rng.standard_normal((n, c, h, w)), rng.standard_normal((co, c, kh, kw)),
            rng.standard_normal(co))


# every (stride, padding, kernel, channels) combination of a small grid
GRID = list(itertools.product(
    [1, 2, 3, (2, 1)],                # stride
    [0, 1, 2, (0, 1)],                # padding
    [(1, 1), (3, 3), (2, 3), (5, 2)],  # kernel
    [(1, 1), (3, 2)],                 # (in, out) channels
))


@pytest.mark.parametrize(("stride", "padding", "kernel", "channels"), GRID)
def test_conv2d_matches_the_loop_definition_and_scipy(stride, padding, kernel, channels):
    x, w, b = random_problem(len(str((stride, padding, kernel))), 2, channels[0], channels[1],
                             7, 6, *kernel)
    fast = conv2d(x, w, b, stride=stride, padding=padding)
    naive = conv2d_naive(x, w, b, stride=stride, padding=padding)
    s = stride if isinstance(stride, tuple) else (stride, stride)
    p = padding if isinstance(padding, tuple) else (padding, padding)
    # the output-size formula, written out independently of the code
    assert fast.shape == (2, channels[1], (7 + 2 * p[0] - kernel[0]) // s[0] + 1,
                          (6 + 2 * p[1] - kernel[1]) // s[1] + 1)
    assert_allclose(fast, naive, rtol=1e-12, atol=1e-12)
    assert_allclose(fast, scipy_conv2d(x, w, b, s, p), rtol=1e-12, atol=1e-12)


def test_conv2d_on_a_real_digit():
    digit = load_digits().images[0][None, None] / 16.0  # (1, 1, 8, 8)
    rng = np.random.default_rng(0)
    w = rng.standard_normal((8, 1, 3, 3))
    sobel = np.array([[1.0, 0.0, -1.0], [2.0, 0.0, -2.0], [1.0, 0.0, -1.0]])[None, None]
    for weight, padding in [(w, 1), (w, 0), (sobel, 1)]:
        fast = conv2d(digit, weight, padding=padding)
        assert_allclose(fast, conv2d_naive(digit, weight, padding=padding), rtol=1e-12,
                        atol=1e-12)
        assert_allclose(fast, scipy_conv2d(digit, weight, padding=(padding, padding)),
                        rtol=1e-12, atol=1e-12)
    # the Sobel filter responds near the strokes and is exactly zero on blank paper
    response = conv2d(digit, sobel, padding=1)[0, 0]
    blank = scipy.signal.correlate2d(digit[0, 0], np.ones((3, 3)), mode="same") == 0
    assert blank.any() and np.all(response[blank] == 0) and np.abs(response).max() > 1.0


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 3), c=st.integers(1, 3),
       co=st.integers(1, 3), h=st.integers(1, 9), w=st.integers(1, 9), kh=st.integers(1, 4),
       kw=st.integers(1, 4), sh=st.integers(1, 3), sw=st.integers(1, 3), ph=st.integers(0, 2),
       pw=st.integers(0, 2))
def test_conv2d_equals_the_loop_definition_everywhere(seed, n, c, co, h, w, kh, kw, sh, sw,
                                                     ph, pw):
    assume(kh <= h + 2 * ph and kw <= w + 2 * pw)
    x, weight, b = random_problem(seed, n, c, co, h, w, kh, kw)
    fast = conv2d(x, weight, b, stride=(sh, sw), padding=(ph, pw))
    assert fast.shape[2:] == (conv_output_size(h, kh, sh, ph), conv_output_size(w, kw, sw, pw))
    assert_allclose(fast, conv2d_naive(x, weight, b, stride=(sh, sw), padding=(ph, pw)),
                    rtol=1e-11, atol=1e-11)


@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 30), k=st.integers(1, 7), s=st.integers(1, 5), p=st.integers(0, 4))
def test_output_size_counts_the_window_positions(n, k, s, p):
    assume(k <= n + 2 * p)
    # brute force: the top-left corners t = 0, s, 2s, ... with the window inside the padded input
    positions = [t for t in range(0, n + 2 * p) if t % s == 0 and t + k <= n + 2 * p]
    assert conv_output_size(n, k, s, p) == len(positions) == (n + 2 * p - k) // s + 1


# ------------------------------------------------------------------ im2col and col2im


def test_im2col_columns_are_the_flattened_windows():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((2, 3, 6, 5))
    cols = im2col(x, (3, 2), stride=(2, 1), padding=1)
    xp = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    h_out, w_out = (6 + 2 - 3) // 2 + 1, (5 + 2 - 2) // 1 + 1
    assert cols.shape == (2, 3 * 3 * 2, h_out * w_out)
    for n, a, b in itertools.product(range(2), range(h_out), range(w_out)):
        window = xp[n, :, 2 * a : 2 * a + 3, b : b + 2]
        assert np.array_equal(cols[n, :, a * w_out + b], window.ravel())


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 3), c=st.integers(1, 3),
       h=st.integers(1, 8), w=st.integers(1, 8), kh=st.integers(1, 4), kw=st.integers(1, 4),
       s=st.integers(1, 3), p=st.integers(0, 2))
def test_col2im_is_the_adjoint_of_im2col(seed, n, c, h, w, kh, kw, s, p):
    assume(kh <= h + 2 * p and kw <= w + 2 * p)
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, c, h, w))
    cols = im2col(x, (kh, kw), stride=s, padding=p)
    d = rng.standard_normal(cols.shape)
    back = col2im(d, x.shape, (kh, kw), stride=s, padding=p)
    lhs, rhs = np.sum(cols * d), np.sum(x * back)
    assert abs(lhs - rhs) <= 1e-12 * (np.sum(np.abs(cols * d)) + 1.0)


def test_col2im_counts_the_windows_covering_each_pixel():
    # col2im of all-ones = the number of windows covering each pixel: an independent count
    shape, k, s = (1, 1, 7, 6), (3, 2), (2, 2)
    counts = col2im(np.ones(im2col(np.zeros(shape), k, stride=s).shape), shape, k, stride=s)
    expected = np.zeros((7, 6))
    for top in range(0, 7 - 3 + 1, 2):
        for left in range(0, 6 - 2 + 1, 2):
            expected[top : top + 3, left : left + 2] += 1
    assert np.array_equal(counts[0, 0], expected)


# ------------------------------------------------------------------ the backward pass


@pytest.mark.parametrize(("stride", "padding", "kernel"),
                         [(1, 0, (3, 3)), (1, 1, (3, 2)), (2, 1, (3, 3)), ((1, 2), 0, (2, 2)),
                          (3, 2, (4, 3))])
def test_conv2d_backward_against_finite_differences(stride, padding, kernel):
    x, w, b = random_problem(7, 2, 2, 3, 6, 7, *kernel)
    out_shape = conv2d(x, w, b, stride=stride, padding=padding).shape
    u = np.random.default_rng(8).standard_normal(out_shape)
    gx, gw, gb = conv2d_backward(u, x, w, stride=stride, padding=padding)
    check_gradient(lambda z: np.sum(u * conv2d_naive(z, w, b, stride=stride, padding=padding)),
                   gx, x)
    check_gradient(lambda z: np.sum(u * conv2d_naive(x, z, b, stride=stride, padding=padding)),
                   gw, w)
    check_gradient(lambda z: np.sum(u * conv2d_naive(x, w, z, stride=stride, padding=padding)),
                   gb, b)


def dilate(g, s, grid):
    """g placed at (s_h a, s_w b) of a zero array of spatial shape ``grid`` (the last two axes).

    ``grid`` is the stride-1 output grid (H~ - kh + 1, W~ - kw + 1), so the result ends with
    (H~ - kh) mod s_h zero rows after the last row of g, as the chapter's theorem states.
    """
    out = np.zeros((*g.shape[:-2], *grid))
    out[..., :: s[0], :: s[1]] = g
    assert out[..., :: s[0], :: s[1]].shape == g.shape  # g fills exactly the sampled positions
    return out


@pytest.mark.parametrize(("stride", "padding"), [((1, 1), (0, 0)), ((1, 1), (1, 2)),
                                                 ((2, 2), (1, 1)), ((3, 2), (0, 1))])
def test_backward_formulas_as_scipy_convolutions(stride, padding):
    # input gradient: full convolution of the (dilated) upstream gradient with the kernel
    # (convolve2d flips it); kernel gradient: correlation of the padded input with it
    x, w, _ = random_problem(3, 2, 2, 3, 7, 8, 3, 2)
    g = np.random.default_rng(4).standard_normal(conv2d(x, w, stride=stride,
                                                        padding=padding).shape)
    gx, gw, gb = conv2d_backward(g, x, w, stride=stride, padding=padding)
    p = padding
    xp = np.pad(x, ((0, 0), (0, 0), (p[0],) * 2, (p[1],) * 2))
    gd = dilate(g, stride, (xp.shape[2] - 3 + 1, xp.shape[3] - 2 + 1))
    gxp = np.zeros_like(xp)
    for n, c in itertools.product(range(2), range(2)):
        full = sum(scipy.signal.convolve2d(gd[n, o], w[o, c], mode="full") for o in range(3))
        assert full.shape == xp.shape[2:]  # the trailing zeros make the full size exact
        gxp[n, c] = full
    assert_allclose(gx, gxp[:, :, p[0] : p[0] + 7, p[1] : p[1] + 8], rtol=1e-12, atol=1e-12)
    for o, c in itertools.product(range(3), range(2)):
        corr = sum(scipy.signal.correlate2d(xp[n, c], gd[n, o], mode="valid") for n in range(2))
        assert corr.shape == (3, 2)
        assert_allclose(gw[o, c], corr, rtol=1e-12, atol=1e-12)
    assert_allclose(gb, g.sum(axis=(0, 2, 3)), rtol=1e-12)


@pytest.mark.parametrize(("size", "kernel", "stride", "padding"),
                         [(8, 3, 2, 0), (8, 3, 3, 0), (9, 2, 4, 1), (7, (3, 2), (2, 3), 0)])
def test_pixels_that_no_window_reaches_get_zero_gradient(size, kernel, stride, padding):
    x, w, _ = random_problem(11, 2, 2, 3, size, size, *np.broadcast_to(kernel, 2))
    g = np.random.default_rng(12).standard_normal(conv2d(x, w, stride=stride,
                                                         padding=padding).shape)
    gx, _, _ = conv2d_backward(g, x, w, stride=stride, padding=padding)
    # which pixels some window reaches, by brute force over the loop definition's windows
    (kh, kw), (sh, sw), p = (np.broadcast_to(v, 2) for v in (kernel, stride, padding))
    reached = np.zeros((size + 2 * p[0], size + 2 * p[1]), dtype=bool)
    for a, b in itertools.product(range(g.shape[2]), range(g.shape[3])):
        reached[a * sh : a * sh + kh, b * sw : b * sw + kw] = True
    reached = reached[p[0] : p[0] + size, p[1] : p[1] + size]
    assert not reached.all()  # the case has uncovered real pixels
    assert np.all(gx[:, :, ~reached] == 0)
    assert np.all(gx[:, :, reached] != 0)
    check_gradient(lambda z: np.sum(g * conv2d_naive(z, w, stride=stride, padding=padding)),
                   gx, x)


# ------------------------------------------------------------------ properties


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), dy=st.integers(-3, 3), dx=st.integers(-3, 3),
       k=st.integers(1, 4), c=st.integers(1, 2))
def test_stride_one_convolution_commutes_with_translation(seed, dy, dx, k, c):
    rng = np.random.default_rng(seed)
    x = np.zeros((1, c, 16, 16))
    x[:, :, 6:10, 6:10] = rng.standard_normal((1, c, 4, 4))  # support far from the border
    w = rng.standard_normal((2, c, k, k))
    shifted = np.roll(x, (dy, dx), axis=(2, 3))  # nothing wraps around
    lhs = conv2d(shifted, w)
    rhs = np.roll(conv2d(x, w), (dy, dx), axis=(2, 3))
    assert_allclose(lhs, rhs, rtol=1e-12, atol=1e-12)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), a=st.floats(-3, 3), b=st.floats(-3, 3),
       s=st.integers(1, 2), p=st.integers(0, 1))
def test_conv2d_is_linear_in_the_input_and_in_the_kernel(seed, a, b, s, p):
    rng = np.random.default_rng(seed)
    x, y = rng.standard_normal((2, 2, 2, 6, 5))
    v, w = rng.standard_normal((2, 3, 2, 3, 3))
    scale = 1e-12 * (abs(a) + abs(b) + 1) * 50
    assert_allclose(conv2d(a * x + b * y, w, stride=s, padding=p),
                    a * conv2d(x, w, stride=s, padding=p) + b * conv2d(y, w, stride=s, padding=p),
                    rtol=0, atol=scale)
    assert_allclose(conv2d(x, a * v + b * w, stride=s, padding=p),
                    a * conv2d(x, v, stride=s, padding=p) + b * conv2d(x, w, stride=s, padding=p),
                    rtol=0, atol=scale)


# ------------------------------------------------------------------ PyTorch, when installed


@pytest.mark.parametrize(("stride", "padding"), [(1, 0), (2, 1), ((1, 2), (2, 0))])
def test_conv2d_against_pytorch(stride, padding):
    torch = pytest.importorskip("torch", reason="PyTorch is not installed")
    x, w, b = random_problem(5, 3, 2, 4, 9, 8, 3, 2)
    g = np.random.default_rng(6).standard_normal(conv2d(x, w, b, stride=stride,
                                                        padding=padding).shape)
    tx, tw, tb = (torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in (x, w, b))
    ty = torch.nn.functional.conv2d(tx, tw, tb, stride=stride, padding=padding)
    ty.backward(torch.tensor(g))
    assert_allclose(conv2d(x, w, b, stride=stride, padding=padding), ty.detach().numpy(),
                    rtol=1e-12, atol=1e-12)
    gx, gw, gb = conv2d_backward(g, x, w, stride=stride, padding=padding)
    for ours, theirs in [(gx, tx), (gw, tw), (gb, tb)]:
        assert_allclose(ours, theirs.grad.numpy(), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize(("kernel", "stride", "padding"), [(3, 1, 1), ((3, 2), (2, 3), (1, 0)),
                                                          (5, 2, 2)])
def test_conv2d_layer_against_pytorch(kernel, stride, padding):
    torch = pytest.importorskip("torch", reason="PyTorch is not installed")
    from mathbehindml.nn import Conv2D

    layer = Conv2D(3, 4, kernel, stride=stride, padding=padding, random_state=0)
    layer.params["b"][...] = np.random.default_rng(13).standard_normal(4)
    x = np.random.default_rng(14).standard_normal((2, 3, 11, 9))
    y = layer.forward(x)
    g = np.random.default_rng(15).standard_normal(y.shape)
    gx = layer.backward(g)
    tx = torch.tensor(x, requires_grad=True)
    tw, tb = (torch.tensor(layer.params[key], requires_grad=True) for key in ("W", "b"))
    ty = torch.nn.functional.conv2d(tx, tw, tb, stride=stride, padding=padding)
    ty.backward(torch.tensor(g))
    assert_allclose(y, ty.detach().numpy(), rtol=1e-12, atol=1e-12)
    assert_allclose(gx, tx.grad.numpy(), rtol=1e-12, atol=1e-12)
    assert_allclose(layer.grads["W"], tw.grad.numpy(), rtol=1e-12, atol=1e-12)
    assert_allclose(layer.grads["b"], tb.grad.numpy(), rtol=1e-12, atol=1e-12)
