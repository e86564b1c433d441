"""Binary logistic regression: the estimator :class:`LogisticRegression`."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from mathbehindml.functions import sigmoid
from mathbehindml.logistic_regression._base import LinearClassifierBase

__all__ = ["LogisticRegression"]


class LogisticRegression(LinearClassifierBase):
    r"""Binary logistic regression fitted by maximum likelihood with an optional ridge penalty.

    The model is :math:`P(y = c_1 \mid \mathbf{x}) = \sigma(\mathbf{w}^\top \mathbf{x} + b)`
    for the positive class :math:`c_1` = ``classes_[1]``, and ``fit`` minimises

    .. math:: J(b, \mathbf{w}) = \frac1n \sum_{i=1}^n \bigl[\log(1 + e^{z_i}) - y_i z_i\bigr]
              + \frac{\alpha}{2}\|\mathbf{w}\|^2, \qquad z_i = \mathbf{w}^\top\mathbf{x}_i + b,

    the mean log-loss plus a ridge penalty that leaves the intercept alone. This
    is scikit-learn's ``LogisticRegression(C=1 / (n_samples * alpha))``.

    With ``alpha = 0`` on linearly separable training data there is no minimiser:
    the fit stops once the separation is evident (or at ``max_iter``), keeps
    finite coefficients and warns with a
    :class:`~mathbehindml.exceptions.ConvergenceWarning` suggesting ``alpha > 0``.

    Parameters
    ----------
    alpha : float, default 0.0
        The ridge strength :math:`\alpha \ge 0`. Any :math:`\alpha > 0` makes the
        objective strongly convex in :math:`\mathbf{w}`, with a unique minimiser.
    fit_intercept : bool, default True
        Whether to fit the intercept :math:`b` (unpenalised); if False, :math:`b = 0`.
    solver : {"newton", "gd"}, default "newton"
        ``"newton"``: Newton's method as iteratively reweighted least squares,
        with a backtracking line search (quadratic convergence, about ten
        steps). ``"gd"``: gradient descent with a fixed step
        (``mathbehindml.optim.gradient_descent``, linear convergence).
    learning_rate : float, default 0.1
        The step of ``"gd"`` (ignored by ``"newton"``).
    max_iter : int, default 100
        The largest number of iterations.
    tol : float, default 1e-8
        Stop when the Euclidean norm of the gradient of :math:`J` is at most ``tol``.

    Attributes
    ----------
    classes_ : ndarray of shape (2,)
        The two labels, sorted; ``classes_[1]`` is the positive class.
    coef_ : ndarray of shape (n_features,)
        The weights :math:`\mathbf{w}`.
    intercept_ : float
        The intercept :math:`b` (0.0 when ``fit_intercept=False``).
    n_iter_ : int
        The number of iterations run.
    loss_history_ : ndarray of length ``n_iter_ + 1``
        :math:`J` at the start and after each iteration.
    converged_ : bool
        Whether the gradient norm reached ``tol``.
    n_features_in_ : int
        The number of features seen in ``fit``.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0], [4.0], [5.0]])
    >>> y = np.array(["no", "no", "yes", "no", "yes", "yes"])
    >>> model = LogisticRegression().fit(X, y)
    >>> model.classes_.tolist(), model.n_iter_ < 10, model.converged_
    (['no', 'yes'], True, True)
    >>> model.predict([[0.5], [4.5]]).tolist()
    ['no', 'yes']
    """

    def decision_function(self, X: ArrayLike) -> NDArray[np.float64]:
        r"""The logits :math:`z = \mathbf{w}^\top \mathbf{x} + b`: positive means ``classes_[1]``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples with the features seen in ``fit``.

        Returns
        -------
        ndarray of shape (n_samples,)
            The log-odds of the positive class.

        Raises
        ------
        NotFittedError
            If called before ``fit``.
        ValueError
            If ``X`` is not a finite 2-D array with ``n_features_in_`` columns.

        Examples
        --------
        >>> import numpy as np
        >>> X, y = np.array([[-1.0], [0.5], [-0.5], [1.0]]), np.array([0, 0, 1, 1])
        >>> model = LogisticRegression().fit(X, y)
        >>> bool(np.allclose(model.decision_function(X), X @ model.coef_ + model.intercept_))
        True
        """
        X = self._checked_input(X)
        return X @ self.coef_ + self.intercept_

    def predict_proba(self, X: ArrayLike) -> NDArray[np.float64]:
        r"""Class probabilities :math:`(1 - \sigma(z), \sigma(z))`, one row per sample.

        Both columns are computed from the logit with the stable sigmoid, as
        :math:`(\sigma(-z), \sigma(z))`, so a tiny probability keeps its digits.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples with the features seen in ``fit``.

        Returns
        -------
        ndarray of shape (n_samples, 2)
            Column ``k`` is the probability of ``classes_[k]``; rows sum to 1.

        Raises
        ------
        NotFittedError
            If called before ``fit``.
        ValueError
            If ``X`` is not a finite 2-D array with ``n_features_in_`` columns.

        Examples
        --------
        >>> import numpy as np
        >>> X, y = np.array([[-1.0], [0.5], [-0.5], [1.0]]), np.array([0, 0, 1, 1])
        >>> proba = LogisticRegression().fit(X, y).predict_proba(X)
        >>> proba.shape, bool(np.allclose(proba.sum(axis=1), 1.0))
        ((4, 2), True)
        """
        z = self.decision_function(X)
        return np.column_stack([sigmoid(-z), sigmoid(z)])

    def _class_index(self, logits: NDArray[np.float64]) -> NDArray[np.intp]:
        """1 (``classes_[1]``) where the logit is positive, else 0."""
        return (logits > 0.0).astype(np.intp)
