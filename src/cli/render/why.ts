import type { AuditEntry } from '../client/types.js';
import { formatClock, formatDuration, formatElapsed, formatRelative, oneLine, truncate, wrap } from './format.js';
import { fromTo, outcomeColor } from './outcome.js';
import type { Style } from './style.js';

/** The bounds and pacing of a pool; cooldowns and steps only when known (ms). */
export interface PoolPacing {
  min: number;
  max: number;
  step?: number;
  maxStep?: number | null;
  cooldown?: { up: number; down: number };
}

const and = (items: string[]) => (items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`);

/** `scaled up 1 → 3`, `did not scale up: cooldown`, …: what the decision did, in words. */
export function decisionHeadline(e: AuditEntry): string {
  const dir = e.scale ? ` ${e.scale}` : '';
  const move = `${e.from} → ${e.to}`;
  if (e.status === 'running') return `is scaling${dir} ${move} (the command is still running)`;
  switch (e.outcome) {
    case 'scaled':
      return `scaled${dir} ${move}`;
    case 'failed':
      return `tried to scale${dir} ${move} and the command failed`;
    case 'interrupted':
      return `started to scale${dir} ${move}; its receiver stopped before the command's end was seen`;
    case 'dry_run':
      return `would have scaled${dir} ${move} (dry run)`;
    case 'cooldown':
      return `did not scale${dir}: cooldown`;
    case 'at_max':
      return `did not scale up: at max (${e.from})`;
    case 'at_min':
      return `did not scale down: at min (${e.from})`;
    case 'paused':
      return `did not scale${dir}: paused`;
    case 'rejected':
      return `rejected${dir ? ` a scale${dir}` : ''} (${fromTo(e.from, e.to)} stays)`;
    default:
      return `made no change (stayed at ${e.from})`;
  }
}

/** Who asked: the alerts Alertmanager sent, or an operator through the API. */
export function causeSentence(e: AuditEntry, now: number): string {
  if (e.actor === 'api') return 'An operator asked for it through the API (alertscale scale).';
  if (e.alerts.length === 0) return 'Alertmanager sent a notification without a scaling alert for this pool.';
  const alerts = e.alerts.map((a) =>
    a.status === 'firing' ? `${a.alertname} (firing since ${formatClock(Date.parse(a.startsAt), now)})` : `${a.alertname} (resolved)`,
  );
  return `Alertmanager reported ${and(alerts)}.`;
}

/** The bounds that applied: an alert's decision meets all of them, a manual one only min/max. */
export function boundsSentence(p: PoolPacing, actor: AuditEntry['actor'] = 'alertmanager'): string {
  if (actor === 'api')
    return `Bounds: min ${p.min}, max ${p.max} (a manual scale meets only these; maxStep and cooldowns do not hold it back).`;
  const parts = [`min ${p.min}`, `max ${p.max}`];
  if (p.maxStep) parts.push(`at most ${p.maxStep} workers per action`);
  const step = p.step ? `; an alert without a target moves ${p.step} at a time` : '';
  return `Bounds: ${parts.join(', ')}${step}.`;
}

/**
 * What the cooldowns had to do with it: the ones a scale started, the one that blocked, or that
 * nothing started one. `previousScale` is the scale whose cooldown blocked a `cooldown` decision.
 */
export function cooldownSentence(e: AuditEntry, p: PoolPacing, now: number, previousScale?: AuditEntry): string | undefined {
  const cd = p.cooldown;
  if (e.outcome === 'scaled' && e.status === 'done') {
    if (!cd) return 'It started a cooldown (its length is not known here: no local alertscale.yml for this pool).';
    // Cooldown stamps are written when the command has finished.
    const at = Date.parse(e.time) + (e.durationMs ?? 0);
    const downAfter = `no scale-down before ${formatClock(at + cd.down, now)} (cooldown.down ${formatDuration(cd.down)})`;
    return e.scale === 'up'
      ? `That started the cooldowns: no further scale-up before ${formatClock(at + cd.up, now)} ` +
          `(cooldown.up ${formatDuration(cd.up)}) and ${downAfter}.`
      : `That started cooldown.down: ${downAfter}; a scale-up may follow at any time.`;
  }
  if (e.outcome === 'cooldown') {
    const dir = e.scale ?? 'up';
    const length = cd ? ` of ${formatDuration(dir === 'up' ? cd.up : cd.down)}` : '';
    if (previousScale) {
      const at = Date.parse(previousScale.time) + (previousScale.durationMs ?? 0);
      const scale = `scale-${previousScale.scale} ${fromTo(previousScale.from, previousScale.to)}`;
      return `The cooldown.${dir}${length} ran from the ${scale} at ${formatClock(at, now)}.`;
    }
    return `cooldown.${dir}${length} was running from an earlier scale.`;
  }
  if (e.outcome === 'failed') return 'A failed command starts no cooldown, so the next alert may try again.';
  if (e.outcome === 'dry_run') return 'Nothing ran, so no cooldown started.';
  return undefined;
}

/** What the command did, for decisions that ran one. */
export function executionSentence(e: AuditEntry): string | undefined {
  if (e.status === 'running') return 'The command was still running when this was read.';
  if (!e.argv) return e.outcome === 'failed' && e.error ? `It failed: ${oneLine(e.error)}.` : undefined;
  const argv = truncate(e.argv.join(' '), 120);
  const took = e.durationMs === null ? '' : ` in ${formatElapsed(e.durationMs)}`;
  if (e.outcome === 'scaled') return `It ran \`${argv}\`, which exited ${e.exitCode ?? 0}${took}.`;
  const how = e.timedOut ? `timed out${took}` : `exited ${e.exitCode ?? '?'}${took}`;
  const error = e.error ? `: ${oneLine(e.error)}` : '';
  const output = e.outputTail ? ` Its output ended with "${truncate(oneLine(e.outputTail), 160)}".` : '';
  return `It ran \`${argv}\`, which ${how}${error}.${output}`;
}

/** One decision as a paragraph. */
export function explainDecision(e: AuditEntry, p: PoolPacing, now: number, previousScale?: AuditEntry): string {
  const reason = oneLine(e.reason);
  return [
    causeSentence(e, now),
    `The policy: ${reason}${/[.!?]$/.test(reason) ? '' : '.'}`,
    boundsSentence(p, e.actor),
    cooldownSentence(e, p, now, previousScale),
    executionSentence(e),
  ]
    .filter(Boolean)
    .join(' ');
}

/** The scale whose cooldown blocked `e`: the last `scaled` before it (for up: the last scale-up). */
export function findPreviousScale(e: AuditEntry, scaled: AuditEntry[]): AuditEntry | undefined {
  const time = Date.parse(e.time);
  return scaled
    .filter(
      (s) =>
        s.outcome === 'scaled' &&
        s.status === 'done' &&
        Date.parse(s.time) <= time &&
        s.id !== e.id &&
        (e.scale !== 'up' || s.scale === 'up'),
    )
    .sort((a, b) => Date.parse(b.time) - Date.parse(a.time))[0];
}

export interface WhyInput {
  pool: string;
  /** Decisions before (or at) `at`, and after it; each oldest first. */
  before: AuditEntry[];
  after: AuditEntry[];
  /** The time asked about; undefined = now (only `before` then). */
  at?: number;
  pacing: PoolPacing;
  /** Earlier `scaled` entries, to name the scale behind a cooldown. */
  scaled: AuditEntry[];
  now: number;
  width: number;
  style: Style;
}

/** `alertscale why`: a heading, then one paragraph per decision, oldest first. */
export function renderWhy(input: WhyInput): string[] {
  const { pool, before, after, at, pacing, now, width, style } = input;
  const cd = pacing.cooldown ? `, cooldown up ${formatDuration(pacing.cooldown.up)} / down ${formatDuration(pacing.cooldown.down)}` : '';
  const around = at === undefined ? 'the latest decisions' : `decisions around ${formatClock(at, now)} (${formatRelative(at, now)})`;
  const lines = wrap(
    `${pool}: ${around}; min ${pacing.min}, max ${pacing.max}${pacing.maxStep ? `, maxStep ${pacing.maxStep}` : ''}${cd}`,
    width,
  ).map(style.bold);
  if (before.length + after.length === 0) {
    lines.push(
      '',
      at === undefined
        ? `no decisions recorded for ${pool} yet`
        : `no decisions recorded for ${pool} near that time; try a wider --window or: alertscale audit --pool ${pool}`,
    );
    return lines;
  }
  const paragraph = (e: AuditEntry) => {
    const when = `${formatClock(Date.parse(e.time), now)} (${formatRelative(Date.parse(e.time), now)})`;
    const outcome = e.status === 'running' ? 'running' : e.outcome;
    const head = `${when} · ${decisionHeadline(e)} [${outcome}]`;
    const explained = explainDecision(e, pacing, now, e.outcome === 'cooldown' ? findPreviousScale(e, input.scaled) : undefined);
    return ['', outcomeColor(outcome, style)(truncate(head, width)), ...wrap(explained, width, '  ')];
  };
  for (const e of before) lines.push(...paragraph(e));
  if (at !== undefined) {
    const marker = `── ${formatClock(at, now)}: the time asked about `;
    lines.push('', style.dim(marker + '─'.repeat(Math.max(2, width - marker.length))));
  }
  if (at !== undefined && after.length === 0) lines.push(style.dim('  (no decisions after it yet)'));
  for (const e of after) lines.push(...paragraph(e));
  return lines;
}
