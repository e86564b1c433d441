"""Least squares: mathbehindml against scikit-learn and NumPy, as ratios measured in one run.

Designs: a tall one (100000 x 50) and a squarer one (2000 x 500), standard normal
entries, one target. ``LinearRegression(solver="svd").fit`` (with its intercept) is
compared with scikit-learn's ``LinearRegression().fit`` (also with an intercept) and
with ``numpy.linalg.lstsq`` on the same design (no intercept column: the bare
LAPACK solve). The QR path is ``ols_qr`` against ``lstsq`` on the tall design.
Issue 3's targets: no slower than scikit-learn, within 1.2x of ``lstsq``, and the
QR path at least as fast as ``lstsq`` on the tall design.

Run with ``make bench`` or ``python benchmarks/run.py linear_regression``. BLAS
threads matter on a busy machine: compare with ``OPENBLAS_NUM_THREADS=1``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from sklearn.linear_model import LinearRegression as SkLinearRegression

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import report

from mathbehindml.linear_regression import LinearRegression, ols_qr


def design(n: int, d: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d))
    y = X @ rng.standard_normal(d) + 3.0 + rng.standard_normal(n)
    return X, y


def check_agreement(X: np.ndarray, y: np.ndarray) -> None:
    """Refuse to time implementations that disagree."""
    ours = LinearRegression().fit(X, y)
    theirs = SkLinearRegression().fit(X, y)
    scale = np.abs(theirs.coef_).max()
    if not (np.allclose(ours.coef_, theirs.coef_, rtol=0, atol=1e-10 * scale)
            and np.isclose(ours.intercept_, theirs.intercept_, rtol=1e-10, atol=1e-10)):
        raise SystemExit("LinearRegression disagrees with scikit-learn; not timing it.")
    w_qr, w_np = ols_qr(X, y), np.linalg.lstsq(X, y, rcond=None)[0]
    if not np.allclose(w_qr, w_np, rtol=0, atol=1e-10 * np.abs(w_np).max()):
        raise SystemExit("ols_qr disagrees with numpy.linalg.lstsq; not timing it.")


def main() -> None:
    for n, d in [(100_000, 50), (2_000, 500)]:
        X, y = design(n, d)
        check_agreement(X, y)
        cases = {
            'LinearRegression(solver="svd").fit': lambda X=X, y=y: LinearRegression().fit(X, y),
            "sklearn LinearRegression().fit": lambda X=X, y=y: SkLinearRegression().fit(X, y),
            "numpy.linalg.lstsq": lambda X=X, y=y: np.linalg.lstsq(X, y, rcond=None),
        }
        if n > d * 100:
            cases["ols_qr"] = lambda X=X, y=y: ols_qr(X, y)
            cases['LinearRegression(solver="qr").fit'] = (
                lambda X=X, y=y: LinearRegression(solver="qr").fit(X, y)
            )
        timings = report(f"least squares, X of shape {n} x {d}", cases,
                         reference="numpy.linalg.lstsq", repeat=7)
        median = {t.name: t.median for t in timings}
        ours = median['LinearRegression(solver="svd").fit']
        print(f"  LinearRegression(solver=\"svd\").fit / sklearn LinearRegression().fit: "
              f"{ours / median['sklearn LinearRegression().fit']:.2f}x")

if __name__ == "__main__":
    main()
