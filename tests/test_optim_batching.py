"""minibatches: every index exactly once per epoch, reproducible from its seed."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_array_equal

from mathbehindml.optim import minibatches


@settings(max_examples=100, deadline=None)
@given(n=st.integers(1, 300), batch_size=st.integers(1, 400), seed=st.integers(0, 2**32 - 1),
       shuffle=st.booleans())
def test_every_index_exactly_once_in_batches_of_the_right_size(n, batch_size, seed, shuffle):
    batches = list(minibatches(n, batch_size, shuffle=shuffle, random_state=seed))
    assert len(batches) == -(-n // batch_size)  # ceil(n / batch_size)
    sizes = [len(b) for b in batches]
    assert all(s == min(batch_size, n) for s in sizes[:-1])
    assert sizes[-1] == n - batch_size * (len(batches) - 1)
    everything = np.concatenate(batches)
    assert everything.dtype.kind == "i"
    assert_array_equal(np.sort(everything), np.arange(n))


def test_without_shuffle_the_batches_are_consecutive():
    batches = list(minibatches(7, 3, shuffle=False, random_state=123))
    assert [b.tolist() for b in batches] == [[0, 1, 2], [3, 4, 5], [6]]


def test_reproducible_from_an_int_seed_and_different_across_seeds():
    a = [b.tolist() for b in minibatches(50, 8, random_state=3)]
    b = [b.tolist() for b in minibatches(50, 8, random_state=3)]
    c = [b.tolist() for b in minibatches(50, 8, random_state=4)]
    assert a == b
    assert a != c


def test_the_order_is_numpys_permutation():
    # the oracle: the same generator's permutation, cut by hand
    order = np.random.default_rng(11).permutation(10)
    batches = list(minibatches(10, 4, random_state=11))
    assert_array_equal(np.concatenate(batches), order)
    assert_array_equal(batches[1], order[4:8])


def test_a_generator_gives_a_fresh_permutation_each_epoch_and_a_reproducible_stream():
    rng = np.random.default_rng(0)
    epoch1 = np.concatenate(list(minibatches(20, 6, random_state=rng)))
    epoch2 = np.concatenate(list(minibatches(20, 6, random_state=rng)))
    assert not np.array_equal(epoch1, epoch2)
    rng = np.random.default_rng(0)
    assert_array_equal(np.concatenate(list(minibatches(20, 6, random_state=rng))), epoch1)


def test_shuffle_gives_roughly_uniform_positions():
    # each index lands in the first batch with probability batch_size / n
    counts = np.zeros(10)
    rng = np.random.default_rng(1)
    for _ in range(4000):
        counts[next(minibatches(10, 2, random_state=rng))] += 1
    assert np.all(np.abs(counts / 4000 - 0.2) < 0.03)


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "pattern"),
    [
        ((0, 2), {}, ValueError, r"^n_samples must be >= 1; got 0"),
        ((10.0, 2), {}, TypeError, r"^n_samples must be an integer; got float"),
        ((True, 2), {}, TypeError, r"^n_samples must be an integer; got bool"),
        ((10, 0), {}, ValueError, r"^batch_size must be >= 1; got 0"),
        ((10, -3), {}, ValueError, r"^batch_size must be >= 1"),
        ((10, "4"), {}, TypeError, r"^batch_size must be an integer; got str"),
        ((10, 2), {"shuffle": 1}, TypeError, r"^shuffle must be True or False; got int"),
        ((10, 2), {"random_state": 1.5}, TypeError, r"^random_state must be None, an int"),
        ((10, 2), {"random_state": -1}, ValueError, r"^random_state must be a non-negative"),
    ],
)
def test_bad_input_raises_at_the_call_not_at_the_first_batch(args, kwargs, error, pattern):
    with pytest.raises(error, match=pattern):
        minibatches(*args, **kwargs)  # no next(): validation must be eager
