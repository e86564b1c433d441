"""Least squares: mathbehindml against scikit-learn and NumPy, each in its own process.

Designs: a tall one (100000 x 50) and a squarer one (2000 x 500), standard normal
entries, one target. ``LinearRegression(solver="svd").fit`` (with its intercept) is
compared with scikit-learn's ``LinearRegression().fit`` (also with an intercept) and
with ``numpy.linalg.lstsq`` on the same design (no intercept column: the bare
LAPACK solve). The QR path is ``ols_qr`` against ``lstsq`` on the tall design.
Issue 3's targets: no slower than scikit-learn, within 1.2x of ``lstsq``, and the
QR path at least as fast as ``lstsq`` on the tall design.

Before it is timed, every implementation's answer is compared in its own process with
``numpy.linalg.lstsq`` on the design with a column of ones (the independent oracle);
the largest coefficient difference is printed in the table.

Run with ``make bench`` or ``python benchmarks/run.py linear_regression``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import Benchmark, Prepared, main


def design(n: int, d: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d))
    y = X @ rng.standard_normal(d) + 3.0 + rng.standard_normal(n)
    return X, y


def oracle(X: np.ndarray, y: np.ndarray, intercept: bool) -> np.ndarray:
    """Coefficients (intercept last, if any) from lstsq on the augmented design."""
    A = np.column_stack([X, np.ones(len(X))]) if intercept else X
    return np.linalg.lstsq(A, y, rcond=None)[0]


def prepared(n: int, d: int, fit: Callable[[np.ndarray, np.ndarray], np.ndarray],
             intercept: bool) -> Callable[[], Prepared]:
    def setup() -> Prepared:
        X, y = design(n, d)
        coef, ref = fit(X, y), oracle(X, y, intercept)
        err = float(np.max(np.abs(coef - ref)) / np.max(np.abs(ref)))
        if err > 1e-9:
            raise SystemExit(f"answer differs from lstsq by {err:.1e} (relative); not timing it")
        return Prepared(lambda: fit(X, y), {"max rel. diff. from oracle": err})
    return setup


def ours_svd(X, y):
    from mathbehindml.linear_regression import LinearRegression

    m = LinearRegression().fit(X, y)
    return np.append(m.coef_, m.intercept_)


def ours_qr_estimator(X, y):
    from mathbehindml.linear_regression import LinearRegression

    m = LinearRegression(solver="qr").fit(X, y)
    return np.append(m.coef_, m.intercept_)


def ours_qr(X, y):
    from mathbehindml.linear_regression import ols_qr

    return ols_qr(X, y)


def sklearn_fit(X, y):
    from sklearn.linear_model import LinearRegression as SkLinearRegression

    m = SkLinearRegression().fit(X, y)
    return np.append(m.coef_, m.intercept_)


def numpy_lstsq(X, y):
    return np.linalg.lstsq(X, y, rcond=None)[0]


def benchmarks() -> list[Benchmark]:
    out = []
    for n, d in [(100_000, 50), (2_000, 500)]:
        impls = {
            'LinearRegression(solver="svd").fit': prepared(n, d, ours_svd, True),
            "sklearn LinearRegression().fit": prepared(n, d, sklearn_fit, True),
            "numpy.linalg.lstsq": prepared(n, d, numpy_lstsq, False),
        }
        if n > d * 100:
            impls['LinearRegression(solver="qr").fit'] = prepared(n, d, ours_qr_estimator, True)
            impls["ols_qr"] = prepared(n, d, ours_qr, False)
        out.append(Benchmark(f"Least squares, X of shape {n} x {d}", "numpy.linalg.lstsq",
                             impls))
    return out


if __name__ == "__main__":
    sys.exit(main(benchmarks()))
