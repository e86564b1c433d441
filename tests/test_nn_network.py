"""Tests of Sequential and SoftmaxCrossEntropy: manual compositions, SciPy, finite differences."""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pytest
import scipy.special
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal

from mathbehindml.gradcheck import check_gradient, check_layer
from mathbehindml.losses import cross_entropy_with_logits
from mathbehindml.nn import Dense, ReLU, Sequential, Sigmoid, SoftmaxCrossEntropy, Tanh
from mathbehindml.optim import SGD


def mlp(*widths, act=Tanh, seed=0):
    layers = []
    for i, (a, b) in enumerate(itertools.pairwise(widths)):
        layers.append(Dense(a, b, random_state=seed + i))
        if i < len(widths) - 2:
            layers.append(act())
    return Sequential(*layers)


# ------------------------------------------------------------------ Sequential


@pytest.mark.parametrize(("act", "f"), [(ReLU, lambda z: np.maximum(z, 0)), (Tanh, np.tanh),
                                        (Sigmoid, scipy.special.expit)])
def test_forward_is_the_composition_of_the_layers(act, f):
    rng = np.random.default_rng(0)
    model = mlp(6, 5, 4, 3, act=act)
    for key, p in model.params.items():
        if key.endswith(".b"):
            p[...] = rng.standard_normal(p.shape)  # non-zero biases, so they matter
    X = rng.standard_normal((7, 6))
    P = model.params
    expected = f(f(X @ P["0.W"] + P["0.b"]) @ P["2.W"] + P["2.b"]) @ P["4.W"] + P["4.b"]
    assert_allclose(model.forward(X), expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("act", [Tanh, Sigmoid, ReLU])
@pytest.mark.parametrize("shape", [(1, 4), (5, 4)])
def test_whole_network_gradient_passes_check_layer(act, shape):
    model = mlp(4, 6, 5, 3, act=act, seed=3)
    errors = check_layer(model, np.random.default_rng(1).standard_normal(shape), random_state=2)
    assert set(errors) == {"input", "0.W", "0.b", "2.W", "2.b", "4.W", "4.b"}
    assert max(errors.values()) < 1e-6


def test_network_plus_loss_gradient_matches_finite_differences_per_parameter():
    rng = np.random.default_rng(4)
    model, loss = mlp(5, 7, 4, act=Tanh, seed=5), SoftmaxCrossEntropy()
    X, y = rng.standard_normal((9, 5)), rng.integers(0, 4, 9)
    loss.forward(model.forward(X), y)
    model.backward(loss.backward())
    analytic = {key: g.copy() for key, g in model.grads.items()}
    for key, p in model.params.items():
        saved = p.copy()

        def f(value, p=p):
            p[...] = value
            return loss.forward(model.forward(X), y)

        try:
            err = check_gradient(f, analytic[key], saved, rtol=1e-6)
        finally:
            p[...] = saved
        assert err < 1e-6, key


def test_params_are_the_layers_own_arrays_so_an_optimizer_trains_them():
    model = mlp(3, 4, 2)
    assert list(model.params) == ["0.W", "0.b", "2.W", "2.b"]
    assert model.params["2.W"] is model[2].params["W"]
    X = np.ones((2, 3))
    model.forward(X)
    model.backward(np.ones((2, 2)))
    assert list(model.grads) == list(model.params)
    before = model[0].params["W"].copy()
    SGD(0.1).step(model.params, model.grads)
    assert_allclose(model[0].params["W"], before - 0.1 * model[0].grads["W"], rtol=1e-15)


def test_nested_sequentials_and_container_methods():
    inner = Sequential(Dense(3, 4, random_state=0), Tanh())
    model = Sequential(inner, Dense(4, 2, random_state=1))
    assert list(model.params) == ["0.0.W", "0.0.b", "1.W", "1.b"]
    assert len(model) == 2 and model[0] is inner and list(model) == [inner, model[1]]
    assert repr(model) == "Sequential(Sequential(Dense(3, 4), Tanh()), Dense(4, 2))"
    assert max(check_layer(model, np.ones((2, 3)), random_state=0).values()) < 1e-6


def test_backward_never_writes_to_grad_out():
    model = mlp(3, 4, 2, act=ReLU)
    model.forward(np.random.default_rng(0).standard_normal((5, 3)))
    g = np.ones((5, 2))
    g.flags.writeable = False
    model.backward(g)
    assert_array_equal(g, np.ones((5, 2)))


def test_sequential_rejects_bad_layers():
    with pytest.raises(ValueError, match="Sequential needs at least one layer"):
        Sequential()
    with pytest.raises(TypeError, match=r"not one list; unpack it: Sequential\(\*layers\)"):
        Sequential([Dense(2, 2), ReLU()])
    with pytest.raises(TypeError, match=r"layers\[1\] must be a layer instance; got the class "
                                        r"ReLU. Call it: ReLU\(...\)"):
        Sequential(Dense(2, 2), ReLU)
    with pytest.raises(TypeError, match=r"layers\[0\] must follow the layer protocol"):
        Sequential(np.tanh)


def test_errors_name_the_failing_layer():
    model = Sequential(Dense(3, 4), ReLU(), Dense(5, 2))
    with pytest.raises(ValueError, match=r"in layer 2 \(Dense\(5, 2\)\) of the Sequential: x has "
                                         r"4 features"):
        model.forward(np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"in layer 2 .* Dense.backward was called before forward"):
        Sequential(Dense(3, 4), ReLU(), Dense(4, 2)).backward(np.ones((2, 2)))
    with pytest.raises(TypeError, match="training must be True or False"):
        model.forward(np.ones((2, 3)), training=1)


# ------------------------------------------------------------------ SoftmaxCrossEntropy


def ce_oracle(Z, y):
    return np.mean(scipy.special.logsumexp(Z, axis=1) - Z[np.arange(len(y)), y])


@pytest.mark.parametrize(("n", "k"), [(1, 2), (5, 3), (20, 10)])
def test_loss_matches_scipy_and_the_losses_module(n, k):
    rng = np.random.default_rng(n * k)
    Z, y = 3 * rng.standard_normal((n, k)), rng.integers(0, k, n)
    value = SoftmaxCrossEntropy().forward(Z, y)
    assert isinstance(value, float)
    assert value == pytest.approx(ce_oracle(Z, y), rel=1e-13)
    assert value == pytest.approx(cross_entropy_with_logits(y, Z), rel=1e-13)


@pytest.mark.parametrize(("n", "k"), [(1, 2), (4, 3), (7, 5)])
def test_gradient_is_p_minus_y_over_n_and_matches_finite_differences(n, k):
    rng = np.random.default_rng(n + k)
    Z, y = rng.standard_normal((n, k)), rng.integers(0, k, n)
    loss = SoftmaxCrossEntropy()
    loss.forward(Z, y)
    grad = loss.backward()
    expected = (scipy.special.softmax(Z, axis=1) - np.eye(k)[y]) / n
    assert_allclose(grad, expected, rtol=1e-12, atol=1e-15)
    assert check_gradient(lambda z: ce_oracle(z, y), grad, Z, rtol=1e-6) < 1e-6


@settings(max_examples=50, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 8), k=st.integers(2, 6),
       shift=st.floats(-100, 100))
def test_loss_identities(seed, n, k, shift):
    rng = np.random.default_rng(seed)
    Z, y = 5 * rng.standard_normal((n, k)), rng.integers(0, k, n)
    loss = SoftmaxCrossEntropy()
    value = loss.forward(Z, y)
    grad = loss.backward()
    assert value >= 0.0
    assert_allclose(grad.sum(axis=1), 0.0, atol=1e-15)  # each row of P - Y sums to 0
    assert np.all(np.abs(grad) <= 1.0 / n + 1e-15)
    row_shifts = shift * rng.random((n, 1))  # softmax is invariant to a shift of each row
    assert loss.forward(Z + row_shifts, y) == pytest.approx(value, rel=1e-9, abs=1e-12)
    assert_allclose(loss.backward(), grad, rtol=1e-8, atol=1e-13)


def test_loss_is_warning_free_and_exact_for_huge_logits():
    Z = np.array([[1e4, -1e4, 0.0], [-1e4, 1e4, 1e4]])
    y = np.array([1, 0])
    loss = SoftmaxCrossEntropy()
    with warnings.catch_warnings(), np.errstate(over="raise", invalid="raise", divide="raise"):
        warnings.simplefilter("error")
        value = loss.forward(Z, y)
        grad = loss.backward()
    assert value == pytest.approx(ce_oracle(Z, y), rel=1e-15)  # (2e4 + (2e4 + log 2)) / 2
    assert_allclose(grad, [[0.5, -0.5, 0.0], [-0.5, 0.25, 0.25]], atol=1e-15)


def test_backward_returns_a_fresh_array_each_time():
    loss = SoftmaxCrossEntropy()
    loss.forward(np.zeros((2, 3)), [0, 1])
    first = loss.backward()
    first[...] = 99.0
    assert_allclose(loss.backward(), (np.full((2, 3), 1 / 3) - np.eye(3)[[0, 1]]) / 2)
    assert repr(loss) == "SoftmaxCrossEntropy()" and loss(np.zeros((1, 2)), [1]) > 0


@pytest.mark.parametrize(("logits", "y", "error", "match"), [
    (np.zeros((3, 3)), [0, 1, 3], ValueError,
     r"y must hold class indices 0..2 \(one per output column\); got 3"),
    (np.zeros((3, 3)), [0, -1, 2], ValueError, "y must hold class indices 0..2"),
    (np.zeros((3, 3)), [0, 0.5, 2], ValueError, "got 0.5"),
    (np.zeros((3, 3)), ["a", "b", "c"], TypeError, "y must hold integer class indices"),
    (np.zeros((3, 3)), [True, False, True], TypeError, "y must hold integer class indices"),
    (np.zeros((3, 3)), [0, 1], ValueError, "logits and y must have the same number of samples"),
    (np.zeros(3), [0, 1, 2], ValueError, r"logits must be 2-D"),
    (np.full((1, 2), np.nan), [0], ValueError, "logits must contain only finite values"),
    (np.zeros((2, 2)), [[0, 1]], ValueError, r"y must be 1-D \(n_samples,\)"),
])
def test_loss_rejects_bad_input(logits, y, error, match):
    with pytest.raises(error, match=match):
        SoftmaxCrossEntropy().forward(logits, y)


def test_loss_backward_before_forward_raises():
    with pytest.raises(ValueError, match=r"backward was called before forward; call "
                                         r"forward\(logits, y\) first"):
        SoftmaxCrossEntropy().backward()


# ------------------------------------------------------------------ optional PyTorch oracle


@pytest.mark.parametrize(("act", "torch_name"), [(ReLU, "ReLU"), (Tanh, "Tanh"),
                                                 (Sigmoid, "Sigmoid")])
def test_network_and_loss_against_pytorch_float64(act, torch_name):
    torch = pytest.importorskip("torch", reason="PyTorch is not installed; NumPy oracles suffice")
    rng = np.random.default_rng(11)
    X, y = rng.standard_normal((7, 5)), rng.integers(0, 4, size=7)
    model = mlp(5, 6, 3, 4, act=act, seed=3)
    for key, p in model.params.items():
        if key.endswith(".b"):
            p[...] = rng.standard_normal(p.shape)
    layers, dense = [], [layer for layer in model if isinstance(layer, Dense)]
    for i, layer in enumerate(dense):
        lin = torch.nn.Linear(layer.in_features, layer.out_features).double()
        with torch.no_grad():  # torch stores W as (out, in): ours transposed
            lin.weight.copy_(torch.from_numpy(layer.params["W"].T.copy()))
            lin.bias.copy_(torch.from_numpy(layer.params["b"]))
        layers.append(lin)
        if i < len(dense) - 1:
            layers.append(getattr(torch.nn, torch_name)())
    net = torch.nn.Sequential(*layers)
    xt = torch.tensor(X, requires_grad=True)
    logits_t = net(xt)
    loss_t = torch.nn.functional.cross_entropy(logits_t, torch.from_numpy(y))
    loss_t.backward()

    loss = SoftmaxCrossEntropy()
    logits = model.forward(X)
    value = loss.forward(logits, y)
    grad_x = model.backward(loss.backward())
    assert_allclose(logits, logits_t.detach().numpy(), rtol=1e-12, atol=1e-14)
    assert abs(value - loss_t.item()) < 1e-13
    assert_allclose(grad_x, xt.grad.numpy(), rtol=1e-10, atol=1e-15)
    for lin, layer in zip(layers[::2], dense, strict=True):
        assert_allclose(layer.grads["W"], lin.weight.grad.numpy().T, rtol=1e-10, atol=1e-15)
        assert_allclose(layer.grads["b"], lin.bias.grad.numpy(), rtol=1e-10, atol=1e-15)
