# Exploring the Mathematics Behind Machine Learning: build the book, run the tests.
#   make html      build the book into _build/html (strict: any warning fails)
#   make test      lint, unit tests and doctests, a clean strict build, browser tests
#   make livehtml  rebuild and reload the browser on every save (sphinx-autobuild)
#   make lock      recompile requirements.lock from pyproject.toml
#   make bench     speed of the package against the reference libraries
#   make torch     add PyTorch CPU (test oracle, benchmark reference) if a local wheel exists
#   make build-bench  cold, no-op, one-chapter and package-edit build times; largest page
#   make pdf       the whole book as one PDF in _build/pdf/book.pdf (no LaTeX: Chromium)
#   make pdf-test  print the PDF and check its pages and text (slow; not part of make test)
#   make results   copy the fresh record of computed results over book/_results.json
#   make clean     remove _build
# The first run creates .venv from requirements.lock and installs MathJax with npm.

SHELL      := /bin/bash
PYTHON     ?= python3
VENV       := .venv
BIN        := $(VENV)/bin
BUILDDIR   := _build
HTMLDIR    := $(BUILDDIR)/html
SPHINXOPTS ?= -W -n --keep-going
SPHINXBUILD = $(BIN)/sphinx-build -c . book $(HTMLDIR) $(SPHINXOPTS)
VENV_STAMP := $(VENV)/.installed
# Let Python cache bytecode even when the shell says not to: without it, Sphinx and every
# notebook kernel compile NumPy, matplotlib, scikit-learn... from source on each build
# (seconds per kernel, and most of a no-op rebuild).
unexport PYTHONDONTWRITEBYTECODE
NPM_STAMP  := node_modules/.installed

.PHONY: help html html-clean test lint unit book-test livehtml lock bench clean venv assets
.PHONY: build-bench torch

help:
	@sed -n '2,/^$$/p' Makefile | sed 's/^# //'

venv: $(VENV_STAMP)

$(VENV_STAMP): requirements.lock pyproject.toml scripts/bootstrap-venv.sh
	@PYTHON=$(PYTHON) scripts/bootstrap-venv.sh $(VENV)
	@touch $@

assets: $(NPM_STAMP)

$(NPM_STAMP): package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --no-audit --no-fund --loglevel=error && touch $@; \
	else \
		echo "WARNING: npm not found; MathJax will be loaded from a CDN (math needs internet," \
		     "the site is not self-contained). Install Node.js and npm, then rerun make." >&2; \
	fi

html: $(VENV_STAMP) $(NPM_STAMP)
	$(SPHINXBUILD)

html-clean: $(VENV_STAMP) $(NPM_STAMP)
	rm -rf $(BUILDDIR)
	$(SPHINXBUILD)

lint: $(VENV_STAMP)
	$(BIN)/ruff check .

unit: $(VENV_STAMP) $(NPM_STAMP)
	$(BIN)/python -m pytest -m "not book"

book-test: $(VENV_STAMP)
	$(BIN)/python -m pytest -m "book and not pdf" tests/book

test: lint unit html-clean book-test

livehtml: $(VENV_STAMP) $(NPM_STAMP)
	$(BIN)/sphinx-autobuild -c . book $(HTMLDIR) --watch src --watch conf.py --watch sphinxext

lock: $(VENV_STAMP)
	$$(command -v uv || echo $(BIN)/uv) pip compile pyproject.toml --all-extras --python-version 3.11 \
		--no-header --no-annotate --quiet -o requirements.lock

bench: $(VENV_STAMP)
	$(BIN)/python benchmarks/run.py

# PyTorch is optional: the tests that use it skip without it. Only a CPU wheel that pip can
# find without an index (pip's find-links) is accepted; otherwise nothing is installed.
torch: $(VENV_STAMP)
	@if $(BIN)/python -c "import torch" >/dev/null 2>&1; then \
		echo "PyTorch is installed: $$($(BIN)/python -c 'import torch; print(torch.__version__)')"; \
	elif $(BIN)/python -m pip download --quiet --no-index --no-deps --dest $(VENV)/torch-wheel \
			"$$(grep '^torch==' requirements-torch.lock)" >/dev/null 2>&1; then \
		$(BIN)/python -m pip install --quiet $(VENV)/torch-wheel/torch-*.whl -r requirements-torch.lock \
			&& rm -rf $(VENV)/torch-wheel; \
	else \
		echo "No local CPU wheel of $$(grep '^torch==' requirements-torch.lock): PyTorch not installed;" \
		     "its oracle tests and benchmark rows will skip."; \
	fi

build-bench: $(VENV_STAMP) $(NPM_STAMP)
	$(BIN)/python scripts/build_bench.py

clean:
	rm -rf $(BUILDDIR)

# -- The whole book as one PDF, and the record of computed results ---------------------------
# `make pdf` builds the single-page HTML (sharing the execution cache of `make html`), prints
# it with headless Chromium, then rewrites the HTML pages (-a, nothing is re-read or
# executed) so that their download menus link to _build/html/book.pdf.
.PHONY: pdf pdf-test results

pdf: $(VENV_STAMP) $(NPM_STAMP)
	$(BIN)/python scripts/build_pdf.py --sphinx-opts="$(SPHINXOPTS)"
	$(SPHINXBUILD) -a

pdf-test: $(VENV_STAMP) $(NPM_STAMP)
	$(BIN)/python -m pytest -m pdf tests/book

results: html
	cp $(BUILDDIR)/results.json book/_results.json
	@echo "book/_results.json updated from this build; review it with git diff, then commit it"
