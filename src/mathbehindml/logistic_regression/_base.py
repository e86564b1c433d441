"""What LogisticRegression and SoftmaxRegression share: fitting, warnings, predict and score."""

from __future__ import annotations

import numbers
import warnings
from typing import Any, Self

import numpy as np
from numpy.typing import ArrayLike, NDArray

from mathbehindml._validation import (
    check_2d,
    check_bool,
    check_consistent_length,
    check_in,
    check_is_fitted,
    check_labels,
    check_n_features,
    check_scalar,
)
from mathbehindml.exceptions import ConvergenceWarning
from mathbehindml.logistic_regression import objective as obj
from mathbehindml.logistic_regression import solvers
from mathbehindml.metrics import accuracy_score

SOLVERS = ("newton", "gd")


class LinearClassifierBase:
    """Constructor, validation, fitting, ``predict`` and ``score`` of the two classifiers (private).

    A subclass defines ``decision_function`` (the logits), ``predict_proba`` and
    ``_class_index`` (the position in ``classes_`` of each sample's largest logit).
    """

    _multiclass = False  # SoftmaxRegression sets True

    def __init__(
        self,
        *,
        alpha: float = 0.0,
        fit_intercept: bool = True,
        solver: str = "newton",
        learning_rate: float = 0.1,
        max_iter: int = 100,
        tol: float = 1e-8,
    ) -> None:
        self.alpha = alpha
        self.fit_intercept = fit_intercept
        self.solver = solver
        self.learning_rate = learning_rate
        self.max_iter = max_iter
        self.tol = tol

    def __repr__(self) -> str:
        defaults = {"alpha": 0.0, "fit_intercept": True, "solver": "newton",
                    "learning_rate": 0.1, "max_iter": 100, "tol": 1e-8}
        changed = [f"{k}={getattr(self, k)!r}" for k, v in defaults.items()
                   if getattr(self, k) != v or type(getattr(self, k)) is not type(v)]
        return f"{type(self).__name__}({', '.join(changed)})"

    # -------------------------------------------------------------------------- fitting

    def fit(self, X: ArrayLike, y: ArrayLike) -> Self:
        """Fit the coefficients and the intercepts to the training data.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The training samples, finite; standardised features help ``"gd"``.
        y : array-like of shape (n_samples,)
            Labels of any sortable type (numbers or strings): exactly two classes for
            :class:`~mathbehindml.logistic_regression.LogisticRegression`, at least two
            for :class:`~mathbehindml.logistic_regression.SoftmaxRegression`.

        Returns
        -------
        LogisticRegression or SoftmaxRegression
            ``self``, fitted.

        Raises
        ------
        ValueError
            If ``X`` is not a finite 2-D array, the lengths differ, ``y`` has a single
            class (or, for ``LogisticRegression``, more than two: use
            ``SoftmaxRegression``), or a hyper-parameter is out of range.
        TypeError
            If ``X`` is not numeric or a hyper-parameter has the wrong type.

        Warns
        -----
        ConvergenceWarning
            If the classes are linearly separable (with ``alpha = 0``) or the
            solver did not reach ``tol`` within ``max_iter`` iterations.

        Examples
        --------
        >>> import numpy as np
        >>> from mathbehindml.logistic_regression import LogisticRegression, SoftmaxRegression
        >>> X, y = np.array([[0.0], [1.0], [2.0], [3.0]]), np.array([0, 1, 0, 1])
        >>> model = LogisticRegression(alpha=0.1).fit(X, y)
        >>> model.coef_.shape, isinstance(model.intercept_, float)
        ((1,), True)
        >>> X = np.array([[0.0], [1.0], [2.0], [3.0], [4.0], [5.0]])
        >>> model = SoftmaxRegression(alpha=0.1).fit(X, [0, 1, 2, 0, 1, 2])
        >>> model.coef_.shape, bool(np.isclose(model.intercept_.sum(), 0.0))
        ((3, 1), True)
        """
        self._fit(X, y)
        return self

    def _validated_params(self) -> dict[str, Any]:
        return {
            "alpha": float(check_scalar(self.alpha, "alpha", min_value=0)),
            "fit_intercept": check_bool(self.fit_intercept, "fit_intercept"),
            "solver": check_in(self.solver, "solver", SOLVERS),
            "learning_rate": float(check_scalar(self.learning_rate, "learning_rate",
                                                min_value=0, include_min=False)),
            "max_iter": int(check_scalar(self.max_iter, "max_iter", kind=numbers.Integral,
                                         min_value=1)),
            "tol": float(check_scalar(self.tol, "tol", min_value=0)),
        }

    def _classes(self, y: ArrayLike) -> tuple[NDArray[Any], NDArray[np.intp]]:
        labels = check_labels(y, "y")
        try:
            classes, encoded = np.unique(labels, return_inverse=True)
        except TypeError:
            raise TypeError(
                "y must hold labels that can be sorted (all numbers or all strings); got "
                f"mixed types such as {labels[:3].tolist()}. Encode them consistently."
            ) from None
        name = type(self).__name__
        if classes.size < 2:
            raise ValueError(
                f"y must contain at least two classes to fit a {name}; got only the class "
                f"{classes.tolist()[0]!r}. Check the labels (or the training split)."
            )
        if classes.size > 2 and not self._multiclass:
            shown = ", ".join(repr(c) for c in classes.tolist()[:6])
            raise ValueError(
                f"LogisticRegression is a binary classifier, but y has {classes.size} classes "
                f"({shown}{', ...' if classes.size > 6 else ''}). Use SoftmaxRegression for "
                "more than two classes."
            )
        return classes, encoded.reshape(-1)

    def _fit(self, X: ArrayLike, y: ArrayLike) -> solvers.SolverResult:
        """Validate, solve, set the learned attributes; return the solver's result."""
        p = self._validated_params()
        X = check_2d(X, "X")
        classes, encoded = self._classes(y)
        check_consistent_length(X=X, y=encoded)
        Xa = obj.augment(X, p["fit_intercept"])
        mask = obj.penalty_mask(Xa.shape[1], p["fit_intercept"])
        alpha = p["alpha"]
        if self._multiclass:
            T = np.eye(classes.size)[encoded]
            shape: tuple[int, ...] = (Xa.shape[1], classes.size)
            newton, loss, grad, separates = (
                solvers.newton_multinomial, obj.multinomial_loss, obj.multinomial_gradient,
                solvers._multinomial_separates)
        else:
            T = encoded.astype(np.float64)
            shape = (Xa.shape[1],)
            newton, loss, grad, separates = (
                solvers.newton_binary, obj.binary_loss, obj.binary_gradient,
                solvers._binary_separates)
        if p["solver"] == "newton":
            res = newton(Xa, T, alpha, mask, max_iter=p["max_iter"], tol=p["tol"])
        else:
            res = solvers.gradient_descent_solver(
                shape, lambda t: loss(t, Xa, T, alpha, mask),
                lambda t: grad(t, Xa, T, alpha, mask), lambda t: separates(t, Xa, T),
                learning_rate=p["learning_rate"], max_iter=p["max_iter"], tol=p["tol"],
                check_separation=alpha == 0.0)
        self.classes_ = classes
        self.n_features_in_ = X.shape[1]
        theta = res.theta
        if p["fit_intercept"]:
            intercept, coef = theta[0], theta[1:]
        else:
            intercept, coef = np.zeros_like(theta[0]), theta
        if self._multiclass:
            self.coef_, self.intercept_ = coef.T.copy(), np.array(intercept, dtype=float)
        else:
            self.coef_, self.intercept_ = coef.copy(), float(intercept)
        self.n_iter_ = int(res.n_iter)
        self.loss_history_ = res.history
        self.converged_ = bool(res.converged)
        self._warn(res, p, X, encoded)
        return res

    def _warn(self, res: solvers.SolverResult, p: dict[str, Any], X: NDArray[np.float64],
              encoded: NDArray[np.intp]) -> None:
        if res.status in ("converged", "diverged"):  # gradient_descent warned on divergence
            return
        separable = res.status == "separable"
        if (not separable and res.status == "max_iter" and p["alpha"] == 0.0
                and not self._multiclass):
            separable = solvers.separating_hyperplane(X, encoded) is not None
        if separable:
            how = (f"after {res.n_iter} iterations the parameters classify every training "
                   "sample correctly" if res.status == "separable" else
                   "a separating hyperplane exists (found by linear programming)")
            message = (
                f"The classes are linearly separable: {how}, so the log-loss has no minimiser "
                "(it decreases towards 0 as the coefficients grow without bound). Stopped "
                "with finite coefficients that depend on when the iteration stopped. Set "
                "alpha > 0 (e.g. alpha=1e-3) for a unique, finite solution."
            )
        elif res.status == "stalled":
            message = (
                f"The line search could not decrease the loss further after {res.n_iter} "
                f"iterations, with gradient norm {res.grad_norm:.3g} > tol = {p['tol']:.3g}: "
                "tol is below what float64 resolves for this problem. The result is as "
                "accurate as this solver can make it; use a larger tol to silence this."
            )
        else:
            hint = "max_iter" if p["solver"] == "newton" else "max_iter or learning_rate"
            message = (
                f"The solver {p['solver']!r} did not converge in max_iter = {p['max_iter']} "
                f"iterations: gradient norm {res.grad_norm:.3g} > tol = {p['tol']:.3g}. "
                f"Increase {hint}, standardise the features, or use solver='newton'"
                + (" with alpha > 0 if the classes are nearly separable." if p["alpha"] == 0.0
                   else ".")
            )
        warnings.warn(message, ConvergenceWarning, stacklevel=4)

    # -------------------------------------------------------------------------- prediction

    def _checked_input(self, X: ArrayLike) -> NDArray[np.float64]:
        check_is_fitted(self, ("coef_", "intercept_", "classes_"))
        X = check_2d(X, "X")
        check_n_features(X, self.n_features_in_, type(self).__name__)
        return X

    def _class_index(self, logits: NDArray[np.float64]) -> NDArray[np.intp]:
        """The position in ``classes_`` of the largest logit of each sample."""
        raise NotImplementedError(f"{type(self).__name__} must define _class_index")

    def predict(self, X: ArrayLike) -> NDArray[Any]:
        """The most probable class of each sample: the one with the largest logit.

        For :class:`~mathbehindml.logistic_regression.LogisticRegression`, that is
        ``classes_[1]`` where the logit is positive. Ties go to the class that comes
        first in ``classes_`` (for two classes: probability 1/2 gives ``classes_[0]``).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples with the features seen in ``fit``.

        Returns
        -------
        ndarray of shape (n_samples,)
            Labels drawn from ``classes_``.

        Raises
        ------
        NotFittedError
            If called before ``fit``.
        ValueError
            If ``X`` is not a finite 2-D array with ``n_features_in_`` columns.

        Examples
        --------
        >>> import numpy as np
        >>> from mathbehindml.logistic_regression import LogisticRegression, SoftmaxRegression
        >>> X, y = np.array([[-2.0], [-1.0], [1.0], [2.0], [0.1]]), ["a", "a", "b", "b", "a"]
        >>> LogisticRegression(alpha=0.1).fit(X, y).predict([[-3.0], [3.0]]).tolist()
        ['a', 'b']
        >>> X = np.array([[-3.0], [-2.0], [0.0], [0.2], [2.0], [3.0]])
        >>> model = SoftmaxRegression(alpha=0.01).fit(X, ["lo", "lo", "mid", "mid", "hi", "hi"])
        >>> model.predict([[-2.5], [0.1], [2.5]]).tolist()
        ['lo', 'mid', 'hi']
        """
        logits = self.decision_function(X)  # checks that the model is fitted
        return self.classes_[self._class_index(logits)]

    def score(self, X: ArrayLike, y: ArrayLike) -> float:
        """The accuracy of ``predict(X)`` against ``y``: the fraction predicted correctly.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples with the features seen in ``fit``.
        y : array-like of shape (n_samples,)
            Their true labels.

        Returns
        -------
        float
            The accuracy, in :math:`[0, 1]`.

        Raises
        ------
        NotFittedError
            If called before ``fit``.
        ValueError, TypeError
            For invalid ``X`` or ``y``, or labels of another kind than ``classes_``.

        Examples
        --------
        >>> import numpy as np
        >>> from mathbehindml.logistic_regression import LogisticRegression, SoftmaxRegression
        >>> X, y = np.array([[-2.0], [-1.0], [1.0], [2.0]]), np.array([0, 0, 1, 1])
        >>> LogisticRegression(alpha=0.1).fit(X, y).score(X, y)
        1.0
        >>> X, y = np.array([[-3.0], [-2.0], [0.0], [0.2], [2.0], [3.0]]), [0, 0, 1, 1, 2, 2]
        >>> SoftmaxRegression(alpha=0.01).fit(X, y).score(X, y)
        1.0
        """
        predicted = self.predict(X)
        labels = check_labels(y, "y")
        check_consistent_length(X=predicted, y=labels)
        return accuracy_score(labels, predicted)
