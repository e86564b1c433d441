"""Tests of mathbehindml.gradcheck: known derivatives, Taylor's error bound, small test layers."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.special
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from numpy.testing import assert_allclose, assert_array_equal

from mathbehindml._validation import check_callable, check_vector
from mathbehindml.exceptions import GradientCheckError
from mathbehindml.gradcheck import check_gradient, check_layer, numerical_gradient

# ------------------------------------------------------------------ numerical_gradient


@pytest.mark.parametrize("shape", [(1,), (5,), (3, 4), (2, 3, 2)])
def test_matches_known_gradients_for_any_shape(shape):
    x = np.random.default_rng(0).standard_normal(shape)
    cases = [
        (lambda z: np.sum(np.sin(z)), np.cos(x)),
        (lambda z: np.sum(z**3) / 3, x**2),
        (lambda z: scipy.special.logsumexp(z), scipy.special.softmax(x)),
        (lambda z: np.sum(np.exp(0.5 * z)), 0.5 * np.exp(0.5 * x)),
    ]
    for f, expected in cases:
        g = numerical_gradient(f, x)
        assert g.shape == shape and g.dtype == np.float64
        assert_allclose(g, expected, rtol=1e-7, atol=1e-9)


@settings(max_examples=50, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), d=st.integers(1, 6))
def test_central_differences_are_exact_on_quadratics(seed, d):
    # f(x) = x^T A x / 2 + b^T x has gradient (A + A^T) x / 2 + b, and no third derivative
    rng = np.random.default_rng(seed)
    A, b, x = rng.standard_normal((d, d)), rng.standard_normal(d), rng.standard_normal(d)
    g = numerical_gradient(lambda z: 0.5 * z @ A @ z + b @ z, x, eps=1e-3)
    assert_allclose(g, 0.5 * (A + A.T) @ x + b, rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("h", [1e-2, 3e-3, 1e-3])
def test_truncation_error_is_h_squared_times_f_third_over_six(h):
    # Taylor: (f(x+h) - f(x-h)) / 2h = f'(x) + h^2 f'''(x) / 6 + O(h^4); for sin, f''' = -cos
    x = 0.7
    g = numerical_gradient(lambda z: np.sin(z[0]), [x], eps=h)[0]
    assert (g - np.cos(x)) / h**2 == pytest.approx(-np.cos(x) / 6, rel=1e-3)


def test_round_off_dominates_for_tiny_steps():
    x = np.array([1.0])
    err_good = abs(numerical_gradient(lambda z: np.exp(z[0]), x, eps=1e-5)[0] - np.e)
    err_tiny = abs(numerical_gradient(lambda z: np.exp(z[0]), x, eps=1e-13)[0] - np.e)
    assert err_good < 1e-9 < err_tiny


@settings(max_examples=30, deadline=None)
@given(x=arrays(np.float64, st.integers(1, 8), elements=st.floats(-10, 10)))
def test_never_mutates_x_even_if_f_does(x):
    before = x.copy()

    def careless(z):
        value = float(np.sum(z**2))
        z[...] = 1e6  # overwrites its argument
        return value

    g = numerical_gradient(careless, x)
    assert_array_equal(x, before)
    assert_allclose(g, 2 * before, rtol=1e-6, atol=1e-6)


def test_accepts_lists_and_integer_arrays():
    g = numerical_gradient(lambda z: float(z @ z), [1, 2, 3])
    assert_allclose(g, [2.0, 4.0, 6.0], rtol=1e-9)


# ------------------------------------------------------------------ check_gradient


def test_check_gradient_returns_the_largest_relative_error():
    x = np.array([0.3, -1.2, 2.0])
    f = lambda z: np.sum(np.sin(z) * z)  # noqa: E731
    grad = lambda z: np.sin(z) + z * np.cos(z)  # noqa: E731
    err = check_gradient(f, grad, x)
    # the oracle: the definition, with a hand-written central difference
    manual = []
    for i in range(3):
        e = np.zeros(3)
        e[i] = 1e-6
        num = (f(x + e) - f(x - e)) / 2e-6
        ana = grad(x)[i]
        manual.append(abs(ana - num) / max(abs(ana), abs(num), 1e-8))
    assert err == pytest.approx(max(manual), rel=1e-6)
    assert err < 1e-8


def test_check_gradient_accepts_an_evaluated_gradient():
    x = np.array([1.0, 2.0])
    assert check_gradient(lambda z: float(z @ z), 2 * x, x) < 1e-8


def test_wrong_gradient_names_the_worst_index():
    x = np.random.default_rng(1).standard_normal((3, 4))

    def wrong_grad(z):
        g = 2 * z
        g[1, 2] *= 1.001  # one entry off by 0.1 %
        return g

    with pytest.raises(GradientCheckError, match=r"^grad\(x\) is wrong at index \(1, 2\): "
                                                  r"analytic -?[0-9.e+-]+, numerical -?[0-9.e+-]+,"
                                                  r" .*\(1 of 12 entries"):
        check_gradient(lambda z: np.sum(z**2), wrong_grad, x)
    # the same error passes with a looser tolerance
    assert check_gradient(lambda z: np.sum(z**2), wrong_grad, x, rtol=2e-3) == pytest.approx(
        0.001 / 1.001, rel=1e-5)


def test_nan_in_the_analytic_gradient_is_a_failure():
    with pytest.raises(GradientCheckError, match=r"index \(1,\).*relative error inf"):
        check_gradient(lambda z: float(z @ z), lambda z: np.array([2 * z[0], np.nan]), [1.0, 1.0])


def test_atol_floors_the_denominator_near_zero():
    # at the minimum both gradients are ~0: relative error of tiny numbers must not explode
    assert check_gradient(lambda z: float(np.sum(z**2)), lambda z: 2 * z, [0.0, 0.0]) == 0.0
    with pytest.raises(GradientCheckError, match=r"index \(0,\)"):
        check_gradient(lambda z: float(np.sum(z**2)), lambda z: np.array([1e-6]), [0.0])
    assert check_gradient(lambda z: float(np.sum(z**2)), lambda z: np.array([1e-6]), [0.0],
                          atol=1.0) == pytest.approx(1e-6, rel=1e-6)


def test_rounding_limits_the_check_near_a_minimiser_and_a_scaled_atol_restores_it():
    # f = c + |z - a|^2 with a large constant c: near a, the gradient 2 (z - a) lies far below
    # the rounding error u c / eps of a central difference (Notes of check_gradient)
    rng = np.random.default_rng(7)
    a, c, eps, rtol = rng.standard_normal(5), 1e4, 1e-6, 1e-5
    x = a + 1e-9 * rng.standard_normal(5)

    def f(z):
        return c + float(np.sum((z - a) ** 2))

    def grad(z):
        return 2 * (z - a)  # exact

    level = np.finfo(float).eps / 2 * c / eps
    assert np.abs(grad(x)).max() < 1e-2 * level
    with pytest.raises(GradientCheckError, match=r"relative error"):
        check_gradient(f, grad, x)  # the correct gradient fails with the defaults
    atol = 10 * level / rtol
    assert check_gradient(f, grad, x, atol=atol) <= rtol  # passes with a scaled atol
    with pytest.raises(GradientCheckError):  # an error 100 times the rounding level fails
        check_gradient(f, lambda z: grad(z) + 100 * level, x, atol=atol)


def test_relative_error_is_symmetric_in_the_two_gradients():
    # |g - ĝ| / max(|g|, |ĝ|): too large and too small by the same factor fail alike
    x = np.array([1.0])
    for factor in (0.5, 2.0):
        with pytest.raises(GradientCheckError, match=r"relative error 0\.5 >"):
            check_gradient(lambda z: float(z[0] ** 2), factor * 2 * x, x)


# ------------------------------------------------------------------ check_layer: small layers


class Affine:
    """y = x W + b on rows: the dense layer of chapter 4, written out for the test."""

    def __init__(self, n_in, n_out, rng):
        self.params = {"W": rng.standard_normal((n_in, n_out)), "b": rng.standard_normal(n_out)}
        self.grads = {}

    def forward(self, x, *, training=True):
        self.x = x
        return x @ self.params["W"] + self.params["b"]

    def backward(self, grad_out):
        self.grads["W"] = self.x.T @ grad_out
        self.grads["b"] = grad_out.sum(axis=0)
        return grad_out @ self.params["W"].T


class Tanh:
    def __init__(self):
        self.params, self.grads = {}, {}

    def forward(self, x, *, training=True):
        self.y = np.tanh(x)
        return self.y

    def backward(self, grad_out):
        return grad_out * (1 - self.y**2)


def test_affine_layer_passes_and_params_are_restored():
    rng = np.random.default_rng(0)
    layer = Affine(4, 3, rng)
    saved = {k: v.copy() for k, v in layer.params.items()}
    ids = {k: id(v) for k, v in layer.params.items()}
    x = rng.standard_normal((5, 4))
    x_before = x.copy()
    errors = check_layer(layer, x, random_state=1)
    assert set(errors) == {"input", "W", "b"}
    assert max(errors.values()) < 1e-7
    for k in saved:
        assert_array_equal(layer.params[k], saved[k])
        assert id(layer.params[k]) == ids[k]
    assert_array_equal(x, x_before)


@pytest.mark.parametrize("shape", [(6,), (3, 5), (2, 3, 4, 4)])
def test_elementwise_tanh_passes_for_any_shape(shape):
    x = np.random.default_rng(2).standard_normal(shape)
    errors = check_layer(Tanh(), x, random_state=0)
    assert list(errors) == ["input"] and errors["input"] < 1e-7


def test_same_seed_gives_the_same_errors():
    rng = np.random.default_rng(0)
    layer, x = Affine(3, 2, rng), rng.standard_normal((4, 3))
    assert check_layer(layer, x, random_state=5) == check_layer(layer, x, random_state=5)


class WrongWeightGradient(Affine):
    def backward(self, grad_out):
        grad_in = super().backward(grad_out)
        self.grads["W"] = self.grads["W"] / len(self.x)  # averaged: only the loss may average
        return grad_in


class WrongInputGradient(Affine):
    def backward(self, grad_out):
        super().backward(grad_out)
        return grad_out @ self.params["W"]  # forgot the transpose (W is square here)


class IgnoresUpstream(Tanh):
    def backward(self, grad_out):
        return 1 - self.y**2  # right only when grad_out is all ones


class ModifiesGradOut(Tanh):
    def backward(self, grad_out):
        grad_out *= 1 - self.y**2
        return grad_out


class UpdatesWeights(Affine):
    def backward(self, grad_out):
        grad_in = super().backward(grad_out)
        self.params["W"] -= 0.1 * self.grads["W"]
        return grad_in


@pytest.mark.parametrize(
    ("make", "pattern"),
    [
        (lambda rng: WrongWeightGradient(3, 3, rng), r"^grads\['W'\] is wrong at index"),
        (lambda rng: WrongInputGradient(3, 3, rng),
         r"^the input gradient \(backward\) is wrong at index \(\d, \d\)"),
        (lambda rng: IgnoresUpstream(), r"^the input gradient \(backward\) is wrong"),
        (lambda rng: ModifiesGradOut(), r"^ModifiesGradOut\.backward modified grad_out in place"),
        (lambda rng: UpdatesWeights(3, 3, rng), r"^UpdatesWeights\.backward changed params\['W'\]"),
    ],
)
def test_wrong_layers_are_caught(make, pattern):
    rng = np.random.default_rng(3)
    layer = make(rng)
    with pytest.raises(GradientCheckError, match=pattern):
        check_layer(layer, rng.standard_normal((4, 3)), random_state=0)


def test_a_wrong_bias_gradient_is_caught_after_a_correct_weight_gradient():
    class WrongBias(Affine):
        def backward(self, grad_out):
            grad_in = super().backward(grad_out)
            self.grads["b"] = grad_out.mean(axis=0)
            return grad_in

    rng = np.random.default_rng(4)
    with pytest.raises(GradientCheckError, match=r"^grads\['b'\] is wrong"):
        check_layer(WrongBias(2, 2, rng), rng.standard_normal((3, 2)), random_state=0)


# ------------------------------------------------------------------ bad input


@pytest.mark.parametrize(
    ("call", "error", "pattern"),
    [
        (lambda: numerical_gradient("sin", [1.0]), TypeError,
         r"^f must be a callable f\(x\) -> float; got str"),
        (lambda: numerical_gradient(np.sum, []), ValueError, r"^x must not be empty"),
        (lambda: numerical_gradient(np.sum, [np.inf]), ValueError,
         r"^x must contain only finite values"),
        (lambda: numerical_gradient(np.sum, ["a"]), TypeError, r"^x must be numeric"),
        (lambda: numerical_gradient(np.sum, [1.0], eps=0.0), ValueError, r"^eps must be > 0"),
        (lambda: numerical_gradient(np.sum, [1.0], eps="1e-6"), TypeError,
         r"^eps must be a real number"),
        (lambda: numerical_gradient(lambda z: z, [1.0, 2.0]), ValueError,
         r"^f must return a real scalar; got ndarray of shape \(2,\) at x \+ eps \* e_0\. Reduce"),
        (lambda: numerical_gradient(lambda z: "1", [1.0]), ValueError,
         r"^f must return a real scalar; got str"),
        (lambda: numerical_gradient(lambda z: np.nan if z[0] < 1 else 0.0, [1.0]), ValueError,
         r"^f returned nan at x - eps \* e_0; a finite-difference estimate needs finite"),
        (lambda: check_gradient(np.sum, np.ones, [1.0], rtol=-1.0), ValueError,
         r"^rtol must be >= 0"),
        (lambda: check_gradient(np.sum, np.ones, [1.0], atol=0.0), ValueError,
         r"^atol must be > 0"),
        (lambda: check_gradient(np.sum, lambda z: np.ones(2), [1.0]), ValueError,
         r"^grad\(x\) must have the shape of x, \(1,\); got shape \(2,\)"),
        (lambda: check_gradient(np.sum, np.ones(3), [1.0, 2.0]), ValueError,
         r"^grad must have the shape of x, \(2,\); got shape \(3,\)"),
        (lambda: check_gradient(np.sum, np.ones, [1.0, np.nan]), ValueError,
         r"^x must contain only finite values"),
    ],
)
def test_bad_input_for_numerical_gradient_and_check_gradient(call, error, pattern):
    with pytest.raises(error, match=pattern):
        call()


class NoBackward:
    def __init__(self):
        self.params, self.grads = {}, {}

    def forward(self, x, *, training=True):
        return x


class ListParams(Tanh):
    def __init__(self):
        self.params, self.grads = [np.zeros(2)], {}


class IntParam(Tanh):
    def __init__(self):
        self.params, self.grads = {"W": np.zeros(2, dtype=int)}, {}


class ForgetsAGradient(Affine):
    def backward(self, grad_out):
        grad_in = super().backward(grad_out)
        del self.grads["b"]
        return grad_in


class WrongShapeBackward(Tanh):
    def backward(self, grad_out):
        return grad_out.sum(axis=0)


@pytest.mark.parametrize(
    ("make", "error", "pattern"),
    [
        (lambda rng: NoBackward(), TypeError,
         r"^layer must follow the layer protocol.*NoBackward lacks \['backward'\]"),
        (lambda rng: ListParams(), TypeError,
         r"^layer\.params and layer\.grads must be dicts of arrays; got list and dict"),
        (lambda rng: IntParam(), TypeError,
         r"^layer\.params\['W'\] must be a writeable float ndarray"),
        (lambda rng: ForgetsAGradient(3, 2, rng), ValueError,
         r"^after backward, layer\.grads must have the keys of layer\.params, \['W', 'b'\]; "
         r"got \['W'\]"),
        (lambda rng: WrongShapeBackward(), ValueError,
         r"^the input gradient \(backward\) must have the shape of x, \(4, 3\); got shape \(3,\)"),
    ],
)
def test_bad_layers(make, error, pattern):
    rng = np.random.default_rng(0)
    with pytest.raises(error, match=pattern):
        check_layer(make(rng), rng.standard_normal((4, 3)))


def test_bad_arguments_of_check_layer():
    with pytest.raises(TypeError, match=r"^random_state must be None, an int"):
        check_layer(Tanh(), np.ones(2), random_state="0")
    with pytest.raises(ValueError, match=r"^x must contain only finite values"):
        check_layer(Tanh(), [np.nan])
    with pytest.raises(ValueError, match=r"^eps must be > 0"):
        check_layer(Tanh(), np.ones(2), eps=-1.0)


# ------------------------------------------------------------------ validation helpers used here


def test_check_callable_and_check_vector():
    assert check_callable(len, "f", "f(x)") is len
    with pytest.raises(TypeError, match=r"^f must be a callable f\(x\); got int 3\. Pass a"):
        check_callable(3, "f", "f(x)")
    assert_array_equal(check_vector([1, 2], "w"), [1.0, 2.0])
    with pytest.raises(ValueError, match=r"^w must be a 1-D array .*shape \(\)\. Use np\.atleast"):
        check_vector(1.0, "w")
    with pytest.raises(ValueError, match=r"^w must be a 1-D .*shape \(2, 2\)\. Flatten it with w"):
        check_vector(np.eye(2), "w")
    with pytest.raises(ValueError, match=r"^w must not be empty"):
        check_vector([], "w")
