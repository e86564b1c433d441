"""Input validation shared by every public function (private module).

Every check raises a :class:`ValueError` or :class:`TypeError` whose message
names the argument, says what was expected and what was received, and suggests
the fix. Nothing here uses ``assert``: input checks must survive ``python -O``.
"""

from __future__ import annotations

from mathbehindml._validation.arrays import (
    as_float_array,
    check_1d,
    check_1d_or_2d,
    check_2d,
    check_consistent_length,
    check_finite,
    check_n_features,
    check_vector,
)
from mathbehindml._validation.labels import check_class_indices, check_labels, check_same_label_kind
from mathbehindml._validation.params import (
    check_bool,
    check_callable,
    check_in,
    check_is_fitted,
    check_positive_int,
    check_random_state,
    check_scalar,
)

__all__ = [
    "as_float_array",
    "check_1d",
    "check_1d_or_2d",
    "check_2d",
    "check_bool",
    "check_callable",
    "check_class_indices",
    "check_consistent_length",
    "check_finite",
    "check_in",
    "check_is_fitted",
    "check_labels",
    "check_n_features",
    "check_positive_int",
    "check_random_state",
    "check_same_label_kind",
    "check_scalar",
    "check_vector",
]
