"""Multinomial logistic regression: the estimator :class:`SoftmaxRegression`."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from mathbehindml.functions import softmax
from mathbehindml.logistic_regression._base import LinearClassifierBase

__all__ = ["SoftmaxRegression"]


class SoftmaxRegression(LinearClassifierBase):
    r"""Softmax (multinomial logistic) regression for two or more classes.

    The model is :math:`P(y = c_k \mid \mathbf{x}) =
    \operatorname{softmax}(\mathbf{W}^\top\mathbf{x} + \mathbf{b})_k` for the class
    :math:`c_k` = ``classes_[k]``, and ``fit``
    minimises the mean cross-entropy plus
    :math:`\tfrac{\alpha}{2}\|\mathbf{W}\|_F^2` (intercepts not penalised), which is
    scikit-learn's multinomial ``LogisticRegression(C=1 / (n_samples * alpha))``.
    Adding the same vector to every class's parameters changes no probability;
    the fit returns the representative whose parameters sum to zero over the
    classes wherever the penalty does not already fix them (the intercepts, or
    everything when ``alpha = 0``).

    Parameters
    ----------
    alpha : float, default 0.0
        The ridge strength :math:`\alpha \ge 0`.
    fit_intercept : bool, default True
        Whether to fit one intercept per class (unpenalised).
    solver : {"newton", "gd"}, default "newton"
        Newton's method with a backtracking line search, or gradient descent
        with a fixed step (``mathbehindml.optim.gradient_descent``).
    learning_rate : float, default 0.1
        The step of ``"gd"`` (ignored by ``"newton"``).
    max_iter : int, default 100
        The largest number of iterations.
    tol : float, default 1e-8
        Stop when the Frobenius norm of the gradient is at most ``tol``.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The labels, sorted; column ``k`` of ``predict_proba`` belongs to ``classes_[k]``.
    coef_ : ndarray of shape (n_classes, n_features)
        Row ``k`` holds the weights :math:`\mathbf{w}_k` of class ``k``.
    intercept_ : ndarray of shape (n_classes,)
        The intercepts :math:`b_k` (zeros when ``fit_intercept=False``).
    n_iter_ : int
        The number of iterations run.
    loss_history_ : ndarray of length ``n_iter_ + 1``
        The objective at the start and after each iteration.
    converged_ : bool
        Whether the gradient norm reached ``tol``.
    n_features_in_ : int
        The number of features seen in ``fit``.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[0.0, 0.0], [0.2, 0.1], [3.0, 0.0], [3.1, 0.4], [0.0, 3.0], [0.3, 2.8]])
    >>> y = np.array(["a", "a", "b", "b", "c", "c"])
    >>> model = SoftmaxRegression(alpha=0.01).fit(X, y)
    >>> model.predict([[0.1, 0.1], [2.9, 0.2], [0.1, 2.9]]).tolist()
    ['a', 'b', 'c']
    >>> model.coef_.shape, model.predict_proba(X).shape
    ((3, 2), (6, 3))
    """

    _multiclass = True

    def decision_function(self, X: ArrayLike) -> NDArray[np.float64]:
        r"""The logits :math:`\mathbf{W}^\top\mathbf{x} + \mathbf{b}`, one row per sample.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples with the features seen in ``fit``.

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
            The logits; column ``k`` belongs to ``classes_[k]``.

        Raises
        ------
        NotFittedError
            If called before ``fit``.
        ValueError
            If ``X`` is not a finite 2-D array with ``n_features_in_`` columns.

        Examples
        --------
        >>> import numpy as np
        >>> X = np.array([[0.0], [1.0], [2.0], [3.0]])
        >>> model = SoftmaxRegression(alpha=0.1).fit(X, [0, 1, 2, 0])
        >>> model.decision_function(X).shape
        (4, 3)
        """
        X = self._checked_input(X)
        return X @ self.coef_.T + self.intercept_

    def predict_proba(self, X: ArrayLike) -> NDArray[np.float64]:
        """Class probabilities: the softmax of each row of logits.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples with the features seen in ``fit``.

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
            Non-negative rows summing to 1; column ``k`` belongs to ``classes_[k]``.

        Raises
        ------
        NotFittedError
            If called before ``fit``.
        ValueError
            If ``X`` is not a finite 2-D array with ``n_features_in_`` columns.

        Examples
        --------
        >>> import numpy as np
        >>> X = np.array([[0.0], [1.0], [2.0], [3.0]])
        >>> proba = SoftmaxRegression(alpha=0.1).fit(X, [0, 1, 2, 0]).predict_proba(X)
        >>> bool(np.allclose(proba.sum(axis=1), 1.0))
        True
        """
        return softmax(self.decision_function(X), axis=1)

    def _class_index(self, logits: NDArray[np.float64]) -> NDArray[np.intp]:
        """The column of the largest logit of each row (the first, in a tie)."""
        return np.argmax(logits, axis=1)
