"""Record every computed result of the book, so that a change of a result is visible.

Each chapter publishes its numbers with ``glue``; myst-nb stores them per page in
``<jupyter_execute>/<docname>.glue.json``. At ``build-finished`` this extension
collects every *scalar* glued value (a number, or a short text such as a feature
name or a signed number formatted by the chapter) of every page, and writes them,
sorted by ``"<docname>::<key>"``, to ``_build/results.json``. Figures and tables are
left out: they are not scalars, and their numbers are glued separately.

``book/_results.json`` is the committed snapshot of that file; ``make results``
copies a fresh ``_build/results.json`` over it, and ``tests/book/test_results.py``
compares the two with :func:`compare_results`, naming every value that moved.

The extension also keeps pages that paste values from other pages
(``{glue:text}`page.md::key```) up to date: when a page they paste from is re-read,
they are re-read too, so an incremental build never shows a stale number.
"""

from __future__ import annotations

import ast
import json
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

#: the longest text value that counts as a scalar result
MAX_TEXT_LENGTH = 80
#: default relative tolerance: two builds of the same code on the same data agree to
#: rounding; 1e-9 leaves room for a different order of summation in BLAS
DEFAULT_RTOL = 1e-9
#: default absolute tolerance: values below it are themselves rounding errors (the
#: measured discrepancy of two computations of the same quantity, of order 1e-16 to
#: 1e-13), whose digits depend on the order of floating-point operations in BLAS and
#: the number of its threads, not on the mathematics; they may move, but not grow
DEFAULT_ATOL = 1e-12


def parse_plain_text(text: str) -> Any:
    """Return the value of a glued ``text/plain`` representation, or ``None``.

    Parameters
    ----------
    text : str
        The ``repr`` of a glued value, as myst-nb stores it.

    Returns
    -------
    int, float, bool, str or None
        The number or short text it represents; ``None`` for anything else
        (figures, arrays, long texts).

    Examples
    --------
    >>> parse_plain_text("0.25"), parse_plain_text("442"), parse_plain_text("'bmi'")
    (0.25, 442, 'bmi')
    >>> parse_plain_text("<Figure size 640x480 with 1 Axes>") is None
    True
    """
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return None
    if isinstance(value, bool | int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else repr(value)
    if isinstance(value, str) and len(value) <= MAX_TEXT_LENGTH:
        return value
    return None


def collect_results(glue_dir: Path, docnames: list[str]) -> dict[str, Any]:
    """Collect the scalar glued values of ``docnames`` from myst-nb's glue files.

    Parameters
    ----------
    glue_dir : pathlib.Path
        myst-nb's output folder, holding ``<docname>.glue.json`` for every
        executed page.
    docnames : list of str
        The pages to collect; pages without a glue file are skipped.

    Returns
    -------
    dict
        ``{"<docname>::<key>": value}``, sorted by key.

    Examples
    --------
    >>> import json, tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> glued = {"r2": {"data": {"text/plain": "0.5"}},
    ...          "fig": {"data": {"text/plain": "<Figure>", "image/png": "..."}}}
    >>> _ = (folder / "ch.glue.json").write_text(json.dumps(glued))
    >>> collect_results(folder, ["ch", "other"])
    {'ch::r2': 0.5}
    """
    results: dict[str, Any] = {}
    for docname in docnames:
        path = Path(glue_dir, *docname.split("/")).with_name(
            docname.split("/")[-1] + ".glue.json"
        )
        if not path.is_file():
            continue
        for key, output in json.loads(path.read_text()).items():
            data = output.get("data", {})
            if set(data) != {"text/plain"}:
                continue  # a figure, a table or rich output: not a scalar
            value = parse_plain_text(data["text/plain"])
            if value is not None:
                results[f"{docname}::{key}"] = value
    return dict(sorted(results.items()))


def compare_results(
    fresh: Mapping[str, Any],
    snapshot: Mapping[str, Any],
    *,
    rtol: float = DEFAULT_RTOL,
    atol: float = DEFAULT_ATOL,
    tolerances: Mapping[str, float] | None = None,
) -> list[str]:
    """List every difference between a fresh record of results and the snapshot.

    Numbers agree when ``|fresh - snapshot| <= atol + rtol * |snapshot|``; texts,
    booleans and integers must be equal (an integer is a count: it may not move).

    Parameters
    ----------
    fresh, snapshot : mapping
        ``{"<docname>::<key>": value}`` of the fresh build and of the snapshot.
    rtol, atol : float
        The default relative and absolute tolerances for floats.
    tolerances : mapping, optional
        A relative tolerance for particular keys, replacing ``rtol``.

    Returns
    -------
    list of str
        One line per key that moved, appeared or disappeared; empty when they agree.

    Examples
    --------
    >>> compare_results({"a::x": 1.0, "a::n": 3}, {"a::x": 1.0 + 1e-12, "a::n": 3})
    []
    >>> for line in compare_results({"a::x": 1.1, "a::new": 2}, {"a::x": 1.0, "a::old": 2}):
    ...     print(line)
    a::new: new key (value 2), not in the snapshot
    a::old: missing from the fresh build (snapshot 2)
    a::x: 1.1 differs from the snapshot 1.0 (relative change 0.1 > tolerance 1e-09)
    """
    tolerances = dict(tolerances or {})
    problems = []
    for key in sorted(set(fresh) | set(snapshot)):
        if key not in snapshot:
            problems.append(f"{key}: new key (value {fresh[key]!r}), not in the snapshot")
            continue
        if key not in fresh:
            problems.append(f"{key}: missing from the fresh build (snapshot {snapshot[key]!r})")
            continue
        new, old = fresh[key], snapshot[key]
        if isinstance(new, float) or isinstance(old, float):
            if isinstance(new, bool | str) or isinstance(old, bool | str):
                problems.append(f"{key}: {new!r} differs in type from the snapshot {old!r}")
                continue
            tol = tolerances.get(key, rtol)
            if abs(new - old) > atol + tol * abs(old):
                change = abs(new - old) / abs(old) if old else math.inf
                problems.append(
                    f"{key}: {new!r} differs from the snapshot {old!r} "
                    f"(relative change {change:.3g} > tolerance {tol:g})"
                )
        elif type(new) is not type(old) or new != old:
            problems.append(f"{key}: {new!r} differs from the snapshot {old!r}")
    return problems


def results_path(app: Sphinx) -> Path:
    """Where the build writes its record: ``results.json`` next to the output folder."""
    return Path(app.outdir).parent / "results.json"


def _write_results(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None:
        return
    config = getattr(app.env, "mystnb_config", None)
    glue_dir = Path(config.output_folder) if config else Path(app.outdir).parent / "jupyter_execute"
    results = collect_results(glue_dir, sorted(app.env.found_docs))
    results_path(app).write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n")


# -- pages that paste from other pages ------------------------------------------------------

def _record_glue_sources(app: Sphinx, doctree: Any) -> None:
    from myst_nb.ext.glue.utils import PendingGlueReference

    env = app.env
    sources = {node.refdoc for node in doctree.findall(PendingGlueReference)}
    deps = env.__dict__.setdefault("glue_sources", {})
    if sources:
        deps[env.docname] = sources
    else:
        deps.pop(env.docname, None)


def _outdated_pasters(
    app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    reread = added | changed | removed
    deps: dict[str, set[str]] = getattr(env, "glue_sources", {})
    return sorted(doc for doc, sources in deps.items() if sources & reread and doc not in reread)


def _purge(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    getattr(env, "glue_sources", {}).pop(docname, None)


def setup(app: Sphinx) -> dict[str, object]:
    app.connect("doctree-read", _record_glue_sources)
    app.connect("env-get-outdated", _outdated_pasters)
    app.connect("env-purge-doc", _purge)
    app.connect("build-finished", _write_results)
    return {"version": "1.0", "parallel_read_safe": False, "parallel_write_safe": True}
