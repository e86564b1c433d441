"""Run every benchmark of the package, each file in its own process, and print the tables.

Usage: ``make bench`` or ``python benchmarks/run.py [NAME ...]`` where NAME is a
``bench_*.py`` file stem (``bench_linear_regression``) or a part of one.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from harness import machine  # noqa: E402


def main(argv: list[str]) -> int:
    files = sorted(HERE.glob("bench_*.py"))
    if argv:
        files = [f for f in files if any(a in f.stem for a in argv)]
    print(f"Machine: {machine()}")
    failed = 0
    for path in files:
        print(f"\n=== {path.stem} ===", flush=True)
        proc = subprocess.run([sys.executable, str(path)], cwd=HERE)
        failed += proc.returncode != 0
    if not files:
        print("no benchmark matched", argv)
        return 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
