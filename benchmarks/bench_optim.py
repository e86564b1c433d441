"""Speed of mathbehindml.optim against the same algorithms written as plain NumPy loops.

One epoch of mini-batch SGD and of Adam on a least-squares problem, and 200 steps of
full-batch gradient descent. Both sides use the same batches and compute the same
gradients, so the ratio measures the package's overhead: input validation in
``Optimizer.step``, the per-key state of the optimizers, the bookkeeping of
``gradient_descent`` (path, divergence guard). Each pair is first checked to produce
the same iterates (in the package's process, before timing), and each implementation
runs in a process of its own.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import Benchmark, Prepared, main

from mathbehindml.optim import SGD, Adam, gradient_descent, minibatches

N, D, BATCH, SEED = 20_000, 50, 64, 0
rng = np.random.default_rng(SEED)
X = rng.standard_normal((N, D))
y = X @ rng.standard_normal(D) + 0.1 * rng.standard_normal(N)
L = np.linalg.eigvalsh(X.T @ X / N)[-1]


def batch_grad(w: np.ndarray, idx: np.ndarray) -> np.ndarray:
    Xb = X[idx]
    return Xb.T @ (Xb @ w - y[idx]) / len(idx)


# ------------------------------------------------------------------ one epoch of SGD


def sgd_package() -> np.ndarray:
    w = np.zeros(D)
    params, opt = {"w": w}, SGD(0.5 / L)
    for idx in minibatches(N, BATCH, random_state=SEED):
        opt.step(params, {"w": batch_grad(w, idx)})
    return w


def sgd_numpy() -> np.ndarray:
    w = np.zeros(D)
    order = np.random.default_rng(SEED).permutation(N)
    for start in range(0, N, BATCH):
        w -= 0.5 / L * batch_grad(w, order[start : start + BATCH])
    return w


# ------------------------------------------------------------------ one epoch of Adam


def adam_package() -> np.ndarray:
    w = np.zeros(D)
    params, opt = {"w": w}, Adam(1e-2)
    for idx in minibatches(N, BATCH, random_state=SEED):
        opt.step(params, {"w": batch_grad(w, idx)})
    return w


def adam_numpy() -> np.ndarray:
    w, m, v = np.zeros(D), np.zeros(D), np.zeros(D)
    b1, b2, eta, eps = 0.9, 0.999, 1e-2, 1e-8
    order = np.random.default_rng(SEED).permutation(N)
    for t, start in enumerate(range(0, N, BATCH), start=1):
        g = batch_grad(w, order[start : start + BATCH])
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        w -= eta * (m / (1 - b1**t)) / (np.sqrt(v / (1 - b2**t)) + eps)
    return w


# ------------------------------------------------------------------ full-batch gradient descent


def full_grad(w: np.ndarray) -> np.ndarray:
    return X.T @ (X @ w - y) / N


def gd_package() -> np.ndarray:
    return gradient_descent(full_grad, np.zeros(D), learning_rate=1 / L, max_iter=200,
                            tol=0.0).x


def gd_numpy() -> np.ndarray:
    w = np.zeros(D)
    for _ in range(200):
        w = w - 1 / L * full_grad(w)
    return w


def checked(ours, theirs):
    """Setup for the package's side: refuse to time it unless it matches the loop."""
    def setup() -> Prepared:
        diff = float(np.max(np.abs(ours() - theirs())))
        if diff > 1e-12:
            raise SystemExit(f"{ours.__name__} and {theirs.__name__} disagree by {diff:.1e}")
        return Prepared(ours, {"max |diff| from loop": diff})
    return setup


N_BATCHES = -(-N // BATCH)
BENCHMARKS = [
    Benchmark(f"SGD, one epoch ({N_BATCHES} batches of {BATCH}; n={N}, d={D})",
              "plain NumPy loop",
              {"plain NumPy loop": lambda: sgd_numpy,
               "mathbehindml SGD + minibatches": checked(sgd_package, sgd_numpy)}, repeat=5),
    Benchmark(f"Adam, one epoch ({N_BATCHES} batches of {BATCH}; n={N}, d={D})",
              "plain NumPy loop",
              {"plain NumPy loop": lambda: adam_numpy,
               "mathbehindml Adam + minibatches": checked(adam_package, adam_numpy)}, repeat=5),
    Benchmark(f"Full-batch gradient descent, 200 steps (n={N}, d={D})", "plain NumPy loop",
              {"plain NumPy loop": lambda: gd_numpy,
               "mathbehindml gradient_descent": checked(gd_package, gd_numpy)}, repeat=5),
]


if __name__ == "__main__":
    sys.exit(main(BENCHMARKS))
