"""Give the notebooks' kernels a quiet, deterministic IPython profile.

Writes ``ipython_kernel_config.py`` into an IPython directory under ``_build``
and exports ``IPYTHONDIR`` (and ``PYTHONHASHSEED``) before any kernel starts:

* ``IPKernelApp.log_level = "ERROR"`` silences ipykernel's per-notebook warning
  about unencrypted TCP connections;
* ``InteractiveShell.colors = "nocolor"`` makes a failing cell's traceback
  plain text in the build log (no ANSI escape codes);
* ``PYTHONHASHSEED=0`` fixes the order of set and dict-of-str iteration;
* one BLAS thread per kernel (unless the reader set it): the book's matrices are
  small, and several chapters execute at once, so threads would only fight for
  the cores (a 3.4 s instead of 0.2 s fit was seen under load).
"""

from __future__ import annotations

import os
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.config import Config

KERNEL_CONFIG = """\
# Written by sphinxext/kernel_setup.py for the book's build; do not edit.
c.IPKernelApp.log_level = "ERROR"
c.InteractiveShell.colors = "nocolor"
c.InteractiveShell.xmode = "Plain"
"""


def _configure(app: Sphinx, config: Config) -> None:
    ipython_dir = Path(app.confdir, config.kernel_ipython_dir).resolve()
    profile = ipython_dir / "profile_default"
    profile.mkdir(parents=True, exist_ok=True)
    target = profile / "ipython_kernel_config.py"
    if not target.exists() or target.read_text() != KERNEL_CONFIG:
        target.write_text(KERNEL_CONFIG)
    os.environ["IPYTHONDIR"] = str(ipython_dir)
    os.environ["PYTHONHASHSEED"] = "0"
    for threads in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(threads, "1")
    # matplotlib's own cache (font list) must not depend on the reader's home folder
    os.environ.setdefault("MPLCONFIGDIR", str(ipython_dir.parent / ".matplotlib"))


def setup(app: Sphinx) -> dict[str, object]:
    app.add_config_value("kernel_ipython_dir", "_build/.ipython", "env", types=frozenset({str}))
    app.connect("config-inited", _configure)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
