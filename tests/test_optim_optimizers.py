"""SGD, Momentum and Adam against hand-written scalar loops of their defining recurrences."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal

from mathbehindml.optim import SGD, Adam, Momentum, Optimizer

SHAPES = {"W": (3, 2), "b": (2,)}
N_STEPS = 7


@pytest.fixture
def start_and_grads():
    """Starting parameters and a sequence of gradients, as nested Python lists of floats."""
    rng = np.random.default_rng(42)
    start = {k: rng.standard_normal(s) for k, s in SHAPES.items()}
    grads = [{k: rng.standard_normal(s) * 10.0 ** rng.integers(-3, 3) for k, s in SHAPES.items()}
             for _ in range(N_STEPS)]
    return start, grads


def run(optimizer, start, grads):
    """Apply the optimizer to copies of ``start``; return the parameters after each step."""
    params = {k: v.copy() for k, v in start.items()}
    history = []
    for g in grads:
        optimizer.step(params, g)
        history.append({k: v.copy() for k, v in params.items()})
    return history


def scalar_entries(start, grads, key):
    """For each entry of params[key]: its start value and its gradient sequence, as floats."""
    flat_start = start[key].ravel().tolist()
    flat_grads = [g[key].ravel().tolist() for g in grads]
    return [(flat_start[i], [fg[i] for fg in flat_grads]) for i in range(len(flat_start))]


def check_against(history, start, grads, recurrence):
    for key in SHAPES:
        for i, (theta0, gs) in enumerate(scalar_entries(start, grads, key)):
            expected = recurrence(theta0, gs)
            got = [h[key].ravel()[i] for h in history]
            assert_allclose(got, expected, rtol=1e-13, atol=1e-15)


def test_sgd_matches_its_recurrence(start_and_grads):
    start, grads = start_and_grads

    def recurrence(theta, gs, eta=0.05):
        out = []
        for g in gs:
            theta = theta - eta * g
            out.append(theta)
        return out

    check_against(run(SGD(0.05), start, grads), start, grads, recurrence)


@pytest.mark.parametrize("beta", [0.0, 0.5, 0.9])
def test_momentum_matches_the_heavy_ball_recurrence(start_and_grads, beta):
    start, grads = start_and_grads

    def recurrence(theta, gs, eta=0.05):
        v, out = 0.0, []
        for g in gs:
            v = beta * v - eta * g
            theta = theta + v
            out.append(theta)
        return out

    check_against(run(Momentum(0.05, beta=beta), start, grads), start, grads, recurrence)


def test_momentum_matches_the_pytorch_form(start_and_grads):
    # torch.optim.SGD(momentum=beta): buf = beta * buf + g (buf = g at step 1); p -= lr * buf
    start, grads = start_and_grads

    def recurrence(theta, gs, eta=0.03, beta=0.8):
        buf, out = None, []
        for g in gs:
            buf = g if buf is None else beta * buf + g
            theta = theta - eta * buf
            out.append(theta)
        return out

    check_against(run(Momentum(0.03, beta=0.8), start, grads), start, grads, recurrence)


@pytest.mark.parametrize(("beta1", "beta2", "eps"), [(0.9, 0.999, 1e-8), (0.5, 0.9, 1e-3),
                                                     (0.0, 0.0, 1e-8)])
def test_adam_matches_kingma_and_ba_algorithm_1(start_and_grads, beta1, beta2, eps):
    start, grads = start_and_grads

    def recurrence(theta, gs, eta=0.01):
        m = v = 0.0
        out = []
        for t, g in enumerate(gs, start=1):
            m = beta1 * m + (1 - beta1) * g
            v = beta2 * v + (1 - beta2) * g * g
            m_hat = m / (1 - beta1**t)
            v_hat = v / (1 - beta2**t)
            theta = theta - eta * m_hat / (math.sqrt(v_hat) + eps)
            out.append(theta)
        return out

    opt = Adam(0.01, beta1=beta1, beta2=beta2, eps=eps)
    check_against(run(opt, start, grads), start, grads, recurrence)
    assert opt.state["W"]["t"] == opt.state["b"]["t"] == N_STEPS


def test_against_torch_optim(start_and_grads):
    torch = pytest.importorskip(
        "torch", reason="PyTorch is not installed; the hand-written recurrences are the oracle"
    )
    start, grads = start_and_grads
    cases = [
        (SGD(0.05), lambda p: torch.optim.SGD(p, lr=0.05)),
        (Momentum(0.05, beta=0.9), lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9)),
        (Adam(0.01), lambda p: torch.optim.Adam(p, lr=0.01)),
    ]
    for ours, make_theirs in cases:
        history = run(ours, start, grads)
        tensors = {k: torch.tensor(v.copy(), dtype=torch.float64, requires_grad=True)
                   for k, v in start.items()}
        theirs = make_theirs(list(tensors.values()))
        for step, g in enumerate(grads):
            for k, t in tensors.items():
                t.grad = torch.tensor(g[k], dtype=torch.float64)
            theirs.step()
            for k, t in tensors.items():
                assert_allclose(history[step][k], t.detach().numpy(), rtol=1e-12, atol=1e-14)


def test_heavy_ball_on_a_quadratic_matches_its_second_order_recurrence():
    # x_{k+1} = x_k - eta * A x_k + beta (x_k - x_{k-1}), x_{-1} = x_0: Polyak's form
    rng = np.random.default_rng(7)
    Q, _ = np.linalg.qr(rng.standard_normal((4, 4)))
    lams = np.array([1.0, 3.0, 10.0, 50.0])
    A = Q @ np.diag(lams) @ Q.T
    eta = 4 / (np.sqrt(lams.min()) + np.sqrt(lams.max())) ** 2
    beta = ((np.sqrt(50.0) - 1) / (np.sqrt(50.0) + 1)) ** 2
    x = rng.standard_normal(4)
    prev, cur = x.copy(), x.copy()
    opt = Momentum(eta, beta=beta)
    for _ in range(200):
        opt.step({"x": x}, {"x": A @ x})
        prev, cur = cur, cur - eta * A @ cur + beta * (cur - prev)
        assert_allclose(x, cur, rtol=1e-9, atol=1e-14)
    # and the error shrinks like the accelerated rate (sqrt(kappa) - 1) / (sqrt(kappa) + 1)
    rate = (np.sqrt(50.0) - 1) / (np.sqrt(50.0) + 1)
    assert np.linalg.norm(x) < 200 * rate**200 * 10


@settings(max_examples=40, deadline=None)
@given(log_scales=st.lists(st.floats(-3, 3), min_size=5, max_size=5),
       seed=st.integers(0, 2**32 - 1))
def test_adam_is_invariant_to_rescaling_each_coordinate_of_the_gradient(log_scales, seed):
    # with eps negligible, multiplying coordinate j of every gradient by c_j > 0 changes nothing
    scale = 10.0 ** np.array(log_scales)
    rng = np.random.default_rng(seed)
    grads = [rng.standard_normal(5) for _ in range(5)]
    a, b = np.zeros(5), np.zeros(5)
    opt_a, opt_b = Adam(0.1, eps=1e-300), Adam(0.1, eps=1e-300)
    for g in grads:
        opt_a.step({"x": a}, {"x": g})
        opt_b.step({"x": b}, {"x": scale * g})
    assert_allclose(a, b, rtol=1e-12, atol=1e-15)


@settings(max_examples=40, deadline=None)
@given(eta=st.floats(1e-6, 1e2), seed=st.integers(0, 2**32 - 1))
def test_sgd_step_is_theta_minus_eta_g(eta, seed):
    rng = np.random.default_rng(seed)
    theta, g = rng.standard_normal((2, 3)), rng.standard_normal((2, 3))
    expected = theta - eta * g
    SGD(eta).step({"theta": theta}, {"theta": g})
    assert_array_equal(theta, expected)


# ------------------------------------------------------------------ in place, state, schedules


@pytest.mark.parametrize("opt", [SGD(0.1), Momentum(0.1), Adam(0.1)], ids=repr)
def test_updates_happen_in_place(opt):
    W = np.ones((2, 3))
    view = W[0]  # a view shares memory: it must see the update
    params = {"W": W}
    opt.step(params, {"W": np.ones((2, 3))})
    assert params["W"] is W
    assert np.all(view < 1.0)


def test_float32_parameters_are_updated_in_place():
    W = np.ones(3, dtype=np.float32)
    Adam(0.1).step({"W": W}, {"W": np.ones(3)})
    assert W.dtype == np.float32
    assert_allclose(W, 0.9, rtol=1e-6)


def test_grads_may_be_lists_and_are_not_modified():
    g = np.array([1.0, -1.0])
    params = {"w": np.zeros(2)}
    Momentum(0.5).step(params, {"w": g})
    SGD(0.5).step(params, {"w": [1.0, 1.0]})
    assert_array_equal(g, [1.0, -1.0])
    assert_allclose(params["w"], [-1.0, 0.0])


def test_learning_rate_can_follow_a_schedule():
    x = np.array([0.0])
    opt = SGD(1.0)
    for k in range(4):
        opt.learning_rate = 1.0 / (k + 1)
        opt.step({"x": x}, {"x": np.array([-1.0])})
    assert x[0] == pytest.approx(1 + 1 / 2 + 1 / 3 + 1 / 4)


def test_reset_and_state_per_key():
    opt = Momentum(0.1, beta=0.5)
    opt.step({"a": np.zeros(2), "b": np.zeros(3)}, {"a": np.ones(2), "b": np.ones(3)})
    assert set(opt.state) == {"a", "b"}
    assert_allclose(opt.state["a"]["velocity"], -0.1)
    opt.reset()
    assert opt.state == {}
    opt.step({"a": np.zeros(5)}, {"a": np.ones(5)})  # a new shape is fine after reset
    assert opt.state["a"]["velocity"].shape == (5,)


def test_reprs():
    assert repr(SGD(0.1)) == "SGD(learning_rate=0.1)"
    assert repr(Momentum(0.1, beta=0.8)) == "Momentum(learning_rate=0.1, beta=0.8)"
    assert repr(Adam()) == "Adam(learning_rate=0.001, beta1=0.9, beta2=0.999, eps=1e-08)"
    assert issubclass(Adam, Optimizer)


# ------------------------------------------------------------------ bad input


@pytest.mark.parametrize(
    ("make", "error", "pattern"),
    [
        (lambda: SGD(0.0), ValueError, r"^learning_rate must be > 0; got 0\.0"),
        (lambda: SGD("0.1"), TypeError, r"^learning_rate must be a real number; got str"),
        (lambda: Momentum(0.1, beta=1.0), ValueError, r"^beta must be < 1; got 1\.0"),
        (lambda: Momentum(0.1, beta=-0.1), ValueError, r"^beta must be >= 0"),
        (lambda: Adam(beta1=1.0), ValueError, r"^beta1 must be < 1"),
        (lambda: Adam(beta2=-1e-3), ValueError, r"^beta2 must be >= 0"),
        (lambda: Adam(eps=0.0), ValueError, r"^eps must be > 0"),
        (lambda: Adam(learning_rate=np.nan), ValueError, r"^learning_rate must be finite"),
    ],
)
def test_bad_hyper_parameters(make, error, pattern):
    with pytest.raises(error, match=pattern):
        make()


def test_bad_learning_rate_assignment():
    opt = SGD(0.1)
    with pytest.raises(ValueError, match=r"^learning_rate must be > 0; got -1"):
        opt.learning_rate = -1
    assert opt.learning_rate == 0.1


@pytest.mark.parametrize("opt", [SGD(0.1), Momentum(0.1), Adam(0.1)], ids=repr)
@pytest.mark.parametrize(
    ("params", "grads", "error", "pattern"),
    [
        ([np.zeros(2)], {"w": np.zeros(2)}, TypeError,
         r"^params must be a dict mapping parameter names to arrays.*got list"),
        ({"w": np.zeros(2)}, np.zeros(2), TypeError, r"^grads must be a dict .*got ndarray"),
        ({"w": np.zeros(2), "b": np.zeros(1)}, {"w": np.zeros(2), "c": np.zeros(1)}, ValueError,
         r"^params and grads must have the same keys; missing from grads: \['b'\], "
         r"extra in grads: \['c'\]"),
        ({"w": [0.0, 0.0]}, {"w": np.zeros(2)}, TypeError,
         r"^params\['w'\] must be a NumPy array of floats.*got list\. Store it as np\.asarray"),
        ({"w": np.zeros(2, dtype=int)}, {"w": np.zeros(2)}, TypeError,
         r"^params\['w'\] must be a NumPy array of floats.*got array of dtype int64"),
        ({"w": np.zeros(2)}, {"w": np.zeros(3)}, ValueError,
         r"^grads\['w'\] must have the shape of params\['w'\], \(2,\); got shape \(3,\)"),
        ({"w": np.zeros(2)}, {"w": [np.nan, np.inf]}, ValueError,
         r"^grads\['w'\] must be finite; got 1 NaN and 1 infinite entries\. The training has"),
        ({"w": np.zeros(2)}, {"w": ["a", "b"]}, TypeError, r"^grads\['w'\] must be numeric"),
    ],
)
def test_bad_params_and_grads(opt, params, grads, error, pattern):
    with pytest.raises(error, match=pattern):
        opt.step(params, grads)


def test_read_only_parameters_are_rejected():
    w = np.zeros(2)
    w.flags.writeable = False
    with pytest.raises(ValueError, match=r"^params\['w'\] is read-only.*params\['w'\]\.copy\(\)"):
        SGD(0.1).step({"w": w}, {"w": np.ones(2)})


@pytest.mark.parametrize("opt", [Momentum(0.1), Adam(0.1)], ids=repr)
def test_a_parameter_that_changes_shape_needs_a_reset(opt):
    opt.step({"w": np.zeros(2)}, {"w": np.ones(2)})
    with pytest.raises(ValueError, match=r"^params\['w'\] changed shape from \(2,\) to \(3,\) .*"
                                         r"Call reset\(\)"):
        opt.step({"w": np.zeros(3)}, {"w": np.ones(3)})


@pytest.mark.parametrize("make", [lambda: SGD(0.3), lambda: Momentum(0.1, beta=0.7),
                                  lambda: Adam(0.05, beta1=0.8, beta2=0.99)])
def test_unchecked_step_equals_the_checked_step_bit_for_bit(start_and_grads, make):
    # the private path of mathbehindml.nn.train after its first, checked step; the checked
    # path itself is compared with the recurrences above
    start, grads = start_and_grads
    checked = run(make(), start, grads)
    opt, params = make(), {k: v.copy() for k, v in start.items()}
    opt.step(params, grads[0])
    unchecked = [{k: v.copy() for k, v in params.items()}]
    for g in grads[1:]:
        opt._step_unchecked(params, g)
        unchecked.append({k: v.copy() for k, v in params.items()})
    for a, b in zip(checked, unchecked, strict=True):
        for key in SHAPES:
            assert_array_equal(a[key], b[key])
