/**
 * alertscale.yml: what a valid file turns into, and how every mistake is reported (all at once,
 * each with file:line:col and the dotted path).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  ConfigError,
  loadConfig,
  parseConfig,
  parsePrometheusDuration,
  readToken,
  type Config,
  type ConfigProblem,
} from '../../src/config/index.js';

const FILE = '/etc/alertscale/alertscale.yml';
const dir = mkdtempSync(join(tmpdir(), 'alertscale-config-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The problems parseConfig reports, or a failure when it accepts the text. */
function problemsOf(text: string, file = FILE): ConfigProblem[] {
  try {
    parseConfig(text, file);
  } catch (err) {
    if (err instanceof ConfigError) return [...err.problems];
    throw err;
  }
  throw new Error('parseConfig accepted the configuration');
}

/** A pool block valid on its own, indented under `pools:`. */
const minimal = `pools:
  demo:
    min: 1
    max: 4
    executor: { kind: pm2, app: demo }
`;

describe('parseConfig of a valid file', () => {
  const full = `# every section
redis:
  url: redis://10.0.0.5:6380/2
  keyPrefix: "scaler:"
receiver:
  listen: 0.0.0.0:9999
  tokenEnv: ALERTSCALE_TOKEN
  lease: 3s
  auditMaxEntries: 5000
exporter:
  listen: "9465"
alertmanager:
  url: http://am.internal:9093
pools:
  web:
    min: 2
    max: 20
    enabled: false
    step: 2
    stepInterval: 90s
    maxStep: 5
    cooldown: { up: 20s, down: 1h30m }
    executor:
      kind: kubernetes
      deployment: web
      namespace: prod
      timeout: 500ms
      env: { KUBECONFIG: /etc/kube/config }
    processes:
      match: 'gunicorn: worker \\[web\\]'
      user: www-data
  jobs:
    min: 0
    max: 8
    executor:
      kind: command
      scale: [./scale.sh, "{pool}", "{replicas}"]
      current: [./count.sh, "{pool}"]
queues:
  emails: { kind: list, key: "q:emails", pool: jobs }
  events: { kind: stream, key: events, group: workers }
  thumbs: { kind: bullmq, name: thumbs, pool: jobs }
`;

  it('gives milliseconds for every duration and keeps what was written', () => {
    const c = parseConfig(full, FILE);
    expect(c.redis).toEqual({ url: 'redis://10.0.0.5:6380/2', name: 'mymaster', wait: { timeout: 500 }, keyPrefix: 'scaler:' });
    expect(c.receiver).toEqual({ listen: '0.0.0.0:9999', tokenEnv: 'ALERTSCALE_TOKEN', lease: 3_000, auditMaxEntries: 5000 });
    expect(c.exporter).toEqual({ listen: '9465' });
    expect(c.alertmanager).toEqual({ url: 'http://am.internal:9093' });
    expect(c.pools.web).toEqual({
      min: 2,
      max: 20,
      enabled: false,
      step: 2,
      stepInterval: 90_000,
      maxStep: 5,
      cooldown: { up: 20_000, down: 5_400_000 },
      drainTimeout: 60_000,
      afterDrainTimeout: 'leave',
      victims: 'idle-first',
      executor: {
        kind: 'kubernetes',
        deployment: 'web',
        namespace: 'prod',
        bin: 'kubectl',
        timeout: 500,
        env: { KUBECONFIG: '/etc/kube/config' },
      },
      processes: { match: 'gunicorn: worker \\[web\\]', user: 'www-data' },
    });
    expect(c.pools.jobs!.executor).toEqual({
      kind: 'command',
      scale: ['./scale.sh', '{pool}', '{replicas}'],
      current: ['./count.sh', '{pool}'],
      timeout: 30_000,
      env: {},
    });
    expect(c.queues).toEqual({
      emails: { kind: 'list', key: 'q:emails', pool: 'jobs' },
      events: { kind: 'stream', key: 'events', group: 'workers' },
      thumbs: { kind: 'bullmq', name: 'thumbs', prefix: 'bull', pool: 'jobs' },
    });
  });

  it('fills every default in a minimal file', () => {
    const c: Config = parseConfig(minimal, FILE);
    expect(c).toEqual({
      redis: { url: 'redis://127.0.0.1:6379/0', name: 'mymaster', wait: { timeout: 500 }, keyPrefix: 'alertscale:' },
      receiver: { listen: '127.0.0.1:9460', lease: 5_000, auditMaxEntries: 100_000 },
      exporter: { listen: '127.0.0.1:9464' },
      alertmanager: { url: 'http://127.0.0.1:9093' },
      pools: {
        demo: {
          min: 1,
          max: 4,
          enabled: true,
          step: 1,
          stepInterval: 60_000,
          cooldown: { up: 60_000, down: 300_000 },
          drainTimeout: 60_000,
          afterDrainTimeout: 'leave',
          victims: 'idle-first',
          executor: { kind: 'pm2', app: 'demo', bin: 'pm2', timeout: 30_000, env: {} },
        },
      },
      queues: {},
    });
  });

  it('victims: executor leaves the choice to the executor', () => {
    expect(parseConfig(`${minimal}    victims: executor\n`, FILE).pools.demo!.victims).toBe('executor');
  });

  it('the shipped alertscale.yml is valid', () => {
    const c = loadConfig(new URL('../../alertscale.yml', import.meta.url).pathname);
    expect(Object.keys(c.pools).length).toBeGreaterThan(0);
  });

  it.each<[string, string, number | undefined]>([
    ['milliseconds', '500ms', 500],
    ['seconds', '30s', 30_000],
    ['minutes', '5m', 300_000],
    ['hours and minutes', '1h30m', 5_400_000],
    ['days', '2d', 172_800_000],
    ['weeks', '1w', 604_800_000],
    ['zero', '0s', 0],
    ['words', '5 minutes', undefined],
    ['a bare number', '300', undefined],
    ['a fraction', '1.5h', undefined],
    ['a negative', '-5m', undefined],
    ['a capital unit', '5M', undefined],
    ['a space between number and unit', '5 m', undefined],
    ['nothing', '', undefined],
  ])('duration: %s (%j)', (_name, text, ms) => {
    expect(parsePrometheusDuration(text)).toBe(ms);
  });
});

describe('parseConfig reports every problem at once', () => {
  // Line numbers below are 1-based as editors show them; each row names the line it points at.
  const broken = [
    /*  1 */ 'redis:',
    /*  2 */ '  url: redis://127.0.0.1:6379/0',
    /*  3 */ '  bogus: 1',
    /*  4 */ 'pools:',
    /*  5 */ '  demo:',
    /*  6 */ '    min: 5',
    /*  7 */ '    max: 2',
    /*  8 */ '    executor: { kind: pm2, app: demo }',
    /*  9 */ '  web:',
    /* 10 */ '    min: 1',
    /* 11 */ '    max: 3',
    /* 12 */ '    cooldown: { up: 5 minutes }',
    /* 13 */ '    executor: { kind: pm2, app: web }',
    /* 14 */ '  Bad:',
    /* 15 */ '    min: 1',
    /* 16 */ '    max: 2',
    /* 17 */ '    executor: { kind: pm2, app: bad }',
    /* 18 */ '  helm:',
    /* 19 */ '    min: 1',
    /* 20 */ '    max: 2',
    /* 21 */ '    executor: { kind: helm, chart: x }',
    /* 22 */ '  procs:',
    /* 23 */ '    min: 1',
    /* 24 */ '    max: 2',
    /* 25 */ '    executor: { kind: pm2, app: procs }',
    /* 26 */ '    processes: { match: "worker(" }',
    /* 27 */ 'queues:',
    /* 28 */ '  mail: { kind: list, key: mail, pool: nope }',
    /* 29 */ 'receiver:',
    /* 30 */ '  tokenFile: secrets/token',
    /* 31 */ '  tokenEnv: ALERTSCALE_TOKEN',
    '',
  ].join('\n');

  it.each<[string, string, number, number, RegExp]>([
    ['an unknown key', 'redis', 3, 3, /unknown key\(s\) "bogus"/],
    ['min above max', 'pools.demo.min', 6, 10, /min must be ≤ max/],
    ['a duration in words', 'pools.web.cooldown.up', 12, 21, /"5 minutes" is not a duration.*e\.g\. 30s, 5m/],
    ['a pool name with capitals', 'pools.Bad', 14, 3, /"Bad" is not a valid name.*pool names must match/],
    ['an unknown executor kind', 'pools.helm.executor.kind', 21, 23, /'command' \| 'pm2'/],
    ['a regex that does not compile', 'pools.procs.processes.match', 26, 25, /not a valid regular expression/],
    ['a queue for a pool that is not defined', 'queues.mail.pool', 28, 40, /pool "nope" is not defined under pools/],
    ['both tokenFile and tokenEnv', 'receiver', 30, 3, /set tokenFile or tokenEnv, not both/],
  ])('%s: %s at line %i col %i', (_name, path, line, column, message) => {
    const problems = problemsOf(broken);
    const problem = problems.find((p) => p.path === path);
    expect(problem, `no problem at ${path}; got ${problems.map((p) => p.path).join(', ')}`).toBeDefined();
    expect(problem).toMatchObject({ file: FILE, line, column });
    expect(problem!.message).toMatch(message);
  });

  it('reports them all in one error, each as file:line:col: path: message', () => {
    let error: unknown;
    try {
      parseConfig(broken, FILE);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const { problems, message } = error as ConfigError;
    expect(problems).toHaveLength(8);
    expect(message).toContain(`${FILE}: 8 problem(s) in the configuration`);
    expect(message).toContain(`${FILE}:12:21: pools.web.cooldown.up: "5 minutes" is not a duration`);
    expect(message).toContain(`${FILE}:28:40: queues.mail.pool: pool "nope"`);
  });

  it('reports min above max even when the same pool has another mistake', () => {
    const problems = problemsOf(
      'pools:\n  demo:\n    min: 5\n    max: 2\n    cooldown: { up: 5 minutes }\n    executor: { kind: pm2, app: demo }\n',
    );
    expect(problems.map((p) => p.path).sort()).toEqual(['pools.demo.cooldown.up', 'pools.demo.min']);
  });

  it.each<[string, string, string, number, RegExp]>([
    [
      'a misspelt key with a block under it points at the key',
      `${minimal}    cooldwon:\n      up: 5m\n`,
      'pools.demo',
      6,
      /unknown key\(s\) "cooldwon"/,
    ],
    ['a misspelt top-level section', `${minimal}recevier:\n  listen: 1\n`, '', 6, /unknown key\(s\) "recevier"/],
    ['no pools at all', 'redis: {}\n', 'pools', 1, /expected record|Invalid input/i],
    ['max of 0', minimal.replace('max: 4', 'max: 0'), 'pools.demo.max', 4, /≥1|>=1/],
    ['a negative min', minimal.replace('min: 1', 'min: -1'), 'pools.demo.min', 3, /≥0|>=0/],
    ['a fractional step', `${minimal}    step: 1.5\n`, 'pools.demo.step', 6, /int/i],
    ['victims neither idle-first nor executor', `${minimal}    victims: oldest\n`, 'pools.demo.victims', 6, /"idle-first"\|"executor"/],
    [
      'a zero timeout',
      minimal.replace('app: demo }', 'app: demo, timeout: 0s }'),
      'pools.demo.executor.timeout',
      5,
      /timeout must be above 0/,
    ],
    ['a pm2 app starting with "-"', minimal.replace('app: demo', 'app: "-x"'), 'pools.demo.executor.app', 5, /pm2 app must match/],
    [
      'a command template with a typo',
      `pools:\n  demo:\n    min: 1\n    max: 2\n    executor: { kind: command, scale: [s.sh, "{replica}"] }\n`,
      'pools.demo.executor.scale',
      5,
      /unknown placeholder\(s\) \{replica\}/,
    ],
    ['a listen address without a port', `${minimal}receiver:\n  listen: localhost\n`, 'receiver.listen', 7, /write host:port/],
    [
      'a queue pointing at a badly named pool',
      `${minimal}queues:\n  q: { kind: list, key: q, pool: Demo }\n`,
      'queues.q.pool',
      7,
      /pool names must match/,
    ],
    [
      'a queue of an unknown kind',
      `${minimal}queues:\n  q: { kind: kafka, key: q }\n`,
      'queues.q.kind',
      7,
      /'list' \| 'stream' \| 'bullmq'/,
    ],
    ['YAML with an unclosed list', 'pools:\n  demo: [1, 2\n', '', 3, /YAML syntax: Flow sequence/],
    [
      'YAML with a key indented one space too few',
      'pools:\n  demo:\n    min: 1\n   max: 2\n',
      '',
      4,
      /YAML syntax: All mapping items must start at the same column/,
    ],
  ])('%s', (_name, text, path, line, message) => {
    const problems = problemsOf(text);
    const problem = problems.find((p) => p.path === path);
    expect(problem, `no problem at "${path}"; got ${JSON.stringify(problems)}`).toBeDefined();
    expect(problem!.line).toBe(line);
    expect(problem!.message).toMatch(message);
  });

  it('a queue naming a pool that only looks like an object property is still undefined', () => {
    const problems = problemsOf(`${minimal}queues:\n  q: { kind: list, key: q, pool: constructor }\n`);
    expect(problems.map((p) => p.path)).toEqual(['queues.q.pool']);
  });
});

describe('paths in the file are relative to the file', () => {
  const base = '/srv/scaler/conf/alertscale.yml';

  it.each<[string, string, (c: Config) => unknown, unknown]>([
    [
      'a relative tokenFile',
      `${minimal}receiver: { tokenFile: secrets/token }\n`,
      (c) => c.receiver.tokenFile,
      '/srv/scaler/conf/secrets/token',
    ],
    ['a tokenFile with ..', `${minimal}receiver: { tokenFile: ../run/token }\n`, (c) => c.receiver.tokenFile, '/srv/scaler/run/token'],
    ['an absolute tokenFile', `${minimal}receiver: { tokenFile: /run/secrets/token }\n`, (c) => c.receiver.tokenFile, '/run/secrets/token'],
    [
      'a relative gunicorn pidfile',
      'pools:\n  web: { min: 1, max: 4, executor: { kind: gunicorn, pidfile: run/gunicorn.pid } }\n',
      (c) => c.pools.web!.executor,
      { kind: 'gunicorn', pidfile: '/srv/scaler/conf/run/gunicorn.pid', timeout: 30_000, env: {} },
    ],
    [
      'an absolute gunicorn pidfile',
      'pools:\n  web: { min: 1, max: 4, executor: { kind: gunicorn, pidfile: /run/g.pid } }\n',
      (c) => (c.pools.web!.executor as { pidfile: string }).pidfile,
      '/run/g.pid',
    ],
    [
      'a preset bin with a slash is a path',
      minimal.replace('app: demo', 'app: demo, bin: node_modules/.bin/pm2'),
      (c) => (c.pools.demo!.executor as { bin: string }).bin,
      '/srv/scaler/conf/node_modules/.bin/pm2',
    ],
    [
      'a bare preset bin is looked up in PATH',
      minimal.replace('app: demo', 'app: demo, bin: pm2'),
      (c) => (c.pools.demo!.executor as { bin: string }).bin,
      'pm2',
    ],
    [
      'a relative compose file',
      'pools:\n  web: { min: 1, max: 4, executor: { kind: compose, service: web, file: deploy/compose.yml } }\n',
      (c) => (c.pools.web!.executor as { file: string }).file,
      '/srv/scaler/conf/deploy/compose.yml',
    ],
    [
      'command argv is left alone (the program resolves it)',
      'pools:\n  web: { min: 1, max: 4, executor: { kind: command, scale: [./scale.sh, "{replicas}"] } }\n',
      (c) => (c.pools.web!.executor as { scale: string[] }).scale,
      ['./scale.sh', '{replicas}'],
    ],
  ])('%s', (_name, text, pick, want) => {
    expect(pick(parseConfig(text, base))).toEqual(want);
  });

  it('a config named relative to the working directory resolves against that directory', () => {
    const c = parseConfig(`${minimal}receiver: { tokenFile: token }\n`, 'conf/alertscale.yml');
    expect(c.receiver.tokenFile).toBe(join(process.cwd(), 'conf', 'token'));
  });
});

describe('loadConfig', () => {
  it('reads and validates a file', () => {
    const file = join(dir, 'ok.yml');
    writeFileSync(file, `${minimal}receiver: { tokenFile: token }\n`);
    const c = loadConfig(file);
    expect(c.pools.demo!.max).toBe(4);
    expect(c.receiver.tokenFile).toBe(join(dir, 'token'));
  });

  it('a missing file is a ConfigError that names the file', () => {
    const file = join(dir, 'nope.yml');
    let error: unknown;
    try {
      loadConfig(file);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).file).toBe(file);
    expect((error as ConfigError).problems).toEqual([{ file, path: '', message: 'cannot read the configuration: file not found' }]);
    expect((error as ConfigError).message).toContain(`${file}: (top level): cannot read the configuration: file not found`);
  });

  it('a directory instead of a file is a ConfigError', () => {
    const sub = join(dir, 'a-directory.yml');
    mkdirSync(sub);
    expect(() => loadConfig(sub)).toThrow(/cannot read the configuration: .*EISDIR/);
  });

  it('problems in a loaded file name that file', () => {
    const file = join(dir, 'bad.yml');
    writeFileSync(file, minimal.replace('max: 4', 'max: four'));
    expect(() => loadConfig(file)).toThrow(`${file}:4:10: pools.demo.max:`);
  });
});

describe('readToken', () => {
  const receiver = (over: Partial<Config['receiver']>): Config['receiver'] => ({
    listen: '127.0.0.1:9460',
    lease: 5_000,
    auditMaxEntries: 100_000,
    ...over,
  });
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it.each<[string, () => Partial<Config['receiver']>, NodeJS.ProcessEnv, string | undefined]>([
    ['from a file, without its trailing newline', () => ({ tokenFile: file('t1', 's3cret\n') }), {}, 's3cret'],
    ['from an environment variable, trimmed', () => ({ tokenEnv: 'AS_TOKEN' }), { AS_TOKEN: ' env-s3cret ' }, 'env-s3cret'],
    ['none configured: no token', () => ({}), { AS_TOKEN: 'ignored' }, undefined],
  ])('%s', (_name, over, env, token) => {
    expect(readToken(receiver(over()), env)).toBe(token);
  });

  it.each<[string, () => Partial<Config['receiver']>, NodeJS.ProcessEnv, RegExp]>([
    ['an empty file', () => ({ tokenFile: file('t2', '  \n') }), {}, /receiver.tokenFile .*t2 is empty/],
    ['a missing file', () => ({ tokenFile: join(dir, 'absent') }), {}, /receiver.tokenFile .*absent: ENOENT/],
    ['an unset variable', () => ({ tokenEnv: 'AS_TOKEN' }), {}, /environment variable AS_TOKEN is not set or empty/],
    ['an empty variable', () => ({ tokenEnv: 'AS_TOKEN' }), { AS_TOKEN: '   ' }, /environment variable AS_TOKEN is not set or empty/],
  ])('refuses %s (never an open receiver by accident)', (_name, over, env, message) => {
    expect(() => readToken(receiver(over()), env)).toThrow(message);
  });
});
