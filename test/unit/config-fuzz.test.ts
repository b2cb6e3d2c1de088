import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config/index.js';

/**
 * Issue 12 §5, the config fuzz: a mutated alertscale.yml is either accepted or rejected with every
 * problem at file:line — never another exception (the CLI prints a ConfigError's message and
 * exits 1; anything else would reach the operator as a stack trace).
 */
const FILE = 'alertscale.yml';
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
/** The shipped example and the one-host example: every section and several executor kinds. */
const BASES = [
  readFileSync(new URL('../../alertscale.yml', import.meta.url), 'utf8'),
  readFileSync(new URL('../../examples/one-host/alertscale.yml', import.meta.url), 'utf8'),
];

type Verdict = 'accepted' | 'rejected';
const verdicts: Record<Verdict, number> = { accepted: 0, rejected: 0 };

/** Accepted, or rejected with file:line on every problem; throws (failing the property) otherwise. */
function check(text: string): true {
  try {
    parseConfig(text, FILE);
    verdicts.accepted++;
    return true;
  } catch (err) {
    if (!(err instanceof ConfigError))
      throw new Error(`not a ConfigError (${(err as Error)?.name}: ${(err as Error)?.message}) for:\n${text}`);
    const unplaced = err.problems.filter((p) => !p.line);
    if (err.problems.length === 0 || unplaced.length > 0)
      throw new Error(`problem(s) without a line: ${JSON.stringify(unplaced)} for:\n${text}`);
    if (!new RegExp(`${FILE}:\\d+:\\d+: `).test(err.message)) throw new Error(`message without file:line: ${err.message}`);
    verdicts.rejected++;
    return true;
  }
}

/** Scalars a person might type by mistake, and YAML that means something else than it looks. */
const scalar = fc.oneof(
  fc.constantFrom(
    '',
    '~',
    'null',
    'true',
    'no',
    '0',
    '-1',
    '1.5',
    '1e400',
    '0x1F',
    '10m',
    '5 m',
    '1h30m',
    '-5m',
    '9999999999y',
    '[]',
    '{}',
    '[1, 2',
    '{a: 1',
    '"unterminated',
    "'",
    '&a',
    '*a',
    '*nowhere',
    '!!binary x',
    '<<: *a',
    '? x',
    '|',
    '>',
    '%YAML 1.1',
    '---',
    '...',
    '#',
    'redis://',
    '127.0.0.1:99999',
    'constructor',
    '__proto__',
    '{pool}',
    '{replica}',
  ),
  fc.integer().map(String),
  fc.string({ maxLength: 12 }),
);
const key = fc.oneof(
  fc.constantFrom(
    'min',
    'max',
    'kind',
    'executor',
    'pools',
    'redis',
    'url',
    'timeout',
    'cooldown',
    'up',
    'down',
    'step',
    'queues',
    'pool',
    'constructor',
    '__proto__',
    'toString',
    'tokenFile',
    'tokenEnv',
    'lease',
  ),
  fc.string({ minLength: 1, maxLength: 8 }),
);

/** Line-level edits: the mistakes of a hand-edited file (a lost line, a wrong indent, a typo, a paste). */
const edit = fc.oneof(
  fc.record({ op: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('duplicate' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('indent' as const), at: fc.nat(), by: fc.integer({ min: -4, max: 4 }) }),
  fc.record({ op: fc.constant('value' as const), at: fc.nat(), value: scalar }),
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), indent: fc.nat({ max: 8 }), key, value: scalar }),
  fc.record({ op: fc.constant('chars' as const), at: fc.nat(), col: fc.nat(), text: fc.string({ maxLength: 3 }), cut: fc.nat({ max: 3 }) }),
);

type Edit = typeof edit extends fc.Arbitrary<infer E> ? E : never;

function apply(text: string, edits: Edit[]): string {
  const lines = text.split('\n');
  for (const e of edits) {
    if (lines.length === 0) lines.push('');
    const i = e.at % lines.length;
    const line = lines[i]!;
    switch (e.op) {
      case 'delete':
        lines.splice(i, 1);
        break;
      case 'duplicate':
        lines.splice(i, 0, line);
        break;
      case 'indent':
        lines[i] = e.by >= 0 ? ' '.repeat(e.by) + line : line.replace(new RegExp(`^ {0,${-e.by}}`), '');
        break;
      // Replace what follows the first `key:` (or the whole line when it has none).
      case 'value':
        lines[i] = /^(\s*-?\s*[^:#]+:)/.test(line) ? line.replace(/^(\s*-?\s*[^:#]+:).*$/, `$1 ${e.value}`) : e.value;
        break;
      case 'insert':
        lines.splice(i, 0, `${' '.repeat(e.indent)}${e.key}: ${e.value}`);
        break;
      case 'chars': {
        const c = line.length === 0 ? 0 : e.col % line.length;
        lines[i] = line.slice(0, c) + e.text + line.slice(c + e.cut);
        break;
      }
    }
  }
  return lines.join('\n');
}

describe(`config fuzz (seed ${SEED}; FUZZ_SEED=${SEED} replays it)`, () => {
  it('1,000 mutated alertscale.yml files: accepted, or rejected with file:line on every problem', () => {
    fc.assert(
      fc.property(fc.constantFrom(...BASES), fc.array(edit, { minLength: 1, maxLength: 4 }), (base, edits) => check(apply(base, edits))),
      { numRuns: 1_000, seed: SEED },
    );
    // Both verdicts happened: the mutations neither all broke the file nor all left it valid.
    expect(verdicts.accepted).toBeGreaterThan(20);
    expect(verdicts.rejected).toBeGreaterThan(300);
  });

  it('500 files of arbitrary YAML-ish text', () => {
    const yamlish = fc
      .array(
        fc.tuple(fc.nat({ max: 6 }), key, scalar).map(([indent, k, v]) => `${' '.repeat(indent)}${k}: ${v}`),
        { maxLength: 8 },
      )
      .map((l) => l.join('\n'));
    fc.assert(fc.property(fc.oneof(yamlish, fc.string({ maxLength: 60 })), check), { numRuns: 500, seed: SEED });
  });
});
