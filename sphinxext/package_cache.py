"""Key myst-nb's execution cache by a hash of the package's source.

myst-nb caches executed notebooks by the text of their code cells only, so an
edit to ``src/mathbehindml`` would leave readers looking at outputs computed by
the old code. This extension hashes every file under the watched source
folders and

* points ``nb_execution_cache_path`` at ``<package_cache_root>/<hash>``, so a
  changed package starts from an empty cache and every chapter re-executes;
* records the hash in the ``package_source_hash`` config value, whose change
  makes Sphinx re-read every document (``rebuild="env"``), so chapters whose
  text did not change are executed again too;
* deletes the caches of other hashes, so ``_build`` does not grow without bound.

An unchanged package changes nothing: myst-nb's own per-notebook caching applies.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util import logging

logger = logging.getLogger(__name__)

_IGNORED_PARTS = {"__pycache__", ".pytest_cache", ".mypy_cache"}
_IGNORED_SUFFIXES = {".pyc", ".pyo"}


def source_hash(folders: list[Path]) -> str:
    """Return a SHA-256 over the relative paths and bytes of every file in ``folders``."""
    digest = hashlib.sha256()
    for folder in folders:
        files = sorted(
            p
            for p in folder.rglob("*")
            if p.is_file()
            and not _IGNORED_PARTS.intersection(p.parts)
            and p.suffix not in _IGNORED_SUFFIXES
        )
        for path in files:
            digest.update(path.relative_to(folder).as_posix().encode())
            digest.update(b"\0")
            digest.update(path.read_bytes())
            digest.update(b"\0")
    return digest.hexdigest()


def _configure(app: Sphinx, config: Config) -> None:
    folders = [Path(app.confdir, f).resolve() for f in config.package_cache_source_dirs]
    missing = [str(f) for f in folders if not f.is_dir()]
    if missing:
        raise ValueError(
            f"package_cache_source_dirs names folders that do not exist: {missing}. "
            "Give paths relative to the folder of conf.py."
        )
    key = source_hash(folders)[:16]
    root = Path(app.confdir, config.package_cache_root).resolve()
    cache = root / key
    if root.is_dir():
        for stale in root.iterdir():
            if stale.is_dir() and stale.name != key:
                shutil.rmtree(stale, ignore_errors=True)
    config.package_source_hash = key
    config.nb_execution_cache_path = str(cache)
    logger.info("package source hash %s; execution cache %s", key, cache)


def setup(app: Sphinx) -> dict[str, object]:
    app.add_config_value("package_cache_source_dirs", [], "env", types=frozenset({list}))
    app.add_config_value(
        "package_cache_root", "_build/.jupyter_cache", "env", types=frozenset({str})
    )
    app.add_config_value("package_source_hash", "", "env", types=frozenset({str}))
    # after myst-nb has registered its config values
    app.connect("config-inited", _configure, priority=900)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
