"""Time of one training epoch of mathbehindml.nn against NumPy, scikit-learn and PyTorch.

The network of chapter 4 on the digits: 64 inputs, 64 ReLU units, 10 logits, softmax
cross-entropy, plain SGD (learning rate 0.1, no momentum, no weight decay), batches of
32 from a fresh permutation every epoch. The pixels are centred with the training
set's per-pixel means and divided by one common standard deviation (as in chapter 4;
per-pixel scaling would blow up the border pixels that are almost always 0). The
implementations, each measured in a process of its own (``harness.main``):

* ``mathbehindml.nn.train``: one epoch of the package's training loop (its inputs
  validated once per call, the layer protocol, the History record);
* ``NumPy loop``: the same epoch as a bare NumPy loop, first checked to give the same
  weights as the package from the same start and the same batches;
* ``scikit-learn partial_fit``: ``MLPClassifier.partial_fit``, one epoch of its own SGD
  loop (same architecture, loss, batch size and learning rate, ``alpha=0``);
* ``PyTorch ...``: the same loop with ``torch.nn``, from the package's initial weights,
  in float64 and float32, with one thread (``torch.set_num_threads(1)``) and with
  PyTorch's default number of threads; skipped when PyTorch is not installed.

Before it is timed, every implementation trains its network for ``EPOCHS_FOR_ACCURACY``
epochs (in the setup, not timed) and prints its test accuracy beside its time, so the
speeds are compared at equal quality. Issue 6's target: at most 0.3x PyTorch's time
per epoch.

The ``NumPy loop`` row bounds what the package can reach: ``train`` runs the same
arithmetic through the layer protocol and, per batch, also computes what the loop
skips: the loss value and the accuracy recorded in ``History``, and the finiteness
check of the logits that reports divergence. Read the package's ratio next to the
loop's; on a loaded machine PyTorch's time, and so every ratio, varies from run to run.
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import Benchmark, Prepared, Unavailable, main

HIDDEN, BATCH, LR, SEED, EPOCHS_FOR_ACCURACY, K = 64, 32, 0.1, 0, 100, 10


def data() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    from mathbehindml.data import load_digits, train_test_split

    digits = load_digits()
    X_train, X_test, y_train, y_test = train_test_split(
        digits.X, digits.y, test_size=0.25, random_state=0, stratify=digits.y)
    mean, scale = X_train.mean(axis=0), X_train.std()
    return (X_train - mean) / scale, (X_test - mean) / scale, y_train, y_test


def package_model():
    from mathbehindml.nn import Dense, ReLU, Sequential

    return Sequential(Dense(64, HIDDEN, random_state=SEED), ReLU(),
                      Dense(HIDDEN, K, random_state=SEED + 1))


def accuracy(predicted: np.ndarray, y_test: np.ndarray) -> float:
    return float(np.mean(predicted == y_test))


# ------------------------------------------------------------------ the implementations


def setup_package() -> Prepared:
    from mathbehindml.nn import SoftmaxCrossEntropy, train
    from mathbehindml.optim import SGD

    X_train, X_test, y_train, y_test = data()
    model, rng = package_model(), np.random.default_rng(SEED)

    def epochs(n: int = 1) -> None:
        train(model, X_train, y_train, loss=SoftmaxCrossEntropy(), optimizer=SGD(LR),
              epochs=n, batch_size=BATCH, random_state=rng)

    epochs(EPOCHS_FOR_ACCURACY)
    acc = accuracy(model.forward(X_test, training=False).argmax(axis=1), y_test)
    return Prepared(epochs, {"test accuracy": acc})


def numpy_epochs(X_train, y_train, params, rng, epochs=1) -> None:
    """The package's algorithm as a bare loop (same permutation stream), in place."""
    W1, b1, W2, b2 = params["0.W"], params["0.b"], params["2.W"], params["2.b"]
    N = len(y_train)
    for _ in range(epochs):
        order = rng.permutation(N)
        for start in range(0, N, BATCH):
            idx = order[start : start + BATCH]
            X, y = X_train[idx], y_train[idx]
            Z1 = X @ W1 + b1
            A1 = np.maximum(Z1, 0.0)
            Z2 = A1 @ W2 + b2
            P = np.exp(Z2 - Z2.max(axis=1, keepdims=True))
            P /= P.sum(axis=1, keepdims=True)
            P[np.arange(len(idx)), y] -= 1.0
            D2 = P / len(idx)
            D1 = (D2 @ W2.T) * (Z1 > 0)
            W2 -= LR * (A1.T @ D2)
            b2 -= LR * D2.sum(axis=0)
            W1 -= LR * (X.T @ D1)
            b1 -= LR * D1.sum(axis=0)


def setup_numpy() -> Prepared:
    from mathbehindml.nn import SoftmaxCrossEntropy, train
    from mathbehindml.optim import SGD

    X_train, X_test, y_train, y_test = data()
    # the loop is the package's algorithm: same start, same batches, same weights
    model = package_model()
    params = {key: p.copy() for key, p in model.params.items()}
    train(model, X_train, y_train, loss=SoftmaxCrossEntropy(), optimizer=SGD(LR), epochs=2,
          batch_size=BATCH, random_state=np.random.default_rng(SEED))
    numpy_epochs(X_train, y_train, params, np.random.default_rng(SEED), epochs=2)
    diff = max(float(np.max(np.abs(p - params[key]))) for key, p in model.params.items())
    if diff > 1e-10:
        raise SystemExit(f"the NumPy loop differs from the package by {diff:.1e}")

    params = {key: p.copy() for key, p in package_model().params.items()}
    rng = np.random.default_rng(SEED)
    numpy_epochs(X_train, y_train, params, rng, epochs=EPOCHS_FOR_ACCURACY)
    hidden = np.maximum(X_test @ params["0.W"] + params["0.b"], 0)
    acc = accuracy((hidden @ params["2.W"] + params["2.b"]).argmax(axis=1), y_test)
    return Prepared(lambda: numpy_epochs(X_train, y_train, params, rng),
                    {"test accuracy": acc, "max |weights - package| after 2 epochs": diff})


def setup_sklearn() -> Prepared:
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    X_train, X_test, y_train, y_test = data()
    clf = MLPClassifier(hidden_layer_sizes=(HIDDEN,), activation="relu", solver="sgd",
                        alpha=0.0, momentum=0.0, nesterovs_momentum=False,
                        learning_rate="constant", learning_rate_init=LR, batch_size=BATCH,
                        shuffle=True, random_state=SEED)

    def epoch() -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            clf.partial_fit(X_train, y_train, classes=np.arange(K))

    for _ in range(EPOCHS_FOR_ACCURACY):
        epoch()
    return Prepared(epoch, {"test accuracy": accuracy(clf.predict(X_test), y_test)})


def setup_torch(dtype_name: str, threads: int | None) -> Callable[[], Prepared]:
    def prepare() -> Prepared:
        try:
            import torch
        except ImportError as exc:
            raise Unavailable("PyTorch is not installed") from exc
        if threads is not None:
            torch.set_num_threads(threads)
        dtype = getattr(torch, dtype_name)
        X_train, X_test, y_train, y_test = data()
        torch.manual_seed(SEED)
        net = torch.nn.Sequential(torch.nn.Linear(64, HIDDEN), torch.nn.ReLU(),
                                  torch.nn.Linear(HIDDEN, K)).to(dtype)
        start = package_model().params  # the same (He) initial weights as the package
        with torch.no_grad():
            for lin, key in ((net[0], "0"), (net[2], "2")):
                lin.weight.copy_(torch.from_numpy(start[f"{key}.W"].T.copy()))
                lin.bias.copy_(torch.from_numpy(start[f"{key}.b"]))
        opt = torch.optim.SGD(net.parameters(), lr=LR)
        loss_fn = torch.nn.CrossEntropyLoss()
        Xt, yt = torch.from_numpy(X_train).to(dtype), torch.from_numpy(y_train)

        def epoch() -> None:
            for idx in torch.randperm(len(yt)).split(BATCH):
                opt.zero_grad()
                loss_fn(net(Xt[idx]), yt[idx]).backward()
                opt.step()

        for _ in range(EPOCHS_FOR_ACCURACY):
            epoch()
        with torch.no_grad():
            pred = net(torch.from_numpy(X_test).to(dtype)).argmax(dim=1).numpy()
        return Prepared(epoch, {"test accuracy": accuracy(pred, y_test),
                                "threads": torch.get_num_threads()})
    return prepare


IMPLEMENTATIONS = {
    "mathbehindml.nn.train": setup_package,
    "NumPy loop": setup_numpy,
    "scikit-learn partial_fit": setup_sklearn,
    "PyTorch float64, 1 thread": setup_torch("float64", 1),
    "PyTorch float64, default threads": setup_torch("float64", None),
    "PyTorch float32, 1 thread": setup_torch("float32", 1),
    "PyTorch float32, default threads": setup_torch("float32", None),
}

BENCHMARKS = [
    Benchmark(f"One epoch of SGD on digits (1347 images, 64-{HIDDEN}-{K} ReLU MLP, batch "
              f"{BATCH}, lr {LR}); test accuracy after {EPOCHS_FOR_ACCURACY} epochs",
              "PyTorch float64, 1 thread", IMPLEMENTATIONS, repeat=7),
]


if __name__ == "__main__":
    sys.exit(main(BENCHMARKS))
