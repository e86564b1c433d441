"""mathbehindml: the mathematics of machine learning, implemented once and tested.

The package behind the book *Exploring the Mathematics Behind Machine Learning*.
Each module implements the formulas of one chapter; the book's code cells call
them, and the tests check them against independent oracles.
"""

from __future__ import annotations

from mathbehindml.exceptions import (
    ConvergenceWarning,
    GradientCheckError,
    IllConditionedWarning,
    NotFittedError,
)

__version__ = "0.1.0"

__all__ = [
    "ConvergenceWarning",
    "GradientCheckError",
    "IllConditionedWarning",
    "NotFittedError",
    "__version__",
]
