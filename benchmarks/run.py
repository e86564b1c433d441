"""Run every benchmark of the package and print one table of medians and ratios.

Usage: ``make bench`` or ``python benchmarks/run.py [NAME ...]`` where NAME is a
``bench_*.py`` file stem (``bench_linear_regression``) or a part of one.

Every benchmark file runs in its own process, and inside it every implementation
(ours, NumPy, scikit-learn, PyTorch when installed) runs in a process of its own
(see ``harness.py``). Each file prints its tables as it goes; at the end this script
prints them all again as one summary with the machine's details.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from harness import RESULTS_ENV, machine, report_rows  # noqa: E402


def summary(path: Path) -> None:
    """Print every recorded benchmark as one table, in the order they ran."""
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    titles = list(dict.fromkeys(r["benchmark"] for r in rows))
    print("\n" + "=" * 30 + " summary " + "=" * 30)
    print(f"Machine: {machine()}")
    for title in titles:
        mine = [r for r in rows if r["benchmark"] == title]
        report_rows(title, mine[0]["reference"], mine)


def main(argv: list[str]) -> int:
    files = sorted(HERE.glob("bench_*.py"))
    if argv:
        files = [f for f in files if any(a in f.stem for a in argv)]
    if not files:
        print("no benchmark matched", argv)
        return 1
    print(f"Machine: {machine()}")
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        results = Path(tmp) / "results.jsonl"
        results.touch()
        env = {**os.environ, RESULTS_ENV: str(results)}
        for path in files:
            print(f"\n=== {path.stem} ===", flush=True)
            proc = subprocess.run([sys.executable, str(path)], cwd=HERE, env=env, check=False)
            failed += proc.returncode != 0
        summary(results)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
