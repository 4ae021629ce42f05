#!/usr/bin/env bash
# Install tipoff and run it on SQLite with the demo body, at http://127.0.0.1:${PORT:-8000}
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
PORT=${PORT:-8000}
# The public address: webhook URLs are made from it and Twilio signs it, so it follows PORT.
export SITE_URL=${SITE_URL:-http://127.0.0.1:${PORT}}
PY=.venv/bin/python
mkdir -p var
$PY manage.py migrate --noinput -v 0
$PY manage.py createcachetable
$PY manage.py collectstatic --noinput -v 0
$PY manage.py demo_load

# The background worker (notifications, reminders) and the scheduler (every
# app's periodic jobs: reminders, retention, purges, the orphan sweep) run
# beside the web server.
$PY manage.py db_worker --queue-name '*' >var/worker.log 2>&1 &
WORKER=$!
$PY manage.py scheduler >var/scheduler.log 2>&1 &
SCHEDULER=$!
trap 'kill $WORKER $SCHEDULER 2>/dev/null || true' EXIT INT TERM

echo
echo "tipoff is running at http://127.0.0.1:${PORT}/  (back office: http://127.0.0.1:${PORT}/office/)"
echo "Staff sign in with the demo password above and a six-digit code from:  .venv/bin/python manage.py demo_totp"
echo "Press Ctrl+C to stop."
.venv/bin/gunicorn tipoff.wsgi --bind "127.0.0.1:${PORT}" --workers "${WEB_CONCURRENCY:-2}" --threads 4 \
  --worker-tmp-dir /dev/shm --graceful-timeout 10 --log-level warning --preload
