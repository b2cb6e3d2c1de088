/**
 * Alertmanager's delivery of scaling alerts, replayed (dispatch/dispatch.go and notify/notify.go
 * of 0.25): alerts join the group of the route they match; a new group flushes after group_wait
 * (at once when its alert started more than group_wait ago), then every group_interval; a flush
 * notifies when a firing alert is new, when alerts resolved (send_resolved), or when the last
 * notification is older than repeat_interval. Inhibited and silenced alerts are left out of a
 * flush. An emptied group lives until the next maintenance (≤ 30 s); a re-fire inside that window
 * goes out on the next group_interval tick, not after group_wait.
 *
 * A group's flush waits for the webhook's answer: Alertmanager restarts the group's timer before
 * it flushes, so an answer within group_interval keeps the ticks where they were, and a later one
 * makes the next flush run the moment it returns and the ticks count from there; a notification
 * is logged when it was answered, so repeat_interval counts from the answer. `answer` says when the
 * receiver answered a notification (default: at once). Pure.
 */
import type { WebhookAlert } from '../alerts/index.js';
import { matchesLabels, type Matcher } from '../silences/index.js';
import { groupKeyOf, matchRoutes, type AlertmanagerModel, type Route } from './alertmanager-config.js';
import type { AlertSend } from './alert-state.js';

/** A silence's time window and matchers (expired ones included: they were active then). */
export interface PastSilence {
  id: string;
  matchers: Matcher[];
  startsAt: number;
  endsAt: number;
}

export interface Notification {
  at: number;
  receiver: string;
  groupKey: string;
  alerts: WebhookAlert[];
}

/** Alertmanager removes empty groups every 30 s (dispatcher maintenance). */
const MAINTENANCE_MS = 30_000;

interface HeldAlert {
  fingerprint: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: number;
  /** Set once resolved. */
  endsAt?: number;
}

interface Group {
  route: Route;
  receiver: string;
  fingerprints: Set<string>;
  next: number;
  hasFlushed: boolean;
  emptySince?: number;
}

interface LogEntry {
  firing: Set<string>;
  resolved: Set<string>;
  at: number;
}

/** Alertmanager's fingerprint of a label set: FNV-1a 64 over sorted names and values, 0xff-separated, as %016x. */
export function fingerprintOf(labels: Readonly<Record<string, string>>): string {
  const prime = 0x100000001b3n;
  const mask = 0xffffffffffffffffn;
  let hash = 0xcbf29ce484222325n;
  const add = (bytes: Uint8Array) => {
    for (const b of bytes) hash = ((hash ^ BigInt(b)) * prime) & mask;
  };
  const encoder = new TextEncoder();
  const sep = new Uint8Array([0xff]);
  for (const name of Object.keys(labels).sort()) {
    add(encoder.encode(name));
    add(sep);
    add(encoder.encode(labels[name]!));
    add(sep);
  }
  return hash.toString(16).padStart(16, '0');
}

export interface DeliveryOptions {
  until: number;
  silences?: readonly PastSilence[];
  /** When the receiver answered `n` (ms, ≥ n.at); called once per notification, in time order. */
  answer?: (n: Notification) => number;
}

/** The notifications scaling receivers would have got for these sends, in time order. */
export function deliver(sends: readonly AlertSend[], model: AlertmanagerModel, opts: DeliveryOptions): Notification[] {
  const silences = opts.silences ?? [];
  const answer = opts.answer ?? ((n: Notification) => n.at);
  const held = new Map<string, HeldAlert>();
  const groups = new Map<string, Group>();
  const log = new Map<string, LogEntry>();
  const out: Notification[] = [];
  const queue = [...sends].sort((a, b) => a.at - b.at);
  let i = 0;
  for (;;) {
    const nextSend = i < queue.length ? queue[i]!.at : Infinity;
    let due: [string, Group] | undefined;
    for (const entry of groups) if (!due || entry[1].next < due[1].next) due = entry;
    const nextFlush = due ? due[1].next : Infinity;
    if (Math.min(nextSend, nextFlush) > opts.until) break;
    // A send and a flush at the same instant: Prometheus' post lands first (the flush timer is later).
    if (nextSend <= nextFlush) receive(queue[i++]!);
    else flush(due![0], due![1], nextFlush);
  }
  return out;

  function receive(send: AlertSend) {
    const fingerprint = fingerprintOf(send.labels);
    const previous = held.get(fingerprint);
    // Alertmanager merges an alert into the one it holds while their times overlap; a new firing replaces a resolved one.
    const overlaps = previous && (previous.endsAt === undefined || send.firedAt <= previous.endsAt);
    held.set(fingerprint, {
      fingerprint,
      labels: send.labels,
      annotations: send.annotations,
      startsAt: overlaps ? Math.min(previous.startsAt, send.firedAt) : send.firedAt,
      ...(send.resolvedAt !== undefined ? { endsAt: send.resolvedAt } : {}),
    });
    for (const route of matchRoutes(model.route, send.labels)) {
      if (!model.scalingReceivers.has(route.receiver)) continue;
      const key = groupKeyOf(route, send.labels);
      let group = groups.get(key);
      if (group && group.emptySince !== undefined && send.at >= nextMaintenance(group.emptySince)) {
        groups.delete(key);
        group = undefined;
      }
      if (!group) {
        group = { route, receiver: route.receiver, fingerprints: new Set(), next: send.at + route.groupWaitMs, hasFlushed: false };
        groups.set(key, group);
      }
      group.fingerprints.add(fingerprint);
      group.emptySince = undefined;
      if (!group.hasFlushed && send.firedAt + route.groupWaitMs < send.at) group.next = send.at;
    }
  }

  function flush(key: string, group: Group, now: number) {
    group.next = now + group.route.groupIntervalMs;
    group.hasFlushed = true;
    if (group.emptySince !== undefined) {
      if (now >= nextMaintenance(group.emptySince)) groups.delete(key);
      return;
    }
    const alerts = [...group.fingerprints].map((fp) => held.get(fp)!);
    const resolvedNow = alerts.filter((a) => a.endsAt !== undefined && a.endsAt <= now);
    const audible = alerts.filter((a) => !muted(a, now));
    const firing = audible.filter((a) => !resolvedNow.includes(a));
    const resolved = audible.filter((a) => resolvedNow.includes(a));
    const { sendResolved } = model.scalingReceivers.get(group.receiver)!;
    const entry = log.get(key);
    if (needsUpdate(entry, firing, resolved, sendResolved, group.route.repeatIntervalMs, now)) {
      const sent = sendResolved ? [...firing, ...resolved] : firing;
      const notification = { at: now, receiver: group.receiver, groupKey: key, alerts: sent.map((a) => webhookAlert(a, now)) };
      out.push(notification);
      const answered = Math.max(now, answer(notification));
      log.set(key, {
        firing: new Set(firing.map((a) => a.fingerprint)),
        resolved: new Set(resolved.map((a) => a.fingerprint)),
        at: answered,
      });
      // The timer fired while the flush waited: the next flush runs on its return, and the timer
      // restarts a moment after the log entry (1 ms here), so a repeat due then is not a tie.
      if (answered >= group.next) group.next = answered + 1;
    }
    for (const a of resolvedNow) group.fingerprints.delete(a.fingerprint);
    if (group.fingerprints.size === 0) group.emptySince = now;
  }

  function muted(alert: HeldAlert, now: number): boolean {
    if (silences.some((s) => s.startsAt <= now && now < s.endsAt && matchesLabels(s.matchers, alert.labels))) return true;
    return model.inhibitRules.some((rule) => {
      if (!matchesLabels(rule.target, alert.labels)) return false;
      const twoSided = matchesLabels(rule.source, alert.labels);
      for (const source of held.values()) {
        if (source.endsAt !== undefined && source.endsAt <= now) continue;
        if (source.fingerprint === alert.fingerprint || !matchesLabels(rule.source, source.labels)) continue;
        if (twoSided && matchesLabels(rule.target, source.labels)) continue;
        if (rule.equal.every((l) => (source.labels[l] ?? '') === (alert.labels[l] ?? ''))) return true;
      }
      return false;
    });
  }
}

/** Empty groups go at the first 30 s maintenance tick after they emptied (the tick's phase is unknown: assume the latest). */
const nextMaintenance = (emptySince: number) => emptySince + MAINTENANCE_MS;

/** notify.DedupStage.needsUpdate. */
function needsUpdate(
  entry: LogEntry | undefined,
  firing: HeldAlert[],
  resolved: HeldAlert[],
  sendResolved: boolean,
  repeatMs: number,
  now: number,
): boolean {
  if (!entry) return firing.length > 0;
  if (!firing.every((a) => entry.firing.has(a.fingerprint))) return true;
  if (firing.length === 0) return entry.firing.size > 0;
  if (sendResolved && !resolved.every((a) => entry.resolved.has(a.fingerprint))) return true;
  return entry.at < now - repeatMs;
}

function webhookAlert(a: HeldAlert, now: number): WebhookAlert {
  const resolved = a.endsAt !== undefined && a.endsAt <= now;
  return {
    status: resolved ? 'resolved' : 'firing',
    labels: a.labels,
    annotations: a.annotations,
    startsAt: new Date(a.startsAt).toISOString(),
    endsAt: resolved ? new Date(a.endsAt!).toISOString() : '0001-01-01T00:00:00Z',
    generatorURL: '',
    fingerprint: a.fingerprint,
  };
}
