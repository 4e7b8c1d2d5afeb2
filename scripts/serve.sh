#!/usr/bin/env bash
# Serve the API the way production does: gunicorn (one worker per core), DEBUG off,
# plus a Celery worker with beat for background jobs (password-reset mail, purges).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin

$BIN/celery -A config worker --beat --loglevel WARNING --concurrency 1 \
    --schedule .data/celerybeat-schedule &
worker=$!
trap 'kill $worker 2>/dev/null || true; wait $worker 2>/dev/null || true' EXIT INT TERM

echo
echo "  FitCore API   http://127.0.0.1:${PORT:-8000}/api/docs   (Swagger UI)"
echo "  Admin         http://127.0.0.1:${PORT:-8000}/admin"
echo "  Health        http://127.0.0.1:${PORT:-8000}/readyz"
echo
$BIN/gunicorn -c config/gunicorn_settings.py
