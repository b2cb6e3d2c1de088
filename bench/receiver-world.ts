/**
 * The receiver benchmark's world, pure: the alertscale.yml it runs with and the webhook bodies
 * each scenario sends. Every body is the captured Alertmanager 0.25 notification
 * (test/fixtures/alertmanager-0.25-firing.json) with its pool, scale, target and fingerprint changed.
 */
import { readFileSync } from 'node:fs';

/** Pools already at the target they are asked for: every request decides `no_change`. */
export const STILL_POOLS = 64;
/** Pools that scaled once at setup with a 1 h cooldown: every request decides `cooldown`. */
export const COOL_POOLS = 64;
/**
 * Pools the spawn path rotates over, flipping each between 1 and 3 replicas with zero cooldowns.
 * A pool comes round again only after SPIN_POOLS other requests, long after its `true` finished,
 * so the pool lock (held while the command runs) is free and every request scales.
 */
export const SPIN_POOLS = 512;
export const HOT_POOL = 'hot';
export const SPIN_LOW = 1;
export const SPIN_HIGH = 3;

export const stillPool = (i: number) => `still-${i}`;
export const coolPool = (i: number) => `cool-${i}`;
export const spinPool = (i: number) => `spin-${i}`;

export function receiverConfigYaml(redisUrl: string, tokenEnv: string): string {
  const pool = (name: string, body: string) => `  ${name}:\n${body}    executor: { kind: command, scale: ["true"] }\n`;
  const still = '    min: 2\n    max: 20\n';
  const cool = '    min: 1\n    max: 20\n    cooldown: { up: 1h, down: 1h }\n';
  const spin = `    min: ${SPIN_LOW}\n    max: 4\n    cooldown: { up: 0s, down: 0s }\n`;
  return [
    `redis: { url: "${redisUrl}", keyPrefix: "bench:" }`,
    `receiver: { tokenEnv: ${tokenEnv} }`,
    'pools:',
    pool(HOT_POOL, still),
    ...Array.from({ length: STILL_POOLS }, (_, i) => pool(stillPool(i), still)),
    ...Array.from({ length: COOL_POOLS }, (_, i) => pool(coolPool(i), cool)),
    ...Array.from({ length: SPIN_POOLS }, (_, i) => pool(spinPool(i), spin)),
  ].join('\n');
}

const fixture = readFileSync(new URL('../test/fixtures/alertmanager-0.25-firing.json', import.meta.url), 'utf8');

/** A one-alert firing notification asking `pool` to go `scale` to `target`. */
export function webhookBody(pool: string, scale: 'up' | 'down', target: number): string {
  const body = JSON.parse(fixture);
  const alert = body.alerts[0];
  const alertname = scale === 'up' ? 'BenchScaleUp' : 'BenchScaleDown';
  alert.labels = { ...alert.labels, alertname, pool, scale };
  alert.annotations = { target: String(target) };
  // Alertmanager's fingerprint is a hash of the label set: one per pool and direction.
  alert.fingerprint = fingerprint(`${pool}/${scale}`);
  body.commonLabels = { ...alert.labels };
  body.commonAnnotations = { ...alert.annotations };
  body.groupLabels = { alertname, pool };
  body.groupKey = `{}:{alertname="${alertname}", pool="${pool}"}`;
  return JSON.stringify(body);
}

function fingerprint(text: string): string {
  let h = 0xcbf29ce484222325n;
  for (const byte of Buffer.from(text)) h = BigInt.asUintN(64, (h ^ BigInt(byte)) * 0x100000001b3n);
  return h.toString(16).padStart(16, '0');
}

/** What the setup sends once so each cool-* pool is inside its 1 h up-cooldown afterwards. */
export const coolSetupBodies = () => Array.from({ length: COOL_POOLS }, (_, i) => webhookBody(coolPool(i), 'up', 3));

/** No-spawn, spread: alternately a still-* pool (no_change) and a cool-* pool (cooldown). */
export function noSpawnBodies(): () => string {
  const still = Array.from({ length: STILL_POOLS }, (_, i) => webhookBody(stillPool(i), 'up', 2));
  const cool = Array.from({ length: COOL_POOLS }, (_, i) => webhookBody(coolPool(i), 'up', 6));
  let k = 0;
  return () => {
    const i = k++;
    return i % 2 === 0 ? still[(i >> 1) % STILL_POOLS]! : cool[(i >> 1) % COOL_POOLS]!;
  };
}

/** No-spawn, one pool: every request to the same pool (at its target), so they queue on its lock. */
export function hotPoolBodies(): () => string {
  const body = webhookBody(HOT_POOL, 'up', 2);
  return () => body;
}

/**
 * Spawn path: the spin-* pools in rotation, each asked for the opposite of the replica count its
 * last answered decision left it at, so each request is a real scale (and a `true` run).
 */
export function spawnBodies() {
  const up = Array.from({ length: SPIN_POOLS }, (_, i) => webhookBody(spinPool(i), 'up', SPIN_HIGH));
  const down = Array.from({ length: SPIN_POOLS }, (_, i) => webhookBody(spinPool(i), 'down', SPIN_LOW));
  const replicas = new Array<number>(SPIN_POOLS).fill(SPIN_LOW);
  let k = 0;
  let scaled = 0;
  return {
    next: () => {
      const i = k++ % SPIN_POOLS;
      return replicas[i] === SPIN_HIGH ? down[i]! : up[i]!;
    },
    /** Track what each answer says the pool is heading to. */
    answered: (body: string) => {
      const m = /"pool":"spin-(\d+)"[^}]*?"outcome":"(\w+)"[^}]*?"to":(\d+)/.exec(body);
      if (!m) return;
      replicas[Number(m[1])] = Number(m[3]);
      if (m[2] === 'scaled') scaled++;
    },
    /**
     * Set what each pool holds, read back from Redis after a run: a request in flight when
     * autocannon stopped was served but its answer never read, so the bench's belief can be stale.
     */
    sync: (held: readonly (number | undefined)[]) => held.forEach((n, i) => n !== undefined && (replicas[i] = n)),
    /** `scaled` answers so far (warm-up included): each must have run one command. */
    scaled: () => scaled,
  };
}
