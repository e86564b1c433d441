"""The comparison behind the record of computed results (sphinxext/results_snapshot.py).

The oracle here is the definition of the tolerance, written out by hand on small dicts:
each case states which keys must be reported and why.
"""

from __future__ import annotations

import json

import pytest

from sphinxext.results_snapshot import (
    DEFAULT_ATOL,
    DEFAULT_RTOL,
    collect_results,
    compare_results,
    parse_plain_text,
)


def keys_of(problems: list[str]) -> list[str]:
    return [line.split(": ", 1)[0] for line in problems]


def test_identical_records_agree():
    record = {"a::x": 0.1, "a::n": 3, "a::name": "bmi", "b::ok": True}
    assert compare_results(record, dict(record)) == []


@pytest.mark.parametrize(
    ("new", "moved"),
    [
        (1.0 * (1 + 0.5 * DEFAULT_RTOL), False),  # within the relative tolerance
        (1.0 * (1 + 2.0 * DEFAULT_RTOL), True),  # just outside it
        (-1.0, True),  # a change of sign
    ],
)
def test_relative_tolerance_on_floats(new, moved):
    problems = compare_results({"c::r2": new}, {"c::r2": 1.0})
    assert keys_of(problems) == (["c::r2"] if moved else [])


def test_absolute_floor_for_rounding_errors():
    # 3e-16 -> 5e-16 is a rounding error that changed its digits: not a moved result
    assert compare_results({"c::err": 5e-16}, {"c::err": 3e-16}) == []
    # but a rounding-level check that grew past the floor is reported
    problems = compare_results({"c::err": 10 * DEFAULT_ATOL}, {"c::err": 3e-16})
    assert keys_of(problems) == ["c::err"]


def test_per_key_tolerance_replaces_the_default():
    fresh, snapshot = {"c::noisy": 1.001, "c::exact": 1.001}, {"c::noisy": 1.0, "c::exact": 1.0}
    problems = compare_results(fresh, snapshot, tolerances={"c::noisy": 1e-2})
    assert keys_of(problems) == ["c::exact"]


def test_counts_texts_and_types_must_match_exactly():
    fresh = {"c::n": 427, "c::name": "age", "c::flag": False, "c::mixed": "0.5"}
    snapshot = {"c::n": 426, "c::name": "bmi", "c::flag": True, "c::mixed": 0.5}
    assert keys_of(compare_results(fresh, snapshot)) == sorted(fresh)


def test_new_and_missing_keys_are_named():
    problems = compare_results({"c::kept": 1, "c::added": 2.5}, {"c::kept": 1, "c::gone": 7})
    assert problems == [
        "c::added: new key (value 2.5), not in the snapshot",
        "c::gone: missing from the fresh build (snapshot 7)",
    ]


def test_message_names_value_snapshot_and_tolerance():
    (line,) = compare_results({"c::acc": 0.95}, {"c::acc": 0.96})
    assert line.startswith("c::acc: 0.95 differs from the snapshot 0.96")
    assert f"tolerance {DEFAULT_RTOL:g}" in line


@pytest.mark.parametrize(
    ("text", "value"),
    [("0.25", 0.25), ("442", 442), ("'bmi'", "bmi"), ("True", True), ("'−0.123'", "−0.123"),
     ("<Figure size 640x480 with 1 Axes>", None), ("[1, 2]", None), ("'" + "x" * 200 + "'", None),
     ("nan", None)],
)
def test_parse_plain_text(text, value):
    assert parse_plain_text(text) == value


def test_collect_reads_only_scalars_of_the_given_pages(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "ch.glue.json").write_text(json.dumps({
        "b_r2": {"data": {"text/plain": "0.5"}},
        "a_name": {"data": {"text/plain": "'bmi'"}},
        "fig": {"data": {"text/plain": "<Figure>", "image/png": "iVBOR"}},
        "table": {"data": {"text/plain": "<IPython.core.display.Markdown object>",
                           "text/markdown": "| a |"}},
    }))
    (tmp_path / "sub" / "page.glue.json").write_text(
        json.dumps({"n": {"data": {"text/plain": "3"}}}))
    (tmp_path / "stale.glue.json").write_text(json.dumps({"x": {"data": {"text/plain": "1"}}}))
    results = collect_results(tmp_path, ["ch", "sub/page", "no-glue"])
    assert results == {"ch::a_name": "bmi", "ch::b_r2": 0.5, "sub/page::n": 3}
    assert list(results) == sorted(results)
