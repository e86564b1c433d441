"""One visit per page: what the browser tests of the built site check, recorded once.

Loading a long chapter in Chromium (MathJax typesets hundreds of formulas) is most of the
cost of the browser tests, so each page is loaded once per session (:func:`inspect_page`,
cached by the ``page_report`` fixture of ``conftest.py``) and that one load is recorded in
a :class:`PageReport`: the requests (outside hosts, failures, bytes on the wire, with an
empty cache and text gzipped as a static host sends it), console errors, what MathJax
typeset, the images, and axe-core's violations. Each check is a function of the report
that returns its problems (an empty list when there are none), so that each test stays its
own named test with its own message, and ``test_detectors.py`` shows that every check
fails on a page built to break it.

The Chromium set-up and the static host are in ``scripts/browser.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from browser import Visit, open_page

# pydata-sphinx-theme logs this once on a fresh profile (no stored theme mode yet).
KNOWN_CONSOLE_ERRORS = ("Got invalid theme mode",)
SEVERE = {"serious", "critical"}
MAX_PAGE_BYTES = 2_000_000

#: what MathJax typeset, and the images as the browser loaded them
DOM_INFO = """() => ({
    math: document.querySelectorAll('mjx-container').length,
    mathErrors: document.querySelectorAll('mjx-merror').length,
    rawTex: Array.from(document.querySelectorAll('div.math, span.math'))
        .filter(e => !e.querySelector('mjx-container')).length,
    images: Array.from(document.images).map(i => ({
        src: i.currentSrc || i.src, ok: i.complete && i.naturalWidth > 0,
        alt: i.getAttribute('alt')})),
})"""

#: axe-core's violations, with enough of each node to find it
RUN_AXE = """async () => (await axe.run(document, {resultTypes: ['violations']}))
    .violations.map(v => ({
        id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.map(n => ({
            target: n.target.join(' '), html: n.html.slice(0, 200),
            summary: n.failureSummary}))}))"""


@dataclass
class PageReport:
    """Everything the browser tests need from one load of one page."""

    path: str
    visit: Visit | None = None
    dom: dict = field(default_factory=dict)
    violations: list[dict] | None = None  # None: axe-core was not run
    error: str | None = None  # the load itself failed (timeout, crash)


def inspect_page(context, base: str, path: str, axe: Path | None) -> PageReport:
    """Load ``base/path`` once in ``context`` and record what every check needs.

    ``axe`` is the path of ``axe.min.js``; with None, axe-core is not run. A failure of
    the load is recorded in ``PageReport.error`` rather than raised, so that each test of
    the page fails with it instead of loading the page again.
    """
    report = PageReport(path)
    page = None
    try:
        page, report.visit = open_page(context, f"{base}/{path}")
        report.dom = page.evaluate(DOM_INFO)
        if axe is not None:
            page.add_script_tag(path=str(axe))
            report.violations = page.evaluate(RUN_AXE)
    except Exception as error:  # recorded; every test of the page reports it
        report.error = f"{type(error).__name__}: {error}"
    finally:
        if page is not None:
            page.close()
    return report


def loaded(report: PageReport) -> Visit:
    """The page's :class:`Visit`; raise AssertionError naming the page if it did not load."""
    if report.error is not None or report.visit is None:
        raise AssertionError(f"{report.path} did not load in Chromium: {report.error}")
    return report.visit


def request_problems(report: PageReport) -> list[str]:
    """Requests to outside hosts, failed requests, and console errors."""
    visit = loaded(report)
    problems = []
    if visit.outside:
        problems.append(f"{report.path} requested outside hosts: {visit.outside}")
    failed = [u for u in visit.failed if u not in visit.outside]
    if failed:
        problems.append(f"{report.path} had failed requests: {failed}")
    console = [c for c in visit.console if not c.startswith(KNOWN_CONSOLE_ERRORS)]
    if console:
        problems.append(f"{report.path} logged console errors: {console}")
    return problems


def image_problems(report: PageReport) -> list[str]:
    """Images that the browser could not load."""
    loaded(report)
    broken = [i["src"] for i in report.dom["images"] if not i["ok"]]
    return [f"{report.path} has images that did not load: {broken}"] if broken else []


def math_problems(report: PageReport) -> list[str]:
    """Formulas MathJax did not typeset, or typeset as errors."""
    visit, dom = loaded(report), report.dom
    if not visit.has_math:
        return []
    problems = []
    if dom["math"] == 0:
        problems.append(f"{report.path} has math that MathJax did not typeset")
    if dom["mathErrors"]:
        problems.append(f"{report.path} has {dom['mathErrors']} MathJax errors")
    if dom["rawTex"]:
        problems.append(f"{report.path} shows {dom['rawTex']} untypeset formulas")
    return problems


def axe_problems(report: PageReport) -> list[str]:
    """axe-core's serious and critical violations, one line per node (five per rule)."""
    loaded(report)
    if report.violations is None:
        raise AssertionError(f"{report.path}: axe-core was not run (axe.min.js missing)")
    return [
        f"{report.path}: [{v['impact']}] {v['id']} ({v['help']}) at {n['target']}: {n['html']}\n"
        f"    {n['summary']}"
        for v in report.violations
        if v["impact"] in SEVERE
        for n in v["nodes"][:5]
    ]


def weight_problems(report: PageReport, limit: int = MAX_PAGE_BYTES) -> list[str]:
    """The page transferring more than ``limit`` bytes with an empty cache, or nothing."""
    visit = loaded(report)
    if not visit.transfers:
        return [f"{report.path}: no response was recorded"]
    if visit.transferred <= limit:
        return []
    largest = sorted(visit.transfers.items(), key=lambda kv: -kv[1])[:6]
    detail = "\n".join(f"    {n / 1e3:8.1f} kB  {u}" for u, n in largest)
    return [
        f"{report.path} transfers {visit.transferred / 1e6:.2f} MB with an empty cache "
        f"(limit {limit / 1e6:g} MB); largest responses:\n{detail}"
    ]
