"""Convolution and pooling: mathbehindml against the loops, SciPy and (if installed) PyTorch.

Cases (issue 7): forward+backward of ``Conv2D`` on 64x1x8x8 -> 16 channels (3x3),
64x16x28x28 -> 32 (3x3) and 64x3x32x32 -> 32 (5x5), all with stride 1 and same
padding; ``MaxPool2D(2)`` forward+backward on the outputs of those layers; and one
training epoch of the chapter's two-layer CNN on the digits. References:

* ``conv2d_naive``, the loop definition (forward only, and only on the smallest case:
  on the others one call takes minutes);
* SciPy: ``scipy.signal.correlate2d`` for the forward pass and the weight gradient and
  ``convolve2d`` (full) for the input gradient, one call per (image, channel) pair;
* for pooling, a NumPy reshape into non-overlapping 2x2 blocks (``max`` forward,
  ``argmax`` backward);
* PyTorch CPU float64 (``torch.nn.functional.conv2d`` / ``max_pool2d`` with autograd),
  only when ``torch`` is importable, timed in a process of its own.

Issue 7's targets: convolution within 1.5x of PyTorch, pooling within 2x, the digits
CNN epoch within 1.2x and test accuracy >= 0.98 (the chapter reports the accuracy).
Every implementation is checked against ours before it is timed.

Run with ``make bench`` or ``python benchmarks/run.py conv``. BLAS threads matter on a
busy machine: compare with ``OPENBLAS_NUM_THREADS=1``.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import scipy.signal

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import report

from mathbehindml.data import load_digits, train_test_split
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
from mathbehindml.nn.conv import conv2d, conv2d_naive
from mathbehindml.optim import Adam

CASES = [((64, 1, 8, 8), 16, 3), ((64, 16, 28, 28), 32, 3), ((64, 3, 32, 32), 32, 5)]


def problem(shape, c_out, k, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(shape)
    layer = Conv2D(shape[1], c_out, k, padding=k // 2, random_state=seed)
    g = rng.standard_normal((shape[0], c_out, shape[2], shape[3]))
    return x, layer, g


def scipy_forward(x, w, p):
    xp = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
    return np.array([[sum(scipy.signal.correlate2d(xp[n, c], w[o, c], mode="valid")
                          for c in range(x.shape[1])) for o in range(w.shape[0])]
                     for n in range(x.shape[0])])


def scipy_backward(g, x, w, p):
    """Input gradient: full convolution of g with the kernel; weight gradient: correlation."""
    xp = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
    gxp = np.array([[sum(scipy.signal.convolve2d(g[n, o], w[o, c], mode="full")
                         for o in range(w.shape[0])) for c in range(x.shape[1])]
                    for n in range(x.shape[0])])
    gw = np.array([[sum(scipy.signal.correlate2d(xp[n, c], g[n, o], mode="valid")
                        for n in range(x.shape[0])) for c in range(x.shape[1])]
                   for o in range(w.shape[0])])
    h, wd = x.shape[2:]
    return gxp[:, :, p : p + h, p : p + wd], gw


def pool_reference(x):
    """Non-overlapping 2x2 max pooling by a reshape, and its backward pass by argmax."""
    n, c, h, w = x.shape
    blocks = x.reshape(n, c, h // 2, 2, w // 2, 2).transpose(0, 1, 2, 4, 3, 5)
    flat = blocks.reshape(n, c, h // 2, w // 2, 4)
    return flat.max(axis=-1), flat.argmax(axis=-1)


def pool_reference_backward(g, arg, shape):
    n, c, h, w = shape
    flat = np.zeros((n, c, h // 2, w // 2, 4))
    np.put_along_axis(flat, arg[..., None], g[..., None], axis=-1)
    blocks = flat.reshape(n, c, h // 2, w // 2, 2, 2).transpose(0, 1, 2, 4, 3, 5)
    return blocks.reshape(shape)


def check(name, ours, theirs):
    scale = max(float(np.max(np.abs(theirs))), 1e-300)
    if float(np.max(np.abs(ours - theirs))) > 1e-10 * scale:
        raise SystemExit(f"{name} disagrees with mathbehindml; not timing it.")


def torch_timings() -> dict[str, float]:
    """Run this file with --torch in a new process; its median times, by case name."""
    proc = subprocess.run([sys.executable, __file__, "--torch"], capture_output=True,
                          text=True, check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def torch_main() -> None:
    """Time PyTorch CPU float64 on the same cases; print one JSON line of medians."""
    import torch
    from harness import median_time

    out = {}
    for shape, c_out, k in CASES:
        x, layer, g = problem(shape, c_out, k)
        tx = torch.tensor(x, requires_grad=True)
        tw = torch.tensor(layer.params["W"], requires_grad=True)
        tb = torch.tensor(layer.params["b"], requires_grad=True)
        tg = torch.tensor(g)

        def conv(tx=tx, tw=tw, tb=tb, tg=tg, p=k // 2):
            y = torch.nn.functional.conv2d(tx, tw, tb, padding=p)
            y.backward(tg)

        out[f"conv {shape}"] = median_time(conv).median
        y = torch.nn.functional.conv2d(tx, tw, tb, padding=k // 2).detach().requires_grad_()
        gp = torch.tensor(np.random.default_rng(1).standard_normal(
            (shape[0], c_out, shape[2] // 2, shape[3] // 2)))

        def pool(y=y, gp=gp):
            torch.nn.functional.max_pool2d(y, 2).backward(gp)

        out[f"pool {shape}"] = median_time(pool).median

    X_train, y_train = digits_training_set()
    tX, ty = torch.tensor(X_train).reshape(-1, 1, 8, 8), torch.tensor(y_train)
    torch.manual_seed(0)
    net = torch.nn.Sequential(
        torch.nn.Conv2d(1, 8, 3, padding=1), torch.nn.ReLU(),
        torch.nn.Conv2d(8, 16, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Flatten(), torch.nn.Linear(256, 10)).double()
    opt = torch.optim.Adam(net.parameters(), lr=0.003)
    generator = torch.Generator().manual_seed(0)

    def epoch():
        for idx in torch.randperm(len(ty), generator=generator).split(32):
            opt.zero_grad()
            torch.nn.functional.cross_entropy(net(tX[idx]), ty[idx]).backward()
            opt.step()

    out["cnn epoch"] = median_time(epoch, repeat=3).median
    print(json.dumps(out))


def digits_training_set():
    digits = load_digits()
    X_train, _, y_train, _ = train_test_split(digits.X / 16.0, digits.y, test_size=0.25,
                                              random_state=0, stratify=digits.y)
    return X_train, y_train


def cnn_epoch_cases():
    X_train, y_train = digits_training_set()

    def cnn():
        return Sequential(Reshape((1, 8, 8)), Conv2D(1, 8, 3, padding=1, random_state=0), ReLU(),
                          Conv2D(8, 16, 3, padding=1, random_state=2), ReLU(), MaxPool2D(2),
                          Flatten(), Dense(256, 10, random_state=1))

    def dense():
        return Sequential(Dense(64, 64, random_state=0), ReLU(), Dense(64, 10, random_state=1))

    def epoch(make):
        model = make()
        return lambda: train(model, X_train, y_train, loss=SoftmaxCrossEntropy(),
                             optimizer=Adam(0.003), epochs=1, batch_size=32, random_state=0)

    return {"CNN of chapter 5, one epoch": epoch(cnn),
            "dense 64-64-10, one epoch": epoch(dense)}


def main() -> None:
    have_torch = importlib.util.find_spec("torch") is not None
    torch_times = torch_timings() if have_torch else {}
    if not have_torch:
        print("PyTorch is not installed: no PyTorch column (pip install torch to add it).")
    for shape, c_out, k in CASES:
        x, layer, g = problem(shape, c_out, k)
        w, p = layer.params["W"], k // 2
        y = layer.forward(x)
        gx = layer.backward(g)
        check("scipy forward", y - layer.params["b"][:, None, None], scipy_forward(x, w, p))
        sgx, sgw = scipy_backward(g, x, w, p)
        check("scipy input gradient", gx, sgx)
        check("scipy weight gradient", layer.grads["W"], sgw)

        def ours(layer=layer, x=x, g=g):
            layer.forward(x)
            layer.backward(g)

        cases = {
            "Conv2D forward+backward": ours,
            "conv2d forward": lambda x=x, w=w, p=p: conv2d(x, w, padding=p),
            "SciPy forward+backward": lambda x=x, w=w, g=g, p=p: (scipy_forward(x, w, p),
                                                                   scipy_backward(g, x, w, p)),
        }
        if shape[1] * shape[2] * shape[3] * c_out <= 1024:  # the loops take minutes otherwise
            check("conv2d_naive", conv2d(x, w, padding=p), conv2d_naive(x, w, padding=p))
            cases["conv2d_naive forward (loops)"] = lambda x=x, w=w, p=p: conv2d_naive(
                x, w, padding=p)
        timings = report(f"convolution, x {shape} -> {c_out} channels, {k}x{k}, same padding",
                         cases, reference="Conv2D forward+backward", repeat=3)
        if torch_times:
            ours_t = next(t.median for t in timings if t.name == "Conv2D forward+backward")
            print(f"  Conv2D forward+backward / PyTorch: "
                  f"{ours_t / torch_times[f'conv {shape}']:.2f}x (target <= 1.5)")

        pool = MaxPool2D(2)
        out = pool.forward(y)
        gp = np.random.default_rng(1).standard_normal(out.shape)
        ref_out, ref_arg = pool_reference(y)
        check("reshape max pooling", out, ref_out)
        check("reshape max-pooling backward", pool.backward(gp),
              pool_reference_backward(gp, ref_arg, y.shape))

        def ours_pool(pool=pool, y=y, gp=gp):
            pool.forward(y)
            pool.backward(gp)

        def ref_pool(y=y, gp=gp):
            _, arg = pool_reference(y)
            pool_reference_backward(gp, arg, y.shape)

        timings = report(f"max pooling 2x2, x {y.shape}",
                         {"MaxPool2D forward+backward": ours_pool,
                          "NumPy reshape forward+backward": ref_pool},
                         reference="MaxPool2D forward+backward")
        if torch_times:
            ours_t = timings[0].median
            print(f"  MaxPool2D forward+backward / PyTorch: "
                  f"{ours_t / torch_times[f'pool {shape}']:.2f}x (target <= 2)")

    timings = report("one training epoch on the digits (1347 images, batch 32, Adam)",
                     cnn_epoch_cases(), reference="dense 64-64-10, one epoch", repeat=3)
    if torch_times:
        print(f"  CNN epoch / PyTorch: {timings[0].median / torch_times['cnn epoch']:.2f}x "
              "(target <= 1.2)")


if __name__ == "__main__":
    if "--torch" in sys.argv:
        torch_main()
    else:
        main()
