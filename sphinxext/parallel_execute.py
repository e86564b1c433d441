"""Execute the stale chapters in parallel into myst-nb's cache before Sphinx reads them.

Sphinx reads documents one after another, and myst-nb (``nb_execution_mode =
"cache"``) executes each stale notebook while its document is read, so a cold
build waits for the chapters one by one. ``sphinx-build -j`` is no way out:
sphinx-proof is not parallel-safe.

This extension runs first, on ``env-before-read-docs``, with the list of
documents Sphinx is about to read. For each of them that myst-nb treats as a
notebook it

1. reads the notebook with myst-nb's own reader and configuration (so the
   notebook, hence its cache key, is exactly the one myst-nb will look up);
2. looks it up in the jupyter-cache that cache mode uses (the folder that
   ``sphinxext.package_cache`` keys by the package's source); a hit needs no work;
3. starts executing the misses with nbclient, ``nb_parallel_workers`` at a
   time (threads: each notebook runs in its own kernel process, the thread only
   relays messages), in the notebook's folder, with myst-nb's timeout, and
   moves their documents to the end of the reading order, so that Sphinx reads
   the other documents while the kernels run;
4. on ``source-read`` of each such document, just before myst-nb parses it,
   waits for its execution and stores the result in that cache, with its
   execution time, as myst-nb itself would (one thread writes the database).

Before storing, the figures of each executed notebook are re-encoded losslessly
and smaller (``sphinxext.png_optimise``; ``nb_optimise_png = False`` turns it
off). A single stale notebook takes the same path, so a page's figures do not
depend on how many chapters a build executed; ``nb_parallel_workers = 0`` hands
execution back to myst-nb entirely.

myst-nb then finds every chapter in the cache and executes nothing, and its
execution report shows the times measured here (the kernel's time, before the
figures are optimised). A notebook whose execution
fails is not cached: myst-nb executes it again while reading it and fails the
build with its usual message naming the chapter and the cell (the other
chapters' results are stored first, so the next build does not redo them).
"""

from __future__ import annotations

import os
import re
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from tempfile import TemporaryDirectory
from typing import Any

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging

from sphinxext.png_optimise import optimise_notebook

logger = logging.getLogger(__name__)


@dataclass
class _Job:
    docname: str
    path: Path
    notebook: Any  # nbformat.NotebookNode, executed in place
    read_fmt: dict | None
    timeout: int | None
    allow_errors: bool
    in_temp: bool
    png_bytes: tuple[int, int] = (0, 0)  # figures' bytes before and after optimisation


def _effective_config(nb_config: Any, notebook: Any) -> Any:
    """myst-nb's configuration for one notebook, with its file-level overrides applied."""
    from myst_nb.core.nb_to_tokens import nb_node_to_dict

    if nb_config.metadata_key not in notebook.metadata:
        return nb_config
    overrides = nb_node_to_dict(notebook.metadata[nb_config.metadata_key])
    overrides.pop("output_folder", None)
    try:
        return nb_config.copy(**overrides)
    except Exception:  # myst-nb warns about it when it reads the document
        return nb_config


def _prepare(env: BuildEnvironment, docname: str) -> _Job | None:
    """The execution job for ``docname``, or None when myst-nb would not execute it."""
    from myst_nb.core.read import create_nb_reader

    path = Path(env.doc2path(docname))
    if not path.is_file():
        return None
    content = path.read_text(encoding="utf-8")
    nb_config = env.mystnb_config
    reader = create_nb_reader(str(path), env.myst_config, nb_config, content)
    if reader is None:
        return None
    notebook = reader.read(content)
    kernel = notebook.metadata.get("kernelspec", {}).get("name")
    if kernel is not None and nb_config.kernel_rgx_aliases:
        for pattern, alias in nb_config.kernel_rgx_aliases.items():
            if re.fullmatch(pattern, kernel):
                notebook.metadata["kernelspec"]["name"] = alias
                break
    nb_config = _effective_config(nb_config, notebook)
    if nb_config.execution_mode != "cache":
        return None
    posix = PurePosixPath(path.as_posix())
    if any(posix.match(p) for p in nb_config.execution_excludepatterns):
        return None
    return _Job(
        docname=docname,
        path=path,
        notebook=notebook,
        read_fmt=reader.read_fmt,
        timeout=nb_config.execution_timeout,
        allow_errors=nb_config.execution_allow_errors,
        in_temp=nb_config.execution_in_temp,
    )


def _coalesce_streams(notebook: Any) -> None:
    """Merge each cell's stdout (and stderr) outputs into one each, in place, as myst-nb does.

    The kernel sends printed text in chunks whose boundaries depend on timing, so two
    executions of the same cell can store ``["a\\n", "b\\n"]`` or ``["a\\nb\\n"]``.
    myst-nb merges them when it renders the page, but the cached notebook (and the
    ``.ipynb`` offered for download) keeps the chunks; merging them here makes the stored
    notebook reproducible too.
    """
    from myst_nb.core.utils import coalesce_streams

    for cell in notebook.cells:
        if cell.get("cell_type") == "code" and cell.get("outputs"):
            cell.outputs = coalesce_streams(cell.outputs)


def _execute(job: _Job, optimise: bool) -> Any:
    """Execute ``job.notebook`` in place; return jupyter-cache's ExecutionResult."""
    from jupyter_cache.executors.utils import single_nb_execution

    if job.in_temp:
        with TemporaryDirectory() as cwd:
            result = single_nb_execution(
                job.notebook, cwd=cwd, timeout=job.timeout,
                allow_errors=job.allow_errors, meta_override=True,
            )
    else:
        result = single_nb_execution(
            job.notebook, cwd=str(job.path.parent), timeout=job.timeout,
            allow_errors=job.allow_errors, meta_override=True,
        )
    if result.err is None:
        _coalesce_streams(job.notebook)
    if optimise and result.err is None:
        # after the timer stopped: the execution report keeps the kernel's own time
        job.png_bytes = optimise_notebook(job.notebook)
    return result


def _store(cache: Any, job: _Job, result: Any) -> None:
    """Record a successful execution in the cache exactly as myst-nb's cache mode does."""
    from jupyter_cache.base import CacheBundleIn
    from jupyter_cache.cache.db import NbProjectRecord

    if job.read_fmt is not None:
        stage = cache.add_nb_to_project(str(job.path), read_data=job.read_fmt)
    else:
        stage = cache.add_nb_to_project(str(job.path))
    NbProjectRecord.remove_tracebacks([stage.pk], cache.db)
    cache.cache_notebook_bundle(
        CacheBundleIn(job.notebook, stage.uri, data={"execution_seconds": result.time}),
        check_validity=False,
        overwrite=True,
    )


def stale_notebooks(env: BuildEnvironment, docnames: list[str]) -> list[_Job]:
    """The jobs of ``docnames`` whose notebooks are not in the execution cache."""
    from jupyter_cache import get_cache

    jobs = [job for job in (_prepare(env, d) for d in sorted(docnames)) if job is not None]
    if not jobs:
        return []
    cache = get_cache(env.mystnb_config.execution_cache_path or ".jupyter_cache")
    stale = []
    for job in jobs:
        try:
            cache.match_cache_notebook(job.notebook)
        except KeyError:
            stale.append(job)
    return stale


class _Runner:
    """The pre-executions of one build: submitted together, collected one by one."""

    def __init__(self, cache: Any, jobs: list[_Job], workers: int, optimise: bool) -> None:
        self.cache = cache
        self.started = time.perf_counter()
        self.count = len(jobs)
        self.failed: list[str] = []
        self.pool = ThreadPoolExecutor(max_workers=min(workers, len(jobs)))
        self.pending = {
            job.docname: (job, self.pool.submit(_execute, job, optimise)) for job in jobs
        }

    def collect(self, docname: str) -> None:
        """Wait for ``docname``'s execution and store it in the cache (main thread only)."""
        job, future = self.pending.pop(docname)
        try:
            result = future.result()
            error = result.err
        except Exception as exc:  # a kernel that died or did not start, not a cell's error
            result, error = None, exc
        if error is not None:
            self.failed.append(docname)
            logger.info(
                "pre-execution failed for %s (%s); myst-nb executes it again to report the error",
                docname, type(error).__name__,
            )
            # the error stops the build: keep the other chapters' results first
            for other in list(self.pending):
                self.collect(other)
            return
        _store(self.cache, job, result)
        before, after = job.png_bytes
        figures = f"; figures {before / 1e3:.0f} kB -> {after / 1e3:.0f} kB" if before else ""
        logger.info("pre-executed %s in %.2f seconds%s", docname, result.time, figures)

    def finish(self) -> None:
        for docname in list(self.pending):
            self.collect(docname)
        self.pool.shutdown(wait=True)
        logger.info(
            "pre-execution of %d notebooks took %.2f seconds (until the last was read)",
            self.count, time.perf_counter() - self.started,
        )

    def abandon(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)
        self.pending.clear()


_RUNNERS: dict[int, _Runner] = {}


def _pre_execute(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """Start the stale notebooks' executions and read their documents last."""
    workers = app.config.nb_parallel_workers
    if workers < 1:
        return  # switched off: myst-nb executes each stale notebook while reading it
    stale = stale_notebooks(env, docnames)
    if not stale:
        return
    from jupyter_cache import get_cache

    cache = get_cache(env.mystnb_config.execution_cache_path or ".jupyter_cache")
    names = [job.docname for job in stale]
    plural = "s" if len(stale) != 1 else ""
    logger.info(
        "pre-executing %d notebook%s, %d at a time: %s",
        len(stale), plural, workers, ", ".join(names),
    )
    _RUNNERS[id(app)] = _Runner(cache, stale, workers, app.config.nb_optimise_png)
    # Sphinx reads in this list's order: the other documents first, while the kernels run,
    # then each notebook in the order its execution was submitted.
    rest = [d for d in docnames if d not in set(names)]
    docnames[:] = rest + names


def _source_read(app: Sphinx, docname: str, source: list[str]) -> None:
    runner = _RUNNERS.get(id(app))
    if runner is not None and docname in runner.pending:
        runner.collect(docname)


def _env_updated(app: Sphinx, env: BuildEnvironment) -> list[str]:
    runner = _RUNNERS.pop(id(app), None)
    if runner is not None:
        runner.finish()
    return []


def _build_finished(app: Sphinx, exception: Exception | None) -> None:
    runner = _RUNNERS.pop(id(app), None)
    if runner is not None:  # the build stopped before every notebook was read
        runner.abandon()


def _default_workers() -> int:
    with suppress(AttributeError):
        return min(2, len(os.sched_getaffinity(0)))
    return min(2, os.cpu_count() or 1)


def setup(app: Sphinx) -> dict[str, object]:
    app.add_config_value("nb_parallel_workers", _default_workers(), "", types=frozenset({int}))
    app.add_config_value("nb_optimise_png", True, "", types=frozenset({bool}))
    app.setup_extension("myst_nb")
    # before any other handler: myst-nb reads (and would execute) from the next event on
    app.connect("env-before-read-docs", _pre_execute, priority=100)
    # before myst-nb parses the document (and looks the notebook up in the cache)
    app.connect("source-read", _source_read, priority=100)
    app.connect("env-updated", _env_updated)
    app.connect("build-finished", _build_finished)
    # reading in forked processes (sphinx-build -j) would wait on threads that do not exist
    # there; sphinx-proof already makes the book's reading serial
    return {"version": "1.0", "parallel_read_safe": False, "parallel_write_safe": True}
