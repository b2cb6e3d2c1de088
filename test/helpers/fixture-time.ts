/**
 * Captured payloads carry the times of the day they were captured. A test that renders or compares
 * those times against the clock moves them next to "now", keeping every other byte as captured, so
 * it reads the same on any date (and under the `faketime` run of scripts/test.sh).
 */

/** How long before "now" a shifted alert started: old enough to be firing, young enough to be today. */
export const FIRING_FOR_MS = 60_000;

/** Alertmanager's zero time: a firing alert's `endsAt`, not a moment to shift. */
const GO_ZERO_TIME = '0001-01-01T00:00:00Z';

/** The webhook body with each alert's `startsAt` (and a real `endsAt`) moved so it started `firingForMs` before `now`. */
export function shiftedToNow<T extends { alerts: Array<{ startsAt: string; endsAt?: string }> }>(
  body: T,
  now: number = Date.now(),
  firingForMs: number = FIRING_FOR_MS,
): T {
  const first = Math.min(...body.alerts.map((a) => Date.parse(a.startsAt)));
  const shift = now - firingForMs - first;
  const move = (t: string) => new Date(Date.parse(t) + shift).toISOString();
  for (const alert of body.alerts) {
    alert.startsAt = move(alert.startsAt);
    if (alert.endsAt !== undefined && alert.endsAt !== GO_ZERO_TIME) alert.endsAt = move(alert.endsAt);
  }
  return body;
}

/** The environment for a daemon that must keep the real clock while the test runs under `faketime`. */
export function realClockEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const real = { ...env };
  for (const name of ['LD_PRELOAD', 'FAKETIME', 'FAKETIME_SHARED']) delete real[name];
  return real;
}
