"""The reproducibility test's second clean build, started in the background.

A second build of the whole book from nothing takes minutes, most of them in kernels
executing chapters. ``conftest.py`` starts it (at a lower priority) as soon as pytest
knows that a test of test_reproducible.py will run, so that it executes while the
browser and notebook tests run; the first test that needs it waits for it.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

#: the build starts below the tests' priority, so it uses the CPU the tests leave idle
NICENESS = 10
TIMEOUT_S = 1800


class SecondBuild:
    """``sphinx-build`` of ``repo/book`` into a new folder, with its own caches."""

    def __init__(self, repo: Path) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="second-build-"))
        self.out = self.root / "html"
        self.log = self.root / "build.log"
        cmd = [
            sys.executable, "-m", "sphinx", "-c", str(repo), str(repo / "book"), str(self.out),
            "-q",
            "-D", f"package_cache_root={self.root / '.jupyter_cache'}",
            "-D", f"kernel_ipython_dir={self.root / '.ipython'}",
        ]
        if shutil.which("nice"):
            cmd = ["nice", "-n", str(NICENESS), *cmd]
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(
                cmd, cwd=repo, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )

    def wait(self) -> Path:
        """Wait for the build; return its output folder or raise AssertionError with its log."""
        try:
            code = self.process.wait(timeout=TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.stop()
            raise AssertionError(f"the second build took over {TIMEOUT_S} s") from None
        log = self.log.read_text(errors="replace")
        assert code == 0, f"the second clean build failed (exit {code}):\n{log[-6000:]}"
        return self.out

    def stop(self) -> None:
        """End the build if it still runs (the whole process group: its kernels too)."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)
