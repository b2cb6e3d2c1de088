/**
 * The demo timing overlay for Alertmanager: the config the local stack and the end-to-end test run.
 *
 * Alertmanager has no includes and no environment expansion, so the demo config is RENDERED from
 * the production file (alertmanager/alertmanager.yml): same routes, matchers, receivers and inhibit
 * rules, with
 *   - the timings of every route that delivers to the `alertscale` receiver compressed to
 *     DEMO_ALERTMANAGER_TIMINGS (group_wait 0s: the first notification leaves at once;
 *     group_interval 1s: changes and resolves within a second; repeat_interval 1s: a still-firing
 *     signal is re-sent every second, with its current `target` — Alertmanager sends a changed
 *     annotation only on a repeat, so at 5s a growing burst's new target reached the receiver up
 *     to 5s late (bench/RESULTS.md, "Scaling quality"); repeated steps are paced by the receiver's
 *     stepInterval and cooldowns, not by Alertmanager),
 *   - the webhook URL of that receiver pointed at the demo receiver,
 *   - its bearer credentials_file set to the token file the stack writes (absolute: Alertmanager
 *     resolves relative paths against the directory of the config file, i.e. of the rendered copy).
 *
 *   const yaml = renderDemoAlertmanager({ webhookUrl: 'http://127.0.0.1:9460/v1/alertmanager',
 *     credentialsFile: resolve('.stack/webhook-token') });
 *   writeFileSync('.stack/alertmanager.yml', yaml);
 *   spawn('prometheus-alertmanager', ['--config.file=.stack/alertmanager.yml', '--cluster.listen-address=', …]);
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { parse, stringify } from 'yaml';
import { REPO_ROOT } from '../src/repo-root.js';

/** This directory (alertmanager/), absolute. */
export const ALERTMANAGER_DIR = join(REPO_ROOT, 'alertmanager');
/** The production config the overlay is derived from. */
export const PRODUCTION_ALERTMANAGER_FILE = join(ALERTMANAGER_DIR, 'alertmanager.yml');
/** The receiver in alertmanager.yml that delivers scaling alerts to the alertscale webhook. */
export const SCALING_RECEIVER = 'alertscale';

export const DEMO_ALERTMANAGER_TIMINGS = {
  groupWait: '0s',
  groupInterval: '1s',
  repeatInterval: '1s',
} as const;

export interface DemoAlertmanagerOptions {
  /** The receiver's webhook, e.g. http://127.0.0.1:9460/v1/alertmanager. */
  webhookUrl: string;
  /** Absolute path of the file holding the receiver's bearer token. */
  credentialsFile: string;
  /** Override the compressed timings (Alertmanager durations, e.g. '1s'). */
  groupWait?: string;
  groupInterval?: string;
  repeatInterval?: string;
}

type Json = Record<string, unknown>;

/** Apply `edit` to every route in the tree (the root included) that delivers to `receiver`. */
function forEachRoute(route: Json, receiver: string, edit: (route: Json) => void): number {
  let found = route.receiver === receiver ? 1 : 0;
  if (found) edit(route);
  const children = route.routes;
  if (Array.isArray(children)) for (const child of children) found += forEachRoute(child as Json, receiver, edit);
  return found;
}

/** The demo config as an object, from the parsed production config. Pure: no I/O. */
export function demoAlertmanagerConfig(production: unknown, opts: DemoAlertmanagerOptions): Json {
  if (typeof production !== 'object' || production === null)
    throw new Error('renderDemoAlertmanager: production config is not a YAML mapping');
  if (!isAbsolute(opts.credentialsFile)) {
    throw new Error(
      `renderDemoAlertmanager: credentialsFile ${opts.credentialsFile} must be absolute (Alertmanager would resolve it against the rendered file's directory)`,
    );
  }
  const url = new URL(opts.webhookUrl); // throws on garbage, with the value in the message
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new Error(`renderDemoAlertmanager: webhookUrl must be http(s), got ${opts.webhookUrl}`);

  const config = structuredClone(production) as Json;
  const timings = {
    group_wait: opts.groupWait ?? DEMO_ALERTMANAGER_TIMINGS.groupWait,
    group_interval: opts.groupInterval ?? DEMO_ALERTMANAGER_TIMINGS.groupInterval,
    repeat_interval: opts.repeatInterval ?? DEMO_ALERTMANAGER_TIMINGS.repeatInterval,
  };
  const routes = forEachRoute((config.route ?? {}) as Json, SCALING_RECEIVER, (route) => Object.assign(route, timings));
  if (routes === 0) throw new Error(`renderDemoAlertmanager: alertmanager.yml has no route to receiver "${SCALING_RECEIVER}"`);

  const receivers = Array.isArray(config.receivers) ? (config.receivers as Json[]) : [];
  const receiver = receivers.find((r) => r.name === SCALING_RECEIVER);
  const hooks = receiver?.webhook_configs;
  if (!Array.isArray(hooks) || hooks.length !== 1) {
    throw new Error(`renderDemoAlertmanager: receiver "${SCALING_RECEIVER}" in alertmanager.yml must have exactly one webhook_config`);
  }
  const hook = hooks[0] as Json;
  hook.url = opts.webhookUrl;
  const http = (hook.http_config ?? {}) as Json;
  http.authorization = { ...((http.authorization as Json | undefined) ?? {}), type: 'Bearer', credentials_file: opts.credentialsFile };
  hook.http_config = http;
  return config;
}

/** The demo Alertmanager config as YAML text, rendered from alertmanager/alertmanager.yml. */
export function renderDemoAlertmanager(
  opts: DemoAlertmanagerOptions,
  productionText = readFileSync(PRODUCTION_ALERTMANAGER_FILE, 'utf8'),
): string {
  const header =
    '# Generated by renderDemoAlertmanager() (alertmanager/demo.ts) from alertmanager/alertmanager.yml\n' +
    '# with demo timings, webhook URL and token path. Do not edit: edit alertmanager/alertmanager.yml.\n';
  return header + stringify(demoAlertmanagerConfig(parse(productionText), opts));
}
