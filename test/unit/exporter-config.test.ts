import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config/index.js';

const base = (extra: string) => `
pools:
  web:
    min: 1
    max: 4
    executor: { kind: command, scale: ['true'] }
${extra}`;

function problems(text: string) {
  try {
    parseConfig(text, 'alertscale.yml');
  } catch (err) {
    if (err instanceof ConfigError) return { message: err.message, problems: err.problems };
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('the exporter fields of alertscale.yml fail at start, naming the path', () => {
  it.each([
    ['a bad process regex', base('    processes: { match: "gunicorn(" }'), 'pools.web.processes.match', /not a valid regular expression/],
    ['an unknown queue kind', base('queues:\n  jobs: { kind: sqs, key: q }'), 'queues.jobs.kind', /'list' \| 'stream' \| 'bullmq'/],
    ['a stream queue without its group', base('queues:\n  ev: { kind: stream, key: ev }'), 'queues.ev.group', /./],
    [
      'a queue of an unknown pool',
      base('queues:\n  jobs: { kind: list, key: q, pool: api }'),
      'queues.jobs.pool',
      /not defined under pools/,
    ],
    ['an unknown processes key', base('    processes: { match: x, usr: root }'), 'pools.web.processes', /usr/],
    ['a bad exporter.listen', base('exporter: { listen: "localhost" }'), 'exporter.listen', /host:port/],
  ])('%s', (_name, text, path, message) => {
    const got = problems(text);
    const problem = got.problems.find((p) => p.path === path);
    expect(problem, `problems: ${JSON.stringify(got.problems)}`).toBeDefined();
    expect(problem!.message).toMatch(message);
    expect(problem!.line).toBeGreaterThan(0);
    expect(got.message).toContain(`alertscale.yml:${problem!.line}`);
    expect(got.message).toContain(path);
  });

  it('accepts every exporter field', () => {
    const config = parseConfig(
      base(`    processes: { match: 'gunicorn: worker \\[backcore\\]', user: www-data }
exporter: { listen: 127.0.0.1:9464 }
queues:
  a: { kind: list, key: q, pool: web }
  b: { kind: stream, key: s, group: g }
  c: { kind: bullmq, name: emails }`),
      'alertscale.yml',
    );
    expect(config.pools.web?.processes).toEqual({ match: 'gunicorn: worker \\[backcore\\]', user: 'www-data' });
    expect(config.queues.c).toEqual({ kind: 'bullmq', name: 'emails', prefix: 'bull' });
  });
});
