"""Serve the built site as a static host does and open its pages in Chromium.

Shared by the browser tests (accessibility, keyboard, page weight) and by
``scripts/build_bench.py``, which prints the largest page.

* :class:`StaticHostHandler` serves ``_build/html`` with gzip for text files
  (HTML, CSS, JavaScript, JSON, SVG) when the browser accepts it, as GitHub
  Pages and Read the Docs do; fonts and PNG figures are sent as they are.
* :func:`open_page` loads a page with the HTTP cache disabled, keeps every
  request on 127.0.0.1, waits until MathJax has typeset the page and loaded its
  fonts, and records the bytes each response put on the wire.
"""

from __future__ import annotations

import functools
import gzip
import http.server
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

#: what a static host compresses; PNG and WOFF2 are compressed formats already
COMPRESSED_TYPES = {".html", ".css", ".js", ".json", ".svg", ".txt", ".map", ".xml"}
TIMEOUT_MS = 180_000


class StaticHostHandler(http.server.SimpleHTTPRequestHandler):
    """A quiet file server that gzips text responses for browsers that accept it."""

    def log_message(self, format, *args):
        pass

    def do_GET(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        accepts = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (accepts and path.is_file() and path.suffix in COMPRESSED_TYPES):
            return super().do_GET()
        body = gzip.compress(path.read_bytes(), compresslevel=6, mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@contextmanager
def serve(site: Path) -> Iterator[str]:
    """Serve ``site`` on 127.0.0.1 in a thread; yield its base URL."""
    handler = functools.partial(StaticHostHandler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()


@dataclass
class Visit:
    """What happened while a page loaded."""

    url: str
    outside: list[str] = field(default_factory=list)
    transfers: dict[str, int] = field(default_factory=dict)  # url -> bytes on the wire

    @property
    def transferred(self) -> int:
        return sum(self.transfers.values())


def open_page(context, url: str):
    """Open ``url`` in a new page of ``context`` with an empty cache; return (page, Visit).

    The caller closes the page.
    """
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    visit = Visit(url)
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})

    def route(r):
        host = urlsplit(r.request.url).hostname
        if r.request.url.startswith(("data:", "blob:")) or host == "127.0.0.1":
            r.continue_()
        else:
            visit.outside.append(r.request.url)
            r.abort()

    def finished(request):
        if request.url.startswith(("data:", "blob:")):
            return
        sizes = request.sizes()
        visit.transfers[request.url] = sizes["responseBodySize"] + sizes["responseHeadersSize"]

    page.route("**/*", route)
    page.on("requestfinished", finished)
    page.goto(url, wait_until="load")
    wait_for_math(page)
    return page, visit


def wait_for_math(page) -> None:
    """Wait until MathJax has typeset the page and loaded the fonts it asked for."""
    has_math = page.evaluate("() => document.querySelector('.math, span.math, div.math') !== null")
    if has_math:
        page.wait_for_function(
            "() => window.MathJax && MathJax.startup && MathJax.startup.promise",
            timeout=TIMEOUT_MS,
        )
        page.evaluate("() => MathJax.startup.promise")
        page.evaluate("() => document.fonts.ready.then(() => true)")


def weigh_pages(site: Path, pages: list[str], chromium: str, args: list[str]) -> dict[str, Visit]:
    """Load every page in a fresh headless Chromium; return each page's :class:`Visit`."""
    from playwright.sync_api import sync_playwright

    visits = {}
    with serve(site) as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=args, headless=True)
        try:
            for path in pages:
                context = browser.new_context(viewport={"width": 1280, "height": 900})
                page, visit = open_page(context, f"{base}/{path}")
                page.close()
                context.close()
                visits[path] = visit
        finally:
            browser.close()
    return visits


def chromium_path() -> str:
    return os.environ.get("CHROMIUM", "/usr/bin/chromium")
