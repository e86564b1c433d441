"""Exceptions and warnings raised by the package ``mathbehindml``.

Each class subclasses the built-in exception a caller would naturally catch, so
``except ValueError`` still works for an unfitted estimator and ``except
AssertionError`` for a failed gradient check.
"""

from __future__ import annotations

__all__ = ["ConvergenceWarning", "GradientCheckError", "IllConditionedWarning", "NotFittedError"]


class NotFittedError(ValueError, AttributeError):
    """An estimator was used before its ``fit`` method was called.

    Examples
    --------
    >>> from mathbehindml.exceptions import NotFittedError
    >>> issubclass(NotFittedError, ValueError) and issubclass(NotFittedError, AttributeError)
    True
    """


class ConvergenceWarning(UserWarning):
    """An iterative method stopped before meeting its convergence criterion.

    Examples
    --------
    >>> import warnings
    >>> from mathbehindml.exceptions import ConvergenceWarning
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     warnings.warn("stopped after 10 iterations", ConvergenceWarning)
    >>> caught[0].category.__name__
    'ConvergenceWarning'
    """


class GradientCheckError(AssertionError):
    """An analytic gradient disagrees with its finite-difference estimate.

    Examples
    --------
    >>> from mathbehindml.exceptions import GradientCheckError
    >>> issubclass(GradientCheckError, AssertionError)
    True
    """


class IllConditionedWarning(UserWarning):
    r"""A matrix is so ill-conditioned that a result computed from it may have no correct digits.

    Issued, for instance, by the normal-equations solver of least squares when the
    condition number of :math:`X^\top X` exceeds :math:`1/\epsilon_\text{mach}`.

    Examples
    --------
    >>> from mathbehindml.exceptions import IllConditionedWarning
    >>> issubclass(IllConditionedWarning, UserWarning)
    True
    """
