#!/usr/bin/env bash
# The whole suite: types, unit, integration (real redis-server, pm2, gunicorn), end-to-end
# (real Prometheus + Alertmanager). Integration and e2e run files one at a time: they start
# real daemons and the machine has two cores.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
npx tsc --noEmit
npx vitest run test/unit
npx vitest run test/integration test/e2e --no-file-parallelism
