#!/usr/bin/env bash
# Make a fresh clone runnable: npm packages, and the Debian packages the stack and tests use.
# Safe to run every time: it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x node_modules/.bin/tsx ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "alertscale: installing npm packages (npm ci)…" >&2
  npm ci --no-audit --no-fund >&2
fi

declare -A wanted=(
  [redis-server]=redis-server [redis-sentinel]=redis-sentinel [prometheus]=prometheus [prometheus-alertmanager]=prometheus-alertmanager
  [gunicorn]=gunicorn [tmux]=tmux [docker-compose]=docker-compose [faketime]=faketime [celery]=celery
)
missing=()
for bin in "${!wanted[@]}"; do command -v "$bin" >/dev/null 2>&1 || missing+=("${wanted[$bin]}"); done
# The web demo pool's app runs under Debian's gunicorn, i.e. /usr/bin/python3.
/usr/bin/python3 -c 'import prometheus_client' >/dev/null 2>&1 || missing+=(python3-prometheus-client)
# The Celery tests run a real worker on a Redis broker: Debian's celery, python3-celery and python3-redis.
/usr/bin/python3 -c 'import celery, redis' >/dev/null 2>&1 || missing+=(python3-celery python3-redis)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "alertscale: installing Debian packages: ${missing[*]}" >&2
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
  else
    echo "alertscale: missing ${missing[*]}; install them with: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi
