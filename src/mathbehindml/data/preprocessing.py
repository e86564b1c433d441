"""Standardisation of features and one-hot encoding of class labels."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from mathbehindml._validation import (
    check_1d,
    check_2d,
    check_is_fitted,
    check_n_features,
    check_positive_int,
)

__all__ = ["StandardScaler", "one_hot"]

class StandardScaler:
    """Standardise features: ``z = (x - mean_) / scale_`` column by column.

    ``scale_`` is the population standard deviation (``ddof=0``); a constant feature gets
    ``scale_ = 1.0``, so it maps to 0 instead of dividing by zero.

    Attributes
    ----------
    mean_ : ndarray of shape (n_features,)
        The column means seen in ``fit``.
    var_ : ndarray of shape (n_features,)
        The population variances (``ddof=0``).
    scale_ : ndarray of shape (n_features,)
        The divisors: the standard deviations, with 1.0 for a constant column.
    n_features_in_ : int
        The number of columns seen in ``fit``.

    Examples
    --------
    >>> scaler = StandardScaler().fit([[0.0, 5.0], [2.0, 5.0]])
    >>> scaler.mean_, scaler.scale_
    (array([1., 5.]), array([1., 1.]))
    >>> scaler.transform([[4.0, 6.0]])
    array([[3., 1.]])
    >>> scaler.inverse_transform([[3.0, 1.0]])
    array([[4., 6.]])
    """

    def fit(self, X: ArrayLike) -> StandardScaler:
        """Learn the column means and standard deviations of ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        StandardScaler
            ``self``, fitted: ``mean_``, ``var_``, ``scale_`` and ``n_features_in_`` are set.

        Raises
        ------
        ValueError
            If ``X`` is not 2-D, is empty or holds NaN or infinity.
        TypeError
            If ``X`` is not numeric.

        Examples
        --------
        >>> StandardScaler().fit([[1.0], [3.0]]).scale_
        array([1.])
        """
        X = check_2d(X, "X")
        # An exactly constant column's mean is its value; computed, it could be off by rounding.
        mean = np.where(np.all(X == X[0], axis=0), X[0], X.mean(axis=0))
        var = ((X - mean) ** 2).mean(axis=0)
        n, eps = X.shape[0], np.finfo(np.float64).eps
        # Like scikit-learn, a column whose variance is within the rounding error of the
        # computation (relative to its mean) counts as constant and gets scale 1.
        constant = var <= n * eps * var + (n * mean * eps) ** 2
        self.mean_, self.var_ = mean, var
        self.scale_ = np.where(constant, 1.0, np.sqrt(var))
        self.n_features_in_ = X.shape[1]
        return self

    def _checked(self, X: ArrayLike) -> NDArray[np.float64]:
        """Validate ``X`` for a fitted scaler: 2-D, finite, with the fitted number of columns."""
        check_is_fitted(self, ("mean_", "scale_"))
        X = check_2d(X, "X")
        check_n_features(X, self.n_features_in_, type(self).__name__)
        return X

    def transform(self, X: ArrayLike) -> NDArray[np.float64]:
        """Standardise ``X`` with the learned statistics: ``(X - mean_) / scale_``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, n_features)

        Raises
        ------
        NotFittedError
            If called before :meth:`fit`.
        ValueError
            If ``X`` is not 2-D, is not finite, or has a different number of columns than
            the data seen in ``fit``.

        Examples
        --------
        >>> StandardScaler().fit([[1.0], [3.0]]).transform([[5.0]])
        array([[3.]])
        """
        return (self._checked(X) - self.mean_) / self.scale_

    def fit_transform(self, X: ArrayLike) -> NDArray[np.float64]:
        """Fit to ``X``, then return ``X`` standardised.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, n_features)

        Raises
        ------
        ValueError, TypeError
            As :meth:`fit`.

        Examples
        --------
        >>> StandardScaler().fit_transform([[1.0], [3.0]])
        array([[-1.],
               [ 1.]])
        """
        return self.fit(X).transform(X)

    def inverse_transform(self, X: ArrayLike) -> NDArray[np.float64]:
        """Map standardised data back to the original units: ``X * scale_ + mean_``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, n_features)

        Raises
        ------
        NotFittedError, ValueError
            As :meth:`transform`.

        Examples
        --------
        >>> StandardScaler().fit([[1.0], [3.0]]).inverse_transform([[-1.0]])
        array([[1.]])
        """
        return self._checked(X) * self.scale_ + self.mean_


def one_hot(y: ArrayLike, n_classes: int | None = None) -> NDArray[np.float64]:
    """Encode integer labels ``0..K-1`` as float64 indicator rows.

    Parameters
    ----------
    y : array-like of shape (n_samples,)
        Integer labels (integer-valued floats such as ``2.0`` are accepted).
    n_classes : int or None, default=None
        Number of columns K; defaults to ``max(y) + 1``.

    Returns
    -------
    ndarray of shape (n_samples, n_classes)
        Row i is 1.0 in column ``y[i]`` and 0.0 elsewhere.

    Raises
    ------
    ValueError
        If ``y`` is not 1-D, holds negative or non-integer labels, or labels ``>= n_classes``.
    TypeError
        If ``y`` is not numeric or ``n_classes`` is not an int.

    Examples
    --------
    >>> one_hot([0, 2, 1])
    array([[1., 0., 0.],
           [0., 0., 1.],
           [0., 1., 0.]])
    >>> one_hot([1], n_classes=3)
    array([[0., 1., 0.]])
    """
    labels = check_1d(y, "y")
    if np.any(labels != np.round(labels)):
        bad = labels[labels != np.round(labels)][0]
        raise ValueError(f"y must hold integer class labels 0..K-1; got {bad:g}. "
                         "Encode the classes as integers first.")
    if labels.min() < 0:
        raise ValueError(f"y must hold labels >= 0; got {labels.min():g}. "
                         "Shift or re-encode the labels to 0..K-1.")
    idx = labels.astype(np.int64)
    k = int(idx.max()) + 1 if n_classes is None else check_positive_int(n_classes, "n_classes")
    if (top := int(idx.max())) >= k:
        raise ValueError(f"y holds label {top}, but n_classes={k} allows only 0..{k - 1}. "
                         f"Pass n_classes >= {top + 1}.")
    out = np.zeros((idx.shape[0], k))
    out[np.arange(idx.shape[0]), idx] = 1.0
    return out
