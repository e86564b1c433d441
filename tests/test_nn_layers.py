"""Tests of mathbehindml.nn layers: naive-loop and closed-form oracles, check_layer, protocol."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.special
import scipy.stats
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal

from mathbehindml.gradcheck import check_layer
from mathbehindml.nn import Dense, Flatten, Layer, ReLU, Sigmoid, Tanh


def away_from_zero(rng, shape, gap=0.05):
    """Normal entries pushed at least ``gap`` away from 0 (ReLU's kink)."""
    z = rng.standard_normal(shape)
    return np.sign(z) * (gap + np.abs(z))


def make(name):
    return {
        "dense": lambda: Dense(5, 3, random_state=0),
        "dense_xavier": lambda: Dense(5, 3, init="xavier", random_state=1),
        "relu": ReLU,
        "sigmoid": Sigmoid,
        "tanh": Tanh,
        "flatten": Flatten,
    }[name]()


SHAPES = {
    "dense": [(1, 5), (4, 5), (9, 5)],
    "dense_xavier": [(2, 5), (6, 5)],
    "relu": [(1, 1), (4, 7), (2, 3, 4, 4)],
    "sigmoid": [(3,), (4, 7), (2, 3, 2, 2)],
    "tanh": [(3,), (4, 7), (2, 3, 2, 2)],
    "flatten": [(3, 4), (2, 1, 8, 8), (2, 3, 2, 5)],
}
CASES = [(name, shape) for name, shapes in SHAPES.items() for shape in shapes]

# ------------------------------------------------------------------ gradients: finite differences


@pytest.mark.parametrize(("name", "shape"), CASES)
@pytest.mark.parametrize("seed", [0, 1])
def test_every_layer_passes_check_layer(name, shape, seed):
    layer = make(name)
    # moderate inputs: where tanh' ~ 1e-7, round-off dominates any finite difference
    x = 1.5 * away_from_zero(np.random.default_rng(seed), shape)
    errors = check_layer(layer, x, random_state=seed + 10)
    assert set(errors) == {"input", *layer.params}
    assert max(errors.values()) < 1e-6


def test_check_layer_catches_a_wrong_backward():
    # the oracle can fail: a Dense whose weight gradient forgets the transpose-free X^T G
    class Broken(Dense):
        def _backward(self, grad_out, x):
            grad_in = super()._backward(grad_out, x)
            self.grads["W"] = self.grads["W"] / x.shape[0]  # averaging here is wrong
            return grad_in

    from mathbehindml.exceptions import GradientCheckError

    with pytest.raises(GradientCheckError, match=r"grads\['W'\]"):
        check_layer(Broken(4, 2, random_state=0), np.ones((3, 4)), random_state=0)


# ------------------------------------------------------------------ Dense against naive loops


def dense_naive(X, W, b):
    n, d = X.shape
    Z = np.zeros((n, W.shape[1]))
    for i in range(n):
        for j in range(W.shape[1]):
            Z[i, j] = b[j] + sum(X[i, k] * W[k, j] for k in range(d))
    return Z


def dense_backward_naive(X, W, G):
    n, d = X.shape
    m = W.shape[1]
    dW = np.array([[sum(X[i, k] * G[i, j] for i in range(n)) for j in range(m)]
                   for k in range(d)])
    db = np.array([sum(G[i, j] for i in range(n)) for j in range(m)])
    dX = np.array([[sum(G[i, j] * W[k, j] for j in range(m)) for k in range(d)]
                   for i in range(n)])
    return dX, dW, db


@pytest.mark.parametrize(("n", "d", "m"), [(1, 1, 1), (3, 4, 2), (6, 2, 5)])
def test_dense_matches_the_loop_definition(n, d, m):
    rng = np.random.default_rng(n + d + m)
    layer = Dense(d, m, random_state=0)
    layer.params["b"][...] = rng.standard_normal(m)
    X, G = rng.standard_normal((n, d)), rng.standard_normal((n, m))
    assert_allclose(layer.forward(X), dense_naive(X, layer.params["W"], layer.params["b"]),
                    rtol=1e-12, atol=1e-12)
    dX, dW, db = dense_backward_naive(X, layer.params["W"], G)
    assert_allclose(layer.backward(G), dX, rtol=1e-12, atol=1e-12)
    assert_allclose(layer.grads["W"], dW, rtol=1e-12, atol=1e-12)
    assert_allclose(layer.grads["b"], db, rtol=1e-12, atol=1e-12)


def test_dense_gradients_are_sums_over_the_batch_not_means():
    rng = np.random.default_rng(3)
    layer = Dense(4, 3, random_state=0)
    X, G = rng.standard_normal((5, 4)), rng.standard_normal((5, 3))
    layer.forward(X)
    layer.backward(G)
    batch = {key: g.copy() for key, g in layer.grads.items()}
    total = {key: np.zeros_like(g) for key, g in batch.items()}
    for i in range(5):  # one sample at a time
        layer.forward(X[i : i + 1])
        layer.backward(G[i : i + 1])
        for key in total:
            total[key] += layer.grads[key]
    for key in batch:
        assert_allclose(batch[key], total[key], rtol=1e-12, atol=1e-12)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 6), d=st.integers(1, 5),
       m=st.integers(1, 5))
def test_dense_backward_is_the_adjoint_of_the_linear_part(seed, n, d, m):
    # <G, X W> = <G W^T, X> = <X^T G, W>: the three gradients are adjoints of one bilinear map
    rng = np.random.default_rng(seed)
    layer = Dense(d, m, random_state=seed)
    X, G = rng.standard_normal((n, d)), rng.standard_normal((n, m))
    linear = layer.forward(X) - layer.params["b"]
    dX = layer.backward(G)
    value = np.sum(G * linear)
    scale = np.sum(np.abs(G) * (np.abs(X) @ np.abs(layer.params["W"]))) + 1e-300
    assert abs(np.sum(dX * X) - value) <= 1e-12 * scale
    assert abs(np.sum(layer.grads["W"] * layer.params["W"]) - value) <= 1e-12 * scale
    assert_allclose(layer.grads["b"].sum(), G.sum(), rtol=1e-12, atol=1e-12)


# ------------------------------------------------------------------ initialisation


@pytest.mark.parametrize(("init", "std"), [("he", np.sqrt(2 / 400)),
                                           ("xavier", np.sqrt(2 / 700)),
                                           ("glorot", np.sqrt(2 / 700)),
                                           (0.05, 0.05)])
def test_initial_weights_are_centred_normals_of_the_stated_std(init, std):
    layer = Dense(400, 300, init=init, random_state=0)
    W = layer.params["W"]
    # 120,000 draws: the sample std is within 0.6% of sigma with overwhelming probability
    assert W.std() == pytest.approx(std, rel=0.01)
    assert abs(W.mean()) < 5 * std / np.sqrt(W.size)
    assert scipy.stats.kstest(W.ravel() / std, "norm").pvalue > 1e-3
    assert_array_equal(layer.params["b"], np.zeros(300))


def test_zero_std_gives_zero_weights_and_seeds_reproduce():
    assert_array_equal(Dense(3, 2, init=0.0).params["W"], np.zeros((3, 2)))
    a, b = Dense(6, 4, random_state=7), Dense(6, 4, random_state=7)
    assert_array_equal(a.params["W"], b.params["W"])
    assert not np.array_equal(a.params["W"], Dense(6, 4, random_state=8).params["W"])
    rng = np.random.default_rng(0)
    assert not np.array_equal(Dense(6, 4, random_state=rng).params["W"],
                              Dense(6, 4, random_state=rng).params["W"])


# ------------------------------------------------------------------ activations: closed forms


def test_activations_match_closed_forms():
    rng = np.random.default_rng(4)
    x, g = 4 * rng.standard_normal((6, 5)), rng.standard_normal((6, 5))
    cases = [
        (ReLU(), np.where(x > 0, x, 0.0), np.heaviside(x, 0.0)),
        (Sigmoid(), scipy.special.expit(x), scipy.special.expit(x) * scipy.special.expit(-x)),
        (Tanh(), np.sinh(x) / np.cosh(x), 1.0 / np.cosh(x) ** 2),
    ]
    for layer, value, derivative in cases:
        assert_allclose(layer.forward(x), value, rtol=1e-13, atol=1e-15)
        assert_allclose(layer.backward(g), g * derivative, rtol=1e-12, atol=1e-15)


def test_relu_uses_zero_at_the_kink():
    layer = ReLU()
    layer.forward(np.array([[0.0, -0.0, 1e-300]]))
    assert_array_equal(layer.backward(np.ones((1, 3))), [[0.0, 0.0, 1.0]])


def test_saturating_activations_are_warning_free_at_extremes():
    x = np.array([[-1e4, -50.0, 0.0, 50.0, 1e4]])
    with warnings.catch_warnings(), np.errstate(over="raise", invalid="raise", divide="raise"):
        warnings.simplefilter("error")
        for layer in (Sigmoid(), Tanh()):
            out = layer.forward(x)
            grad = layer.backward(np.ones_like(x))
            assert np.all(np.isfinite(out)) and np.all(np.isfinite(grad))
            assert grad[0, 0] == 0.0 and grad[0, -1] == 0.0


def test_flatten_is_a_reshape_both_ways():
    x = np.arange(2 * 3 * 4 * 5, dtype=float).reshape(2, 3, 4, 5)
    layer = Flatten()
    assert_array_equal(layer.forward(x), x.reshape(2, 60))
    g = np.random.default_rng(0).standard_normal((2, 60))
    assert_array_equal(layer.backward(g), g.reshape(2, 3, 4, 5))


# ------------------------------------------------------------------ the protocol


ALL = ["dense", "relu", "sigmoid", "tanh", "flatten"]


@pytest.mark.parametrize("name", ALL)
def test_backward_never_writes_to_grad_out_or_params(name):
    layer = make(name)
    x = away_from_zero(np.random.default_rng(0), (4, 5))
    out = layer.forward(x)
    g = np.random.default_rng(1).standard_normal(out.shape)
    frozen = g.copy()
    frozen.flags.writeable = False  # an in-place write would raise
    before = {key: p.copy() for key, p in layer.params.items()}
    grad_in = layer.backward(frozen)
    assert_array_equal(frozen, g)
    assert grad_in.shape == x.shape
    for key, p in layer.params.items():
        assert_array_equal(p, before[key])
        assert layer.grads[key].shape == p.shape


@pytest.mark.parametrize("name", ALL)
def test_backward_before_forward_raises(name):
    with pytest.raises(ValueError, match=r"backward was called before forward; call forward"):
        make(name).backward(np.ones((2, 3)))


@pytest.mark.parametrize("name", ALL)
def test_inference_forward_drops_the_cache(name):
    layer = make(name)
    x = np.ones((2, 5))
    layer.forward(x)
    layer.forward(x, training=False)
    with pytest.raises(ValueError, match="before forward"):
        layer.backward(np.ones((2, 3 if name == "dense" else 5)))


def test_grad_out_is_validated():
    layer = Dense(5, 3, random_state=0)
    layer.forward(np.ones((4, 5)))
    with pytest.raises(ValueError, match=r"grad_out must have the shape of Dense's last output, "
                                         r"\(4, 3\); got shape \(4, 2\)"):
        layer.backward(np.ones((4, 2)))
    with pytest.raises(ValueError, match="grad_out must contain only finite values"):
        layer.backward(np.full((4, 3), np.nan))
    with pytest.raises(TypeError, match="grad_out must be numeric"):
        layer.backward([["a"] * 3] * 4)


def test_dense_rejects_bad_inputs():
    layer = Dense(5, 3, random_state=0)
    with pytest.raises(ValueError, match=r"x has 4 features \(columns\), but Dense\(5, 3\) "
                                         r"expects 5"):
        layer.forward(np.ones((2, 4)))
    with pytest.raises(ValueError, match=r"x must be 2-D \(n_samples, n_features\); got shape "
                                         r"\(5,\)"):
        layer.forward(np.ones(5))
    with pytest.raises(ValueError, match="x must contain only finite values"):
        layer.forward(np.full((2, 5), np.inf))
    with pytest.raises(TypeError, match="training must be True or False"):
        layer.forward(np.ones((2, 5)), training="yes")


@pytest.mark.parametrize(("kwargs", "error", "match"), [
    ({"in_features": 0, "out_features": 3}, ValueError, "in_features must be >= 1; got 0"),
    ({"in_features": 2.5, "out_features": 3}, TypeError, "in_features must be an integer"),
    ({"in_features": 2, "out_features": "3"}, TypeError, "out_features must be an integer"),
    ({"in_features": 2, "out_features": 3, "init": "kaiming"}, ValueError,
     r"init must be one of 'he', 'xavier', 'glorot' or a float .*got 'kaiming'"),
    ({"in_features": 2, "out_features": 3, "init": -0.1}, ValueError, "init must be >= 0"),
    ({"in_features": 2, "out_features": 3, "init": None}, TypeError, "init must be one of"),
    ({"in_features": 2, "out_features": 3, "init": True}, TypeError, "init must be one of"),
    ({"in_features": 2, "out_features": 3, "random_state": "0"}, TypeError,
     "random_state must be None, an int or a numpy.random.Generator"),
])
def test_dense_rejects_bad_hyper_parameters(kwargs, error, match):
    with pytest.raises(error, match=match):
        Dense(**kwargs)


@pytest.mark.parametrize("x", [np.float64(1.0), np.ones((0, 3))])
def test_activations_reject_empty_or_scalar_input(x):
    with pytest.raises(ValueError, match="x must be a non-empty batch"):
        ReLU().forward(x)


def test_flatten_needs_two_dimensions():
    with pytest.raises(ValueError, match=r"x must have a batch dimension and at least one more"):
        Flatten().forward(np.ones(4))


def test_a_subclass_needs_only_forward_and_backward():
    class Scale(Layer):  # y = 3 x, the documented extension point
        def _forward(self, x):
            return 3 * x, None

        def _backward(self, grad_out, cache):
            return 3 * grad_out

    errors = check_layer(Scale(), np.ones((2, 2)), random_state=0)
    assert errors["input"] < 1e-8
    assert repr(Scale()) == "Scale()" and repr(Dense(2, 3)) == "Dense(2, 3)"


# ------------------------------------------------------------------ optional PyTorch oracle


def test_against_pytorch_float64():
    torch = pytest.importorskip("torch", reason="PyTorch is not installed; NumPy oracles suffice")
    rng = np.random.default_rng(5)
    x, g = rng.standard_normal((4, 5)), rng.standard_normal((4, 3))
    layer = Dense(5, 3, random_state=0)
    layer.params["b"][...] = rng.standard_normal(3)
    xt = torch.tensor(x, requires_grad=True)
    W = torch.tensor(layer.params["W"], requires_grad=True)
    b = torch.tensor(layer.params["b"], requires_grad=True)
    for act, torch_act in [(None, None), (Tanh(), torch.tanh), (Sigmoid(), torch.sigmoid),
                           (ReLU(), torch.relu)]:
        for t in (xt, W, b):
            t.grad = None
        zt = xt @ W + b
        out_t = zt if torch_act is None else torch_act(zt)
        out_t.backward(torch.tensor(g))
        z = layer.forward(x)
        out = z if act is None else act.forward(z)
        grad_z = g if act is None else act.backward(g)
        assert_allclose(out, out_t.detach().numpy(), rtol=1e-12, atol=1e-12)
        assert_allclose(layer.backward(grad_z), xt.grad.numpy(), rtol=1e-12, atol=1e-12)
        assert_allclose(layer.grads["W"], W.grad.numpy(), rtol=1e-12, atol=1e-12)
        assert_allclose(layer.grads["b"], b.grad.numpy(), rtol=1e-12, atol=1e-12)
