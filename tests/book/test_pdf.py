"""`make pdf` prints the whole book to one PDF with typeset math (scripts/build_pdf.py).

Slow, so marked ``pdf``: run by ``make pdf-test``, not by ``make test``. It builds the
single-page HTML (from the execution cache of `make html`) and prints
it with headless Chromium. The text of the PDF is read back with poppler's pdftotext.
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


@pytest.fixture(scope="module")
def pdf_text(site) -> tuple[int, str]:
    if not Path(CHROMIUM).is_file():
        pytest.skip(f"Chromium not found at {CHROMIUM}: the PDF cannot be printed")
    if shutil.which("pdftotext") is None or shutil.which("pdfinfo") is None:
        pytest.skip("poppler-utils (pdftotext, pdfinfo) is not installed: "
                    "apt-get install poppler-utils")
    subprocess.run([sys.executable, str(REPO / "scripts" / "build_pdf.py")], check=True,
                   cwd=REPO, timeout=1800)
    info = subprocess.run(["pdfinfo", str(PDF)], capture_output=True, text=True, check=True)
    pages = int(re.search(r"^Pages:\s+(\d+)", info.stdout, re.M).group(1))
    text = subprocess.run(["pdftotext", "-layout", str(PDF), "-"], capture_output=True,
                          text=True, check=True).stdout
    return pages, text


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
