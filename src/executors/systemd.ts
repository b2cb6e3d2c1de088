import type { ExecutorConfigOf } from '../config/executor-schema.js';
import { createCommandBackedExecutor } from './preset.js';
import { countLines } from './probe.js';
import type { Executor, ScaleRequest } from './types.js';

export type SystemdExecutorConfig = ExecutorConfigOf<'systemd'>;

/** `unit@from.service` … `unit@to.service`. */
export function instanceUnits(unit: string, from: number, to: number): string[] {
  const units: string[] = [];
  for (let i = from; i <= to; i++) units.push(`${unit}@${i}.service`);
  return units;
}

/**
 * Instances are numbered 1..N. Growing from `current` to N starts current+1..N; shrinking stops
 * N+1..current (the highest numbers go first, so the survivors stay 1..N). One command either way;
 * null when already at N (systemctl start with no unit is an error).
 */
export function argvForSystemd(config: SystemdExecutorConfig, request: ScaleRequest): string[] | null {
  const { replicas, current } = request;
  if (replicas > current) return [config.bin, 'start', ...instanceUnits(config.unit, current + 1, replicas)];
  if (replicas < current) return [config.bin, 'stop', ...instanceUnits(config.unit, replicas + 1, current)];
  return null;
}

/** Active instances, one per line; systemctl matches the pattern itself (no shell glob). */
export function currentArgvForSystemd(config: SystemdExecutorConfig): string[] {
  return [config.bin, 'list-units', '--plain', '--no-legend', '--state=active', `${config.unit}@*.service`];
}

export function createSystemdExecutor(pool: string, config: SystemdExecutorConfig): Executor {
  return createCommandBackedExecutor(pool, config, {
    kind: 'systemd',
    argvFor: argvForSystemd,
    current: { argvFor: currentArgvForSystemd, parse: countLines },
  });
}
