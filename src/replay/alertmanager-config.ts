/**
 * The parts of alertmanager.yml that decide when a scaling alert reaches the receiver: the route
 * tree (matchers, continue, group_by and the three timings, inherited as Alertmanager inherits
 * them), send_resolved of the receiver, and inhibit_rules. Pure.
 */
import { parse } from 'yaml';
import { parsePrometheusDuration } from '../config/index.js';
import { matchesLabels, type Matcher } from '../silences/index.js';

export interface RouteTimings {
  groupWaitMs: number;
  groupIntervalMs: number;
  repeatIntervalMs: number;
}

export interface Route extends RouteTimings {
  /** Position in the tree (`0`, `0.1`): part of the group key, as Alertmanager's route key is. */
  id: string;
  receiver: string;
  matchers: Matcher[];
  continue: boolean;
  /** Label names; `['...']` groups by every label. */
  groupBy: string[];
  routes: Route[];
}

export interface InhibitRule {
  source: Matcher[];
  target: Matcher[];
  equal: string[];
}

export interface AlertmanagerModel {
  route: Route;
  inhibitRules: InhibitRule[];
  /** Receivers whose webhook is an alertscale receiver (URL path /v1/alertmanager), with send_resolved. */
  scalingReceivers: Map<string, { sendResolved: boolean }>;
}

export class AlertmanagerConfigError extends Error {}

// Alertmanager's defaults (config.DefaultRouteOpts).
const DEFAULTS: RouteTimings = { groupWaitMs: 30_000, groupIntervalMs: 300_000, repeatIntervalMs: 4 * 3_600_000 };

type Json = Record<string, any>;

export function parseAlertmanagerConfig(text: string, file: string): AlertmanagerModel {
  const doc = (parse(text) ?? {}) as Json;
  if (!doc.route) throw new AlertmanagerConfigError(`${file}: no route; is this an Alertmanager config?`);
  const route = toRoute(doc.route, undefined, '0', file);
  const scalingReceivers = new Map<string, { sendResolved: boolean }>();
  for (const r of (doc.receivers ?? []) as Json[]) {
    for (const hook of (r.webhook_configs ?? []) as Json[]) {
      if (/\/v1\/alertmanager\/?$/.test(String(hook.url ?? '')))
        scalingReceivers.set(String(r.name), { sendResolved: hook.send_resolved !== false });
    }
  }
  const inhibitRules = ((doc.inhibit_rules ?? []) as Json[]).map((r, i) => ({
    source: [
      ...matchersOf(r.source_matchers, `${file}: inhibit_rules[${i}].source_matchers`),
      ...legacy(r.source_match, r.source_match_re),
    ],
    target: [
      ...matchersOf(r.target_matchers, `${file}: inhibit_rules[${i}].target_matchers`),
      ...legacy(r.target_match, r.target_match_re),
    ],
    equal: ((r.equal ?? []) as unknown[]).map(String),
  }));
  return { route, inhibitRules, scalingReceivers };
}

function toRoute(raw: Json, parent: Route | undefined, id: string, file: string): Route {
  const ms = (key: string, inherited: number) => {
    if (raw[key] === undefined) return inherited;
    const value = parsePrometheusDuration(String(raw[key]));
    if (value === undefined) throw new AlertmanagerConfigError(`${file}: route ${id}: ${key} "${raw[key]}" is not a duration`);
    return value;
  };
  const base = parent ?? { ...DEFAULTS, receiver: '', groupBy: [] as string[] };
  const route: Route = {
    id,
    receiver: raw.receiver === undefined ? base.receiver : String(raw.receiver),
    matchers: [...matchersOf(raw.matchers, `${file}: route ${id} matchers`), ...legacy(raw.match, raw.match_re)],
    continue: raw.continue === true,
    groupBy: raw.group_by === undefined ? base.groupBy : (raw.group_by as unknown[]).map(String),
    groupWaitMs: ms('group_wait', base.groupWaitMs),
    groupIntervalMs: ms('group_interval', base.groupIntervalMs),
    repeatIntervalMs: ms('repeat_interval', base.repeatIntervalMs),
    routes: [],
  };
  route.routes = ((raw.routes ?? []) as Json[]).map((child, i) => toRoute(child, route, `${id}.${i}`, file));
  return route;
}

/**
 * Routes to a scaling receiver whose group ticks land on rule evaluations. A new group flushes
 * group_wait after the post of the evaluation that fired (at once for an alert older than that),
 * then every group_interval: with both multiples of the evaluation interval, every flush meets a
 * later evaluation's post within the milliseconds the post takes, and which one Alertmanager saw
 * first (whether the flush carries that evaluation's target) is recorded nowhere.
 */
export function routesTickingOnEvaluations(model: AlertmanagerModel, evaluationIntervalMs: number): Route[] {
  const onEvaluations = (ms: number) => ms % evaluationIntervalMs === 0;
  const found: Route[] = [];
  const walk = (route: Route) => {
    if (model.scalingReceivers.has(route.receiver) && onEvaluations(route.groupWaitMs) && onEvaluations(route.groupIntervalMs))
      found.push(route);
    for (const child of route.routes) walk(child);
  };
  walk(model.route);
  return found;
}

/** Alertmanager's Route.Match: the deepest matching routes, first match wins unless `continue`. */
export function matchRoutes(route: Route, labels: Readonly<Record<string, string>>): Route[] {
  if (!matchesLabels(route.matchers, labels)) return [];
  const all: Route[] = [];
  for (const child of route.routes) {
    const matched = matchRoutes(child, labels);
    all.push(...matched);
    if (matched.length > 0 && !child.continue) break;
  }
  return all.length > 0 ? all : [route];
}

/** The group an alert joins on a route: route id plus its group_by label values. */
export function groupKeyOf(route: Route, labels: Readonly<Record<string, string>>): string {
  const names = route.groupBy.includes('...') ? Object.keys(labels).sort() : route.groupBy;
  return `${route.id}:${JSON.stringify(names.map((n) => [n, labels[n] ?? '']))}`;
}

function legacy(match: unknown, matchRe: unknown): Matcher[] {
  const eq = Object.entries((match ?? {}) as Json).map(([name, value]) => ({ name, value: String(value), isRegex: false, isEqual: true }));
  const re = Object.entries((matchRe ?? {}) as Json).map(([name, value]) => ({ name, value: String(value), isRegex: true, isEqual: true }));
  return [...eq, ...re];
}

function matchersOf(list: unknown, where: string): Matcher[] {
  if (list === undefined || list === null) return [];
  return (list as unknown[]).flatMap((m) => splitMatchers(String(m)).map((one) => parseMatcher(one, where)));
}

/** `a="x",b=~"y"` may be one list entry; commas inside quotes stay. */
function splitMatchers(text: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '\\' && quoted) {
      current += ch + (text[++i] ?? '');
      continue;
    }
    if (ch === '"') quoted = !quoted;
    if (ch === ',' && !quoted) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return parts.map((p) => p.trim()).filter((p) => p !== '' && p !== '{' && p !== '}');
}

/** One Alertmanager matcher: `name="value"`, `name=~"re"`, `name!=value`, `name!~"re"`. */
export function parseMatcher(text: string, where = 'matcher'): Matcher {
  const m = /^\{?\s*([A-Za-z_][A-Za-z0-9_]*)\s*(=~|!~|!=|=)\s*(.*?)\s*\}?$/.exec(text.trim());
  if (!m) throw new AlertmanagerConfigError(`${where}: cannot read the matcher ${JSON.stringify(text)}`);
  const raw = m[3]!;
  const value = raw.startsWith('"') && raw.endsWith('"') && raw.length >= 2 ? (JSON.parse(raw) as string) : raw;
  return { name: m[1]!, value, isRegex: m[2]!.includes('~'), isEqual: !m[2]!.startsWith('!') };
}
