/**
 * `alertscale replay` end to end: read the rules, Prometheus' settings, the Alertmanager config
 * and silences; one query_range per rule; then the pure stages (alert state → Alertmanager
 * delivery → policy) per pool. Returns what happened; printing is the command's job.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { coveredPools } from '../cli/check/cross-check.js';
import { CliError } from '../cli/client/errors.js';
import type { Config } from '../config/index.js';
import { selectors, type Selector } from '../promql/selectors.js';
import { toPolicy } from '../receiver/pool-policy.js';
import { createSilencesClient } from '../silences/index.js';
import { evaluateRule, type AlertSend } from './alert-state.js';
import { parseAlertmanagerConfig, routesTickingOnEvaluations, type AlertmanagerModel } from './alertmanager-config.js';
import { deliver, type PastSilence } from './alertmanager-delivery.js';
import { createPoolReplayer, type PoolReplay, type ReceiverTiming } from './decisions.js';
import { createPrometheusSource, type PrometheusSettings, type PrometheusSource } from './prometheus-source.js';
import { receiverTiming } from './receiver-timing.js';
import { isScalingRule, loadAlertRules, RuleFileError, type AlertRule } from './rule-files.js';
import { summarise, type PoolSummary, type Samples } from './summary.js';

export interface ReplayRequest {
  config: Config;
  configFile: string;
  /** Empty = every pool of the config. */
  pools: string[];
  from: number;
  to: number;
  now: number;
  /** Given with --rules; else the rule files Prometheus loads. */
  ruleFiles?: string[];
  prometheusUrl: string;
  /** Given with --alertmanager-config; else the config Alertmanager runs. */
  alertmanagerConfig?: string;
  /** Given with --decision-latency / --command-duration (ms); else measured in the window (receiver-timing.ts). */
  decisionLatencyMs?: number;
  commandDurationMs?: number;
}

export interface PoolResult extends PoolReplay {
  summary: PoolSummary;
  start: { replicas: number; source: string };
  rules: string[];
  /** For the chart: the pool's real processes and waiting jobs, [ms, value]. */
  processes: Samples;
  queue: Samples;
}

export interface ReplayResult {
  from: number;
  to: number;
  evaluationIntervalMs: number;
  notes: string[];
  pools: PoolResult[];
}

const FALLBACK_RULES = 'prometheus/rules/alerts.yml';
const FALLBACK_ALERTMANAGER = 'alertmanager/alertmanager.yml';

export async function runReplay(req: ReplayRequest): Promise<ReplayResult> {
  const pools = choosePools(req);
  if (req.from >= req.to)
    throw new CliError(`--from (${iso(req.from)}) is not before --to (${iso(req.to)}); give a window that starts before it ends`);
  const notes: string[] = [];
  const prometheus = createPrometheusSource(req.prometheusUrl);
  const settings = await prometheus.settings();
  if (settings.retentionMs !== undefined && req.from < req.now - settings.retentionMs) {
    throw new CliError(
      `--from ${iso(req.from)} is past Prometheus' retention (${settings.retentionMs / 3_600_000}h: ` +
        `data from ${iso(req.now - settings.retentionMs)} on); start the window later`,
    );
  }
  const ruleFiles = req.ruleFiles ?? defaultRuleFiles(settings.ruleFiles, notes);
  const rules = await loadRulesOrExplain(ruleFiles);
  const byPool = new Map(pools.map((p) => [p, rules.filter((r) => isScalingRule(r) && coveredPools(r.source, [p]).length > 0)]));
  const relevant = [...new Set([...byPool.values()].flat())];
  if (relevant.length === 0)
    throw new CliError(
      `no scaling rule in ${ruleFiles.join(', ')} reaches pool ${pools.join(', ')}; pass the pool's rule files with --rules`,
    );
  const alertmanager = await alertmanagerModel(req, notes);
  const silences = await pastSilences(req.config.alertmanager.url, notes);

  await requireSeries(prometheus, relevant, pools, req);
  const { sends, evaluationIntervalMs } = await evaluateRules(prometheus, settings, relevant, req);
  for (const r of routesTickingOnEvaluations(alertmanager, evaluationIntervalMs))
    notes.push(
      `routing: route ${r.id} (${r.receiver}) flushes on rule evaluations (group_wait ${r.groupWaitMs / 1000}s, group_interval ` +
        `${r.groupIntervalMs / 1000}s, evaluation ${evaluationIntervalMs / 1000}s): a flush and an evaluation's new target meet ` +
        'within milliseconds, and replay takes the target as first; live, either wins, so decisions at a change of target ' +
        'may differ (a group_wait of half an evaluation interval keeps them apart)',
    );
  const stepMs = Math.max(evaluationIntervalMs, Math.ceil((req.to - req.from) / 1_500 / 1000) * 1000);
  const [processes, queue, timing, starts] = await Promise.all([
    samplesByPool(prometheus, 'sum by (pool) (alertscale_pool_processes)', req, stepMs),
    samplesByPool(prometheus, 'sum by (pool) (alertscale_queue_length)', req, stepMs),
    receiverTiming(
      prometheus,
      { pools, from: req.from, to: req.to, decisionMs: req.decisionLatencyMs, commandMs: req.commandDurationMs },
      notes,
    ),
    Promise.all(pools.map((pool) => startingReplicas(prometheus, pool, req.from, req.config.pools[pool]!.min))),
  ]);
  const replayed = replayDecisions(
    req,
    sends,
    { model: alertmanager, silences },
    pools.map((pool, i) => ({ pool, start: starts[i]!, timing: timing.byPool.get(pool) })),
    timing.decisionMs,
    notes,
  );
  const results = replayed.map(
    ({ pool, policy, start, replay }): PoolResult => ({
      ...replay,
      start,
      rules: byPool.get(pool)!.map((r) => r.name),
      processes: processes.get(pool) ?? [],
      queue: queue.get(pool) ?? [],
      summary: summarise(replay, policy, req, { processes: processes.get(pool), queue: queue.get(pool), stepMs }),
    }),
  );
  return { from: req.from, to: req.to, evaluationIntervalMs, notes, pools: results };
}

/**
 * Alertmanager's delivery and every pool's receiver in one pass: a group's next flush depends on
 * when the receiver answered its last one (a notification no replayed pool decides is answered
 * after the receiver's decision time).
 */
function replayDecisions(
  req: ReplayRequest,
  sends: readonly AlertSend[],
  delivery: { model: AlertmanagerModel; silences: PastSilence[] },
  pools: { pool: string; start: { replicas: number; source: string }; timing?: ReceiverTiming }[],
  decisionMs: number,
  notes: string[],
) {
  const replayers = pools.map(({ pool, start, timing }) => {
    const cfg = req.config.pools[pool]!;
    if (!cfg.enabled) notes.push(`pool ${pool} is not enabled (dry run); replayed as if it were`);
    const policy = { ...toPolicy(cfg), enabled: true };
    return { pool, policy, start, replayer: createPoolReplayer(pool, policy, { at: req.from, replicas: start.replicas }, timing) };
  });
  deliver(sends, delivery.model, {
    until: req.to,
    silences: delivery.silences,
    answer: (n) => Math.max(n.at + decisionMs, ...replayers.map((r) => r.replayer.receive(n) ?? -Infinity)),
  });
  return replayers.map(({ pool, policy, start, replayer }) => ({ pool, policy, start, replay: replayer.result() }));
}

/** What Prometheus would have sent Alertmanager: each rule at its group's evaluations (one query_range per rule). */
async function evaluateRules(
  prometheus: PrometheusSource,
  settings: PrometheusSettings,
  rules: AlertRule[],
  req: ReplayRequest,
): Promise<{ sends: AlertSend[]; evaluationIntervalMs: number }> {
  const sends: AlertSend[] = [];
  let evaluationIntervalMs = settings.evaluationIntervalMs;
  await Promise.all(
    rules.map(async (rule) => {
      const interval = rule.intervalMs ?? settings.evaluationIntervalMs;
      evaluationIntervalMs = Math.min(evaluationIntervalMs, interval);
      const phase = settings.phases.get(rule.group) ?? 0;
      const first = Math.ceil((req.from - phase) / interval) * interval + phase;
      const times: number[] = [];
      for (let t = first; t <= req.to; t += interval) times.push(t);
      if (times.length === 0) return;
      const series = await prometheus.range(rule.expr, times[0]!, times.at(-1)!, interval);
      sends.push(...evaluateRule(rule, series, times, { resendDelayMs: settings.resendDelayMs, externalLabels: settings.externalLabels }));
    }),
  );
  return { sends, evaluationIntervalMs };
}

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

function choosePools(req: ReplayRequest): string[] {
  const known = Object.keys(req.config.pools);
  const unknown = req.pools.filter((p) => !Object.hasOwn(req.config.pools, p));
  if (unknown.length > 0)
    throw new CliError(
      `unknown pool ${unknown.join(', ')} (pools in ${req.configFile}: ${known.join(', ') || 'none'}); ` +
        'pick one of those or pass the right --config',
    );
  return req.pools.length > 0 ? [...new Set(req.pools)] : known;
}

/** Prometheus' rule_files when they are readable here (the local stack's are), else the repo's rules. */
function defaultRuleFiles(configured: string[], notes: string[]): string[] {
  const files = configured.flatMap(expandGlob);
  if (files.length > 0 && files.every(existsSync)) {
    notes.push(`rules: the files Prometheus loads (${files.map((f) => basename(f)).join(', ')})`);
    return files;
  }
  notes.push(`rules: ${FALLBACK_RULES} (Prometheus' own rule files are not readable here; pass --rules)`);
  return [FALLBACK_RULES];
}

/** `dir/*.yml` as Prometheus expands it (a `*` in the file name only). */
function expandGlob(pattern: string): string[] {
  if (!pattern.includes('*')) return [pattern];
  const dir = dirname(pattern);
  const re = new RegExp(
    `^${basename(pattern)
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );
  return existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => re.test(f))
        .sort()
        .map((f) => join(dir, f))
    : [];
}

async function loadRulesOrExplain(files: string[]): Promise<AlertRule[]> {
  try {
    return await loadAlertRules(files);
  } catch (err) {
    if (err instanceof RuleFileError) throw new CliError(err.message);
    throw err;
  }
}

async function alertmanagerModel(req: ReplayRequest, notes: string[]): Promise<AlertmanagerModel> {
  const fromFile = (file: string) => {
    try {
      return parseAlertmanagerConfig(readFileSync(file, 'utf8'), file);
    } catch (err) {
      throw new CliError(
        `${(err as NodeJS.ErrnoException).code === 'ENOENT' ? `${file}: not found` : (err as Error).message}; check --alertmanager-config`,
      );
    }
  };
  if (req.alertmanagerConfig) return fromFile(req.alertmanagerConfig);
  const url = req.config.alertmanager.url.replace(/\/+$/, '');
  try {
    const res = await fetch(`${url}/api/v2/status`, { signal: AbortSignal.timeout(3_000) });
    const original = ((await res.json()) as { config?: { original?: string } }).config?.original;
    if (res.ok && original) {
      notes.push(`routing: the config Alertmanager at ${url} runs`);
      return parseAlertmanagerConfig(original, `Alertmanager at ${url}`);
    }
  } catch {
    // not reachable: the repository's config below
  }
  notes.push(`routing: ${FALLBACK_ALERTMANAGER} (Alertmanager at ${url} not reachable; pass --alertmanager-config)`);
  return fromFile(FALLBACK_ALERTMANAGER);
}

async function pastSilences(url: string, notes: string[]): Promise<PastSilence[]> {
  try {
    const list = await createSilencesClient({ url, timeoutMs: 3_000 }).list();
    notes.push(`silences: ${list.length} from Alertmanager at ${url} (expired ones count for their time)`);
    return list.map((s) => ({ id: s.id, matchers: s.matchers, startsAt: Date.parse(s.startsAt), endsAt: Date.parse(s.endsAt) }));
  } catch {
    notes.push(`silences: none (Alertmanager at ${url} not reachable, so silences of the window are unknown)`);
    return [];
  }
}

const selectorText = (s: Selector) =>
  `${s.metric ?? ''}{${s.matchers.map((m) => `${m.label}${m.op}${JSON.stringify(m.value)}`).join(',')}}`;

/** Every series a rule reads must exist in the window, or its silence there means nothing. */
async function requireSeries(prometheus: PrometheusSource, rules: AlertRule[], pools: string[], req: ReplayRequest): Promise<void> {
  const checks = rules.flatMap((rule) =>
    selectors(rule.expr)
      .filter((s) => s.metric || s.matchers.length > 0)
      .map((s) => ({ rule, selector: selectorText(s) })),
  );
  const unique = [...new Map(checks.map((c) => [c.selector, c])).values()];
  const found = await Promise.all(unique.map((c) => prometheus.hasSeries(c.selector, req.from, req.to)));
  const missing = unique.filter((_, i) => !found[i]);
  if (missing.length === 0) return;
  const { rule, selector } = missing[0]!;
  throw new CliError(
    `rule ${rule.name} (${rule.file}) reads ${selector}, which has no series in ` +
      `Prometheus at ${prometheus.url} between ${iso(req.from)} and ${iso(req.to)}; ` +
      `pick a window when the exporter${pools.length > 0 ? ` for ${pools.join(', ')}` : ''} ran, or fix the metric name in the rule`,
  );
}

async function samplesByPool(
  prometheus: PrometheusSource,
  expr: string,
  req: ReplayRequest,
  stepMs: number,
): Promise<Map<string, [number, number][]>> {
  const series = await prometheus.range(expr, req.from, req.to, stepMs);
  return new Map(series.map((s) => [s.labels.pool ?? '', [...s.points].sort((a, b) => a[0] - b[0])]));
}

/** The pool's size at --from: its processes, else the receiver's replicas gauge, else min. */
async function startingReplicas(
  prometheus: PrometheusSource,
  pool: string,
  at: number,
  min: number,
): Promise<{ replicas: number; source: string }> {
  const sel = `{pool=${JSON.stringify(pool)}}`;
  for (const [expr, source] of [
    [`sum(alertscale_pool_processes${sel})`, 'alertscale_pool_processes'],
    [`max(alertscale_pool_replicas${sel})`, 'alertscale_pool_replicas'],
  ] as const) {
    const [value] = await prometheus.instant(expr, at);
    if (value && Number.isFinite(value.value)) return { replicas: Math.round(value.value), source };
  }
  return { replicas: min, source: 'min (no alertscale_pool_processes or alertscale_pool_replicas at --from)' };
}
