"""Input checks of the convolution and pooling code (private).

Built on :mod:`mathbehindml._validation`: every check raises a ``ValueError`` or
``TypeError`` naming the argument, what was expected, what was received and the
fix. Kept apart from ``_validation.py`` because the checks speak of images
(NCHW batches), kernels, strides and padding.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from mathbehindml._validation import as_float_array, check_finite

Array = NDArray[np.float64]


def check_pair(value: Any, name: str, *, min_value: int) -> tuple[int, int]:
    """``value`` (an int or a pair of ints, each ``>= min_value``) as ``(height, width)``.

    Examples
    --------
    >>> check_pair(3, "kernel_size", min_value=1), check_pair((1, 2), "stride", min_value=1)
    ((3, 3), (1, 2))
    >>> check_pair(1.5, "stride", min_value=1)
    Traceback (most recent call last):
    ...
    TypeError: stride must be an int or a pair (height, width) of ints; got float 1.5. ...
    """
    if type(value) is tuple and len(value) == 2 and type(value[0]) is type(value[1]) is int:
        if min(value) >= min_value:  # the common case, without the general checks below
            return value
    elif type(value) is int and value >= min_value:
        return (value, value)
    items = tuple(value) if isinstance(value, tuple | list) else (value, value)
    ok = len(items) == 2 and all(
        isinstance(v, numbers.Integral) and not isinstance(v, bool | np.bool_) for v in items
    )
    if not ok:
        raise TypeError(
            f"{name} must be an int or a pair (height, width) of ints; got "
            f"{type(value).__name__} {value!r}. Pass e.g. {name}={max(min_value, 1)} or "
            f"{name}=({max(min_value, 1)}, {max(min_value, 1)})."
        )
    pair = (int(items[0]), int(items[1]))
    if min(pair) < min_value:
        raise ValueError(
            f"{name} must be >= {min_value} in both directions; got {value!r}."
            + (" A stride of 0 would never move the window." if name == "stride" else "")
        )
    return pair


def check_images(x: ArrayLike, name: str = "x") -> Array:
    """A finite, non-empty float64 batch of images of shape ``(N, C, H, W)``.

    Examples
    --------
    >>> check_images(np.zeros((2, 1, 8, 8))).shape
    (2, 1, 8, 8)
    >>> check_images(np.zeros((8, 8)))
    Traceback (most recent call last):
    ...
    ValueError: x must be 4-D (n_samples, channels, height, width), NCHW; got shape (8, 8). ...
    """
    arr = as_float_array(x, name)
    if arr.ndim != 4:
        hint = {
            2: f"For one grey image use {name}[None, None].",
            3: f"For a batch of grey images use {name}[:, None]; for one "
               f"multi-channel image use {name}[None].",
        }.get(arr.ndim, f"Reshape {name} to (n_samples, channels, height, width).")
        raise ValueError(
            f"{name} must be 4-D (n_samples, channels, height, width), NCHW; got shape "
            f"{arr.shape}. {hint}"
        )
    if arr.size == 0:
        raise ValueError(
            f"{name} must have at least one sample, channel, row and column; got shape "
            f"{arr.shape}."
        )
    return check_finite(arr, name)


def check_window_fits(
    spatial: tuple[int, int], kernel: tuple[int, int], padding: tuple[int, int],
    what: str = "kernel",
) -> None:
    """Raise unless a ``kernel`` window fits in the padded image of size ``spatial``.

    Examples
    --------
    >>> check_window_fits((4, 4), (5, 5), (0, 0))
    Traceback (most recent call last):
    ...
    ValueError: the kernel (5, 5) is larger than the padded input (4, 4) ...
    """
    padded = (spatial[0] + 2 * padding[0], spatial[1] + 2 * padding[1])
    if kernel[0] > padded[0] or kernel[1] > padded[1]:
        raise ValueError(
            f"the {what} {kernel} is larger than the padded input {padded} (height and "
            f"width {spatial} plus twice the padding {padding}), so no window fits. Use a "
            f"smaller {what}, more padding or larger images."
        )


def check_array_shape(arr: ArrayLike, name: str, shape: tuple[int, ...], hint: str) -> Array:
    """A finite float64 array of exactly ``shape``.

    Examples
    --------
    >>> check_array_shape(np.zeros(3), "b", (3,), "One per output channel.").shape
    (3,)
    >>> check_array_shape(np.zeros(2), "b", (3,), "One per output channel.")
    Traceback (most recent call last):
    ...
    ValueError: b must have shape (3,); got shape (2,). One per output channel.
    """
    out = as_float_array(arr, name)
    if out.shape != shape:
        raise ValueError(f"{name} must have shape {shape}; got shape {out.shape}. {hint}")
    return check_finite(out, name)
