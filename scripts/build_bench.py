"""Time the book's builds in a throw-away copy of the repository: ``make build-bench``.

Copies the working tree (tracked and untracked files, not ``_build``, ``.venv``
or ``node_modules``, which is linked) to a temporary folder, so the working
tree and its ``_build`` are never touched, then times four strict builds there:

1. cold: from an empty ``_build`` (every chapter executes);
2. no-op: the same build again (nothing executes);
3. one chapter: a code cell appended to one chapter (only that chapter executes);
4. package edit: a comment appended to the package (every chapter executes).

It prints each build's wall-clock time and which chapters it executed, the
sum of the chapters' execution times of the cold build (from its execution
report) and the targets of issue 9, then loads every page in headless Chromium
and prints the largest page with the bytes it transfers. It prints numbers and
asserts none of them: timings depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from browser import book_pages, missing_chromium_message, weigh_pages  # noqa: E402

from sphinxext.execution_report import read_execution_report  # noqa: E402

SPHINX_OPTS = ["-W", "-n", "--keep-going"]
PRE_EXECUTED = re.compile(r"^pre-executed (\S+) in [\d.]+ seconds", re.M)
MYSTNB_EXECUTED = re.compile(r"/([^/\s]+)\.md: Executed notebook in", re.M)
EDIT_CELL = "\n```{code-cell} ipython3\n# build-bench: an edit to this chapter's code\n```\n"
EDIT_PACKAGE = "\n# build-bench: an edit to the package\n"


def copy_worktree(target: Path) -> None:
    """Copy the files git knows of (tracked or untracked, not ignored) into ``target``."""
    listing = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO, capture_output=True, check=True,
    ).stdout.decode()
    for rel in filter(None, listing.split("\0")):
        source = REPO / rel
        if source.is_file():  # a file deleted in the working tree is still listed by git
            (target / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / rel)
    if (REPO / "node_modules").is_dir():
        (target / "node_modules").symlink_to(REPO / "node_modules")


def build(copy: Path) -> tuple[float, list[str], str]:
    """Run the strict build in ``copy``; return (seconds, executed chapters, log)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    # kernels import the copy's package, not the working tree's (installed in editable mode)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(copy / "src"), env.get("PYTHONPATH")]))
    env["NO_COLOR"] = "1"
    cmd = [sys.executable, "-m", "sphinx", "-c", ".", "book", "_build/html", *SPHINX_OPTS]
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=copy, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    log = proc.stdout + proc.stderr
    if proc.returncode != 0:
        sys.exit(f"build-bench: the build failed in {copy}:\n{log[-4000:]}")
    executed = sorted(set(PRE_EXECUTED.findall(log)) | set(MYSTNB_EXECUTED.findall(log)))
    return seconds, executed, log


def mark(value: float, limit: float) -> str:
    return "ok" if value <= limit else "OVER"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chapter", default="01-linear-regression",
                        help="the chapter whose code is edited (default: %(default)s)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary copy")
    parser.add_argument("--no-pages", action="store_true", help="skip weighing the pages")
    args = parser.parse_args()

    copy = Path(tempfile.mkdtemp(prefix="build-bench-"))
    try:
        copy_worktree(copy)
        chapter = copy / "book" / f"{args.chapter}.md"
        if not chapter.is_file():
            sys.exit(f"build-bench: --chapter {args.chapter!r} is not a file of book/")
        print(f"build-bench: timing builds in {copy} ({os.cpu_count()} CPUs, "
              f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())})", flush=True)

        report = copy / "_build" / "html" / "execution.html"
        rows = []

        def timed(name: str) -> None:
            seconds, executed, _ = build(copy)
            times = read_execution_report(report)
            rows.append((name, seconds, executed, sum(times[d] for d in executed), times))
            print(f"  {name}: {seconds:.1f} s", flush=True)

        timed("cold")
        timed("no-op")
        with open(chapter, "a", encoding="utf-8") as f:
            f.write(EDIT_CELL)
        timed(f"one chapter ({args.chapter})")
        with open(copy / "src" / "mathbehindml" / "__init__.py", "a", encoding="utf-8") as f:
            f.write(EDIT_PACKAGE)
        timed("package edit")
        times = rows[0][4]

        print(f"\n{'build':<36} {'seconds':>8} {'sum of executions':>18}  chapters executed")
        for name, seconds, executed, executing, _ in rows:
            print(f"{name:<36} {seconds:8.1f} {executing:18.1f}  "
                  f"{len(executed)}: {', '.join(executed) or '-'}")
        total = sum(times.values())
        print("\nchapter execution times of the cold build (execution report):")
        for doc, seconds in sorted(times.items()):
            print(f"  {doc:<38} {seconds:8.2f}")
        print(f"  {'sum':<38} {total:8.2f}")
        cold_s, noop_s = rows[0][1], rows[1][1]
        print("\ntargets (issue 9):")
        print(f"  cold build <= 60 s                  {cold_s:6.1f} s  {mark(cold_s, 60)}")
        print(f"  cold build <= sum of executions + 10 {cold_s - total:+6.1f} s  "
              f"{mark(cold_s, total + 10)}")
        print(f"  no-op rebuild <= 5 s                {noop_s:6.1f} s  {mark(noop_s, 5)}")

        if not args.no_pages:
            weigh(copy / "_build" / "html")
    finally:
        if args.keep:
            print(f"\nkept {copy}")
        else:
            shutil.rmtree(copy, ignore_errors=True)


def weigh(site: Path) -> None:
    if (problem := missing_chromium_message()) is not None:
        print(f"\npage weight: skipped. {problem}")
        return
    pages = book_pages(site)
    visits = weigh_pages(site, pages)
    print("\npage weight (empty cache, text gzipped as a static host sends it):")
    for path, visit in sorted(visits.items(), key=lambda kv: -kv[1].transferred):
        print(f"  {path:<38} {visit.transferred / 1e6:6.2f} MB transferred "
              f"({len(visit.transfers)} requests)")
    path, visit = max(visits.items(), key=lambda kv: kv[1].transferred)
    print(f"largest page: {path}, {visit.transferred / 1e6:.2f} MB transferred  "
          f"{mark(visit.transferred, 2e6)} (limit 2 MB)")


if __name__ == "__main__":
    main()
