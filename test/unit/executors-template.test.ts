import { describe, expect, it } from 'vitest';
import { executorSchema, unknownPlaceholders } from '../../src/executors/schema.js';
import { createExecutor } from '../../src/executors/index.js';
import { fillTemplate, signedDelta, templateValues } from '../../src/executors/template.js';

describe('argv templates', () => {
  it.each([
    [5, 2, '+3'],
    [1, 3, '-2'],
    [3, 3, '0'],
    [0, 4, '-4'],
  ])('delta from %i to %i is signed: %s', (replicas, current, delta) => {
    expect(signedDelta(replicas, current)).toBe(delta);
  });

  it('fills each element on its own, several placeholders per element, nothing split or joined', () => {
    const values = templateValues({ pool: 'demo', replicas: 4, current: 1 });
    expect(fillTemplate(['run', '{pool}-{replicas}', '--delta={delta}', '{current}{current}', 'a b'], values)).toEqual([
      'run',
      'demo-4',
      '--delta=+3',
      '11',
      'a b',
    ]);
  });

  it('leaves braces that are not placeholders alone', () => {
    const argv = ['kubectl', '-o', 'jsonpath={.spec.replicas}', '--format', '{{json .}}', '{ pool }'];
    expect(unknownPlaceholders(argv)).toEqual([]);
    expect(fillTemplate(argv, { pool: 'x' })).toEqual(argv);
  });

  it('inserts values as text: `$&` or `$1` in a value means nothing', () => {
    expect(fillTemplate(['{pool}'], { pool: '$&$1' })).toEqual(['$&$1']);
  });

  it('lists unknown placeholders once each', () => {
    expect(unknownPlaceholders(['{replica}', '{pool}', '{replica}', '{POOL}'])).toEqual(['{replica}', '{POOL}']);
  });

  it('refuses to fill a placeholder it has no value for', () => {
    expect(() => fillTemplate(['count', '{replicas}'], { pool: 'demo' })).toThrow(/\{replicas\} is not available/);
  });
});

describe('templates are checked when the config is loaded', () => {
  const parse = (fields: Record<string, unknown>) => executorSchema.safeParse({ kind: 'command', ...fields });

  it('rejects an unknown placeholder in scale, naming it', () => {
    const result = parse({ scale: ['scale.sh', '{replica}'] });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(/unknown placeholder\(s\) \{replica\} in scale/);
    expect(result.error?.issues[0]?.path).toEqual(['scale']);
  });

  it('allows only {pool} in the current probe', () => {
    expect(parse({ scale: ['x'], current: ['count.sh', '{pool}'] }).success).toBe(true);
    expect(parse({ scale: ['x'], current: ['count.sh', '{replicas}'] }).error?.issues[0]?.message).toMatch(/\{replicas\} in current/);
  });

  it('accepts every documented placeholder, and parses the timeout to ms', () => {
    const parsed = executorSchema.parse({ kind: 'command', scale: ['s', '{pool}', '{replicas}', '{current}', '{delta}'], timeout: '1m' });
    expect(parsed.timeout).toBe(60_000);
  });

  it('rejects a zero timeout (execa would wait forever)', () => {
    expect(parse({ scale: ['x'], timeout: '0s' }).success).toBe(false);
  });

  it.each(['demo;touch /tmp/pwned', '$(id)', '`id`', '-rf', 'a b', ''])('rejects the target name %j', (name) => {
    expect(executorSchema.safeParse({ kind: 'pm2', app: name }).success).toBe(false);
    expect(executorSchema.safeParse({ kind: 'kubernetes', deployment: name }).success).toBe(false);
  });

  it('rejects a compose file that would read as an option', () => {
    expect(executorSchema.safeParse({ kind: 'compose', service: 'w', file: '--project-directory=/' }).success).toBe(false);
  });
});

describe('pool names reach argv only after validation', () => {
  const config = executorSchema.parse({ kind: 'command', scale: ['echo', '{pool}'] });

  it.each(['demo;touch /tmp/pwned', '$(id)', '`id`', 'Demo', '-x', 'a b', ''])('createExecutor refuses the pool %j', (pool) => {
    expect(() => createExecutor(pool, config)).toThrow(/not a valid pool name/);
  });

  it.each([
    [{ pool: '$(id)', replicas: 2, current: 1 }, /request for pool "\$\(id\)" sent to the executor of pool demo/],
    [{ pool: 'demo', replicas: -1, current: 1 }, /replicas must be a non-negative integer/],
    [{ pool: 'demo', replicas: 1.5, current: 1 }, /replicas must be a non-negative integer/],
    [{ pool: 'demo', replicas: 2, current: Number.NaN }, /current must be a non-negative integer/],
  ])('scale(%j) runs nothing and says why', async (request, why) => {
    const result = await createExecutor('demo', config).scale(request);
    expect(result).toMatchObject({ ok: false, argv: [], exitCode: null });
    expect(result.error).toMatch(why);
  });

  it('a preset that has nothing to do runs nothing and succeeds', async () => {
    const executor = createExecutor('demo', executorSchema.parse({ kind: 'systemd', unit: 'worker', bin: 'alertscale-no-such-systemctl' }));
    const result = await executor.scale({ pool: 'demo', replicas: 2, current: 2 });
    expect(result).toMatchObject({ ok: true, argv: [] });
    expect(result.outputTail).toMatch(/already at 2/);
  });
});
