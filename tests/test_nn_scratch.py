"""The scratch space that Conv2D keeps between calls (mathbehindml.nn._scratch)."""

from __future__ import annotations

import numpy as np

from mathbehindml.nn._scratch import Scratch, empty, zeros


def test_scratch_reuses_an_array_while_its_shape_stays_the_same():
    work = Scratch()
    a = work.empty("a", (2, 3))
    assert work.empty("a", (2, 3)) is a
    b = work.empty("a", (4,))
    assert b is not a and b.shape == (4,) and b.dtype == np.float64
    assert work.empty("other", (4,)) is not b
    assert work.nbytes == 2 * 4 * 8


def test_scratch_zeros_are_zero_when_created_and_kept_afterwards():
    work = Scratch()
    z = work.zeros("padded", (3, 3))
    assert not z.any()
    z[1, 1] = 7.0
    assert work.zeros("padded", (3, 3))[1, 1] == 7.0  # the caller's interior is kept
    assert not work.zeros("padded", (2, 2)).any()  # a new shape starts from zero again


def test_without_scratch_every_call_gets_a_new_array():
    assert empty(None, "a", (2,)) is not empty(None, "a", (2,))
    first = zeros(None, "a", (2,))
    first[0] = 1.0
    assert not zeros(None, "a", (2,)).any()
