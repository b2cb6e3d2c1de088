import { describe, expect, it } from 'vitest';
import { DEMO_ALERTMANAGER_TIMINGS } from '../../alertmanager/demo.js';
import { parsePrometheusDuration } from '../../src/config/index.js';
import { demoKeys } from '../../src/demo/keys.js';
import { enqueueJobs } from '../../src/demo/stress.js';
import { runReplay } from '../../src/replay/run.js';
import { waitFor } from '../helpers/ports.js';
import { useTestStack } from './stack-helpers.js';

// The oracle is the live loop: record a run (load → Prometheus → Alertmanager → receiver; the audit
// log is the truth), then replay the same window against that Prometheus with the same rules and
// Alertmanager config, and compare.
// The demo's group_wait 0s puts every group tick on an evaluation (both every 1 s), so whether a
// flush carries that evaluation's new target is a race of milliseconds the replay cannot see; half a
// second of group_wait moves the ticks between evaluations and makes the live run an oracle.
// Likewise a repeat that lands as a cooldown ends: the cooldown is stamped when the command ends,
// and replay knows a command's mean duration, not this one's. With the demo's 1 s repeats a down
// repeat fell within ~100 ms of a 4 s cooldown's end in ~3 runs of 10 (live `cooldown`, replay
// `scaled`). Repeats every 4 s (Alertmanager sends them on the 1 s group ticks, so 4–5 s apart)
// against cooldowns of 2 s up and 6 s down keep every repeat a second or more from a cooldown's end:
// the first down repeat lands inside the cooldown (after the scale-up, too: a scale-down waits
// cooldown.down after any scale), the second after it.
const { stack, redis, call } = useTestStack(
  { demo: { max: 4, maxStep: 3, cooldown: { up: '2s', down: '6s' } } },
  { alertmanager: { groupWait: '500ms', repeatInterval: '4s' } },
);

describe('replay against a recorded run', () => {
  it('replays the audited decisions: same outcomes in order, same targets, times within evaluation + group_interval', async () => {
    const from = Date.now();
    await new Promise((r) => setTimeout(r, 3_000));
    await enqueueJobs({ redis, queueKey: demoKeys('demo:jobs', 'demo').queue }, { tasks: 120, jobMs: 300, runId: 'replay-e2e' });
    const replicas = async () => (await call('/v1/pools/demo')).body.replicas as number;
    await waitFor('a scale-up', async () => (await replicas()) > 1, 45_000, 250);
    await waitFor('the pool back at min', async () => (await replicas()) === 1, 90_000, 500);
    // Let the last resolved notification land, and Prometheus scrape what followed.
    await new Promise((r) => setTimeout(r, 4_000));
    const to = Date.now();
    const { body } = await call(`/v1/audit?pool=demo&limit=500&since=${(from / 1000).toFixed(3)}&until=${(to / 1000).toFixed(3)}`);
    const audited = [...body.entries].reverse().filter((e: any) => e.actor === 'alertmanager');
    expect(audited.filter((e: any) => e.outcome === 'scaled').length).toBeGreaterThanOrEqual(2);
    // A failed command is a defect of the live run, not a replay question: show all of it.
    // The case the timings below are chosen for: a repeat refused by a cooldown, replayed as such.
    expect(
      audited.some((e: any) => e.outcome === 'cooldown'),
      JSON.stringify(audited.map((e: any) => e.outcome)),
    ).toBe(true);
    const failed = audited.filter((e: any) => e.outcome === 'failed');
    expect(failed, JSON.stringify(failed, null, 2)).toEqual([]);

    const result = await runReplay({
      config: stack.config,
      configFile: stack.configFile,
      pools: ['demo'],
      from,
      to,
      now: Date.now(),
      prometheusUrl: stack.urls.prometheus,
    });
    const replayed = result.pools[0]!.decisions;
    const shape = (d: { outcome: string; scale: string | null; from: number; to: number }) => `${d.outcome} ${d.scale} ${d.from}→${d.to}`;
    expect(replayed.map(shape)).toEqual(audited.map(shape));
    // Replay decides where the receiver would: after its decision time, and after a running
    // command (src/replay/decisions.ts), with Alertmanager's next flush waiting for the answer
    // (alertmanager-delivery.ts), both measured in the window (receiver-timing.ts). What it cannot
    // know — a scrape that landed just after an evaluation, a group tick just before a resolve —
    // moves a decision by up to one evaluation interval and one group_interval: the bound.
    // Both delays came from the window, not from a default.
    expect(
      result.notes.some((n) => /^receiver: decides [\d.]+ m?s after .*Alertmanager's mean/.test(n)),
      result.notes.join('\n'),
    ).toBe(true);
    expect(result.notes.filter((n) => n.includes('flushes on rule evaluations'))).toEqual([]);
    expect(
      result.notes.some((n) => /^pool demo: a scale-up takes [\d.]+ m?s, a scale-down [\d.]+ m?s \(their means in the window/.test(n)),
      result.notes.join('\n'),
    ).toBe(true);
    const groupIntervalMs = parsePrometheusDuration(DEMO_ALERTMANAGER_TIMINGS.groupInterval)!;
    const bound = result.evaluationIntervalMs + groupIntervalMs;
    const deltas = replayed.map((d, i) => `${shape(d)} ${d.time - Date.parse(audited[i].time)} ms`);
    for (const [i, d] of replayed.entries()) {
      expect(Math.abs(d.time - Date.parse(audited[i].time)), `replayed − audited: ${deltas.join(', ')}`).toBeLessThanOrEqual(bound);
    }
  }, 240_000);
});
