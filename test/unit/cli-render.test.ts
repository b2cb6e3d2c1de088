import { describe, expect, it } from 'vitest';
import type { AuditEntry, PoolInfo } from '../../src/cli/client/types.js';
import { renderAudit, renderAuditRows } from '../../src/cli/render/audit.js';
import { createStyle, plain, stripAnsi } from '../../src/cli/render/style.js';
import { cooldownCell, pausedCell, renderStatus, utilizationCell } from '../../src/cli/render/status.js';
import { bar, renderTop, type TopSnapshot } from '../../src/cli/render/top.js';
import { decisionHeadline, explainDecision, findPreviousScale, renderWhy, type PoolPacing } from '../../src/cli/render/why.js';

// Local times, so clock columns read the same in any time zone.
const at = (h: number, m: number, s = 0) => new Date(2026, 10, 23, h, m, s).getTime();
const NOW = at(14, 10);
const iso = (t: number) => new Date(t).toISOString();

const pool = (change: Partial<PoolInfo> = {}): PoolInfo => ({
  pool: 'demo',
  replicas: 3,
  desired: 3,
  min: 1,
  max: 8,
  enabled: true,
  executor: 'pm2',
  cooldown: { up: 60, down: 300 },
  step: 1,
  stepInterval: 60,
  maxStep: null,
  cooldownRemainingSeconds: { up: 0, down: 0 },
  lastDecision: null,
  paused: null,
  pausedUnknown: false,
  ...change,
});

let seq = 0;
const entry = (time: number, change: Partial<AuditEntry> = {}): AuditEntry => ({
  id: `${time}-${seq++}`,
  time: iso(time),
  pool: 'demo',
  scale: 'up',
  from: 1,
  to: 3,
  outcome: 'scaled',
  reason: 'scale 1 → 3: asked up to 3 (DemoQueueBacklog)',
  alerts: [
    { alertname: 'DemoQueueBacklog', fingerprint: 'f1', status: 'firing', startsAt: iso(time - 3_000), generatorURL: 'http://prom/graph' },
  ],
  actor: 'alertmanager',
  requestId: 'req-1',
  status: 'done',
  argv: ['pm2', 'scale', 'demo', '3'],
  exitCode: 0,
  durationMs: 1_200,
  timedOut: false,
  outputTail: null,
  error: null,
  victims: null,
  drain: null,
  ...change,
});

const fits = (lines: string[], width: number) => lines.every((l) => stripAnsi(l).length <= width);

describe('status', () => {
  it('cells: cooldowns, pause, utilization', () => {
    expect(cooldownCell({ up: 0, down: 0 })).toBe('-');
    expect(cooldownCell({ up: 14, down: 44 })).toBe('↑14s ↓44s');
    expect(cooldownCell({ up: 0, down: 250 })).toBe('↓4m10s');
    expect(pausedCell(pool(), NOW)).toBe('-');
    expect(pausedCell(pool({ paused: null, pausedUnknown: true }), NOW)).toBe('?');
    const paused = { silenceId: 's1', until: iso(at(15, 5)), comment: 'deploy', createdBy: 'alice' };
    expect(pausedCell(pool({ paused }), NOW)).toBe('until 15:05');
    expect(pausedCell(pool({ paused: { ...paused, scale: ['up'] } }), NOW)).toBe('until 15:05 (up)');
    // A pause that ends tomorrow keeps its minutes (they were cut off as if they were seconds).
    const tomorrow = new Date(2026, 10, 24, 0, 51).getTime();
    expect(pausedCell(pool({ paused: { ...paused, until: iso(tomorrow) } }), NOW)).toBe('until 2026-11-24 00:51');
    expect(utilizationCell({ alive: 3, busy: 2 })).toBe('2/3 67%');
    expect(utilizationCell({ alive: 0, busy: 0 })).toBe('0/0 -');
    expect(utilizationCell(undefined)).toBe('-');
  });

  it("a table of pools, then each pool's last decision and pause, in 80 columns", () => {
    const lines = renderStatus({
      pools: [
        pool({
          replicas: 3,
          desired: 4,
          cooldownRemainingSeconds: { up: 14, down: 44 },
          lastDecision: {
            id: '1-0',
            time: iso(at(14, 7)),
            outcome: 'scaled',
            scale: 'up',
            from: 1,
            to: 3,
            reason: 'scale 1 → 3: asked up to 3 (DemoQueueBacklog)',
          },
          paused: { silenceId: '3f2a9c1e-aaaa', until: iso(at(15, 5)), comment: 'deploy', createdBy: 'alice' },
        }),
        pool({ pool: 'web', enabled: false, replicas: 2, desired: null, min: 2, max: 6 }),
      ],
      metrics: new Map([['demo', { alive: 3, busy: 2, queue: 12 }]]),
      now: NOW,
      width: 80,
      style: plain,
    });
    expect(lines).toEqual([
      'POOL           REPLICAS  MIN-MAX  BUSY/ALIVE  QUEUE  COOLDOWN   PAUSED',
      'demo              3 → 4  1-8      2/3 67%        12  ↑14s ↓44s  until 15:05',
      'web (dry run)         2  2-6      -               -  -          -',
      '',
      'demo: scaled 3m ago — scale 1 → 3: asked up to 3 (DemoQueueBacklog)',
      '  paused until 15:05:00 (55m left) by alice: deploy [silence 3f2a9c1e-aaaa]',
      'web: no decision yet',
    ]);
  });

  it('long names and reasons are cut to the width, with or without colour', () => {
    const reason = 'asked up to 5 (DemoQueueBacklog); cooldown.up has 13s left '.repeat(4);
    const long = pool({
      pool: 'a-very-long-pool-name-for-the-batch-importers',
      cooldownRemainingSeconds: { up: 3599, down: 3599 },
      lastDecision: { id: '1-0', time: iso(NOW), outcome: 'cooldown', scale: 'up', from: 1, to: 1, reason },
    });
    for (const style of [plain, createStyle(true)]) {
      for (const width of [60, 80]) {
        const lines = renderStatus({ pools: [long], now: NOW, width, style });
        expect(fits(lines, width)).toBe(true);
        // The reason is wrapped, never lost.
        expect(stripAnsi(lines.slice(3).join(' ')).replace(/\s+/g, ' ')).toContain(reason.trim());
      }
    }
  });

  it('says so when there are no pools', () =>
    expect(renderStatus({ pools: [], now: NOW, width: 80, style: plain })[0]).toMatch(/no pools/));
});

describe('audit', () => {
  const entries = [
    entry(at(14, 8), {
      outcome: 'failed',
      error: 'pm2 exited 1',
      exitCode: 1,
      reason: 'scale 3 → 5: asked up to 5 (DemoQueueBacklog)',
      from: 3,
      to: 5,
    }),
    entry(at(14, 7, 30), {
      outcome: 'cooldown',
      from: 3,
      to: 3,
      reason: 'asked up to 5 (DemoQueueBacklog); cooldown.up has 12s left',
      argv: null,
    }),
    entry(at(14, 7), { status: 'running' }),
    entry(at(14, 6), {
      actor: 'api',
      scale: null,
      outcome: 'no_change',
      from: 1,
      to: 1,
      reason: 'manual: already 1 (check)',
      alerts: [],
      argv: null,
    }),
  ];
  it('a table, newest first as given, in 80 columns', () => {
    const { lines } = renderAudit(entries, { now: NOW, width: 80, style: plain });
    expect(lines).toEqual([
      'TIME      POOL  OUTCOME    CHANGE    REASON',
      '14:08:00  demo  failed     up 3 → 5  pm2 exited 1 — scale 3 → 5: asked up to 5 …',
      '14:07:30  demo  cooldown   up 3      asked up to 5 (DemoQueueBacklog); cooldown…',
      '14:07:00  demo  running    up 1 → 3  scale 1 → 3: asked up to 3 (DemoQueueBackl…',
      '14:06:00  demo  no_change  1         manual: already 1 (check)',
    ]);
  });
  it('the failure reason is in the row', () => {
    const { lines } = renderAudit(entries.slice(0, 1), { now: NOW, width: Infinity, style: plain });
    expect(lines[1]).toBe('14:08:00  demo  failed   up 3 → 5  pm2 exited 1 — scale 3 → 5: asked up to 5 (DemoQueueBacklog)');
  });
  it("rows printed later (--follow) keep the first table's columns", () => {
    const table = renderAudit(entries.slice(3), { now: NOW, width: 80, style: plain });
    const later = renderAuditRows(entries.slice(0, 1), table.widths, { now: NOW, style: plain });
    expect(later[0]!.indexOf('failed')).toBe(table.lines[1]!.indexOf('no_change'));
    expect(later[0]!.length).toBeLessThanOrEqual(80);
  });
});

describe('why', () => {
  const pacing: PoolPacing = { min: 1, max: 8, maxStep: 4, step: 1, cooldown: { up: 20_000, down: 45_000 } };
  const scaleUp = entry(at(14, 3, 12));
  const skipped = entry(at(14, 3, 20), {
    outcome: 'cooldown',
    from: 3,
    to: 3,
    argv: null,
    exitCode: null,
    durationMs: null,
    reason: 'asked up to 5 (DemoQueueBacklog); cooldown.up has 13s left',
  });

  it('headlines say what happened', () => {
    expect(decisionHeadline(scaleUp)).toBe('scaled up 1 → 3');
    expect(decisionHeadline(skipped)).toBe('did not scale up: cooldown');
    expect(decisionHeadline(entry(NOW, { status: 'running' }))).toMatch(/still running/);
    expect(decisionHeadline(entry(NOW, { outcome: 'at_max', from: 8, to: 8 }))).toBe('did not scale up: at max (8)');
    expect(decisionHeadline(entry(NOW, { outcome: 'dry_run' }))).toBe('would have scaled up 1 → 3 (dry run)');
  });

  it('a scale-up: the alert, the policy, the bounds, the cooldowns it started, the command', () => {
    expect(explainDecision(scaleUp, pacing, NOW)).toBe(
      'Alertmanager reported DemoQueueBacklog (firing since 14:03:09). The policy: scale 1 → 3: asked up to 3 (DemoQueueBacklog). ' +
        'Bounds: min 1, max 8, at most 4 workers per action; an alert without a target moves 1 at a time. ' +
        'That started the cooldowns: no further scale-up before 14:03:33 (cooldown.up 20s) ' +
        'and no scale-down before 14:03:58 (cooldown.down 45s). ' +
        'It ran `pm2 scale demo 3`, which exited 0 in 1.2s.',
    );
  });

  it('a cooldown skip names the scale whose cooldown blocked it', () => {
    const previous = findPreviousScale(skipped, [skipped, scaleUp, entry(at(14, 4), { outcome: 'scaled' })]);
    expect(previous?.id).toBe(scaleUp.id);
    expect(explainDecision(skipped, pacing, NOW, previous)).toContain(
      'The policy: asked up to 5 (DemoQueueBacklog); cooldown.up has 13s left. Bounds: min 1, max 8, at most 4 workers per action; ' +
        'an alert without a target moves 1 at a time. The cooldown.up of 20s ran from the scale-up 1 → 3 at 14:03:13.',
    );
  });

  it('a scale-up cooldown is not blamed on a scale-down', () => {
    const down = entry(at(14, 3), { scale: 'down', from: 4, to: 3 });
    expect(findPreviousScale(skipped, [down])).toBeUndefined();
  });

  it('manual, failed and dry-run decisions', () => {
    const manual = entry(NOW, { actor: 'api', alerts: [], reason: 'manual: scale 1 → 3 (load test)' });
    expect(explainDecision(manual, pacing, NOW)).toMatch(
      /^An operator asked for it through the API \(alertscale scale\)\. .*Bounds: min 1, max 8 \(a manual scale meets only these/,
    );
    const failed = entry(NOW, {
      outcome: 'failed',
      exitCode: 1,
      error: 'command exited 1',
      outputTail: '[PM2][ERROR] App demo not found\n',
    });
    expect(explainDecision(failed, pacing, NOW)).toMatch(
      new RegExp(
        String.raw`A failed command starts no cooldown.*It ran \`pm2 scale demo 3\`, which exited 1 in ` +
          String.raw`1.2s: command exited 1\. Its output ended with "\[PM2\]\[ERROR\] App demo not found"\.$`,
      ),
    );
    expect(explainDecision(entry(NOW, { outcome: 'dry_run', argv: null }), pacing, NOW)).toMatch(/Nothing ran, so no cooldown started\.$/);
    expect(explainDecision(entry(NOW, { alerts: [{ ...scaleUp.alerts[0]!, status: 'resolved' }] }), pacing, NOW)).toMatch(
      /^Alertmanager reported DemoQueueBacklog \(resolved\)\./,
    );
  });

  it('without cooldown lengths it says they are unknown rather than guessing', () => {
    expect(explainDecision(scaleUp, { min: 1, max: 8 }, NOW)).toContain('its length is not known here');
  });

  it('paragraphs oldest first around the time asked about, wrapped to the width', () => {
    const lines = renderWhy({
      pool: 'demo',
      before: [scaleUp],
      after: [skipped],
      at: at(14, 3, 15),
      pacing,
      scaled: [scaleUp],
      now: NOW,
      width: 80,
      style: plain,
    });
    expect(fits(lines, 80)).toBe(true);
    const text = lines.join('\n');
    expect(lines.slice(0, 2)).toEqual([
      'demo: decisions around 14:03:15 (6m45s ago); min 1, max 8, maxStep 4, cooldown',
      'up 20s / down 45s',
    ]);
    expect(text.indexOf('14:03:12 (6m48s ago) · scaled up 1 → 3 [scaled]')).toBeLessThan(text.indexOf('── 14:03:15: the time asked about'));
    expect(text.indexOf('── 14:03:15')).toBeLessThan(text.indexOf('14:03:20 (6m40s ago) · did not scale up: cooldown [cooldown]'));
    expect(text.replace(/\s+/g, ' ')).toContain('The cooldown.up of 20s ran from the scale-up 1 → 3 at 14:03:13.');
    expect(lines.filter((l) => l.startsWith('  ')).length).toBeGreaterThan(6);
  });

  it('says when there is nothing to explain', () => {
    const lines = renderWhy({ pool: 'demo', before: [], after: [], at: NOW, pacing, scaled: [], now: NOW, width: 80, style: plain });
    expect(lines.at(-1)).toMatch(/no decisions recorded for demo near that time; try a wider --window/);
  });
});

describe('top', () => {
  const snapshot: TopSnapshot = {
    time: NOW,
    receiverUrl: 'http://127.0.0.1:9460',
    intervalMs: 2_000,
    pools: [
      {
        pool: 'demo',
        replicas: 3,
        desired: 4,
        min: 1,
        max: 8,
        enabled: true,
        paused: null,
        cooldownRemainingSeconds: { up: 14, down: 0 },
        alive: 3,
        busy: 2,
        queue: 12,
        processes: 3,
        cpuPerWorker: 0.45,
      },
      {
        pool: 'web',
        replicas: 2,
        desired: 2,
        min: 2,
        max: 6,
        enabled: false,
        paused: { silenceId: 's', until: iso(at(15, 8)), comment: 'deploy', createdBy: 'alice' },
        cooldownRemainingSeconds: { up: 0, down: 0 },
      },
    ],
    alerts: [
      {
        alertname: 'DemoQueueBacklog',
        pool: 'demo',
        scale: 'up',
        state: 'active',
        startsAt: iso(at(14, 8, 50)),
        target: '4',
        silencedBy: [],
      },
    ],
    decisions: [
      entry(at(14, 7)),
      entry(at(14, 9), { outcome: 'cooldown', from: 3, to: 3, reason: 'asked up to 4 (DemoQueueBacklog); cooldown.up has 14s left' }),
    ],
    problems: [],
  };

  it('bars', () => {
    expect(bar(2 / 3, 6)).toBe('████░░');
    expect(bar(0, 4)).toBe('░░░░');
    expect(bar(1.5, 4)).toBe('████');
  });

  it('renders the live numbers in 80 columns', () => {
    expect(renderTop(snapshot, 80)).toEqual([
      ' alertscale top  14:10:00  127.0.0.1:9460  every 2s  q quits                    ',
      '',
      'POOL WORKERS BUSY            QUEUE CPU/W MIN-MAX COOLDOWN STATE',
      'demo 3 → 4    2/3 ████░░ 67%    12   45% 1-8     ↑14s     auto',
      'web  2          -                -     - 2-6     -        paused 58m',
      '',
      'FIRING SCALING ALERTS (1)',
      'DemoQueueBacklog  demo  up  target 4  1m10s  active',
      '',
      'LAST DECISIONS',
      '14:07:00  demo  scaled    up 1 → 3  scale 1 → 3: asked up to 3 (DemoQueueBacklo…',
      '14:09:00  demo  cooldown  up 3      asked up to 4 (DemoQueueBacklog); cooldown.…',
    ]);
  });

  it('fits narrow terminals and the screen height, coloured or not', () => {
    for (const style of [plain, createStyle(true)]) {
      for (const width of [60, 80, 120]) expect(fits(renderTop(snapshot, width, style), width)).toBe(true);
    }
    expect(renderTop(snapshot, 80, plain, 5)).toHaveLength(5);
  });

  it('colour marks the busy bar and the firing alert', () => {
    const lines = renderTop(snapshot, 80, createStyle(true));
    expect(lines[0]).toMatch(/^\x1b\[7m/);
    expect(lines.find((l) => stripAnsi(l).startsWith('DemoQueueBacklog'))).toMatch(/^\x1b\[31mDemoQueueBacklog/);
    expect(lines.map(stripAnsi)).toEqual(renderTop(snapshot, 80));
  });

  it('shows what it could not read instead of failing', () => {
    const lines = renderTop(
      {
        ...snapshot,
        pools: [],
        alerts: undefined,
        decisions: [],
        problems: ['receiver: cannot reach the receiver at http://127.0.0.1:9460 (ECONNREFUSED)'],
      },
      80,
    );
    expect(lines).toContain('FIRING SCALING ALERTS (Alertmanager not readable)');
    expect(lines.at(-1)).toBe('receiver: cannot reach the receiver at http://127.0.0.1:9460 (ECONNREFUSED)');
  });
});
