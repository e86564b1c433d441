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

from mathbehindml.functions import log_softmax, relu
from mathbehindml.nn import (
    Conv2D,
    Dense,
    Flatten,
    MaxPool2D,
    ReLU,
    Reshape,
    Sequential,
    SoftmaxCrossEntropy,
    Tanh,
    train,
)
from mathbehindml.nn.conv import max_pool2d, max_pool2d_backward
from mathbehindml.optim import SGD, Adam, Momentum, minibatches

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


# ------------------------------------------------------------------ parameter gradients only


def digits_cnn(seed=0):
    return Sequential(Reshape((1, 8, 8)), Conv2D(1, 4, 3, padding=1, random_state=seed), ReLU(),
                      Conv2D(4, 6, 3, padding=1, random_state=seed + 1), ReLU(), MaxPool2D(2),
                      Flatten(), Dense(6 * 4 * 4, 10, random_state=seed + 2))


@pytest.mark.parametrize(("make", "width"), [
    (lambda: Sequential(Dense(5, 4, random_state=0), Tanh(), Dense(4, 3, random_state=1)), 5),
    (lambda: Sequential(Flatten(), Dense(12, 3, random_state=0)), 12),
    (lambda: Sequential(Sequential(ReLU(), Dense(5, 4, random_state=2)), ReLU(),
                        Dense(4, 3, random_state=5)), 5),
    (lambda: Sequential(Reshape((1, 3, 4)), Conv2D(1, 2, (2, 3), stride=(1, 2), padding=1,
                                                   random_state=3), ReLU(), Flatten(),
                        Dense(16, 3, random_state=4)), 12),
])
def test_parameter_gradients_alone_equal_the_full_backward_pass(make, width):
    rng = np.random.default_rng(11)
    x = rng.standard_normal((6, width))
    g = rng.standard_normal((6, 3))
    full, fast = make(), make()
    full.forward(x)
    full.backward(g)
    fast.forward(x)
    assert fast._backward_params_unchecked(g) is None
    assert list(fast.grads) == list(full.grads)
    for key, grad in full.grads.items():
        assert_array_equal(fast.grads[key], grad)


def test_a_network_without_parameters_has_nothing_to_fill():
    model = Sequential(ReLU(), Flatten())
    model.forward(np.ones((2, 3)))
    model._backward_params_unchecked(np.ones((2, 3)))
    assert model.grads == {}


def test_relu_forward_is_the_functions_relu_and_still_checks_its_input():
    x = np.random.default_rng(12).standard_normal((4, 7))
    assert_array_equal(ReLU().forward(x), relu(x))
    with pytest.raises(ValueError, match="x must contain only finite values; got 1 NaN"):
        ReLU().forward(np.array([[1.0, np.nan]]))


def test_loss_value_is_minus_the_mean_log_probability_bit_for_bit():
    rng = np.random.default_rng(13)
    Z, y = rng.standard_normal((33, 10)) * 5, rng.integers(0, 10, 33)
    log_p = log_softmax(Z, axis=1)  # the same shifted formula, in mathbehindml.functions
    assert SoftmaxCrossEntropy().forward(Z, y) == float(-np.mean(log_p[np.arange(33), y]))


# ------------------------------------------------------------------ train


@pytest.mark.parametrize("make_optimizer", [lambda: Adam(0.003), lambda: Momentum(0.05),
                                            lambda: SGD(0.1)])
def test_training_a_cnn_equals_the_loop_of_public_checked_calls(make_optimizer):
    # train's unchecked paths (layers, parameter gradients alone, optimizer) change nothing
    rng = np.random.default_rng(14)
    X, y = rng.random((70, 64)), rng.integers(0, 10, 70)
    model, reference = digits_cnn(), digits_cnn()
    history = train(model, X, y, loss=SoftmaxCrossEntropy(), optimizer=make_optimizer(),
                    epochs=2, batch_size=16, random_state=4)
    loss, opt, order = SoftmaxCrossEntropy(), make_optimizer(), np.random.default_rng(4)
    losses = []
    for _ in range(2):
        total = 0.0
        for idx in minibatches(len(y), 16, random_state=order):
            total += loss.forward(reference.forward(X[idx]), y[idx]) * len(idx)
            reference.backward(loss.backward())
            opt.step(reference.params, reference.grads)
        losses.append(total / len(y))
    assert history.train_loss == losses
    for key, p in model.params.items():
        assert_array_equal(p, reference.params[key])


# ------------------------------------------------------------------ check_pair's shortcut


@pytest.mark.parametrize(("value", "expected"), [
    (3, (3, 3)), ((2, 5), (2, 5)), ([2, 5], (2, 5)), (np.int64(2), (2, 2)),
    ((np.int64(1), 4), (1, 4)),
])
def test_check_pair_accepts_ints_and_pairs_by_either_path(value, expected):
    from mathbehindml.nn._conv_checks import check_pair

    got = check_pair(value, "stride", min_value=1)
    assert got == expected and all(type(v) is int for v in got)


@pytest.mark.parametrize(("value", "error", "match"), [
    (0, ValueError, "stride must be >= 1 in both directions; got 0"),
    ((1, 0), ValueError, r"stride must be >= 1 in both directions; got \(1, 0\)"),
    (True, TypeError, "stride must be an int or a pair"),
    ((True, 1), TypeError, "stride must be an int or a pair"),
    ((1, 2, 3), TypeError, "stride must be an int or a pair"),
])
def test_check_pair_shortcut_rejects_what_the_general_path_rejects(value, error, match):
    from mathbehindml.nn._conv_checks import check_pair

    with pytest.raises(error, match=match):
        check_pair(value, "stride", min_value=1)
