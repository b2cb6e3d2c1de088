import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeStackConfig } from '../../src/cli/stack/stack-config.js';

const ROOT = resolve(import.meta.dirname, '../..');
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function write(extra: { withoutPools?: string[] } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'alertscale-stack-config-'));
  dirs.push(dir);
  const tokenFile = join(dir, 'webhook-token');
  writeFileSync(tokenFile, 'x'.repeat(48));
  const ports = { redis: 1, prometheus: 2, alertmanager: 3, exporter: 4, receiver: 5, web: 6, webMetrics: 7 };
  return writeStackConfig({
    baseFile: join(ROOT, 'alertscale.yml'),
    dir,
    ports,
    tokenFile,
    pm2Bin: '/x/pm2',
    pm2Home: join(dir, 'pm2'),
    gunicornPidfile: join(dir, 'web.pid'),
    pools: { demo: { max: 4 } },
    ...extra,
  });
}

describe('writeStackConfig', () => {
  it('keeps every pool of the base by default, with the overrides merged', () => {
    const { config } = write();
    expect(Object.keys(config.pools).sort()).toEqual(['demo', 'web']);
    expect(config.pools.demo!.max).toBe(4);
  });
  it('withoutPools leaves a pool out of the written file (a stack without the web pool)', () => {
    const { file, config } = write({ withoutPools: ['web'] });
    expect(Object.keys(config.pools)).toEqual(['demo']);
    expect(readFileSync(file, 'utf8')).not.toMatch(/gunicorn/);
  });
});
