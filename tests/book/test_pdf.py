"""`make pdf` prints the whole book to one PDF with typeset math (scripts/build_pdf.py).

Slow, so marked ``pdf``: run by ``make pdf-test``, not by ``make test``. It builds the
single-page HTML (from the execution cache of `make html`) and prints
it with headless Chromium. The text of the PDF is read back with poppler's pdftotext;
``pdftotext -bbox`` gives the position of every word, for the checks of the margins.
Chromium does not write the text that an element with ``overflow: auto`` clips, so text
cut at the right margin is caught by looking for it: every line of printed code must be
in the PDF.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import CHROMIUM, REPO

PDF = REPO / "_build" / "pdf" / "book.pdf"
MIN_PAGES = 150  # the chapters fill well over this many A4 pages
#: the page margins of scripts/build_pdf.py, in PostScript points (1 mm = 72 / 25.4 pt)
MARGIN_LEFT_RIGHT_PT = 16 * 72 / 25.4
#: glyph boxes of MathJax's fonts reach a little beyond the ink
MARGIN_TOLERANCE_PT = 2.0
#: code-cell tags whose source the book hides: set-up code, plotting code
HIDDEN_TAGS = {"hide-input", "hide-cell", "remove-input", "remove-cell"}
#: lines shorter than this are too common to attribute to a single cell
MIN_CODE_LINE = 30


@pytest.fixture(scope="module")
def pdf_text(site) -> tuple[int, str]:
    if not Path(CHROMIUM).is_file():
        pytest.skip(f"Chromium not found at {CHROMIUM}: the PDF cannot be printed")
    if shutil.which("pdftotext") is None or shutil.which("pdfinfo") is None:
        pytest.skip("poppler-utils (pdftotext, pdfinfo) is not installed: "
                    "apt-get install poppler-utils")
    subprocess.run([sys.executable, str(REPO / "scripts" / "build_pdf.py")], check=True,
                   cwd=REPO, timeout=3600)  # 30 min was not enough on a loaded 2-core machine
    info = subprocess.run(["pdfinfo", str(PDF)], capture_output=True, text=True, check=True)
    pages = int(re.search(r"^Pages:\s+(\d+)", info.stdout, re.M).group(1))
    text = subprocess.run(["pdftotext", "-layout", str(PDF), "-"], capture_output=True,
                          text=True, check=True).stdout
    return pages, text


@pytest.fixture(scope="module")
def pdf_words(pdf_text) -> list[tuple[int, float, float, float, str]]:
    """Every word of the PDF as (page, page width, xMin, xMax, text), from pdftotext -bbox."""
    xml = subprocess.run(["pdftotext", "-bbox", str(PDF), "-"], capture_output=True,
                         text=True, check=True).stdout
    words = []
    for number, page in enumerate(re.split(r"<page ", xml)[1:], start=1):
        width = float(re.match(r'width="([\d.]+)"', page).group(1))
        for x_min, x_max, word in re.findall(
                r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>',
                page):
            words.append((number, width, float(x_min), float(x_max), word))
    return words


def code_cells(markdown: str) -> list[tuple[set[str], list[str]]]:
    """The code cells of a MyST notebook, as (tags, source lines)."""
    cells = []
    for block in re.findall(r"^```\{code-cell\}[^\n]*\n(.*?)^```", markdown, re.M | re.S):
        lines = block.splitlines()
        tags: set[str] = set()
        if lines and lines[0] == "---":  # a YAML block of options
            end = lines.index("---", 1)
            options, lines = lines[1:end], lines[end + 1:]
        else:  # short options, ":key: value"
            n = 0
            while n < len(lines) and lines[n].startswith(":"):
                n += 1
            options, lines = lines[:n], lines[n:]
        for option in options:
            match = re.match(r"\s*:?tags:\s*\[(.*)\]", option)
            if match:
                tags |= {t.strip().strip("'\"") for t in match.group(1).split(",")}
        cells.append((tags, lines))
    return cells


def squeeze(text: str) -> str:
    """Text without any white space: code wrapped at the margin reads as the same code."""
    return "".join(text.split())


@pytest.mark.pdf
def test_pdf_text_stays_within_the_margins(pdf_words):
    """No word runs into the right (or left) margin: wide code, tables and math fit the page."""
    outside = [(page, round(x_min), round(x_max), word)
               for page, width, x_min, x_max, word in pdf_words
               if x_max > width - MARGIN_LEFT_RIGHT_PT + MARGIN_TOLERANCE_PT
               or x_min < MARGIN_LEFT_RIGHT_PT - MARGIN_TOLERANCE_PT]
    assert len(pdf_words) > 50_000, f"only {len(pdf_words)} words read from the PDF"
    assert not outside, (f"{len(outside)} word(s) beyond the page margins "
                         f"(page, xMin, xMax, word): {outside[:8]}")


@pytest.mark.pdf
def test_pdf_prints_code_whole_and_hides_hidden_code(pdf_text):
    """Every line of shown code is in the PDF, not cut at the margin; hidden set-up code is not.

    The oracle is the chapters' source: lines of hidden cells that appear nowhere else
    (no shown cell, no module of the package that a chapter includes) must be absent;
    lines of shown cells must be present, whole.
    """
    _, text = pdf_text
    printed = squeeze(text)
    hidden: set[str] = set()
    shown: set[str] = set()
    for chapter in sorted((REPO / "book").glob("*.md")):
        for tags, lines in code_cells(chapter.read_text()):
            long_lines = {line.strip() for line in lines if len(line.strip()) >= MIN_CODE_LINE}
            (hidden if tags & HIDDEN_TAGS else shown).update(long_lines)
    package = squeeze(" ".join(p.read_text() for p in (REPO / "src").rglob("*.py")))
    shown_code = squeeze(" ".join(shown))  # a hidden line may be part of a shown one
    only_hidden = {line for line in hidden - shown
                   if squeeze(line) not in package and squeeze(line) not in shown_code}
    assert len(only_hidden) > 20 and len(shown) > 200, "too few code lines: is the parser broken?"
    printed_hidden = sorted(line for line in only_hidden if squeeze(line) in printed)
    assert not printed_hidden, (f"{len(printed_hidden)} line(s) of hidden code cells are "
                                f"printed, e.g. {printed_hidden[:3]}")
    missing = sorted(line for line in shown if squeeze(line) not in printed)
    assert not missing, (f"{len(missing)} line(s) of shown code are missing or cut in the "
                         f"PDF, e.g. {missing[:3]}")


@pytest.mark.pdf
def test_pdf_has_the_whole_book(pdf_text):
    pages, text = pdf_text
    assert pages > MIN_PAGES, f"only {pages} pages"
    titles = [re.sub(r"^#\s+", "", next(line for line in p.read_text().splitlines()
                                         if line.startswith("# ")))
              for p in sorted((REPO / "book").glob("0*.md"))]
    flat = " ".join(text.split())
    missing = [t for t in titles if " ".join(t.split()) not in flat]
    assert not missing, f"chapter titles missing from the PDF: {missing}"


#: TeX between dollar signs that MathJax left alone. Code listings quote TeX too (the
#: package's docstrings use :math:`...`, Python strings double the backslash), so a
#: bare "\\frac" is not evidence; a dollar sign followed by a single-backslash command is.
RAW_TEX = re.compile(r"\$\$|\$[^$\n]{0,80}(?<!\\)\\(frac|mathbf|boldsymbol|nabla|tilde|begin)\b")


@pytest.mark.pdf
def test_pdf_math_is_typeset(pdf_text):
    _, text = pdf_text
    raw = [m.group(0) for m in RAW_TEX.finditer(text)]
    assert not raw, f"raw TeX in the PDF, MathJax did not typeset it: {raw[:5]}"


@pytest.mark.pdf
def test_pdf_is_linked_from_the_site(pdf_text, site):
    assert (site / "book.pdf").is_file()
