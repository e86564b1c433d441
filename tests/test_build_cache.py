"""The execution cache re-runs exactly what a change can affect.

* a no-op rebuild executes nothing;
* editing one chapter's code re-executes that chapter only;
* editing any file of the package re-executes every chapter, so no page shows
  output computed by an older version of the code.

Each page prints a fresh random stamp when it is executed; a stamp that stays
the same across builds proves that the page was not executed again.
"""

from __future__ import annotations

import pytest

from sphinx_project import Project

pytestmark = pytest.mark.slow

STAMP = "import uuid; print('stamp', uuid.uuid4().hex)"


def read_package(project: Project) -> str:
    return f"print('package says', open({str(project.root / 'pkg' / 'value.txt')!r}).read())"


@pytest.fixture
def project(tmp_path):
    proj = Project(tmp_path / "book")
    proj.write_page("alpha", "Alpha", [STAMP, read_package(proj)])
    proj.write_page("beta", "Beta", [STAMP, "x = 1"])
    first = proj.build()
    assert first.returncode == 0, first.output
    return proj


def test_noop_rebuild_executes_nothing(project):
    before = {p: project.stamp(p) for p in ("alpha", "beta")}
    result = project.build()
    assert result.returncode == 0, result.output
    assert {p: project.stamp(p) for p in ("alpha", "beta")} == before
    assert "Executing notebook" not in result.output


def test_editing_one_chapter_reexecutes_only_that_chapter(project):
    before = {p: project.stamp(p) for p in ("alpha", "beta")}
    project.write_page("beta", "Beta", [STAMP, "x = 2"])
    result = project.build()
    assert result.returncode == 0, result.output
    assert project.stamp("beta") != before["beta"], "the edited chapter was not re-executed"
    assert project.stamp("alpha") == before["alpha"], "an unedited chapter was re-executed"


def test_editing_the_package_reexecutes_every_chapter(project):
    before = {p: project.stamp(p) for p in ("alpha", "beta")}
    assert "package says version 1" in project.html("alpha")
    project.write_package("version 2")
    result = project.build()
    assert result.returncode == 0, result.output
    assert "package says version 2" in project.html("alpha"), "stale output after a package edit"
    for page in ("alpha", "beta"):
        assert project.stamp(page) != before[page], f"{page} was not re-executed"
    # and the new state is cached in turn: the next build executes nothing
    again = {p: project.stamp(p) for p in ("alpha", "beta")}
    assert project.build().returncode == 0
    assert {p: project.stamp(p) for p in ("alpha", "beta")} == again


def test_package_hash_ignores_bytecode(tmp_path):
    from sphinxext.package_cache import source_hash

    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "mod.py").write_text("x = 1\n")
    h1 = source_hash([pkg])
    (pkg / "__pycache__").mkdir()
    (pkg / "__pycache__" / "mod.cpython-311.pyc").write_bytes(b"\x00\x01")
    assert source_hash([pkg]) == h1
    (pkg / "mod.py").write_text("x = 2\n")
    assert source_hash([pkg]) != h1
    (pkg / "mod.py").write_text("x = 1\n")
    (pkg / "new.py").write_text("")
    assert source_hash([pkg]) != h1, "adding a file must change the hash"


def test_the_book_watches_the_package():
    import runpy

    from sphinx_project import REPO

    conf = runpy.run_path(str(REPO / "conf.py"))
    assert "sphinxext.package_cache" in conf["extensions"]
    assert conf["package_cache_source_dirs"] == ["src/mathbehindml"]
    assert conf["nb_execution_mode"] == "cache"
    assert conf["nb_execution_raise_on_error"] is True
