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


# -- Stale chapters are executed in parallel before Sphinx reads them ---------------------

#: myst-nb logs this when it executes a notebook itself (a cache miss while reading)
MYSTNB_EXECUTES = "Executing notebook using"


def timed_sleep(project: Project, name: str) -> str:
    """A cell that sleeps and records when it ran, to show that two kernels overlapped."""
    log = project.root / f"{name}.interval"
    return (
        "import time, pathlib\n"
        "t0 = time.time(); time.sleep(3)\n"
        f"pathlib.Path({str(log)!r}).write_text(f'{{t0}} {{time.time()}}')"
    )


def intervals(project: Project, names) -> dict[str, tuple[float, float]]:
    out = {}
    for name in names:
        start, end = (project.root / f"{name}.interval").read_text().split()
        out[name] = (float(start), float(end))
    return out


PAGES = ("one", "two", "three")


@pytest.fixture
def parallel_project(tmp_path):
    proj = Project(tmp_path / "book")
    for name in PAGES:
        proj.write_page(name, name.title(), [STAMP, timed_sleep(proj, name)])
    first = proj.build()
    assert first.returncode == 0, first.output
    proj.first_output = first.output
    return proj


def test_stale_notebooks_are_pre_executed_in_parallel_and_cached(parallel_project):
    out = parallel_project.first_output
    assert "pre-executing 3 notebooks, 2 at a time" in out, out
    assert MYSTNB_EXECUTES not in out, "myst-nb executed a notebook that was pre-executed"
    for name in PAGES:
        assert f"pre-executed {name} in" in out
        assert f"{name}.md: Using cached notebook" in out, f"{name} was not read from the cache"
    spans = intervals(parallel_project, PAGES)
    overlapping = [
        (a, b) for i, a in enumerate(PAGES) for b in PAGES[i + 1:]
        if max(spans[a][0], spans[b][0]) < min(spans[a][1], spans[b][1])
    ]
    assert overlapping, f"no two notebooks ran at the same time: {spans}"
    # the cache records the execution time measured by the pre-execution (the report shows it)
    from jupyter_cache import get_cache

    (cache_dir,) = (parallel_project.root / "_build" / ".jupyter_cache").iterdir()
    seconds = sorted(r.data["execution_seconds"] for r in get_cache(cache_dir).list_cache_records())
    assert len(seconds) == 3 and seconds[0] >= 3.0, seconds


def test_pre_executed_notebooks_are_not_executed_again(parallel_project):
    before = {p: parallel_project.stamp(p) for p in PAGES}
    result = parallel_project.build()
    assert result.returncode == 0, result.output
    assert "pre-executing" not in result.output
    assert MYSTNB_EXECUTES not in result.output
    assert {p: parallel_project.stamp(p) for p in PAGES} == before


def test_editing_two_chapters_pre_executes_only_those(parallel_project):
    before = {p: parallel_project.stamp(p) for p in PAGES}
    for name in ("two", "three"):
        parallel_project.write_page(
            name, name.title(), [STAMP, timed_sleep(parallel_project, name), "y = 1"]
        )
    result = parallel_project.build()
    assert result.returncode == 0, result.output
    assert "pre-executing 2 notebooks, 2 at a time: three, two" in result.output, result.output
    assert MYSTNB_EXECUTES not in result.output
    assert parallel_project.stamp("one") == before["one"], "an unedited chapter was re-executed"
    for name in ("two", "three"):
        assert parallel_project.stamp(name) != before[name], f"{name} was not re-executed"
    # then one edit: only that chapter runs again
    again = {p: parallel_project.stamp(p) for p in PAGES}
    parallel_project.write_page("one", "One", [STAMP, "z = 3"])
    result = parallel_project.build()
    assert result.returncode == 0, result.output
    assert parallel_project.stamp("one") != again["one"]
    assert {p: parallel_project.stamp(p) for p in ("two", "three")} == {
        p: again[p] for p in ("two", "three")
    }


def test_a_failing_notebook_is_not_cached_and_the_others_are(tmp_path):
    proj = Project(tmp_path / "book")
    proj.write_page("fine", "Fine", [STAMP])
    proj.write_page("bad", "Bad", ["1 / 0"])
    result = proj.build()
    assert result.returncode != 0
    assert "pre-execution failed for bad" in result.output
    assert "ZeroDivisionError" in result.output
    # the good chapter's execution was kept: after fixing the bad one, only it runs
    proj.write_page("bad", "Bad", ["1 / 1"])
    result = proj.build()
    assert result.returncode == 0, result.output
    assert "pre-executing 1 notebook, 2 at a time: bad" in result.output
    assert "fine.md: Using cached notebook" in result.output
    assert MYSTNB_EXECUTES not in result.output
