"""No TeX or MyST markup may leak into the text a reader sees.

A paragraph line that starts with ``>``, ``+`` or ``-`` turns into a blockquote or a list
item in Markdown and cuts an inline formula in two: MathJax then skips both halves and the
reader sees raw TeX. A misspelt role shows its braces (``{cite:p}``). This test strips
everything that is legitimately code or math from each built page (scripts, code blocks,
cell outputs, MathJax's own ``.math`` elements) and fails on any TeX command, ``$$`` or
role that remains, naming the page and quoting the place.
"""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

from conftest import SITE, chapter_pages

#: elements whose text is code or math, not prose
NOT_PROSE = "script, style, pre, code, .math, div.highlight, .cell_output, textarea"
LEAK = re.compile(r"\\[a-zA-Z]{2,}|\$\$|\{(?:cite|eq|prf|glue|term|ref|doc)[:}]")


def leaks(html: str) -> list[str]:
    """Each leaked piece of markup in ``html``, with 30 characters of context."""
    soup = BeautifulSoup(html, "html.parser")
    for element in soup.select(NOT_PROSE):
        element.decompose()
    text = " ".join(soup.get_text(" ").split())
    return [text[max(0, m.start() - 30): m.end() + 30] for m in LEAK.finditer(text)]


def test_the_detector_finds_raw_tex_and_roles_but_not_math():
    assert leaks(r'<p>see <span class="math">\(\mathbf{x}\)</span> here</p>') == []
    assert leaks(r"<p>a line cut by a list: \frac12 \bigl(x</p>") != []
    assert leaks("<p>a role that did not parse: {cite:p}`key`</p>") != []
    assert leaks("<pre>\\begin{aligned}</pre><p>fine</p>") == []


@pytest.mark.parametrize("page", chapter_pages())
def test_no_raw_markup_in_the_prose(site, page):
    found = leaks((SITE / page).read_text(encoding="utf-8"))
    assert not found, f"{page}: raw TeX or MyST markup in the text:\n  " + "\n  ".join(found)
