"""Sphinx configuration of *Exploring the Mathematics Behind Machine Learning*.

Build with ``make html`` (or ``sphinx-build -c . book _build/html``). The
source folder is ``book/``; this file sits at the repository root so that the
local extensions in ``sphinxext/`` and the package in ``src/`` are siblings.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))  # for sphinxext/
sys.path.insert(0, str(ROOT / "src"))  # autodoc imports mathbehindml from the working tree

import mathbehindml  # noqa: E402

# -- The one place that names the repository ---------------------------------------------
REPOSITORY_URL = "https://github.com/mathbehindml/mathbehindml-book"

# -- Project ------------------------------------------------------------------------------
project = "Exploring the Mathematics Behind Machine Learning"
author = "Sonia Spinelli and contributors"
copyright = "2026, Sonia Spinelli and contributors"
release = version = mathbehindml.__version__
language = "en"

extensions = [
    "myst_nb",
    "sphinx.ext.autodoc",
    "sphinx.ext.intersphinx",
    "numpydoc",
    "sphinx_design",
    "sphinx_copybutton",
    "sphinx_togglebutton",
    "sphinxcontrib.bibtex",
    "sphinx_proof",
    "sphinx_exercise",
    "sphinxext.local_mathjax",
    "sphinxext.kernel_setup",
    "sphinxext.package_cache",
    "sphinxext.parallel_execute",
    "sphinxext.notebook_download",
    "sphinxext.results_snapshot",
    "sphinxext.book_pdf",
    "sphinxext.accessibility",
    "sphinxext.execution_report",
]

exclude_patterns = ["_build", "**.ipynb_checkpoints", ".DS_Store"]
root_doc = "index"
nitpicky = True
numfig = True
math_numfig = True
math_number_all = False
math_eqref_format = "({number})"
numfig_secnum_depth = 1

# -- MyST / myst-nb -----------------------------------------------------------------------
myst_enable_extensions = [
    "amsmath",
    "colon_fence",
    "deflist",
    "dollarmath",
    "fieldlist",
    "substitution",
]
myst_heading_anchors = 3
myst_dmath_double_inline = True

nb_execution_mode = "cache"
# Replaced by sphinxext.package_cache with an absolute path keyed by the package's source.
nb_execution_cache_path = str(ROOT / "_build" / ".jupyter_cache")
package_cache_source_dirs = ["src/mathbehindml"]
package_cache_root = "_build/.jupyter_cache"
kernel_ipython_dir = "_build/.ipython"
nb_execution_raise_on_error = True
nb_execution_show_tb = True
nb_execution_timeout = 120  # seconds per cell
nb_execution_in_temp = False
nb_parallel_workers = 2  # sphinxext.parallel_execute: stale chapters executed two at a time
nb_merge_streams = True
nb_number_source_lines = False
nb_mime_priority_overrides = [("html", "image/svg+xml", 5)]

# -- Cross-references and bibliography ----------------------------------------------------
bibtex_bibfiles = ["book/references.bib"]  # relative to the folder of conf.py
bibtex_default_style = "plain"
bibtex_reference_style = "author_year"
intersphinx_mapping: dict[str, tuple[str, str | None]] = {}  # no outside request at build time
# Without intersphinx, types of NumPy and the standard library cannot be linked: name them
# in plain text rather than fail the strict build.
nitpick_ignore_regex = [("py:class", r"(numpy|np|collections\.abc|typing)\..*")]

# -- API reference ------------------------------------------------------------------------
autodoc_typehints = "none"  # numpydoc renders the types from the docstrings
autodoc_member_order = "bysource"
# numpydoc loads autosummary, whose stub generation scans every page on every build (0.7 s
# of a no-op rebuild); the book has no autosummary directive
autosummary_generate = False
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False
numpydoc_validation_checks = {"GL08", "PR01", "RT01", "EX01"}
# properties and module constants document themselves in one line, without Examples
numpydoc_validation_exclude = {r"\.n_samples$", r"\.n_features$", r"\.BOOK_COLORS$"}

# -- HTML ---------------------------------------------------------------------------------
html_theme = "sphinx_book_theme"
html_title = project
html_static_path = ["book/_static"]
templates_path = ["book/_templates"]  # relative to this folder; overrides of theme templates
html_css_files = ["book.css", "figures.css", ("print.css", {"media": "print"})]
html_last_updated_fmt = None  # no timestamps: two clean builds give identical pages
html_copy_source = True
html_show_sourcelink = False
html_theme_options = {
    "repository_url": REPOSITORY_URL,
    "repository_branch": "main",
    "path_to_docs": "book",
    "use_repository_button": True,
    "use_download_button": True,
    "use_fullscreen_button": True,
    "use_issues_button": True,
    "use_edit_page_button": False,
    "home_page_in_toc": True,
    "show_toc_level": 2,
    "navigation_with_keys": False,
    # the sidebar has the search field; without this pydata-sphinx-theme 0.20 adds a second
    # one in a header bar above the page
    "navbar_persistent": [],
    "extra_footer": (
        '<p>Text licensed <a href="https://creativecommons.org/licenses/by/4.0/">CC BY 4.0</a>;'
        ' code licensed <a href="' + REPOSITORY_URL + '/blob/main/LICENSE">MIT</a>.</p>'
    ),
}
