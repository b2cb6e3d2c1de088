import { describe, expect, it } from 'vitest';
import type { ScaleSignal } from '../../src/alerts/signal.js';
import { parseConfig } from '../../src/config/index.js';
import { decide } from '../../src/policy/decide.js';
import { nextHistory } from '../../src/policy/history.js';
import type { AlertHistory, Decision } from '../../src/policy/types.js';

const T0 = '2026-11-23T06:00:00.000Z';
const T1 = '2026-11-23T06:10:00.000Z';
const NOW = Date.parse('2026-11-23T06:20:00.000Z');

const signal = (over: Partial<ScaleSignal> = {}): ScaleSignal => ({
  alertname: 'QueueHigh',
  fingerprint: 'fp1',
  status: 'firing',
  startsAt: T1,
  generatorURL: '',
  pool: 'demo',
  scale: 'up',
  ...over,
});
const decision = (outcome: Decision['outcome'], stepped: string[] = []): Decision => ({
  pool: 'demo',
  scale: 'up',
  from: 1,
  to: 2,
  outcome,
  reason: '',
  alerts: [],
  steppedFingerprints: stepped,
});
const firing = (startsAt: string, extra: Partial<AlertHistory> = {}): AlertHistory => ({ startsAt, resolved: false, ...extra });

describe('nextHistory: what each alert remembers after a decision', () => {
  it.each<[string, AlertHistory | undefined, ScaleSignal, Decision, AlertHistory | undefined]>([
    ['a first firing is remembered', undefined, signal(), decision('no_change'), firing(T1)],
    [
      'a step that runs a command is not stamped here (its execution stamps it once it succeeded)',
      undefined,
      signal(),
      decision('scaled', ['fp1']),
      firing(T1),
    ],
    ['… nor is a repeat of the same firing that runs a command again', firing(T1), signal(), decision('scaled', ['fp1']), undefined],
    ['a dry-run step stamps too (it would have run)', undefined, signal(), decision('dry_run', ['fp1']), firing(T1, { lastStepAt: NOW })],
    ['a step blocked by cooldown does not stamp: the next repeat may step', firing(T1), signal(), decision('cooldown', ['fp1']), undefined],
    ['a step by another alert does not stamp this one', firing(T1), signal(), decision('scaled', ['fp2']), undefined],
    [
      'resolved marks this firing resolved',
      firing(T1, { lastStepAt: 5 }),
      signal({ status: 'resolved' }),
      decision('no_change'),
      firing(T1, { lastStepAt: 5, resolved: true }),
    ],
    ['a stale firing after its resolved changes nothing', firing(T1, { resolved: true }), signal(), decision('no_change'), undefined],
    [
      'a new firing (later startsAt) starts over',
      firing(T0, { resolved: true, lastStepAt: 5 }),
      signal(),
      decision('no_change'),
      firing(T1),
    ],
    [
      'a late notification of an older firing never overwrites a newer one',
      firing(T1),
      signal({ startsAt: T0, status: 'resolved' }),
      decision('no_change'),
      undefined,
    ],
  ])('%s', (_name, previous, s, d, expected) => {
    expect(nextHistory(previous, s, d, NOW)).toEqual(expected);
  });
});

describe('config: the pool lease', () => {
  it('a command may outlive the lease (it is renewed while the command runs); a lease under 1s is refused, naming the path', () => {
    const pool = 'pools:\n  demo:\n    min: 1\n    max: 2\n    executor: { kind: command, scale: ["true"], timeout: 2m }\n';
    expect(parseConfig(`receiver: { lease: 2s }\n${pool}`, 'x.yml').receiver.lease).toBe(2_000);
    expect(() => parseConfig(`receiver: { lease: 500ms }\n${pool}`, 'x.yml')).toThrow(
      /x\.yml:1:\d+: receiver\.lease: lease must be at least 1s/,
    );
  });
});

describe('decide: a late copy of an older firing', () => {
  it('does not step again after a newer firing of the same alert stepped', () => {
    const policy = { min: 1, max: 10, enabled: true, step: 1, stepInterval: 600_000, cooldown: { up: 0, down: 0 } };
    const late = { ...signal({ startsAt: T0 }), history: firing(T1, { lastStepAt: NOW - 1_000 }) };
    const d = decide({ pool: 'demo', policy, state: { replicas: 3 }, signals: [late], now: NOW });
    expect(d).toMatchObject({ outcome: 'no_change', to: 3, reason: expect.stringContaining('stale (an older firing') });
  });
});
