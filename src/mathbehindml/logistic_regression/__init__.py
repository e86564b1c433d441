"""Logistic regression (two classes) and softmax regression (many classes).

* ``mathbehindml.logistic_regression.binary``: :class:`LogisticRegression`;
* ``mathbehindml.logistic_regression.softmax``: :class:`SoftmaxRegression`;
* ``mathbehindml.logistic_regression.objective``: the objectives, their gradients
  and the binary Hessian (:func:`logistic_loss`, :func:`logistic_gradient`,
  :func:`logistic_hessian`, :func:`softmax_regression_loss`,
  :func:`softmax_regression_gradient`);
* ``mathbehindml.logistic_regression.solvers``: Newton's method as iteratively
  reweighted least squares (:func:`irls_step`), gradient descent, and
  :func:`separating_hyperplane`, a certificate of linear separability.
"""

from __future__ import annotations

from mathbehindml.logistic_regression.binary import LogisticRegression
from mathbehindml.logistic_regression.objective import (
    logistic_gradient,
    logistic_hessian,
    logistic_loss,
    softmax_regression_gradient,
    softmax_regression_loss,
)
from mathbehindml.logistic_regression.softmax import SoftmaxRegression
from mathbehindml.logistic_regression.solvers import irls_step, separating_hyperplane

__all__ = [
    "LogisticRegression",
    "SoftmaxRegression",
    "irls_step",
    "logistic_gradient",
    "logistic_hessian",
    "logistic_loss",
    "separating_hyperplane",
    "softmax_regression_gradient",
    "softmax_regression_loss",
]
