#!/usr/bin/env bash
# Create .venv and install exactly requirements.lock, then the package in editable mode.
# Uses uv when it is on PATH, else installs uv into the venv (about ten times faster than
# pip here); falls back to pip when uv cannot be had.
set -euo pipefail
venv=${1:-.venv}
python=${PYTHON:-python3}

if [ ! -x "$venv/bin/python" ]; then
  echo "bootstrap: creating $venv with $($python --version)"
  "$python" -m venv "$venv"
fi

uv=$(command -v uv || true)
if [ -z "$uv" ]; then
  if [ -x "$venv/bin/uv" ] || "$venv/bin/python" -m pip install --quiet uv; then
    uv="$venv/bin/uv"
  fi
fi

if [ -n "$uv" ]; then
  echo "bootstrap: installing requirements.lock with $("$uv" --version)"
  "$uv" pip install --quiet --python "$venv/bin/python" -r requirements.lock
  "$uv" pip install --quiet --python "$venv/bin/python" --no-deps -e .
else
  echo "bootstrap: uv unavailable; installing requirements.lock with pip (slower)"
  "$venv/bin/python" -m pip install --quiet -r requirements.lock
  "$venv/bin/python" -m pip install --quiet --no-deps -e .
fi
