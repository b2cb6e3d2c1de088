import type { Redis } from 'ioredis';
import type { DemoKeys } from './keys.js';

/**
 * The demo queue's state changes that must be atomic, as Lua scripts (Redis runs each one
 * without interleaving). Every move between lists is LMOVE/LREM inside one script, so a job is
 * always in exactly one list: the queue, one processing list, or (after completion) nowhere.
 */

/**
 * Record a completion and drop the job from the worker's processing list, together. LREM is the
 * fence: if the job is no longer in the list, an orphan scan gave it to another worker (this one
 * was presumed dead), so this run is not recorded: the other run will be, exactly once.
 * A recorded run also counts in the pool's job counters (done, busy_seconds += ARGV[3]) and the
 * worker's heartbeat (done), per docs/HEARTBEATS.md — only while the heartbeat exists, so an
 * increment never creates a heartbeat without its TTL.
 */
const COMPLETE = `
if redis.call('LREM', KEYS[1], 1, ARGV[1]) == 0 then
  redis.call('HINCRBY', KEYS[3], 'stale', 1)
  return -1
end
local n = redis.call('HINCRBY', KEYS[2], ARGV[2], 1)
redis.call('HINCRBY', KEYS[3], 'completed', 1)
if n > 1 then redis.call('HINCRBY', KEYS[3], 'duplicates', 1) end
redis.call('HINCRBY', KEYS[5], 'done', 1)
redis.call('HINCRBYFLOAT', KEYS[5], 'busy_seconds', ARGV[3])
if redis.call('EXISTS', KEYS[4]) == 1 then redis.call('HINCRBY', KEYS[4], 'done', 1) end
return n
`;

/** A run that threw: counted as failed (pool and heartbeat) with its time; the job stays held. */
const FAILED = `
redis.call('HINCRBY', KEYS[2], 'failed', 1)
redis.call('HINCRBYFLOAT', KEYS[2], 'busy_seconds', ARGV[1])
if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('HINCRBY', KEYS[1], 'failed', 1) end
return 1
`;

/**
 * Count the start of a run, unless the worker was asked to drain (docs/HEARTBEATS.md "Drain"):
 * then 0, nothing is counted, and the worker gives the job back untouched. Checking here, in the
 * step that makes a taken job a started one, means a draining worker never starts a job, even
 * one its BLMOVE took between the drain request and its next beat.
 */
const BEGIN = `
if redis.call('EXISTS', KEYS[3]) == 1 then return 0 end
redis.call('HINCRBY', KEYS[2], 'started', 1)
return redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
`;

/** Give back everything a processing list holds, to the end of the queue workers pop next. */
const REQUEUE_ALL = `
local n = 0
while redis.call('LMOVE', KEYS[1], KEYS[2], 'RIGHT', 'RIGHT') do n = n + 1 end
if n > 0 then redis.call('HINCRBY', KEYS[3], 'requeued', n) end
return n
`;

/**
 * Requeue a processing list whose worker is gone. Gone means: no heartbeat (expired or deleted),
 * or (ARGV[1] non-empty) a heartbeat still written by exactly that pid on that host, which the
 * caller saw is no longer running. The heartbeat check and the move happen in one step, so a
 * worker that is alive and heartbeating never loses its job to a scan.
 */
const REQUEUE_ORPHAN = `
if redis.call('EXISTS', KEYS[2]) == 1 then
  if ARGV[1] == '' then return -1 end
  local f = redis.call('HMGET', KEYS[2], 'pid', 'host')
  if f[1] ~= ARGV[1] or f[2] ~= ARGV[2] then return -1 end
  redis.call('DEL', KEYS[2])
end
local n = 0
while redis.call('LMOVE', KEYS[1], KEYS[3], 'RIGHT', 'RIGHT') do n = n + 1 end
if n > 0 then redis.call('HINCRBY', KEYS[4], 'requeued', n) end
return n
`;

/** Move an element that is not a job out of the processing list into the dead-letter list. */
const DEAD_LETTER = `
local removed = redis.call('LREM', KEYS[1], 1, ARGV[1])
if removed > 0 then
  redis.call('LPUSH', KEYS[2], ARGV[1])
  redis.call('HINCRBY', KEYS[3], 'dead', 1)
end
return removed
`;

type ScriptCall = (...keysThenArgs: (string | number)[]) => Promise<unknown>;

function runner(name: string, lua: string, numberOfKeys: number) {
  return (redis: Redis, keys: string[], args: (string | number)[]): Promise<unknown> => {
    // defineCommand is idempotent per client and uses EVALSHA with an EVAL fallback.
    if (typeof (redis as unknown as Record<string, unknown>)[name] !== 'function') redis.defineCommand(name, { numberOfKeys, lua });
    return ((redis as unknown as Record<string, ScriptCall>)[name] as ScriptCall).call(redis, ...keys, ...args);
  };
}

const complete = runner('alertscaleDemoComplete', COMPLETE, 5);
const failed = runner('alertscaleDemoFailed', FAILED, 2);
const begin = runner('alertscaleDemoBegin', BEGIN, 3);
const requeueAll = runner('alertscaleDemoRequeueAll', REQUEUE_ALL, 3);
const requeueOrphan = runner('alertscaleDemoRequeueOrphan', REQUEUE_ORPHAN, 4);
const deadLetter = runner('alertscaleDemoDeadLetter', DEAD_LETTER, 3);

export interface QueueOps {
  /**
   * Completion count for the id after this one (1 = first), or -1 when the job was taken from this
   * worker. `seconds`: how long the run took (the pool's busy_seconds).
   */
  complete(workerId: string, raw: string, id: string, seconds: number): Promise<number>;
  /** Count a run that threw as failed, with the seconds it took. */
  failed(workerId: string, seconds: number): Promise<void>;
  /** Count the start of a run; returns how many times this id has been started, 0 when the worker must drain instead. */
  started(workerId: string, id: string): Promise<number>;
  /** Requeue this worker's own processing list (at start, and before a clean exit). */
  requeueOwn(workerId: string): Promise<number>;
  /** Requeue a dead worker's list; -1 when the worker turned out to be alive. */
  requeueOrphan(workerId: string, dead?: { pid: number; host: string }): Promise<number>;
  deadLetter(workerId: string, raw: string): Promise<number>;
}

export function createQueueOps(redis: Redis, keys: DemoKeys): QueueOps {
  return {
    complete: async (workerId, raw, id, seconds) =>
      Number(
        await complete(
          redis,
          [keys.processing(workerId), keys.completions, keys.counters, keys.heartbeat(workerId), keys.poolJobs],
          [raw, id, seconds.toFixed(3)],
        ),
      ),
    failed: async (workerId, seconds) => {
      await failed(redis, [keys.heartbeat(workerId), keys.poolJobs], [seconds.toFixed(3)]);
    },
    started: async (workerId, id) => Number(await begin(redis, [keys.starts, keys.counters, keys.drain(workerId)], [id])),
    requeueOwn: async (workerId) => Number(await requeueAll(redis, [keys.processing(workerId), keys.queue, keys.counters], [])),
    requeueOrphan: async (workerId, dead) =>
      Number(
        await requeueOrphan(
          redis,
          [keys.processing(workerId), keys.heartbeat(workerId), keys.queue, keys.counters],
          [dead ? String(dead.pid) : '', dead?.host ?? ''],
        ),
      ),
    deadLetter: async (workerId, raw) => Number(await deadLetter(redis, [keys.processing(workerId), keys.dead, keys.counters], [raw])),
  };
}
