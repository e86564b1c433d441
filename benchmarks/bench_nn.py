"""Speed of one training epoch of mathbehindml.nn against NumPy, scikit-learn (and PyTorch).

The network of chapter 4 on the digits: 64 inputs, 64 ReLU units, 10 logits, softmax
cross-entropy, plain SGD (learning rate 0.1, no momentum, no weight decay), batches of
32 from a fresh permutation. The implementations:

* ``mathbehindml.nn.train``: one epoch of the package's training loop (input
  validation, the layer protocol, the History record);
* ``NumPy loop``: the same epoch written as a bare NumPy loop, first checked to give the
  same weights as the package from the same start;
* ``scikit-learn partial_fit``: ``MLPClassifier.partial_fit``, which runs one epoch of
  its own SGD loop (same architecture, loss, batch size and learning rate);
* ``PyTorch``: the same loop with ``torch.nn`` in float64, only when PyTorch is installed.

Each implementation is also trained for a few epochs to print its test accuracy, so the
speeds are compared at equal quality. All run in this one process, one after the other.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import report
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier

from mathbehindml.data import StandardScaler, load_digits, train_test_split
from mathbehindml.nn import Dense, ReLU, Sequential, SoftmaxCrossEntropy, train
from mathbehindml.optim import SGD

HIDDEN, BATCH, LR, SEED, EPOCHS_FOR_ACCURACY = 64, 32, 0.1, 0, 20

digits = load_digits()
X_train, X_test, y_train, y_test = train_test_split(
    digits.X, digits.y, test_size=0.25, random_state=0, stratify=digits.y)
scaler = StandardScaler().fit(X_train)
X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
N, D = X_train.shape
K = 10


def package_model() -> Sequential:
    return Sequential(Dense(D, HIDDEN, random_state=SEED), ReLU(),
                      Dense(HIDDEN, K, random_state=SEED + 1))


# ------------------------------------------------------------------ the implementations


def package_epochs(model: Sequential, epochs: int = 1, seed: int = SEED) -> Sequential:
    train(model, X_train, y_train, loss=SoftmaxCrossEntropy(), optimizer=SGD(LR),
          epochs=epochs, batch_size=BATCH, random_state=seed)
    return model


def numpy_epochs(params: dict[str, np.ndarray], epochs: int = 1,
                 seed: int = SEED) -> dict[str, np.ndarray]:
    """The same training as the package, as a bare loop (same permutation stream)."""
    W1, b1, W2, b2 = params["0.W"], params["0.b"], params["2.W"], params["2.b"]
    rng = np.random.default_rng(seed)
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
    return params


def sklearn_model() -> MLPClassifier:
    clf = MLPClassifier(hidden_layer_sizes=(HIDDEN,), activation="relu", solver="sgd",
                        alpha=0.0, momentum=0.0, nesterovs_momentum=False,
                        learning_rate_init=LR, batch_size=BATCH, shuffle=True,
                        random_state=SEED)
    clf.partial_fit(X_train, y_train, classes=np.arange(K))
    return clf


def sklearn_epoch(clf: MLPClassifier) -> MLPClassifier:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return clf.partial_fit(X_train, y_train)


def torch_cases() -> dict[str, object]:
    try:
        import torch
    except ImportError:
        print("PyTorch is not installed: its case is skipped.")
        return {}
    torch.manual_seed(SEED)
    torch.set_num_threads(1)
    net = torch.nn.Sequential(torch.nn.Linear(D, HIDDEN), torch.nn.ReLU(),
                              torch.nn.Linear(HIDDEN, K)).double()
    opt = torch.optim.SGD(net.parameters(), lr=LR)
    loss_fn = torch.nn.CrossEntropyLoss()
    Xt, yt = torch.from_numpy(X_train), torch.from_numpy(y_train)

    def epoch() -> None:
        for idx in torch.randperm(N).split(BATCH):
            opt.zero_grad()
            loss_fn(net(Xt[idx]), yt[idx]).backward()
            opt.step()

    def accuracy() -> float:
        for _ in range(EPOCHS_FOR_ACCURACY - 1):
            epoch()
        with torch.no_grad():
            pred = net(torch.from_numpy(X_test)).argmax(dim=1).numpy()
        return float(np.mean(pred == y_test))

    return {"PyTorch": (epoch, accuracy)}


# ------------------------------------------------------------------ checks, then timings


def check_same_weights() -> None:
    """The NumPy loop is the package's algorithm: same start, same batches, same weights."""
    model = package_model()
    start = {key: p.copy() for key, p in model.params.items()}
    package_epochs(model, epochs=2)
    loop = numpy_epochs(start, epochs=2)
    for key, p in model.params.items():
        np.testing.assert_allclose(p, loop[key], rtol=1e-10, atol=1e-12)


def accuracies(torch_accuracy: object = None) -> dict[str, float]:
    model = package_epochs(package_model(), epochs=EPOCHS_FOR_ACCURACY)
    clf = sklearn_model()
    for _ in range(EPOCHS_FOR_ACCURACY - 1):
        sklearn_epoch(clf)
    out = {
        "mathbehindml.nn": float(np.mean(model.forward(X_test).argmax(axis=1) == y_test)),
        "scikit-learn": float(np.mean(clf.predict(X_test) == y_test)),
    }
    if torch_accuracy is not None:
        out["PyTorch"] = torch_accuracy()
    return out


def main() -> None:
    check_same_weights()
    extra = torch_cases()
    model, clf = package_model(), sklearn_model()
    loop_params = {key: p.copy() for key, p in package_model().params.items()}
    seeds = iter(range(1, 10**6))  # a fresh permutation for every timed epoch
    cases = {
        "mathbehindml.nn.train": lambda: package_epochs(model, seed=next(seeds)),
        "NumPy loop": lambda: numpy_epochs(loop_params, seed=next(seeds)),
        "scikit-learn partial_fit": lambda: sklearn_epoch(clf),
    }
    for name, (epoch, _) in extra.items():
        cases[name] = epoch
    reference = "PyTorch" if "PyTorch" in cases else "scikit-learn partial_fit"
    report(f"One epoch of SGD on digits ({N} images, {D}-{HIDDEN}-{K} ReLU MLP, batch "
           f"{BATCH})", cases, reference=reference)
    accs = accuracies(extra["PyTorch"][1] if extra else None)
    print(f"\nTest accuracy after {EPOCHS_FOR_ACCURACY} epochs ({len(y_test)} images):")
    for name, acc in accs.items():
        print(f"  {name:<24} {acc:.3f}")


if __name__ == "__main__":
    main()
