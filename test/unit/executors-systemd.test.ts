/**
 * systemd template instances as they are, not as 1..N: the argv is worked out from the set of
 * active instance numbers (table), and the executor reads that set from `systemctl list-units`
 * (a fake systemctl that prints list-units output and logs every call).
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { executorSchema, type ExecutorConfigOf } from '../../src/executors/schema.js';
import { createExecutor } from '../../src/executors/index.js';
import { activeInstances, argvForSystemd } from '../../src/executors/systemd.js';

const config = (fields: Record<string, unknown> = {}) =>
  executorSchema.parse({ kind: 'systemd', unit: 'worker', ...fields }) as ExecutorConfigOf<'systemd'>;

describe('argvForSystemd works from the active instance numbers', () => {
  const cases: [string, number[], number, string[] | null][] = [
    ['a gap is filled first', [1, 3], 3, ['systemctl', 'start', 'worker@2.service']],
    ['gaps, then above the highest', [2, 5], 5, ['systemctl', 'start', 'worker@1.service', 'worker@3.service', 'worker@4.service']],
    ['no gaps: the next numbers', [1, 2], 4, ['systemctl', 'start', 'worker@3.service', 'worker@4.service']],
    ['from none', [], 2, ['systemctl', 'start', 'worker@1.service', 'worker@2.service']],
    ['shrink stops the highest active', [1, 3, 7], 1, ['systemctl', 'stop', 'worker@7.service', 'worker@3.service']],
    ['shrink to zero', [2, 4], 0, ['systemctl', 'stop', 'worker@4.service', 'worker@2.service']],
    ['already N (with a gap): nothing to run', [1, 3], 2, null],
  ];
  it.each(cases)('%s: active %j, want %d', (_name, active, replicas, expected) => {
    expect(argvForSystemd(config(), replicas, active)).toEqual(expected);
  });
});

describe('activeInstances parses list-units output', () => {
  it('numbers of this unit only, sorted, whatever else the lines say', () => {
    const out = [
      'worker@3.service loaded active running Worker 3',
      'worker@1.service loaded active running Worker 1',
      'worker@blue.service loaded active running not numbered',
      'workerx@2.service loaded active running other template',
      '',
    ].join('\n');
    expect(activeInstances('worker', out)).toEqual([1, 3]);
  });
});

describe('the systemd executor, through a fake systemctl', () => {
  const dir = mkdtempSync(join(tmpdir(), 'alertscale-systemd-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const calls = join(dir, 'calls');
  const bin = join(dir, 'systemctl');
  // Prints list-units lines for the numbers in `active`; logs every argv.
  writeFileSync(
    bin,
    `#!/bin/sh
echo "$*" >> '${calls}'
if [ "$1" = list-units ]; then
  for n in $(cat '${join(dir, 'active')}'); do echo "worker@$n.service loaded active running Worker $n"; done
fi
`,
  );
  chmodSync(bin, 0o755);
  const run = async (active: number[], replicas: number) => {
    writeFileSync(join(dir, 'active'), active.join(' '));
    writeFileSync(calls, '');
    const executor = createExecutor('demo', config({ bin }));
    const current = await executor.current!();
    const result = await executor.scale({ pool: 'demo', replicas, current });
    return { current, result, calls: readFileSync(calls, 'utf8').trim().split('\n') };
  };

  it('@1 and @3 active, grow to 3: starts @2, not @3', async () => {
    const { current, result, calls: log } = await run([1, 3], 3);
    expect(current).toBe(2);
    expect(result).toMatchObject({ ok: true, argv: [bin, 'start', 'worker@2.service'] });
    expect(log.at(-1)).toBe('start worker@2.service');
  });

  it('@1, @3 and @4 active, shrink to 1: stops @4 and @3', async () => {
    const { result, calls: log } = await run([1, 3, 4], 1);
    expect(result).toMatchObject({ ok: true, argv: [bin, 'stop', 'worker@4.service', 'worker@3.service'] });
    expect(log.at(-1)).toBe('stop worker@4.service worker@3.service');
  });

  it('list-units failing: nothing started, the failure reported', async () => {
    const executor = createExecutor('demo', config({ bin: join(dir, 'no-such-systemctl') }));
    const result = await executor.scale({ pool: 'demo', replicas: 3, current: 2 });
    expect(result.ok).toBe(false);
    expect(result.error).toMatch(/pool demo: could not list the active worker@ instances: .*command not found/);
  });
});
