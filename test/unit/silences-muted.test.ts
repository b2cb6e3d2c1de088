import { describe, expect, it } from 'vitest';
import type { ScaleSignal } from '../../src/alerts/signal.js';
import { decide } from '../../src/policy/decide.js';
import type { PoolPolicy } from '../../src/policy/types.js';
import { audible, matcherText, pausedDecision, withMuted } from '../../src/policy/paused.js';
import { mutedSignals } from '../../src/silences/muted.js';
import type { Silence } from '../../src/silences/schema.js';

const NOW = Date.parse('2026-11-23T12:00:00Z');
const policy: PoolPolicy = { min: 1, max: 10, enabled: true, step: 1, stepInterval: 60_000, cooldown: { up: 0, down: 0 } };

let n = 0;
function signal(
  scale: 'up' | 'down',
  status: 'firing' | 'resolved' = 'firing',
  alertname = scale === 'up' ? 'Busy' : 'Idle',
): { signal: ScaleSignal; labels: Record<string, string> } {
  const fingerprint = `f${n++}`;
  return {
    signal: { alertname, fingerprint, status, startsAt: '2026-11-23T11:59:00Z', generatorURL: '', pool: 'demo', scale, step: 1 },
    labels: { alertname, pool: 'demo', scale, severity: 'info' },
  };
}

function silence(matchers: [string, string][], id = 'sil-1'): Silence {
  return {
    id,
    status: { state: 'active' },
    comment: 'deploy',
    createdBy: 'alice',
    startsAt: '2026-11-23T11:00:00Z',
    endsAt: '2026-11-23T13:00:00Z',
    matchers: matchers.map(([name, value]) => ({ name, value, isRegex: false, isEqual: true })),
  };
}

describe('muted signals and the paused decision', () => {
  it.each<[string, ReturnType<typeof signal>[], Silence[], 'paused' | 'decide', string[]]>([
    ['no silence: decide as usual', [signal('up')], [], 'decide', []],
    ['pool silence, one firing up: paused', [signal('up')], [silence([['pool', 'demo']])], 'paused', ['Busy']],
    ['silence of another pool: decide', [signal('up')], [silence([['pool', 'web']])], 'decide', []],
    [
      'scale=up silence, up and down firing: down decides',
      [signal('up'), signal('down')],
      [
        silence([
          ['pool', 'demo'],
          ['scale', 'up'],
        ]),
      ],
      'decide',
      ['Busy'],
    ],
    [
      'scale=up silence, only a down firing: decide',
      [signal('down')],
      [
        silence([
          ['pool', 'demo'],
          ['scale', 'up'],
        ]),
      ],
      'decide',
      [],
    ],
    [
      'alertname silence mutes only that alert',
      [signal('up', 'firing', 'Busy'), signal('up', 'firing', 'Queue')],
      [silence([['alertname', 'Busy']])],
      'decide',
      ['Busy'],
    ],
    [
      'resolved signals are never muted; all firing muted: paused',
      [signal('up'), signal('down', 'resolved')],
      [silence([['pool', 'demo']])],
      'paused',
      ['Busy'],
    ],
    ['only resolved signals: decide (nothing fires)', [signal('up', 'resolved')], [silence([['pool', 'demo']])], 'decide', []],
  ])('%s', (_what, inputs, silences, expected, mutedNames) => {
    const muted = mutedSignals(inputs, silences, NOW);
    expect([...muted.keys()].map((s) => s.alertname)).toEqual(mutedNames);
    const signals = inputs.map((i) => i.signal);
    const paused = pausedDecision('demo', 2, signals, muted);
    if (expected === 'paused') {
      expect(paused).toMatchObject({ outcome: 'paused', from: 2, to: 2, scale: 'up', steppedFingerprints: [] });
      expect(paused!.alerts.map((a) => a.fingerprint)).toEqual(signals.map((s) => s.fingerprint));
    } else {
      expect(paused).toBeUndefined();
      expect(audible(signals, muted)).toEqual(signals.filter((s) => !muted.has(s)));
    }
  });

  it('the paused reason names the silence, its matchers, author, end and comment', () => {
    const input = signal('up');
    const s = silence([['pool', 'demo']], 'abc-123');
    const decision = pausedDecision('demo', 1, [input.signal], mutedSignals([input], [s], NOW))!;
    expect(decision.reason).toBe(
      'paused: Busy by silence abc-123 {pool="demo"} from alice until 2026-11-23T13:00:00Z (deploy); ' +
        'the notification left Alertmanager before the silence began',
    );
  });

  it('a partly muted notification: decide acts on the rest, the decision lists every alert and names the muted', () => {
    const up = signal('up');
    const down = signal('down');
    const muted = mutedSignals(
      [up, down],
      [
        silence([
          ['pool', 'demo'],
          ['scale', 'up'],
        ]),
      ],
      NOW,
    );
    const signals = [up.signal, down.signal];
    const decision = withMuted(
      decide({ pool: 'demo', policy, state: { replicas: 3 }, signals: audible(signals, muted), now: NOW }),
      signals,
      muted,
    );
    expect(decision).toMatchObject({ outcome: 'scaled', scale: 'down', from: 3, to: 2 });
    expect(decision.alerts.map((a) => a.alertname)).toEqual(['Busy', 'Idle']);
    expect(decision.reason).toContain('; muted, not acted on: Busy by silence sil-1');
  });

  it('silences not active now mute nothing', () => {
    const input = signal('up');
    const expired = { ...silence([['pool', 'demo']]), status: { state: 'expired' } };
    expect(mutedSignals([input], [expired], NOW).size).toBe(0);
  });

  it.each([
    [{ name: 'pool', value: 'demo', isRegex: false, isEqual: true }, 'pool="demo"'],
    [{ name: 'pool', value: 'demo', isRegex: false, isEqual: false }, 'pool!="demo"'],
    [{ name: 'pool', value: 'de.*', isRegex: true, isEqual: true }, 'pool=~"de.*"'],
    [{ name: 'pool', value: 'de.*', isRegex: true, isEqual: false }, 'pool!~"de.*"'],
  ])('matcherText %j → %s', (m, text) => {
    expect(matcherText(m)).toBe(text);
  });
});
