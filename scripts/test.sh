#!/usr/bin/env bash
# The whole suite: types, unit, integration (real redis-server, pm2, gunicorn), end-to-end
# (real Prometheus + Alertmanager). Integration and e2e run files one at a time: they start
# real daemons and the machine has two cores.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
npx tsc --noEmit
# Biome (biome.jsonc): format and lint; `npm run format` fixes what it can.
npm run lint
# Every vitest run first builds dist/ (test/helpers/build.ts, its global setup): the tests that run
# bin/alertscale.js or the pm2 demo worker run the compiled JavaScript, never a stale one.
npx vitest run test/unit
npx vitest run test/integration test/e2e --no-file-parallelism
# The clock-shift guard: the tests that render times again, 400 days ahead (libfaketime reaches
# Node's Date through libc). A test whose inputs are fixed dates, not times relative to now, fails here.
faketime -f '+400d' npx vitest run test/unit/cli-render.test.ts test/unit/cli-format.test.ts \
  test/unit/cli-client.test.ts test/unit/silences-muted.test.ts test/unit/policy-history.test.ts \
  test/unit/clock-shift.test.ts
