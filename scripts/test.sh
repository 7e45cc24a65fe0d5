#!/usr/bin/env bash
# Install the test tools and run the whole test suite (SQLite, PostgreSQL, AppTest, browser).
# Usage: bash scripts/test.sh [pytest arguments]
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then "$PY" -m venv .venv; fi
.venv/bin/pip install --quiet --disable-pip-version-check -r requirements-dev.txt

# Debian's Chromium for the end-to-end tests (a browser download does not work on these machines).
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "chromium saknas: installera Debians paket 'chromium' (sudo apt-get install chromium)" >&2
  fi
fi

# Debian's nginx and openssl for the test of deploy/nginx/narvaro.conf (tests/e2e/test_nginx.py); not started as a
# service: the test runs its own nginx in the foreground with a throwaway config and certificate.
if [ ! -x /usr/sbin/nginx ] || ! command -v openssl >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx openssl >/dev/null
  else
    echo "nginx saknas: installera Debians paket 'nginx' (sudo apt-get install nginx)" >&2
  fi
fi

# axe-core for the accessibility tests, pinned in tests/e2e/package-lock.json, into tests/e2e/node_modules (git-ignored).
if [ ! -f tests/e2e/node_modules/axe-core/axe.min.js ]; then
  if ! command -v npm >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null
  fi
  if command -v npm >/dev/null 2>&1; then
    npm ci --prefix tests/e2e --no-audit --no-fund --loglevel=error
  else
    echo "npm saknas: installera Debians paket 'npm' för tillgänglighetstesterna (axe-core)" >&2
  fi
fi

# The PostgreSQL tests need the server on 127.0.0.1:5432.
if command -v pg_isready >/dev/null 2>&1 && ! pg_isready -q -h 127.0.0.1 -p 5432; then
  if command -v pg_ctlcluster >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
    for _ in $(seq 1 20); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 0.5; done
  fi
fi

exec .venv/bin/python -m pytest "$@"
