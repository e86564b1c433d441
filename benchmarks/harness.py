"""A small, dependency-free harness for the package's benchmarks.

Each ``bench_*.py`` file defines its cases and calls :func:`report`, which times
every implementation in the same process run, one after the other, and prints
medians and the ratio to a named reference implementation. Wall-clock numbers
are printed, never asserted: the tests check correctness, the benchmarks speed.
"""

from __future__ import annotations

import os
import platform
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Timing:
    name: str
    median: float
    runs: int


def median_time(fn: Callable[[], object], *, repeat: int = 7, warmup: int = 1,
                min_time: float = 0.05) -> Timing:
    """Median seconds of one call of ``fn`` over ``repeat`` timed rounds.

    A round calls ``fn`` as many times as needed to last at least ``min_time``
    seconds, so very fast functions are still measured above timer resolution.
    """
    for _ in range(warmup):
        fn()
    start = time.perf_counter()
    fn()
    once = max(time.perf_counter() - start, 1e-9)
    number = max(1, int(min_time / once))
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        samples.append((time.perf_counter() - start) / number)
    return Timing("", statistics.median(samples), repeat * number)


def machine() -> str:
    """One line describing the machine and the library versions."""
    import numpy as np

    try:
        lines = Path("/proc/cpuinfo").read_text().splitlines()
        cpu = next(line.split(":", 1)[1].strip() for line in lines if line.startswith("model name"))
    except (OSError, StopIteration):
        cpu = platform.processor() or "unknown CPU"
    return (f"{cpu}, {os.cpu_count()} cores; Python {platform.python_version()}, "
            f"NumPy {np.__version__}")


def report(title: str, cases: dict[str, Callable[[], object]], *, reference: str,
           repeat: int = 7) -> list[Timing]:
    """Time every case and print a table of medians and ratios to ``reference``.

    A ratio below 1 means faster than the reference.
    """
    if reference not in cases:
        raise ValueError(f"reference must be one of {list(cases)}; got {reference!r}.")
    timings = []
    for name, fn in cases.items():
        t = median_time(fn, repeat=repeat)
        t.name = name
        timings.append(t)
    ref = next(t.median for t in timings if t.name == reference)
    width = max(len(t.name) for t in timings)
    print(f"\n{title}")
    print(f"  {'implementation':<{width}}  {'median':>11}  {'ratio to ' + reference:>20}")
    for t in timings:
        print(f"  {t.name:<{width}}  {t.median * 1e3:9.3f} ms  {t.median / ref:19.2f}x")
    return timings
