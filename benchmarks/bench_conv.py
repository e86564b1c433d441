"""Convolution and pooling: mathbehindml against PyTorch CPU float64, each in its own process.

Cases (issue 7), all forward+backward with a random upstream gradient:

* ``Conv2D`` with stride 1 and same padding on 64x1x8x8 -> 16 channels (3x3),
  64x16x28x28 -> 32 (3x3) and 64x3x32x32 -> 32 (5x5), against
  ``torch.nn.functional.conv2d`` with autograd;
* ``MaxPool2D(2)`` on the outputs of those layers (64x16x8x8, 64x32x28x28,
  64x32x32x32), against ``torch.nn.functional.max_pool2d``;
* one training epoch of the chapter's two-layer CNN on the digits (1347 images,
  mini-batches of 32, Adam with learning rate 0.003), against the same network in
  PyTorch. Each setup first trains a fresh copy of its network for 20 epochs and prints
  its test accuracy beside the time (issue 7 asks for at least 0.98).

Before anything is timed, each implementation's forward and backward pass is checked, in
its own process, against an independent oracle: SciPy's ``correlate2d`` / ``convolve2d``
for the convolution (on the first two images of the batch) and a NumPy reshape into
non-overlapping 2x2 blocks for the pooling. A disagreement stops the child ("FAILED").

Every benchmark runs twice: with one thread for every library (``threadpoolctl`` for
NumPy's BLAS, ``torch.set_num_threads(1)``), the arithmetic compared on equal terms, and
with each library's default threads. Issue 7's targets: convolution within 1.5x of
PyTorch, pooling within 2x, the CNN epoch within 1.2x. PyTorch is optional: without it
its rows say "skipped" (``pip install torch`` adds them).

Run with ``python benchmarks/bench_conv.py`` or ``python benchmarks/run.py conv``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import Benchmark, Prepared, Unavailable, main

CONV_CASES = [((64, 1, 8, 8), 16, 3), ((64, 16, 28, 28), 32, 3), ((64, 3, 32, 32), 32, 5)]
EPOCHS_FOR_ACCURACY, BATCH, LR = 20, 32, 0.003


# ------------------------------------------------------------------ shared set-up


def limit_threads(threads: int | None) -> None:
    """One thread for NumPy's BLAS (and PyTorch, if loaded later), or the defaults."""
    if threads is not None:
        from threadpoolctl import threadpool_limits

        threadpool_limits(threads)  # for the rest of this child process


def torch_or_unavailable(threads: int | None):
    try:
        import torch
    except ImportError as exc:
        raise Unavailable("PyTorch is not installed (pip install torch)") from exc
    if threads is not None:
        torch.set_num_threads(threads)
    return torch


def conv_problem(shape, c_out, k, seed=0):
    """Input, weights, bias and upstream gradient of one convolution case."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(shape)
    w = rng.standard_normal((c_out, shape[1], k, k)) * np.sqrt(2.0 / (shape[1] * k * k))
    b = rng.standard_normal(c_out)
    g = rng.standard_normal((shape[0], c_out, shape[2], shape[3]))
    return x, w, b, g


def scipy_conv(x, w, b, g, p):
    """Forward, input gradient and weight gradient by SciPy, one call per channel pair."""
    import scipy.signal

    xp = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
    n, c = x.shape[:2]
    y = np.array([[b[o] + sum(scipy.signal.correlate2d(xp[i, ch], w[o, ch], mode="valid")
                              for ch in range(c)) for o in range(w.shape[0])] for i in range(n)])
    gxp = np.array([[sum(scipy.signal.convolve2d(g[i, o], w[o, ch], mode="full")
                         for o in range(w.shape[0])) for ch in range(c)] for i in range(n)])
    gw = np.array([[sum(scipy.signal.correlate2d(xp[i, ch], g[i, o], mode="valid")
                        for i in range(n)) for ch in range(c)] for o in range(w.shape[0])])
    h, wd = x.shape[2:]
    return y, gxp[:, :, p : p + h, p : p + wd], gw


def check(name: str, ours, oracle, rtol: float = 1e-10) -> float:
    """Largest difference relative to the oracle's scale; stop the child if too large."""
    err = float(np.max(np.abs(np.asarray(ours) - oracle)) / max(np.max(np.abs(oracle)), 1e-300))
    if err > rtol:
        raise SystemExit(f"{name} differs from the oracle by {err:.1e}; not timing it")
    return err


def pool_oracle(y, g):
    """Non-overlapping 2x2 max pooling by a reshape; backward by the first arg-max."""
    n, c, h, w = y.shape
    flat = y.reshape(n, c, h // 2, 2, w // 2, 2).transpose(0, 1, 2, 4, 3, 5).reshape(
        n, c, h // 2, w // 2, 4)
    arg = flat.argmax(axis=-1)
    grad = np.zeros_like(flat)
    np.put_along_axis(grad, arg[..., None], g[..., None], axis=-1)
    grad = grad.reshape(n, c, h // 2, w // 2, 2, 2).transpose(0, 1, 2, 4, 3, 5)
    return flat.max(axis=-1), grad.reshape(y.shape)


# ------------------------------------------------------------------ convolution


def conv_ours(shape, c_out, k, threads):
    def setup() -> Prepared:
        limit_threads(threads)
        from mathbehindml.nn import Conv2D

        x, w, b, g = conv_problem(shape, c_out, k)
        layer = Conv2D(shape[1], c_out, k, padding=k // 2)
        layer.params["W"][...], layer.params["b"][...] = w, b
        sub = Conv2D(shape[1], c_out, k, padding=k // 2)
        sub.params["W"][...], sub.params["b"][...] = w, b
        y = sub.forward(x[:2])
        gx = sub.backward(g[:2])
        oy, ogx, ogw = scipy_conv(x[:2], w, b, g[:2], k // 2)
        err = max(check("forward", y, oy), check("input gradient", gx, ogx),
                  check("weight gradient", sub.grads["W"], ogw))

        def run():
            layer.forward(x)
            layer.backward(g)
        return Prepared(run, {"max rel. error vs SciPy": err})
    return setup


def conv_torch(shape, c_out, k, threads):
    def setup() -> Prepared:
        limit_threads(threads)
        torch = torch_or_unavailable(threads)
        x, w, b, g = conv_problem(shape, c_out, k)
        tx, tw, tb = (torch.tensor(a, requires_grad=True) for a in (x, w, b))
        tg = torch.tensor(g)
        p = k // 2
        sx = torch.tensor(x[:2], requires_grad=True)
        sw = torch.tensor(w, requires_grad=True)
        sy = torch.nn.functional.conv2d(sx, sw, tb.detach(), padding=p)
        sy.backward(tg[:2])
        oy, ogx, ogw = scipy_conv(x[:2], w, b, g[:2], p)
        err = max(check("forward", sy.detach().numpy(), oy),
                  check("input gradient", sx.grad.numpy(), ogx),
                  check("weight gradient", sw.grad.numpy(), ogw))

        def run():
            for t in (tx, tw, tb):
                t.grad = None
            torch.nn.functional.conv2d(tx, tw, tb, padding=p).backward(tg)
        return Prepared(run, {"max rel. error vs SciPy": err})
    return setup


# ------------------------------------------------------------------ pooling


def pool_problem(shape, seed=1):
    rng = np.random.default_rng(seed)
    y = rng.standard_normal(shape)
    g = rng.standard_normal((shape[0], shape[1], shape[2] // 2, shape[3] // 2))
    return y, g


def pool_ours(shape, threads):
    def setup() -> Prepared:
        limit_threads(threads)
        from mathbehindml.nn import MaxPool2D

        y, g = pool_problem(shape)
        layer = MaxPool2D(2)
        out, grad = layer.forward(y), layer.backward(g)
        o_out, o_grad = pool_oracle(y, g)
        err = max(check("forward", out, o_out, 0.0), check("backward", grad, o_grad, 0.0))

        def run():
            layer.forward(y)
            layer.backward(g)
        return Prepared(run, {"max rel. error vs reshape": err})
    return setup


def pool_torch(shape, threads):
    def setup() -> Prepared:
        limit_threads(threads)
        torch = torch_or_unavailable(threads)
        y, g = pool_problem(shape)
        ty, tg = torch.tensor(y, requires_grad=True), torch.tensor(g)
        out = torch.nn.functional.max_pool2d(ty, 2)
        out.backward(tg)
        o_out, o_grad = pool_oracle(y, g)
        err = max(check("forward", out.detach().numpy(), o_out, 0.0),
                  check("backward", ty.grad.numpy(), o_grad, 0.0))

        def run():
            ty.grad = None
            torch.nn.functional.max_pool2d(ty, 2).backward(tg)
        return Prepared(run, {"max rel. error vs reshape": err})
    return setup


# ------------------------------------------------------------------ the digits CNN


def digits_split():
    from mathbehindml.data import load_digits, train_test_split

    digits = load_digits()
    return train_test_split(digits.X / 16.0, digits.y, test_size=0.25, random_state=0,
                            stratify=digits.y)


def cnn_ours(threads):
    def setup() -> Prepared:
        limit_threads(threads)
        from mathbehindml.metrics import accuracy_score
        from mathbehindml.nn import (
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
        from mathbehindml.optim import Adam

        X_train, X_test, y_train, y_test = digits_split()

        def make():
            return Sequential(
                Reshape((1, 8, 8)), Conv2D(1, 8, 3, padding=1, random_state=0), ReLU(),
                Conv2D(8, 16, 3, padding=1, random_state=2), ReLU(), MaxPool2D(2), Flatten(),
                Dense(256, 10, random_state=1))

        def fit(model, epochs, seed=0):
            return train(model, X_train, y_train, loss=SoftmaxCrossEntropy(),
                         optimizer=Adam(LR), epochs=epochs, batch_size=BATCH, random_state=seed)

        trained = make()
        fit(trained, EPOCHS_FOR_ACCURACY)
        acc = accuracy_score(y_test, trained.forward(X_test, training=False).argmax(axis=1))
        model = make()
        return Prepared(lambda: fit(model, 1), {
            f"test accuracy after {EPOCHS_FOR_ACCURACY} epochs": float(acc)})
    return setup


def cnn_torch(threads):
    def setup() -> Prepared:
        limit_threads(threads)
        torch = torch_or_unavailable(threads)
        X_train, X_test, y_train, y_test = digits_split()
        tX, ty = torch.tensor(X_train).reshape(-1, 1, 8, 8), torch.tensor(y_train)
        tX_test = torch.tensor(X_test).reshape(-1, 1, 8, 8)
        torch.manual_seed(0)

        def make():
            net = torch.nn.Sequential(
                torch.nn.Conv2d(1, 8, 3, padding=1), torch.nn.ReLU(),
                torch.nn.Conv2d(8, 16, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
                torch.nn.Flatten(), torch.nn.Linear(256, 10)).double()
            return net, torch.optim.Adam(net.parameters(), lr=LR)

        generator = torch.Generator().manual_seed(0)

        def epoch(net, opt):
            for idx in torch.randperm(len(ty), generator=generator).split(BATCH):
                opt.zero_grad()
                torch.nn.functional.cross_entropy(net(tX[idx]), ty[idx]).backward()
                opt.step()

        net, opt = make()
        for _ in range(EPOCHS_FOR_ACCURACY):
            epoch(net, opt)
        with torch.no_grad():
            acc = float((net(tX_test).argmax(dim=1).numpy() == y_test).mean())
        net, opt = make()
        return Prepared(lambda: epoch(net, opt), {
            f"test accuracy after {EPOCHS_FOR_ACCURACY} epochs": acc})
    return setup


# ------------------------------------------------------------------ the benchmarks


def both(ours: Callable, theirs: Callable) -> dict[str, Callable]:
    return {"mathbehindml": ours, "PyTorch CPU float64": theirs}


BENCHMARKS = []
for label, threads in [("one thread", 1), ("default threads", None)]:
    for shape, c_out, k in CONV_CASES:
        BENCHMARKS.append(Benchmark(
            f"Conv2D forward+backward, x {shape} -> {c_out} channels, {k}x{k}, same padding, "
            f"{label} (target <= 1.5x)", "PyTorch CPU float64",
            both(conv_ours(shape, c_out, k, threads), conv_torch(shape, c_out, k, threads)),
            repeat=5))
    for shape, c_out, _ in CONV_CASES:
        pooled = (shape[0], c_out, shape[2], shape[3])
        BENCHMARKS.append(Benchmark(
            f"MaxPool2D(2) forward+backward, x {pooled}, {label} (target <= 2x)",
            "PyTorch CPU float64", both(pool_ours(pooled, threads), pool_torch(pooled, threads)),
            repeat=5))
    BENCHMARKS.append(Benchmark(
        f"One epoch of the chapter's CNN on the digits (1347 images, batch {BATCH}, Adam), "
        f"{label} (target <= 1.2x, accuracy >= 0.98)", "PyTorch CPU float64",
        both(cnn_ours(threads), cnn_torch(threads)), repeat=5))


if __name__ == "__main__":
    sys.exit(main(BENCHMARKS))
