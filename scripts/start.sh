#!/usr/bin/env bash
# Install Närvaro and start it on the embedded SQLite database (var/narvaro.sqlite3).
# Set NARVARO_DATABASE_URL to use PostgreSQL instead. Usage: bash scripts/start.sh [streamlit options]
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then "$PY" -m venv .venv; fi
.venv/bin/pip install --quiet --disable-pip-version-check -r requirements.txt
.venv/bin/python -m narvaro init
exec .venv/bin/streamlit run app.py "$@"
