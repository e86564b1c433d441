"""Fit time of LogisticRegression(solver="newton") on breast cancer against scikit-learn.

The same problem for every implementation: the 30 standardised features of the
breast-cancer data, the objective ``mean log-loss + (alpha / 2) ||coef||^2`` with
``alpha = 1e-2`` (scikit-learn's ``C = 1 / (n_samples * alpha)``), and the same
tolerance ``tol = 1e-8`` on the gradient (scikit-learn scales its objective by
``1 / n_samples`` as well, so the numbers mean the same thing). Before timing,
the script checks that every implementation found the same coefficients.

Every implementation runs with one BLAS thread: a 569 x 31 problem gains nothing
from more, and on a shared machine multi-threaded BLAS makes timings erratic
(waiting threads spin), which would measure the machine's load, not the code.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression as SkLogisticRegression
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import report

from mathbehindml.data import StandardScaler, load_breast_cancer
from mathbehindml.logistic_regression import LogisticRegression

ALPHA, TOL = 1e-2, 1e-8


def main() -> None:
    data = load_breast_cancer()
    X, y = StandardScaler().fit_transform(data.X), data.y
    C = 1.0 / (X.shape[0] * ALPHA)

    def ours() -> LogisticRegression:
        return LogisticRegression(alpha=ALPHA, tol=TOL).fit(X, y)

    def sklearn(solver: str):
        def fit() -> SkLogisticRegression:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # lbfgs may stop a hair short of tol
                return SkLogisticRegression(C=C, solver=solver, tol=TOL, max_iter=1000).fit(X, y)
        return fit

    cases = {
        "mathbehindml newton (IRLS)": ours,
        "scikit-learn lbfgs": sklearn("lbfgs"),
        "scikit-learn newton-cg": sklearn("newton-cg"),
    }
    reference = ours().coef_
    for name, fit in cases.items():
        diff = float(np.max(np.abs(np.ravel(fit().coef_) - reference)))
        print(f"  {name}: max |coef - ours| = {diff:.1e}")
        if diff > 1e-5:
            raise SystemExit(f"{name} found different coefficients; the timing would be unfair")
    print(f"  Newton steps taken by ours: {ours().n_iter_}")
    report(f"Logistic regression fit, breast cancer (569 x 30), alpha={ALPHA}, tol={TOL}",
           cases, reference="scikit-learn lbfgs")


if __name__ == "__main__":
    with threadpool_limits(1):
        main()
