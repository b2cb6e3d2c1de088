/**
 * The demo timing overlay for Prometheus: the config the local stack and the end-to-end test run.
 *
 * Prometheus has no includes and no environment expansion, and the stack/e2e run it on their own
 * ports with 1 s timings. So the demo config is RENDERED from the production file
 * (prometheus/prometheus.yml): same scrape jobs, with
 *   - global scrape/evaluation interval (and scrape timeout) compressed to DEMO_TIMINGS,
 *   - each job's targets replaced by the address given for it,
 *   - the Alertmanager targets replaced,
 *   - rule_files replaced by absolute paths: rules-demo/recording.yml, rules-demo/demo.yml (the
 *     recording rules and the demo pool's rules with `for:`, windows and drain time compressed) and
 *     rules-demo/web.yml (the web pool's) — NOT rules/alerts.yml, whose demo rules share names and
 *     labels with the demo ones and whose example pools do not exist in the demo.
 * Start Prometheus with the rendered file plus DEMO_PROMETHEUS_FLAGS.
 *
 *   const yaml = renderDemoPrometheus({ prometheus: '127.0.0.1:9090', exporter: '127.0.0.1:9464',
 *     receiver: '127.0.0.1:9460', alertmanagers: ['127.0.0.1:9093'] });
 *   writeFileSync('.stack/prometheus.yml', yaml);
 *   spawn('prometheus', ['--config.file=.stack/prometheus.yml', ...DEMO_PROMETHEUS_FLAGS, …]);
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { parse, stringify } from 'yaml';
import { REPO_ROOT } from '../src/repo-root.js';

/** This directory (prometheus/), absolute. */
export const PROMETHEUS_DIR = join(REPO_ROOT, 'prometheus');
/** The production config the overlay is derived from. */
export const PRODUCTION_PROMETHEUS_FILE = join(PROMETHEUS_DIR, 'prometheus.yml');
/**
 * Rule files the demo loads: the recording rules, the demo pool's and the web pool's rules, all with
 * demo windows (rules-demo/recording.yml, rules-demo/demo.yml, rules-demo/web.yml).
 */
export const DEMO_RULE_FILES: readonly string[] = [
  join(PROMETHEUS_DIR, 'rules-demo', 'recording.yml'),
  join(PROMETHEUS_DIR, 'rules-demo', 'demo.yml'),
  join(PROMETHEUS_DIR, 'rules-demo', 'web.yml'),
];

/**
 * Demo timings. The `for:` values are those written in rules-demo/demo.yml (a unit test keeps them
 * equal); with Alertmanager's group_wait (alertmanager/demo.ts) they give the reaction-time floor:
 * scrapeInterval + evaluationInterval + scaleUpFor + groupWait.
 */
export const DEMO_TIMINGS = {
  scrapeInterval: '1s',
  evaluationInterval: '1s',
  /** `for:` of DemoQueueBacklog in rules-demo/demo.yml (production 30s). */
  scaleUpFor: '1s',
  /**
   * `for:` of DemoWorkersIdle in rules-demo/demo.yml (production 1m): short, because the target
   * already smooths arrivals over its window; a longer one kept a finished burst's workers idle
   * (bench/RESULTS.md, "Scaling quality").
   */
  scaleDownFor: '2s',
  /** `for:` of DemoQueueWaitingNoWorkers (wake from zero): the first waiting job acts at once. */
  wakeFor: '0s',
} as const;

/**
 * How the demo rule files differ from production, besides `for:` (DEMO_TIMINGS): each production
 * text replaced by the demo one in expressions and annotations. Production windows of 1m (four 15 s
 * scrapes) become 5 s (five of the demo's 1 s scrapes: 10 s kept a finished burst's arrivals in the
 * target ~10 s after it ended), the job duration's 5m becomes 30 s; the backlog drain time of 120 s
 * becomes 10 s, so a burst waits seconds, not minutes, at demo speed.
 * test/integration/rules.test.ts applies these to the production files and expects the demo files.
 */
export const DEMO_RULE_COMPRESSION: ReadonlyArray<readonly [production: string, demo: string]> = [
  ['[1m]', '[5s]'],
  ['[5m]', '[30s]'],
  ['/ 120', '/ 10'],
  ['within 120s', 'within 10s'],
];

/**
 * Command-line flags the demo Prometheus needs besides its paths and listen address.
 * --rules.alert.resend-delay: Prometheus re-sends a firing alert, with its CURRENT annotations
 * (the `target`), only this often (default 1m). At 1s the receiver sees a changing target within
 * a second instead of a minute late.
 */
export const DEMO_PROMETHEUS_FLAGS: readonly string[] = ['--rules.alert.resend-delay=1s'];

/** Where the demo's processes listen, as host:port. */
export interface DemoPrometheusOptions {
  /** This Prometheus (job `prometheus`, it scrapes itself). */
  prometheus: string;
  /** alertscale exporter (job `alertscale-exporter`). */
  exporter: string;
  /** alertscale receiver (job `alertscale-receiver`). */
  receiver: string;
  /** Every Alertmanager (both peers of an HA pair): alerts go to each; job `alertmanager`. */
  alertmanagers: readonly string[];
  /** The web demo pool's gunicorn master (job `demo-web`); where no web pool runs, leave it out and the job is dropped. */
  web?: string;
  /** Absolute rule file paths (globs allowed). Default DEMO_RULE_FILES. */
  ruleFiles?: readonly string[];
  /** Override the compressed intervals (Prometheus durations, e.g. '1s'). */
  scrapeInterval?: string;
  evaluationInterval?: string;
}

type Json = Record<string, unknown>;

/** The scrape job of the web demo pool in prometheus/prometheus.yml. */
const WEB_JOB = 'demo-web';

const HOST_PORT = /^(?:[A-Za-z0-9.-]+|\[[0-9a-fA-F:]+\]):\d{1,5}$/;

function hostPort(what: string, value: string): string {
  if (!HOST_PORT.test(value)) throw new Error(`renderDemoPrometheus: ${what} must be host:port, got ${JSON.stringify(value)}`);
  return value;
}

/**
 * The demo config as an object, from the parsed production config. Pure: no I/O.
 * Throws when the production file has a scrape job this overlay has no address for, so a job
 * added to prometheus.yml cannot silently scrape production addresses from a test.
 */
export function demoPrometheusConfig(production: unknown, opts: DemoPrometheusOptions): Json {
  if (typeof production !== 'object' || production === null)
    throw new Error('renderDemoPrometheus: production config is not a YAML mapping');
  const config = structuredClone(production) as Json;
  const scrape = opts.scrapeInterval ?? DEMO_TIMINGS.scrapeInterval;
  const evaluation = opts.evaluationInterval ?? DEMO_TIMINGS.evaluationInterval;
  if (opts.alertmanagers.length === 0) throw new Error('renderDemoPrometheus: alertmanagers must name at least one host:port');
  const alertmanagers = opts.alertmanagers.map((a, i) => hostPort(`alertmanagers[${i}]`, a));

  // scrape_timeout must not exceed scrape_interval, and production's 10s would.
  config.global = {
    ...((config.global as Json | undefined) ?? {}),
    scrape_interval: scrape,
    evaluation_interval: evaluation,
    scrape_timeout: scrape,
  };
  config.alerting = { alertmanagers: [{ static_configs: [{ targets: alertmanagers }] }] };
  const ruleFiles = opts.ruleFiles ?? DEMO_RULE_FILES;
  for (const file of ruleFiles) {
    if (!isAbsolute(file))
      throw new Error(`renderDemoPrometheus: rule file ${file} must be absolute (the rendered config lives elsewhere)`);
  }
  config.rule_files = [...ruleFiles];

  const targetsByJob: Record<string, readonly string[]> = {
    prometheus: [hostPort('prometheus', opts.prometheus)],
    'alertscale-exporter': [hostPort('exporter', opts.exporter)],
    'alertscale-receiver': [hostPort('receiver', opts.receiver)],
    alertmanager: alertmanagers,
    ...(opts.web !== undefined ? { [WEB_JOB]: [hostPort('web', opts.web)] } : {}),
  };
  const jobs = config.scrape_configs;
  if (!Array.isArray(jobs)) throw new Error('renderDemoPrometheus: production config has no scrape_configs list');
  const wanted = opts.web !== undefined ? jobs : jobs.filter((job: Json) => job.job_name !== WEB_JOB);
  config.scrape_configs = wanted.map((job: Json) => {
    const name = String(job.job_name);
    const targets = targetsByJob[name];
    if (!targets) {
      throw new Error(
        `renderDemoPrometheus: prometheus/prometheus.yml has scrape job "${name}" with no demo address; add it to targetsByJob in prometheus/demo.ts`,
      );
    }
    // Per-job interval overrides would undo the compression: drop them.
    const { scrape_interval: _i, scrape_timeout: _t, static_configs: statics, ...rest } = job;
    // Target labels (the web job's `pool`) are part of the series' identity: keep them.
    const labels = Array.isArray(statics) ? (statics[0] as Json | undefined)?.labels : undefined;
    return { ...rest, static_configs: [{ targets: [...targets], ...(labels ? { labels } : {}) }] };
  });
  return config;
}

/** The demo Prometheus config as YAML text, rendered from prometheus/prometheus.yml. */
export function renderDemoPrometheus(
  opts: DemoPrometheusOptions,
  productionText = readFileSync(PRODUCTION_PROMETHEUS_FILE, 'utf8'),
): string {
  const header =
    '# Generated by renderDemoPrometheus() (prometheus/demo.ts) from prometheus/prometheus.yml\n' +
    '# with demo timings and addresses. Do not edit: edit prometheus/prometheus.yml.\n';
  return header + stringify(demoPrometheusConfig(parse(productionText), opts));
}
