/**
 * How long the receiver took over the window, as Prometheus recorded it: the mean time Alertmanager
 * waited for the webhook's answer (alertmanager_notification_latency_seconds, integration webhook:
 * the receiver answers right after it decided, so this is its decision time) and each pool's mean
 * scale action by direction (alertscale_executor_duration_seconds, outcome scaled: from the
 * command's start to the cooldown stamp; a scale-down drains, so it takes longer than a scale-up).
 * A window recorded before the histogram had its `scale` label has one mean for both. Replay puts
 * decisions and cooldown stamps where these put them (decisions.ts). A series missing from the window means no
 * such delay is known: it counts as 0, and the notes say so.
 *
 * Alertmanager labels its latency by integration only, so the decision time is one mean over every
 * webhook it called: pools whose executor probes slowly (pm2 lists its processes) decide later
 * than that mean, pools without a probe sooner.
 */
import type { ScaleDirection } from '../alerts/index.js';
import type { ReceiverTiming } from './decisions.js';
import type { PrometheusSource } from './prometheus-source.js';

export interface TimingRequest {
  pools: readonly string[];
  from: number;
  to: number;
  /** Given on the command line (ms): used as is, not measured. */
  decisionMs?: number;
  commandMs?: number;
}

const DECISION = 'alertmanager_notification_latency_seconds_%s{integration="webhook"}';
const COMMAND = 'alertscale_executor_duration_seconds_%s{outcome="scaled"}';

export async function receiverTiming(
  prometheus: PrometheusSource,
  req: TimingRequest,
  notes: string[],
): Promise<{ decisionMs: number; byPool: Map<string, ReceiverTiming> }> {
  const [decision, command] = await Promise.all([
    req.decisionMs === undefined ? meanInWindow(prometheus, DECISION, [], req) : undefined,
    req.commandMs === undefined ? meanInWindow(prometheus, COMMAND, ['pool', 'scale'], req) : undefined,
  ]);
  const decisionMs = req.decisionMs ?? decision?.get('') ?? 0;
  notes.push(
    req.decisionMs !== undefined
      ? `receiver: decides ${ms(decisionMs)} after a notification arrives (--decision-latency)`
      : decision?.has('')
        ? `receiver: decides ${ms(decisionMs)} after a notification arrives ` +
          `(Alertmanager's mean wait for the webhook's answer in the window)`
        : 'receiver: decides the instant a notification arrives (no webhook ' +
          'latency from Alertmanager in the window; --decision-latency sets one)',
  );
  const timing = new Map<string, ReceiverTiming>();
  for (const pool of req.pools) {
    // A direction with no action in the window takes the mean of series from before the `scale`
    // label (an empty one), else the other direction's.
    const own = (scale: ScaleDirection) => command?.get(key(pool, scale));
    const measured = (scale: ScaleDirection) => own(scale) ?? command?.get(key(pool, '')) ?? own(scale === 'up' ? 'down' : 'up');
    const of = (scale: ScaleDirection) => req.commandMs ?? measured(scale) ?? 0;
    const commandMs = { up: of('up'), down: of('down') };
    timing.set(pool, { decisionMs, commandMs });
    notes.push(
      req.commandMs !== undefined
        ? `pool ${pool}: a scale command takes ${ms(req.commandMs)} (--command-duration); cooldowns count from its end`
        : measured('up') !== undefined || measured('down') !== undefined
          ? `pool ${pool}: a scale-up takes ${ms(commandMs.up)}, a scale-down ${ms(commandMs.down)} (their means in the window, ` +
            'alertscale_executor_duration_seconds); cooldowns count from their end'
          : `pool ${pool}: scale commands taken as instant (none ran in the window; ` +
            '--command-duration sets one); cooldowns count from their end',
    );
  }
  return { decisionMs, byPool: timing };
}

const ms = (n: number) => (n < 1_000 ? `${Math.round(n)} ms` : `${(n / 1_000).toFixed(1)} s`);

const key = (...values: string[]) => values.join('/');

/**
 * The mean of a histogram's observations in [from, to], by the labels `by` (keyed by their values
 * joined with `/`): what its _sum and _count grew by.
 * A series that first appears in the window (a label pair's first observation) starts from 0; a
 * counter reset (a restart) keeps what came after it.
 */
async function meanInWindow(
  prometheus: PrometheusSource,
  metric: string,
  by: readonly string[],
  req: TimingRequest,
): Promise<Map<string, number>> {
  const windowS = Math.max(1, Math.ceil((req.to - req.from) / 1_000));
  const grown = async (part: 'sum' | 'count') => {
    const selector = metric.replace('%s', part);
    const [end, start] = await Promise.all([
      prometheus.instant(`sum by (${by.join(', ')}) (last_over_time(${selector}[${windowS}s]))`, req.to),
      prometheus.instant(`sum by (${by.join(', ')}) (${selector})`, req.from),
    ]);
    const keyOf = (labels: Record<string, string>) => key(...by.map((l) => labels[l] ?? ''));
    const before = new Map(start.map((s) => [keyOf(s.labels), s.value]));
    return new Map(
      end.map((s) => {
        const k = keyOf(s.labels);
        const was = before.get(k) ?? 0;
        return [k, s.value >= was ? s.value - was : s.value];
      }),
    );
  };
  const [sum, count] = await Promise.all([grown('sum'), grown('count')]);
  const means = new Map<string, number>();
  for (const [key, n] of count) if (n > 0) means.set(key, ((sum.get(key) ?? 0) / n) * 1_000);
  return means;
}
