"""Tests of mathbehindml.nn.train: scikit-learn as oracle, XOR, reproducibility, History."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.special
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.neural_network import MLPClassifier

from mathbehindml.data import StandardScaler, load_digits, train_test_split
from mathbehindml.nn import (
    Dense,
    History,
    ReLU,
    Sequential,
    Sigmoid,
    SoftmaxCrossEntropy,
    Tanh,
    train,
)
from mathbehindml.optim import SGD, Adam, Momentum

XOR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_Y = np.array([0, 1, 1, 0])


def small_mlp(d=2, h=8, k=2, act=Tanh, seed=0):
    return Sequential(Dense(d, h, init="xavier", random_state=seed), act(),
                      Dense(h, k, init="xavier", random_state=seed + 1))


@pytest.fixture(scope="module")
def digits():
    data = load_digits()
    X_tr, X_te, y_tr, y_te = train_test_split(data.X, data.y, test_size=0.25, random_state=0,
                                              stratify=data.y)
    scaler = StandardScaler().fit(X_tr)
    return scaler.transform(X_tr), scaler.transform(X_te), y_tr, y_te


@pytest.mark.parametrize(("activation", "Act"), [("relu", ReLU), ("tanh", Tanh),
                                                 ("logistic", Sigmoid)])
def test_one_full_batch_step_matches_scikit_learn(activation, Act):
    # scikit-learn's MLPClassifier (softmax output, mean log-loss, alpha = 0, plain SGD) takes
    # the same step from the same weights: its second partial_fit is our one epoch
    rng = np.random.default_rng(0)
    n, d, h, k = 30, 4, 5, 3
    X, y = rng.standard_normal((n, d)), rng.integers(0, k, n)
    clf = MLPClassifier(hidden_layer_sizes=(h,), activation=activation, solver="sgd", alpha=0.0,
                        momentum=0.0, nesterovs_momentum=False, learning_rate_init=0.3,
                        batch_size=n, shuffle=False, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf.partial_fit(X, y, classes=np.arange(k))
    start = [a.copy() for a in (*clf.coefs_, *clf.intercepts_)]
    clf.partial_fit(X, y)
    model = Sequential(Dense(d, h), Act(), Dense(h, k))
    for key, value in zip(["0.W", "2.W", "0.b", "2.b"], start, strict=True):
        model.params[key][...] = value
    history = train(model, X, y, loss=SoftmaxCrossEntropy(), optimizer=SGD(0.3), epochs=1,
                    batch_size=n, random_state=0)
    assert history.train_loss[0] == pytest.approx(clf.loss_curve_[-1], rel=1e-12)
    for key, value in zip(["0.W", "2.W", "0.b", "2.b"], (*clf.coefs_, *clf.intercepts_),
                          strict=True):
        assert_allclose(model.params[key], value, rtol=1e-12, atol=1e-14)


def test_history_records_what_its_docstring_says():
    rng = np.random.default_rng(1)
    X, y = rng.standard_normal((12, 3)), rng.integers(0, 3, 12)
    X_val, y_val = rng.standard_normal((5, 3)), rng.integers(0, 3, 5)
    model = small_mlp(3, 4, 3, seed=2)
    P = {key: p.copy() for key, p in model.params.items()}

    def logits(P, X):
        return np.tanh(X @ P["0.W"] + P["0.b"]) @ P["2.W"] + P["2.b"]

    def ce(Z, y):
        return np.mean(scipy.special.logsumexp(Z, axis=1) - Z[np.arange(len(y)), y])

    history = train(model, X, y, loss=SoftmaxCrossEntropy(), optimizer=SGD(0.1), epochs=1,
                    batch_size=12, validation=(X_val, y_val))
    # one full batch: the training record is the initial model, the validation one the final
    assert history.train_loss == [pytest.approx(ce(logits(P, X), y), rel=1e-13)]
    assert history.train_accuracy == [np.mean(logits(P, X).argmax(1) == y)]
    Q = model.params
    assert history.val_loss == [pytest.approx(ce(logits(Q, X_val), y_val), rel=1e-13)]
    assert history.val_accuracy == [np.mean(logits(Q, X_val).argmax(1) == y_val)]


def test_xor_reaches_zero_training_error():
    model = small_mlp(seed=0)
    history = train(model, XOR_X, XOR_Y, loss=SoftmaxCrossEntropy(), optimizer=SGD(0.5),
                    epochs=600, batch_size=2, random_state=0)
    assert_array_equal(model.forward(XOR_X).argmax(axis=1), XOR_Y)
    assert history.train_accuracy[-1] == 1.0
    assert history.train_loss[-1] < 0.05 < history.train_loss[0]


def test_a_linear_model_cannot_learn_xor():
    # no hidden layer: at most 3 of the 4 points can be right (XOR is not linearly separable)
    model = Sequential(Dense(2, 2, random_state=0))
    train(model, XOR_X, XOR_Y, loss=SoftmaxCrossEntropy(), optimizer=Adam(0.05), epochs=500,
          batch_size=4, random_state=0)
    assert np.sum(model.forward(XOR_X).argmax(axis=1) == XOR_Y) <= 3


def test_digits_loss_decreases_and_accuracy_is_high(digits):
    X_tr, X_te, y_tr, y_te = digits
    model = Sequential(Dense(64, 32, random_state=0), ReLU(), Dense(32, 10, random_state=1))
    history = train(model, X_tr, y_tr, loss=SoftmaxCrossEntropy(), optimizer=SGD(0.1),
                    epochs=8, batch_size=32, random_state=0, validation=(X_te, y_te))
    losses = np.array(history.train_loss)
    assert np.all(np.diff(losses) < 0)
    assert losses[-1] < 0.2 * losses[0]
    assert history.val_accuracy[-1] > 0.93
    assert len(history.train_accuracy) == len(history.val_loss) == 8


def test_training_is_reproducible_bit_for_bit(digits):
    X_tr, _, y_tr, _ = digits

    def run(seed):
        model = Sequential(Dense(64, 16, random_state=3), ReLU(), Dense(16, 10, random_state=4))
        history = train(model, X_tr[:300], y_tr[:300], loss=SoftmaxCrossEntropy(),
                        optimizer=Adam(0.01), epochs=3, batch_size=32, random_state=seed)
        return model, history

    (m1, h1), (m2, h2), (m3, _) = run(5), run(5), run(6)
    assert h1 == h2
    for key in m1.params:
        assert_array_equal(m1.params[key], m2.params[key])
    assert not np.array_equal(m1.params["0.W"], m3.params["0.W"])


def test_verbose_prints_one_line_per_epoch(capsys):
    train(small_mlp(), XOR_X, XOR_Y, loss=SoftmaxCrossEntropy(), optimizer=SGD(0.1), epochs=3,
          batch_size=4, validation=(XOR_X, XOR_Y), verbose=True)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3 and lines[0].startswith("epoch 1/3: loss ")
    assert "val_accuracy" in lines[-1]
    train(small_mlp(), XOR_X, XOR_Y, loss=SoftmaxCrossEntropy(), optimizer=SGD(0.1), epochs=2,
          batch_size=4)
    assert capsys.readouterr().out == ""
    assert History().val_loss == []


def call(**overrides):
    args = {"model": small_mlp(), "X": XOR_X, "y": XOR_Y, "loss": SoftmaxCrossEntropy(),
            "optimizer": SGD(0.1), "epochs": 1, "batch_size": 2}
    args.update(overrides)
    model, X, y = args.pop("model"), args.pop("X"), args.pop("y")
    return train(model, X, y, **args)


@pytest.mark.parametrize(("overrides", "error", "match"), [
    ({"epochs": 0}, ValueError, "epochs must be >= 1; got 0"),
    ({"epochs": 2.0}, TypeError, "epochs must be an integer"),
    ({"batch_size": 0}, ValueError, "batch_size must be >= 1; got 0"),
    ({"batch_size": True}, TypeError, "batch_size must be an integer"),
    ({"y": np.array([0, 1, 2, 0])}, ValueError, r"y must hold class indices 0..1"),
    ({"y": np.array([0, -1, 1, 0])}, ValueError, "y must hold non-negative integer class"),
    ({"y": np.array([0, 1, 1])}, ValueError, "X and y must have the same number of samples"),
    ({"X": np.ones(4)}, ValueError, r"X must be 2-D"),
    ({"X": np.ones((4, 3))}, ValueError, r"in layer 0 \(Dense\(2, 8\)\) .*x has 3 features"),
    ({"model": ReLU}, TypeError, "model must be a layer instance"),
    ({"model": "mlp"}, TypeError, "model must follow the layer protocol"),
    ({"loss": None}, TypeError, r"loss must have forward\(logits, y\)"),
    ({"optimizer": 0.1}, TypeError, r"optimizer must have step\(params, grads\)"),
    ({"validation": XOR_X}, TypeError, r"validation must be None or a pair \(X_val, y_val\)"),
    ({"validation": (XOR_X, XOR_Y[:3])}, ValueError, "X_val and y_val must have the same"),
    ({"validation": (XOR_X, XOR_Y + 5)}, ValueError,
     r"validation=\(X_val, y_val\) does not fit the model: y must hold class indices 0..1"),
    ({"verbose": "no"}, TypeError, "verbose must be True or False"),
    ({"random_state": -1}, ValueError, "random_state must be a non-negative int"),
])
def test_train_rejects_bad_input(overrides, error, match):
    with pytest.raises(error, match=match):
        call(**overrides)


def test_divergence_is_reported_with_the_fix():
    X = np.random.default_rng(0).standard_normal((64, 2)) * 100
    y = (X[:, 0] > 0).astype(int)
    with np.errstate(all="ignore"), pytest.raises(ValueError, match="diverged"):
        call(model=small_mlp(act=ReLU), X=X, y=y, optimizer=SGD(1e12), epochs=20, batch_size=8)


def test_non_finite_logits_are_reported_as_divergence():
    model = Sequential(Dense(2, 2, random_state=0))
    model.params["0.W"][...] = 1e308  # the forward pass overflows to inf
    with np.errstate(over="ignore", invalid="ignore"), \
            pytest.raises(ValueError, match=r"training diverged in epoch 1: the model's output "
                                            r"is not finite. Lower the optimizer's learning rate"):
        train(model, XOR_X + 1, XOR_Y, loss=SoftmaxCrossEntropy(), optimizer=SGD(0.1),
              epochs=1, batch_size=4)


@pytest.mark.parametrize("make_optimizer", [lambda: SGD(0.1), lambda: Momentum(0.05),
                                            lambda: Adam(0.01)])
def test_train_equals_the_loop_of_public_checked_calls(digits, make_optimizer):
    # train validates once and then runs the layers unchecked; the oracle is the plain
    # loop of the documented public calls, with the same batches
    from mathbehindml.optim import minibatches

    X_tr, _, y_tr, _ = digits
    model, reference = (Sequential(Dense(64, 16, random_state=0), ReLU(),
                                   Dense(16, 10, random_state=1)) for _ in range(2))
    train(model, X_tr, y_tr, loss=SoftmaxCrossEntropy(), optimizer=make_optimizer(), epochs=2,
          batch_size=32, random_state=5)
    loss, opt, rng = SoftmaxCrossEntropy(), make_optimizer(), np.random.default_rng(5)
    for _ in range(2):
        for idx in minibatches(len(y_tr), 32, random_state=rng):
            loss.forward(reference.forward(X_tr[idx]), y_tr[idx])
            reference.backward(loss.backward())
            opt.step(reference.params, reference.grads)
    for key, p in model.params.items():
        assert_array_equal(p, reference.params[key])


@pytest.mark.parametrize("seed", range(4))
def test_a_bad_label_in_any_batch_is_reported_before_training(seed):
    model = small_mlp()
    before = {key: p.copy() for key, p in model.params.items()}
    y = np.array([0, 1, 1, 0, 0, 1, 1, 2])  # class 2 does not exist: the model has 2 outputs
    X = np.vstack([XOR_X, XOR_X])
    with pytest.raises(ValueError, match=r"y must hold class indices 0..1"):
        train(model, X, y, loss=SoftmaxCrossEntropy(), optimizer=SGD(0.1), epochs=1,
              batch_size=1, random_state=seed)
    for key, p in model.params.items():  # checked on the first batch, before any step
        assert_array_equal(p, before[key])


def test_one_epoch_matches_pytorch_float64(digits):
    torch = pytest.importorskip("torch", reason="PyTorch is not installed; NumPy oracles suffice")
    from mathbehindml.optim import minibatches

    X_tr, _, y_tr, _ = digits
    model = Sequential(Dense(64, 32, random_state=0), ReLU(), Dense(32, 10, random_state=1))
    lin1, lin2 = (torch.nn.Linear(a, b).double() for a, b in ((64, 32), (32, 10)))
    with torch.no_grad():
        for lin, key in ((lin1, "0"), (lin2, "2")):
            lin.weight.copy_(torch.from_numpy(model.params[f"{key}.W"].T.copy()))
            lin.bias.copy_(torch.from_numpy(model.params[f"{key}.b"]))
    net = torch.nn.Sequential(lin1, torch.nn.ReLU(), lin2)
    opt = torch.optim.SGD(net.parameters(), lr=0.1)
    Xt, yt = torch.from_numpy(X_tr), torch.from_numpy(y_tr)
    for idx in minibatches(len(y_tr), 32, random_state=np.random.default_rng(3)):
        opt.zero_grad()
        torch.nn.functional.cross_entropy(net(Xt[idx]), yt[idx]).backward()
        opt.step()
    train(model, X_tr, y_tr, loss=SoftmaxCrossEntropy(), optimizer=SGD(0.1), epochs=1,
          batch_size=32, random_state=3)
    for lin, key in ((lin1, "0"), (lin2, "2")):
        assert_allclose(model.params[f"{key}.W"], lin.weight.detach().numpy().T, rtol=1e-9,
                        atol=1e-12)
        assert_allclose(model.params[f"{key}.b"], lin.bias.detach().numpy(), rtol=1e-9,
                        atol=1e-12)
