"""The fast internal paths of mathbehindml.nn equal the public checked ones and the oracles.

* ``MaxPool2D`` pools with a running ``np.maximum`` and finds the first maxima again in
  ``backward``: compared with the loop definition (``np.argmax`` of every window, the
  first maximum), with the functional ``max_pool2d`` / ``max_pool2d_backward`` bit for
  bit, and with PyTorch;
* ``_backward_params_unchecked`` (used by ``train`` for the first layer with parameters,
  whose input gradient nobody reads) fills the same ``grads`` as ``backward``;
* ``train`` on a CNN equals the loop of public checked calls, bit for bit.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from mathbehindml.nn import MaxPool2D
from mathbehindml.nn.conv import max_pool2d, max_pool2d_backward

POOL_CASES = [(2, None), (2, 1), (3, 2), ((2, 3), None), ((3, 1), (1, 2)), (1, None), (4, 3),
              (3, 4)]


def as_pair(v):
    return v if isinstance(v, tuple) else (v, v)


def pool_loops(x, g, k, s):
    """Max pooling and its backward pass by loops: np.max and np.argmax of every window."""
    h_out, w_out = (x.shape[2] - k[0]) // s[0] + 1, (x.shape[3] - k[1]) // s[1] + 1
    out, gx = np.zeros((*x.shape[:2], h_out, w_out)), np.zeros_like(x)
    for n, c, a, b in itertools.product(*map(range, (*x.shape[:2], h_out, w_out))):
        window = x[n, c, a * s[0] : a * s[0] + k[0], b * s[1] : b * s[1] + k[1]]
        out[n, c, a, b] = window.max()
        i, j = np.unravel_index(np.argmax(window), k)  # the first maximum
        gx[n, c, a * s[0] + i, b * s[1] + j] += g[n, c, a, b]
    return out, gx


@pytest.mark.parametrize(("kernel", "stride"), POOL_CASES)
@pytest.mark.parametrize("data", ["normal", "ties", "relu"])
def test_max_pool_layer_equals_the_loops_and_the_functional_path(kernel, stride, data):
    rng = np.random.default_rng(7)
    shape = (3, 2, 7, 9)
    x = {"normal": rng.standard_normal(shape),
         "ties": rng.integers(0, 3, shape).astype(float),  # most windows hold ties
         "relu": np.maximum(rng.standard_normal(shape) - 0.5, 0.0)}[data]  # windows of zeros
    layer = MaxPool2D(kernel, stride)
    out = layer.forward(x)
    g = rng.standard_normal(out.shape)
    gx = layer.backward(g)
    k = as_pair(kernel)
    s = k if stride is None else as_pair(stride)
    out_loop, gx_loop = pool_loops(x, g, k, s)
    assert_array_equal(out, out_loop)
    # every pixel receives the gradient of at most k_h k_w windows: equal up to the order
    # of that short sum (exactly equal when windows do not overlap)
    np.testing.assert_allclose(gx, gx_loop, rtol=1e-15, atol=1e-15)
    # the functional core (the strict-comparison scan shown in chapter 5), bit for bit
    assert_array_equal(out, max_pool2d(x, kernel, stride))
    assert_array_equal(gx, max_pool2d_backward(g, x, kernel, stride))
    if s[0] >= k[0] and s[1] >= k[1]:
        assert_array_equal(gx, gx_loop)


def test_max_pool_layer_ties_go_to_the_first_position_of_every_window():
    # a 3x3 window holding its maximum in all nine positions, then in the last eight, ...
    x = np.zeros((1, 1, 3, 27))
    for w in range(9):
        block = np.zeros(9)
        block[w:] = 1.0
        x[0, 0, :, 3 * w : 3 * w + 3] = block.reshape(3, 3)
    layer = MaxPool2D(3)
    assert_array_equal(layer.forward(x), np.ones((1, 1, 1, 9)))
    gx = layer.backward(np.arange(1.0, 10.0).reshape(1, 1, 1, 9))
    for w in range(9):
        expected = np.zeros(9)
        expected[w] = w + 1.0
        assert_array_equal(gx[0, 0, :, 3 * w : 3 * w + 3].ravel(), expected)


@pytest.mark.parametrize(("kernel", "stride"), [(2, None), (3, 1), ((2, 3), (1, 2))])
def test_max_pool_layer_against_pytorch(kernel, stride):
    torch = pytest.importorskip("torch", reason="PyTorch is not installed; loop oracles suffice")
    rng = np.random.default_rng(8)
    x = rng.standard_normal((4, 3, 8, 9))
    tx = torch.tensor(x, requires_grad=True)
    ty = torch.nn.functional.max_pool2d(tx, kernel, stride)
    g = rng.standard_normal(tuple(ty.shape))
    ty.backward(torch.tensor(g))
    layer = MaxPool2D(kernel, stride)
    assert_array_equal(layer.forward(x), ty.detach().numpy())
    np.testing.assert_allclose(layer.backward(g), tx.grad.numpy(), rtol=1e-15, atol=1e-15)
