import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AuditEntry } from '../../src/cli/client/types.js';
import { renderAudit } from '../../src/cli/render/audit.js';
import { plain } from '../../src/cli/render/style.js';
import { explainDecision } from '../../src/cli/render/why.js';
import { capturedFiring } from '../helpers/receiver.js';

// The guard against tests that pass only on the day they were written: the renderers run on the
// captured fixture as the integration tests send it, with the clock a year and a month ahead.
// A fixed date anywhere on that path makes `why` print a date where a clock time is expected.
const AHEAD_MS = 400 * 24 * 3600_000;

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(Date.now() + AHEAD_MS);
});
afterEach(() => {
  vi.useRealTimers();
});

function decisionFrom(alert: any, now: number): AuditEntry {
  return {
    id: `${now}-0`,
    time: new Date(now).toISOString(),
    pool: 'demo',
    scale: 'up',
    from: 1,
    to: 3,
    outcome: 'scaled',
    reason: 'scale 1 → 3: asked up to 3',
    actor: 'alertmanager',
    requestId: 'req-1',
    status: 'done',
    alerts: [
      {
        alertname: alert.labels.alertname,
        fingerprint: alert.fingerprint,
        status: 'firing',
        startsAt: alert.startsAt,
        generatorURL: alert.generatorURL,
      },
    ],
    argv: ['true'],
    exitCode: 0,
    durationMs: 5,
    timedOut: false,
    outputTail: null,
    error: null,
    victims: null,
    drain: null,
  };
}

describe('with the clock 400 days ahead', () => {
  it('the captured fixture, as tests send it, started a minute before now', () => {
    const started = Date.parse(capturedFiring().alerts[0].startsAt);
    expect(Date.now() - started).toBe(60_000);
  });

  it('why and audit render its times as clock times of today', () => {
    const now = Date.now();
    const entry = decisionFrom(capturedFiring().alerts[0], now);
    expect(explainDecision(entry, { min: 1, max: 8 }, now)).toMatch(/^Alertmanager reported QueueHigh \(firing since \d\d:\d\d:\d\d\)\./);
    expect(renderAudit([entry], { now, width: Infinity, style: plain }).lines[1]).toMatch(/^\d\d:\d\d:\d\d {2}demo/);
  });
});
