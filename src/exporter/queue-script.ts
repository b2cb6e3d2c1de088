import type { Redis } from 'ioredis';
import type { QueueConfig } from '../config/index.js';
import { streamIdMs } from './parse.js';

/** Where a consumer group's lag is unknown to Redis, count undelivered entries up to this many. */
export const STREAM_LAG_COUNT_CAP = 1000;

export interface QueueReading {
  length: number;
  pending?: number;
  delayed?: number;
  /** ms timestamp of the oldest waiting job, null when none waits; absent when the data has no timestamps. */
  oldestMs?: number | null;
  /** Jobs ever added, where the queue counts them (stream entries-added, bullmq id counter). */
  added?: number;
}

/**
 * Every configured queue read in ONE script call per scrape: with 50 queues, one round trip and
 * one reply instead of ~150 commands, which is most of the exporter's CPU otherwise. Each queue
 * runs under pcall, so a key of the wrong type fails that queue only. ARGV: kind, key, extra
 * (group or nothing) per queue. Replies per queue: {'err', message} or {'ok', …numbers}.
 *
 * - list: LLEN.
 * - stream: no key → empty; no group yet → every entry waits (XLEN, first entry); else the
 *   group's lag (XINFO GROUPS, Redis ≥ 7.0) and pending, oldest = first entry after
 *   last-delivered-id; lag unknown (nil: deletions in the range) → count up to the cap. Added:
 *   XINFO STREAM's entries-added (Redis ≥ 7.0), which XDEL and XTRIM do not lower.
 * - bullmq (≥ 5, key = "<prefix>:<name>:"): waiting = wait list + prioritized zset; active;
 *   delayed. Jobs are LPUSHed and taken from the right, so the oldest waiting id is LINDEX -1;
 *   its hash gives timestamp and delay (runnable since timestamp + delay). Added: the `id` counter
 *   BullMQ INCRs for every job without a custom id.
 */
const LUA = `
local cap = ${STREAM_LAG_COUNT_CAP}
local function list(key) return {'ok', redis.call('LLEN', key)} end
local function added(key)
  local info = redis.call('XINFO', 'STREAM', key)
  for i = 1, #info, 2 do if info[i] == 'entries-added' then return info[i + 1] end end
  return 0
end
local function stream(key, group)
  if redis.call('EXISTS', key) == 0 then return {'ok', 0, 0, false, 0} end
  local total = added(key)
  local groups = redis.call('XINFO', 'GROUPS', key)
  for _, g in ipairs(groups) do
    local f = {}
    for i = 1, #g, 2 do f[g[i]] = g[i + 1] end
    if f['name'] == group then
      local after = '(' .. f['last-delivered-id']
      local lag = f['lag']
      if lag then
        local first = lag > 0 and redis.call('XRANGE', key, after, '+', 'COUNT', 1)[1] or nil
        return {'ok', lag, f['pending'], first and first[1] or false, total}
      end
      local rest = redis.call('XRANGE', key, after, '+', 'COUNT', cap)
      return {'ok', #rest, f['pending'], rest[1] and rest[1][1] or false, total}
    end
  end
  local first = redis.call('XRANGE', key, '-', '+', 'COUNT', 1)[1]
  return {'ok', redis.call('XLEN', key), 0, first and first[1] or false, total}
end
local function bullmq(k)
  local waiting = redis.call('LLEN', k .. 'wait') + redis.call('ZCARD', k .. 'prioritized')
  local active = redis.call('LLEN', k .. 'active')
  local delayed = redis.call('ZCARD', k .. 'delayed')
  local id = redis.call('LINDEX', k .. 'wait', -1)
  local ts, delay = false, false
  if id then
    local job = redis.call('HMGET', k .. id, 'timestamp', 'delay')
    ts, delay = job[1], job[2]
  end
  return {'ok', waiting, active, delayed, ts, delay, redis.call('GET', k .. 'id') or '0'}
end
local readers = {list = list, stream = stream, bullmq = bullmq}
local out = {}
for i = 1, #ARGV, 3 do
  local ok, res = pcall(readers[ARGV[i]], ARGV[i + 1], ARGV[i + 2])
  if ok then out[#out + 1] = res
  else out[#out + 1] = {'err', type(res) == 'table' and res.err or tostring(res)} end
end
return out
`;

type Reply = ['err', string] | ['ok', ...Array<number | string | null>];

/** Read all queues in one call; per queue a reading or the Error that failed it. */
export async function readQueues(redis: Redis, queues: ReadonlyArray<[string, QueueConfig]>): Promise<Array<QueueReading | Error>> {
  if (queues.length === 0) return [];
  const args = queues.flatMap(([, q]) =>
    q.kind === 'list' ? ['list', q.key, ''] : q.kind === 'stream' ? ['stream', q.key, q.group] : ['bullmq', `${q.prefix}:${q.name}:`, ''],
  );
  const replies = (await scriptCommand(redis).alertscaleExporterQueues(0, ...args)) as Reply[];
  return queues.map(([name, q], i) => {
    const r = replies[i];
    if (!r || r[0] === 'err') return new Error(`queue ${name}: ${r?.[1] ?? 'no reply'}`);
    const n = (v: unknown) => Number(v ?? 0);
    const id = (v: unknown) => (typeof v === 'string' ? streamIdMs(v) : null);
    if (q.kind === 'list') return { length: n(r[1]) };
    if (q.kind === 'stream') return { length: n(r[1]), pending: n(r[2]), oldestMs: id(r[3]), added: n(r[4]) };
    const ts = r[4];
    return {
      length: n(r[1]),
      pending: n(r[2]),
      delayed: n(r[3]),
      oldestMs: ts === null || ts === undefined ? null : n(ts) + n(r[5]),
      added: n(r[6]),
    };
  });
}

type WithScript = Redis & { alertscaleExporterQueues(numKeys: number, ...args: string[]): Promise<unknown> };

/** EVALSHA with EVAL on NOSCRIPT (a restarted Redis forgets scripts), via ioredis defineCommand. */
function scriptCommand(redis: Redis): WithScript {
  if (!('alertscaleExporterQueues' in redis)) redis.defineCommand('alertscaleExporterQueues', { lua: LUA });
  return redis as WithScript;
}
