"""Tests of Conv2D, MaxPool2D, AvgPool2D and Reshape: check_layer, the loop definition, training."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose

from mathbehindml.data import load_digits, train_test_split
from mathbehindml.exceptions import GradientCheckError
from mathbehindml.gradcheck import check_layer
from mathbehindml.nn import (
    AvgPool2D,
    Conv2D,
    Dense,
    Flatten,
    MaxPool2D,
    ReLU,
    Reshape,
    Sequential,
    SoftmaxCrossEntropy,
    train,
)
from mathbehindml.nn.conv import conv2d_naive
from mathbehindml.optim import Adam

CONV_CASES = [
    dict(in_channels=1, out_channels=1, kernel_size=1),
    dict(in_channels=1, out_channels=4, kernel_size=3, padding=1),
    dict(in_channels=3, out_channels=2, kernel_size=(3, 2), stride=(2, 1), padding=(1, 0)),
    dict(in_channels=2, out_channels=3, kernel_size=2, stride=3, padding=2),
    dict(in_channels=2, out_channels=2, kernel_size=(5, 4)),
]


def distinct(rng, shape):
    """Entries at least 0.01 apart: no ties for max pooling under a 1e-6 perturbation."""
    return rng.permutation(np.prod(shape)).reshape(shape) / 100.0 - 1.0


@pytest.mark.parametrize("kwargs", CONV_CASES)
@pytest.mark.parametrize("seed", [0, 1])
def test_conv2d_layer_passes_check_layer(kwargs, seed):
    rng = np.random.default_rng(seed)
    layer = Conv2D(**kwargs, random_state=seed)
    layer.params["b"][...] = rng.standard_normal(layer.out_channels)
    x = rng.standard_normal((2, kwargs["in_channels"], 6, 5))
    errors = check_layer(layer, x, random_state=seed + 10)
    assert set(errors) == {"input", "W", "b"}
    assert max(errors.values()) < 1e-5  # round-off in the finite differences, not the formulas


@pytest.mark.parametrize("layer", [MaxPool2D(2), MaxPool2D(3, stride=1), MaxPool2D((2, 3), (1, 2)),
                                   AvgPool2D(2), AvgPool2D(3, stride=1), AvgPool2D((3, 2), 2),
                                   Reshape((3, 30))])
@pytest.mark.parametrize("seed", [0, 1])
def test_pooling_and_reshape_layers_pass_check_layer(layer, seed):
    x = distinct(np.random.default_rng(seed), (2, 3, 6, 5))
    if isinstance(layer, Reshape):
        x = x.reshape(2, 90)
    errors = check_layer(layer, x, random_state=seed)
    assert list(errors) == ["input"] and errors["input"] < 1e-6


def test_check_layer_catches_a_conv_backward_without_the_flip():
    class Broken(Conv2D):  # input gradient correlating with the kernel instead of convolving
        def _backward(self, grad_out, cache):
            grad_x = super()._backward(grad_out, cache)
            w = self.params["W"]
            self.params["W"] = w[:, :, ::-1, ::-1].copy()
            wrong = super()._backward(grad_out, cache)
            self.params["W"] = w
            return wrong if not np.allclose(wrong, grad_x) else grad_x + 1.0

    x = np.random.default_rng(0).standard_normal((1, 1, 5, 5))
    with pytest.raises(GradientCheckError, match="input gradient"):
        check_layer(Broken(1, 1, 3, padding=1, random_state=0), x, random_state=0)


@pytest.mark.parametrize("kwargs", CONV_CASES)
def test_conv2d_layer_forward_is_the_loop_definition(kwargs):
    rng = np.random.default_rng(3)
    layer = Conv2D(**kwargs, random_state=3)
    layer.params["b"][...] = rng.standard_normal(layer.out_channels)
    x = rng.standard_normal((3, kwargs["in_channels"], 7, 6))
    expected = conv2d_naive(x, layer.params["W"], layer.params["b"], stride=layer.stride,
                            padding=layer.padding)
    assert_allclose(layer.forward(x), expected, rtol=1e-12, atol=1e-12)


def test_conv2d_gradients_are_sums_over_the_batch():
    rng = np.random.default_rng(4)
    layer = Conv2D(2, 3, 3, padding=1, random_state=0)
    x, g = rng.standard_normal((4, 2, 5, 5)), rng.standard_normal((4, 3, 5, 5))
    layer.forward(x)
    layer.backward(g)
    batch = {key: v.copy() for key, v in layer.grads.items()}
    for key in batch:
        total = np.zeros_like(batch[key])
        for i in range(4):
            layer.forward(x[i : i + 1])
            layer.backward(g[i : i + 1])
            total += layer.grads[key]
        assert_allclose(batch[key], total, rtol=1e-12, atol=1e-12)


def test_conv2d_he_initialisation_and_reproducibility():
    layer = Conv2D(4, 256, (3, 5), random_state=0)
    W = layer.params["W"]
    assert W.shape == (256, 4, 3, 5) and np.array_equal(layer.params["b"], np.zeros(256))
    std = np.sqrt(2.0 / (4 * 3 * 5))  # fan-in of one output pixel
    # 15360 normal draws: the sample sd is within 3% of sigma with overwhelming probability
    assert abs(W.std() / std - 1.0) < 0.03 and abs(W.mean()) < 4 * std / np.sqrt(W.size)
    assert np.array_equal(W, Conv2D(4, 256, (3, 5), random_state=0).params["W"])
    assert not np.array_equal(W, Conv2D(4, 256, (3, 5), random_state=1).params["W"])


def test_max_pool_layer_sends_ties_to_the_first_maximum():
    layer = MaxPool2D(2)
    x = np.zeros((1, 1, 2, 4))
    x[0, 0, :, 2:] = 5.0
    assert np.array_equal(layer.forward(x), [[[[0.0, 5.0]]]])
    assert np.array_equal(layer.backward(np.array([[[[3.0, 4.0]]]])),
                          [[[[3.0, 0.0, 4.0, 0.0], [0.0, 0.0, 0.0, 0.0]]]])


def small_cnn(seed=0):
    return Sequential(Reshape((1, 8, 8)), Conv2D(1, 4, 3, padding=1, random_state=seed), ReLU(),
                      MaxPool2D(2), Flatten(), Dense(64, 10, random_state=seed + 1))


def test_a_whole_cnn_passes_check_layer():
    model = small_cnn()
    x = distinct(np.random.default_rng(5), (3, 64))
    errors = check_layer(model, x, random_state=0)
    assert set(errors) == {"input", "1.W", "1.b", "5.W", "5.b"}
    assert max(errors.values()) < 1e-5


def test_a_small_cnn_learns_the_digits():
    digits = load_digits()
    X_train, X_test, y_train, y_test = train_test_split(digits.X / 16.0, digits.y,
                                                        test_size=0.25, random_state=0)
    model = small_cnn()
    history = train(model, X_train, y_train, loss=SoftmaxCrossEntropy(), optimizer=Adam(0.01),
                    epochs=4, batch_size=32, random_state=0, validation=(X_test, y_test))
    assert history.train_loss[-1] < history.train_loss[0]
    assert history.val_accuracy[-1] > 0.9  # chance is 0.1
    repr_ = repr(model)
    assert "Conv2D(1, 4, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))" in repr_
    assert "MaxPool2D((2, 2), stride=(2, 2))" in repr_ and "Reshape((1, 8, 8))" in repr_


def test_conv2d_layer_reuses_its_scratch_arrays_safely():
    """Correct and unaliased results over calls that change the data and the batch shape.

    The layer keeps its temporaries (padded input, patch matrix, products) between
    calls. Large inputs make a stale padding border visible; the forward pass is
    compared with the loop definition, the backward pass with the adjoint identities
    <conv(dx), g> = <dx, grad_x> and <conv_w(dw), g> = <dw, grad_W> of that definition.
    """
    rng = np.random.default_rng(7)
    geometry = {"stride": (2, 1), "padding": (1, 2)}
    layer = Conv2D(2, 3, (3, 2), **geometry, random_state=0)
    layer.params["b"][...] = rng.standard_normal(3)
    w, b = layer.params["W"], layer.params["b"]
    returned = []
    for shape in [(3, 2, 7, 6), (3, 2, 7, 6), (1, 2, 5, 9), (3, 2, 7, 6)]:
        x = 100.0 * rng.standard_normal(shape)
        y = layer.forward(x)
        assert_allclose(y, conv2d_naive(x, w, b, **geometry), rtol=1e-12, atol=1e-9)
        g = rng.standard_normal(y.shape)
        grad_x = layer.backward(g)
        dx, dw = rng.standard_normal(x.shape), rng.standard_normal(w.shape)
        assert np.isclose(np.vdot(conv2d_naive(dx, w, **geometry), g), np.vdot(dx, grad_x),
                          rtol=1e-11, atol=1e-11)
        assert np.isclose(np.vdot(conv2d_naive(x, dw, **geometry), g),
                          np.vdot(dw, layer.grads["W"]), rtol=1e-11, atol=1e-9)
        assert_allclose(layer.grads["b"], g.sum(axis=(0, 2, 3)), rtol=1e-12, atol=1e-12)
        returned.append((y, y.copy(), grad_x, grad_x.copy()))
    for y, y_then, grad_x, grad_x_then in returned:  # later calls did not overwrite them
        np.testing.assert_array_equal(y, y_then)
        np.testing.assert_array_equal(grad_x, grad_x_then)
