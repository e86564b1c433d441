"""The results of a fresh build agree with the committed record, book/_results.json.

Every scalar that a chapter glues (coefficients, accuracies, rates, errors, counts) is
written by the build to _build/results.json (sphinxext/results_snapshot.py). A change of
any of them must be a visible, reviewed change of book/_results.json: run `make results`,
look at `git diff book/_results.json`, and commit it with the change that caused it.

Tolerances (see compare_results): floats agree to a relative 1e-9, with an absolute floor
of 1e-12 for values that are themselves rounding errors (relative discrepancies of order
1e-16 between two computations of one quantity), whose digits depend on the order of
operations inside BLAS rather than on the mathematics. Counts and texts must be equal.
Every page seeds its randomness, so no value needs a looser tolerance.
"""

from __future__ import annotations

import json

import pytest

from conftest import REPO
from sphinxext.results_snapshot import compare_results

FRESH = REPO / "_build" / "results.json"
SNAPSHOT = REPO / "book" / "_results.json"


def test_fresh_build_matches_the_snapshot(site):
    if not FRESH.is_file():
        pytest.fail(f"{FRESH} is missing: the build did not record its results")
    fresh, snapshot = json.loads(FRESH.read_text()), json.loads(SNAPSHOT.read_text())
    problems = compare_results(fresh, snapshot)
    assert not problems, (
        f"{len(problems)} computed result(s) differ from book/_results.json:\n  "
        + "\n  ".join(problems)
        + "\nIf the change is intended, run `make results` and commit book/_results.json."
    )


def test_snapshot_covers_every_chapter():
    snapshot = json.loads(SNAPSHOT.read_text())
    pages = {key.split("::", 1)[0] for key in snapshot}
    chapters = {p.stem for p in (REPO / "book").glob("0*.md")}
    assert chapters <= pages, f"no recorded results for {sorted(chapters - pages)}"
