/**
 * Prometheus' alert state machine (rules/alerting.go, 2.42) over evaluations replay computed with
 * one query_range: a series that appears starts a pending alert; it fires once it has been present
 * at every evaluation for `for:`; one evaluation without it deletes a pending alert (the `for:`
 * clock restarts) and resolves a firing one, unless `keep_firing_for` holds it. What comes out is
 * what Prometheus sends Alertmanager: a firing alert when it fires and again every resend delay
 * (with the annotations of that evaluation), and a resolved alert when it resolves. Pure.
 */
import type { AlertRule } from './rule-files.js';
import { expandTemplate, TemplateError } from './template.js';

/** One series of the rule's expression: its labels and its value at each evaluation it appears in (ms → value). */
export interface RuleSeries {
  labels: Record<string, string>;
  points: ReadonlyMap<number, number>;
}

/** An alert as Prometheus posts it to Alertmanager at `at`. */
export interface AlertSend {
  at: number;
  rule: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** Evaluation that turned it firing (Alertmanager's startsAt). */
  firedAt: number;
  /** Set on the send that resolves it. */
  resolvedAt?: number;
}

export interface EvaluationOptions {
  /** Prometheus --rules.alert.resend-delay (default 1m). */
  resendDelayMs: number;
  externalLabels?: Record<string, string>;
}

interface Active {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: 'pending' | 'firing';
  activeAt: number;
  firedAt?: number;
  keepFiringSince?: number;
  lastSentAt?: number;
}

/** Sorted, so equal label sets have equal keys. */
export const labelKey = (labels: Readonly<Record<string, string>>) =>
  JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

const DECISION_ANNOTATIONS = new Set(['target', 'step']);

function expandOrRaw(text: string, data: Parameters<typeof expandTemplate>[1]): string {
  try {
    return expandTemplate(text, data);
  } catch (err) {
    if (err instanceof TemplateError) return text;
    throw err;
  }
}

/** The alert one sample makes: series labels without __name__, the rule's labels, alertname; templated annotations. */
export function alertOf(rule: AlertRule, series: Record<string, string>, value: number, externalLabels?: Record<string, string>) {
  const { __name__: _name, ...seriesLabels } = series;
  const data = { labels: seriesLabels, value, externalLabels };
  const expand = (what: string, text: string) => {
    try {
      return expandTemplate(text, data);
    } catch (err) {
      if (err instanceof TemplateError) throw new TemplateError(`${rule.file}: alert ${rule.name}, ${what}: ${err.message}`);
      throw err;
    }
  };
  const labels: Record<string, string> = { ...seriesLabels };
  for (const [k, v] of Object.entries(rule.labels)) labels[k] = expand(`label ${k}`, v);
  labels.alertname = rule.name;
  // Only target and step steer a decision; an annotation for people (a summary that runs a query,
  // say) keeps its raw text rather than stopping the replay.
  const annotations = Object.fromEntries(
    Object.entries(rule.annotations).map(([k, v]) => [
      k,
      DECISION_ANNOTATIONS.has(k) ? expand(`annotation ${k}`, v) : expandOrRaw(v, data),
    ]),
  );
  return { labels, annotations };
}

/** What Prometheus sends for one rule over the evaluations `times` (ascending ms). */
export function evaluateRule(
  rule: AlertRule,
  series: readonly RuleSeries[],
  times: readonly number[],
  opts: EvaluationOptions,
): AlertSend[] {
  const active = new Map<string, Active>();
  const sends: AlertSend[] = [];
  for (const t of times) {
    const present = new Map<string, { labels: Record<string, string>; annotations: Record<string, string> }>();
    for (const s of series) {
      const value = s.points.get(t);
      if (value === undefined) continue;
      const alert = alertOf(rule, s.labels, value, opts.externalLabels);
      present.set(labelKey(alert.labels), alert);
    }
    for (const [key, alert] of present) {
      const known = active.get(key);
      if (known) known.annotations = alert.annotations;
      else active.set(key, { ...alert, state: 'pending', activeAt: t });
    }
    for (const [key, a] of active) {
      if (!present.has(key)) {
        if (a.state === 'firing' && rule.keepFiringForMs > 0) {
          a.keepFiringSince ??= t;
          if (t - a.keepFiringSince < rule.keepFiringForMs) {
            send(a, t);
            continue;
          }
        }
        active.delete(key);
        if (a.state === 'firing')
          sends.push({ at: t, rule: rule.name, labels: a.labels, annotations: a.annotations, firedAt: a.firedAt!, resolvedAt: t });
        continue;
      }
      a.keepFiringSince = undefined;
      if (a.state === 'pending' && t - a.activeAt >= rule.forMs) {
        a.state = 'firing';
        a.firedAt = t;
      }
      if (a.state === 'firing') send(a, t);
    }
  }
  return sends;

  function send(a: Active, t: number) {
    // Prometheus' needsSending: first time, then only once the resend delay has passed (strictly).
    if (a.lastSentAt !== undefined && !(a.lastSentAt + opts.resendDelayMs < t)) return;
    a.lastSentAt = t;
    sends.push({ at: t, rule: rule.name, labels: a.labels, annotations: a.annotations, firedAt: a.firedAt! });
  }
}
