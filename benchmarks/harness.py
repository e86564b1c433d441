"""A small, dependency-free harness for the package's benchmarks.

A benchmark compares several implementations of one task (ours, NumPy, scikit-learn,
PyTorch). Each implementation is measured **in a process of its own**, so that one
library's thread pools, allocator state or import side effects cannot slow another
down, and so that a library that is not installed only skips its own row.

A ``bench_*.py`` file describes its benchmarks and hands them to :func:`main`::

    BENCHMARKS = [
        Benchmark(
            title="Logistic regression fit, breast cancer",
            reference="scikit-learn lbfgs",
            implementations={"ours": setup_ours, "scikit-learn lbfgs": setup_sklearn},
        ),
    ]

    if __name__ == "__main__":
        main(BENCHMARKS)

A *setup* function runs in the child process. It builds the data and the model and
returns the zero-argument callable to time, or a :class:`Prepared` that also carries
facts to print beside the time (a test accuracy, the number of iterations, the largest
difference from the reference's answer). It raises :class:`Unavailable` when a library
is missing. Setup time is never measured.

``python bench_x.py`` runs every implementation of every benchmark, each in a fresh
``python bench_x.py --child BENCHMARK IMPLEMENTATION`` process, and prints one table
per benchmark: median seconds per call and the ratio to the reference (below 1 means
faster). The processes run in three interleaved rounds (``MATHBEHINDML_BENCH_ROUNDS``
changes the number), A B C A B C A B C, and each row reports the median of its rounds'
medians: on a shared machine the load changes between processes, and interleaving lets
such a change hit every implementation rather than bias one ratio.
When the environment variable ``MATHBEHINDML_BENCH_RESULTS`` names a file,
the rows are also appended to it as JSON lines, which ``run.py`` gathers into one table.

Wall-clock numbers are printed, never asserted: the tests check correctness, the
benchmarks speed.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

RESULTS_ENV = "MATHBEHINDML_BENCH_RESULTS"
ROUNDS_ENV = "MATHBEHINDML_BENCH_ROUNDS"


class Unavailable(Exception):  # noqa: N818 (a signal to skip, not an error)
    """Raised by a setup function when its library is not installed."""


@dataclass
class Prepared:
    """What a setup function returns when it has facts to report beside the time."""

    fn: Callable[[], object]
    info: dict[str, object] = field(default_factory=dict)


@dataclass
class Benchmark:
    """One task, its reference implementation, and the setups of every implementation."""

    title: str
    reference: str
    implementations: dict[str, Callable[[], Callable[[], object] | Prepared]]
    repeat: int = 7

    def __post_init__(self) -> None:
        if self.reference not in self.implementations:
            raise ValueError(f"reference must be one of {list(self.implementations)}; "
                             f"got {self.reference!r}.")


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


def library_versions() -> str:
    """The versions of the libraries the benchmarks compare, as one string."""
    import importlib.metadata as md

    parts = [f"Python {platform.python_version()}"]
    for dist, label in [("numpy", "NumPy"), ("scipy", "SciPy"),
                        ("scikit-learn", "scikit-learn"), ("torch", "PyTorch")]:
        try:
            parts.append(f"{label} {md.version(dist)}")
        except md.PackageNotFoundError:
            parts.append(f"{label} not installed")
    return ", ".join(parts)


def machine() -> str:
    """One line describing the machine and the library versions."""
    try:
        lines = Path("/proc/cpuinfo").read_text().splitlines()
        cpu = next(line.split(":", 1)[1].strip() for line in lines if line.startswith("model name"))
    except (OSError, StopIteration):
        cpu = platform.processor() or "unknown CPU"
    return f"{cpu}, {os.cpu_count()} cores; {library_versions()}"


# ------------------------------------------------------------------ the child process


def _run_child(benchmarks: Sequence[Benchmark], title: str, name: str) -> dict[str, object]:
    bench = next(b for b in benchmarks if b.title == title)
    try:
        prepared = bench.implementations[name]()
    except Unavailable as exc:
        return {"skipped": str(exc)}
    if not isinstance(prepared, Prepared):
        prepared = Prepared(prepared)
    timing = median_time(prepared.fn, repeat=bench.repeat)
    return {"median": timing.median, "runs": timing.runs, "info": prepared.info}


# ------------------------------------------------------------------ the parent process


def _measure(script: Path, bench: Benchmark, name: str) -> dict[str, object]:
    proc = subprocess.run(
        [sys.executable, str(script), "--child", bench.title, name],
        capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        tail = "\n".join(proc.stderr.strip().splitlines()[-15:])
        return {"error": f"exit {proc.returncode}: {tail}"}
    # The child prints its JSON on the last line; anything before is its own commentary.
    *commentary, last = proc.stdout.strip().splitlines() or [""]
    for line in commentary:
        print(f"    [{name}] {line}")
    return json.loads(last)


def _format_info(info: dict[str, object]) -> str:
    def fmt(value: object) -> str:
        return f"{value:.4g}" if isinstance(value, float) else str(value)

    return ", ".join(f"{key} {fmt(value)}" for key, value in info.items())


def report_rows(title: str, reference: str, rows: list[dict[str, object]]) -> None:
    """Print one benchmark's table: medians and ratios to ``reference``."""
    ref = next((r["median"] for r in rows if r["name"] == reference and "median" in r), None)
    width = max(len(str(r["name"])) for r in rows)
    print(f"\n{title}")
    print(f"  {'implementation':<{width}}  {'median':>12}  {'ratio to ' + reference}")
    for r in rows:
        if "median" in r:
            ratio = f"{r['median'] / ref:8.2f}x" if ref else "   (no reference)"
            info = _format_info(r.get("info") or {})
            print(f"  {r['name']:<{width}}  {r['median'] * 1e3:9.3f} ms  {ratio}"
                  + (f"   {info}" if info else ""))
        else:
            print(f"  {r['name']:<{width}}  {'skipped' if 'skipped' in r else 'FAILED':>12}  "
                  f"{r.get('skipped') or r.get('error')}")


def _record(title: str, reference: str, rows: list[dict[str, object]]) -> None:
    path = os.environ.get(RESULTS_ENV)
    if not path:
        return
    with open(path, "a", encoding="utf-8") as out:
        for r in rows:
            out.write(json.dumps({"benchmark": title, "reference": reference, **r}) + "\n")


def main(benchmarks: Sequence[Benchmark], argv: Sequence[str] | None = None) -> int:
    """Run ``benchmarks`` (parent) or one implementation of one of them (``--child``).

    Returns the process exit status: 1 when an implementation failed (an error, not a
    skip), 0 otherwise.
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["--child"]:
        print(json.dumps(_run_child(benchmarks, argv[1], argv[2])))
        return 0
    script = Path(sys.modules["__main__"].__file__).resolve()
    rounds = int(os.environ.get(ROUNDS_ENV, "3"))
    failed = False
    for bench in benchmarks:
        results: dict[str, list[dict[str, object]]] = {name: [] for name in bench.implementations}
        for _ in range(rounds):  # interleaved, so a change of the machine's load hits all
            for name in bench.implementations:
                results[name].append(_measure(script, bench, name))
        rows = [{"name": name, **_combine(runs)} for name, runs in results.items()]
        failed |= any("error" in r for r in rows)
        report_rows(bench.title, bench.reference, rows)
        _record(bench.title, bench.reference, rows)
    return 1 if failed else 0


def _combine(runs: list[dict[str, object]]) -> dict[str, object]:
    """One row from the rounds of one implementation: the median of the processes' medians."""
    for run in runs:
        if "median" not in run:
            return run  # skipped or failed: the first such round says why
    combined = dict(runs[0])
    combined["median"] = statistics.median(run["median"] for run in runs)
    combined["runs"] = sum(run["runs"] for run in runs)
    return combined
