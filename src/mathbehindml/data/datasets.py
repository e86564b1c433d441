"""The three real data sets of the book, read from the files scikit-learn ships on disk.

This module parses those files itself (no download, and no call to
scikit-learn's loader functions, which the tests use as an independent oracle).
"""

from __future__ import annotations

import gzip
import io
import math
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import numpy as np
from numpy.typing import NDArray

from mathbehindml._validation import (
    check_bool,
)
from mathbehindml.data.preprocessing import StandardScaler

__all__ = ["Dataset", "load_breast_cancer", "load_diabetes", "load_digits"]

_DIABETES_FEATURES = ("age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6")
_CANCER_MEASURES = ("radius", "texture", "perimeter", "area", "smoothness", "compactness",
                    "concavity", "concave points", "symmetry", "fractal dimension")
_CANCER_FEATURES = (
    *(f"mean {m}" for m in _CANCER_MEASURES),
    *(f"{m} error" for m in _CANCER_MEASURES),
    *(f"worst {m}" for m in _CANCER_MEASURES),
)


@dataclass(frozen=True, eq=False, repr=False)
class Dataset:
    """A data set: a feature matrix, its targets and what they mean.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features), float64
        The feature matrix, one row per sample.
    y : ndarray of shape (n_samples,)
        float64 targets (regression) or int64 class labels (classification).
    feature_names : tuple of str
        One name per column of ``X``.
    target_names : tuple of str, default ()
        One name per class; empty for regression.
    description : str, default ""
        The data set's documentation (reStructuredText).
    images : ndarray of shape (n_samples, 8, 8) or None, default None
        Only the digits have images.

    Examples
    --------
    >>> from mathbehindml.data import load_diabetes
    >>> data = load_diabetes()
    >>> data.n_samples, data.n_features
    (442, 10)
    >>> data
    Dataset('Diabetes dataset', X: (442, 10) float64, y: (442,) float64, feature_names: ('age', ...
    """

    X: NDArray[np.float64]
    y: NDArray[Any]
    feature_names: tuple[str, ...]
    target_names: tuple[str, ...] = ()
    description: str = ""
    images: NDArray[np.float64] | None = None

    @property
    def n_samples(self) -> int:
        """Number of samples (rows of ``X``)."""
        return int(self.X.shape[0])

    @property
    def n_features(self) -> int:
        """Number of features (columns of ``X``)."""
        return int(self.X.shape[1])

    def __repr__(self) -> str:
        match = re.search(r"^(\S.*)\n[-=]{3,}$", self.description, flags=re.MULTILINE)
        title = repr(match.group(1).strip()) + ", " if match else ""
        names = self.feature_names
        shown = names if len(names) <= 4 else (*names[:3], "...", names[-1])
        feats = "(" + ", ".join(n if n == "..." else repr(n) for n in shown) + ")"
        images = "None" if self.images is None else f"{self.images.shape}"
        return (
            f"Dataset({title}X: {self.X.shape} {self.X.dtype}, y: {self.y.shape} {self.y.dtype}, "
            f"feature_names: {feats}, target_names: {self.target_names}, images: {images})"
        )


@cache
def _read_table(
    file_name: str, delimiter: str | None = None, skiprows: int = 0
) -> NDArray[np.float64]:
    """Parse one of scikit-learn's data files once; the cached array is read-only.

    Callers copy what they return, so nobody can change the cache.
    """
    raw = (resources.files("sklearn.datasets") / "data" / file_name).read_bytes()
    text = (gzip.decompress(raw) if file_name.endswith(".gz") else raw).decode("utf-8")
    table = np.loadtxt(io.StringIO(text), delimiter=delimiter, skiprows=skiprows)
    table.setflags(write=False)
    return table


@cache
def _read_text(file_name: str, folder: str = "descr") -> str:
    """The text of a file in scikit-learn's ``datasets/<folder>`` (an .rst description)."""
    return (resources.files("sklearn.datasets") / folder / file_name).read_text(encoding="utf-8")


def load_diabetes(*, scaled: bool = False) -> Dataset:
    """Load the diabetes regression data (442 patients, 10 baseline measurements).

    Parameters
    ----------
    scaled : bool, default=False
        If False, the features are in their original units (age in years, ...). If True,
        each column is centred, divided by its standard deviation and by ``sqrt(442)``,
        so it has mean 0 and unit Euclidean norm (scikit-learn's default version).

    Returns
    -------
    Dataset
        ``X`` float64 of shape (442, 10); ``y`` float64, disease progression after a year.

    Raises
    ------
    TypeError
        If ``scaled`` is not a bool.
    ModuleNotFoundError
        If scikit-learn, which ships the data files, is not installed.

    Examples
    --------
    >>> data = load_diabetes()
    >>> data.X.shape, data.y.shape, data.feature_names[:3]
    ((442, 10), (442,), ('age', 'sex', 'bmi'))
    >>> round(float((load_diabetes(scaled=True).X ** 2).sum(axis=0)[0]), 12)
    1.0
    """
    check_bool(scaled, "scaled")
    X = np.array(_read_table("diabetes_data_raw.csv.gz"))
    if scaled:
        X = StandardScaler().fit_transform(X) / math.sqrt(X.shape[0])
    y = np.array(_read_table("diabetes_target.csv.gz"))
    return Dataset(X, y, _DIABETES_FEATURES, (), _read_text("diabetes.rst"))


def _cancer_target_names() -> tuple[str, ...]:
    """Class names from the header ``n_samples,n_features,name_0,name_1`` of the CSV file."""
    header = _read_text("breast_cancer.csv", folder="data").split("\n", 1)[0]
    return tuple(header.strip().split(",")[2:])


def load_breast_cancer() -> Dataset:
    """Load the Wisconsin breast-cancer classification data (569 tumours, 30 features).

    Returns
    -------
    Dataset
        ``X`` float64 of shape (569, 30); ``y`` int64 with 0 = malignant, 1 = benign.

    Raises
    ------
    ModuleNotFoundError
        If scikit-learn, which ships the data file, is not installed.

    Examples
    --------
    >>> data = load_breast_cancer()
    >>> data.X.shape, data.target_names, data.feature_names[0]
    ((569, 30), ('malignant', 'benign'), 'mean radius')
    >>> [int(c) for c in np.bincount(data.y)]
    [212, 357]
    """
    table = _read_table("breast_cancer.csv", delimiter=",", skiprows=1)
    X, y = np.array(table[:, :-1]), table[:, -1].astype(np.int64)
    return Dataset(X, y, _CANCER_FEATURES, _cancer_target_names(), _read_text("breast_cancer.rst"))


def load_digits() -> Dataset:
    """Load the handwritten-digits classification data (1797 images of 8 x 8 pixels).

    Returns
    -------
    Dataset
        ``X`` float64 of shape (1797, 64), pixel intensities 0-16 row by row; ``y`` int64
        digits 0-9; ``images`` float64 of shape (1797, 8, 8), the same pixels as images.

    Raises
    ------
    ModuleNotFoundError
        If scikit-learn, which ships the data file, is not installed.

    Examples
    --------
    >>> data = load_digits()
    >>> data.X.shape, data.images.shape, data.target_names[:3]
    ((1797, 64), (1797, 8, 8), ('0', '1', '2'))
    >>> bool((data.images[5].ravel() == data.X[5]).all())
    True
    """
    table = _read_table("digits.csv.gz", delimiter=",")
    X, y = np.array(table[:, :-1]), table[:, -1].astype(np.int64)
    names = tuple(f"pixel_{r}_{c}" for r in range(8) for c in range(8))
    return Dataset(X, y, names, tuple(str(d) for d in range(10)), _read_text("digits.rst"),
                   images=X.reshape(-1, 8, 8).copy())
