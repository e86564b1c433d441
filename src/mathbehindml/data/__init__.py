"""Real data sets, train/test splitting, standardisation and one-hot encoding.

* ``mathbehindml.data.datasets``: :func:`load_diabetes`, :func:`load_breast_cancer`,
  :func:`load_digits`, each returning a :class:`Dataset`;
* ``mathbehindml.data.splitting``: :func:`train_test_split`;
* ``mathbehindml.data.preprocessing``: :class:`StandardScaler`, :func:`one_hot`.
"""

from __future__ import annotations

from mathbehindml.data.datasets import Dataset, load_breast_cancer, load_diabetes, load_digits
from mathbehindml.data.preprocessing import StandardScaler, one_hot
from mathbehindml.data.splitting import train_test_split

__all__ = [
    "Dataset",
    "StandardScaler",
    "load_breast_cancer",
    "load_diabetes",
    "load_digits",
    "one_hot",
    "train_test_split",
]
