import { describe, expect, it } from 'vitest';
import { compile, matcherMatches, matchesLabels, silencing } from '../../src/silences/matcher.js';
import { pausesOf, pauseView, type Pause } from '../../src/silences/pauses.js';
import type { Matcher, Silence } from '../../src/silences/schema.js';

const NOW = Date.parse('2026-11-23T12:00:00Z');
const at = (offsetMs: number) => new Date(NOW + offsetMs).toISOString();

/** A matcher as amtool writes it: `name=value`, `name!=value`, `name=~re`, `name!~re`. */
function m(text: string): Matcher {
  const [, name, op, value] = /^(\w+)(=~|!~|!=|=)(.*)$/.exec(text)!;
  return { name: name!, value: value!, isRegex: op!.includes('~'), isEqual: !op!.startsWith('!') };
}

let n = 0;
function silence(matchers: string[], extra: Partial<Silence> = {}): Silence {
  return {
    id: `s${n++}`,
    status: { state: 'active' },
    comment: 'deploy',
    createdBy: 'ops',
    startsAt: at(-60_000),
    endsAt: at(3_600_000),
    matchers: matchers.map(m),
    ...extra,
  };
}

describe('matcherMatches: Alertmanager semantics', () => {
  it.each<[string, string, boolean]>([
    ['pool=demo', 'demo', true],
    ['pool=demo', 'demo2', false],
    ['pool=demo', '', false],
    ['pool!=demo', 'demo', false],
    ['pool!=demo', 'web', true],
    ['pool!=demo', '', true],
    // Regexes are anchored at both ends: ^(?:re)$.
    ['pool=~de', 'demo', false],
    ['pool=~de.*', 'demo', true],
    ['pool=~demo|web', 'web', true],
    ['pool=~demo|web', 'webx', false],
    ['pool=~demo|web', 'xdemo', false],
    ['pool=~.*', '', true],
    ['pool=~.+', '', false],
    ['pool!~de.*', 'demo', false],
    ['pool!~de.*', 'web', true],
    ['pool!~.+', '', true],
    ['pool=~(?i)DEMO', 'demo', true],
    ['pool=~[a-z]+-\\d', 'web-1', true],
    ['pool=~[a-z]+-\\d', 'web-12', false],
    ['pool=~\\p{L}+', 'démo', true],
    // A pattern JavaScript cannot compile matches nothing (and a negative matcher then everything).
    ['pool=~a(?i)b', 'ab', false],
    ['pool!~a(?i)b', 'ab', true],
  ])('%s against %j → %s', (matcher, value, expected) => {
    expect(matcherMatches(m(matcher), value)).toBe(expected);
  });

  it('a label the alert does not carry has the value ""', () => {
    expect(matchesLabels([m('pool=demo'), m('env!=prod')], { pool: 'demo' })).toBe(true);
    expect(matchesLabels([m('pool=demo'), m('alertname=X')], { pool: 'demo' })).toBe(false);
    expect(matchesLabels([m('pool=demo'), m('alertname=X')], { pool: 'demo', alertname: 'X' })).toBe(true);
  });

  it('compile keeps leading flags and anchors', () => {
    expect(compile('(?is)a.b')?.flags).toContain('i');
    expect(compile('(?is)a.b')?.test('A\nB')).toBe(true);
    expect(compile('a.b')?.test('a\nb')).toBe(false);
    expect(compile('(unclosed')).toBeNull();
  });
});

describe('pausesOf: which active silences pause a pool', () => {
  const ids = (pauses: Pause[]) => pauses.map((p) => p.silenceId);
  const one = (matchers: string[], extra: Partial<Silence> = {}) => pausesOf('demo', [silence(matchers, extra)], NOW);

  it.each<[string, string[], Partial<Pause> | null]>([
    ['exact pool (what pause creates, and amtool pool=demo)', ['pool=demo'], { scale: ['up', 'down'], partial: false, resumable: true }],
    ['another pool', ['pool=web'], null],
    ['pool=demo plus scale=up: scale-up only', ['pool=demo', 'scale=up'], { scale: ['up'], partial: false, resumable: true }],
    ['pool=demo plus scale!=up: scale-down only', ['pool=demo', 'scale!=up'], { scale: ['down'], resumable: true }],
    ['pool=demo plus scale=~up|down', ['pool=demo', 'scale=~up|down'], { scale: ['up', 'down'], resumable: true }],
    ['pool=demo plus scale=sideways: no direction left', ['pool=demo', 'scale=sideways'], null],
    ['regex on pool', ['pool=~de.*'], { scale: ['up', 'down'], partial: false, resumable: false }],
    ['regex that is a prefix only (anchored)', ['pool=~de'], null],
    ['every pool but web', ['pool!=web'], { resumable: false }],
    ['every pool but demo', ['pool!=demo'], null],
    ['negative regex excluding demo', ['pool!~demo|web'], null],
    ['pool=demo with alertname: partial', ['pool=demo', 'alertname=DemoQueueBacklog'], { partial: true, resumable: false }],
    ['pool=demo with env!=prod: partial', ['pool=demo', 'env!=prod'], { partial: true, resumable: false }],
    ['scale=up on every pool (a scale-up freeze)', ['scale=up'], { scale: ['up'], resumable: false }],
    ['no pool or scale matcher: other alerts', ['alertname=DiskFull'], null],
    ['broad catch-all on another label', ['severity=~.*'], null],
    ['pool=demo plus a pool regex: not exactly the pool', ['pool=demo', 'pool=~d.*'], { resumable: false }],
    ['two pool matchers that exclude each other', ['pool=demo', 'pool=web'], null],
  ])('%s', (_what, matchers, expected) => {
    const pauses = one(matchers);
    if (expected === null) expect(pauses).toEqual([]);
    else expect(pauses).toEqual([expect.objectContaining({ ...expected, comment: 'deploy', createdBy: 'ops' })]);
  });

  it.each<[string, Partial<Silence>]>([
    ['expired', { status: { state: 'expired' }, endsAt: at(-1) }],
    ['pending (starts later)', { status: { state: 'pending' }, startsAt: at(60_000) }],
    ['active in a cached list, but its end has passed', { endsAt: at(-1) }],
    ['active in a cached list, but it has not begun', { startsAt: at(1) }],
    ['a state this version does not know', { status: { state: 'dormant' } }],
  ])('not a pause when %s', (_what, extra) => {
    expect(one(['pool=demo'], extra)).toEqual([]);
  });

  it('carries the silence: id, until, comment, createdBy, matchers', () => {
    const s = silence(['pool=demo']);
    expect(pausesOf('demo', [s], NOW)).toEqual([
      {
        silenceId: s.id,
        until: s.endsAt,
        comment: 'deploy',
        createdBy: 'ops',
        matchers: s.matchers,
        scale: ['up', 'down'],
        partial: false,
        resumable: true,
      },
    ]);
  });

  it('most complete first: both directions, whole, then the longest; the view names the others', () => {
    const upOnly = silence(['pool=demo', 'scale=up'], { endsAt: at(9_000_000) });
    const partial = silence(['pool=demo', 'alertname=X'], { endsAt: at(8_000_000) });
    const short = silence(['pool=demo'], { endsAt: at(60_000) });
    const long = silence(['pool=~.*'], { endsAt: at(7_000_000) });
    const other = silence(['pool=web']);
    const pauses = pausesOf('demo', [upOnly, partial, short, long, other], NOW);
    expect(ids(pauses)).toEqual([long.id, short.id, partial.id, upOnly.id]);
    expect(pauseView(pauses)).toMatchObject({ silenceId: long.id, until: long.endsAt, otherSilenceIds: [short.id, partial.id, upOnly.id] });
    expect(pauseView([])).toBeNull();
  });
});

describe('silencing: the silence that mutes one alert (its full labels)', () => {
  const labels = { alertname: 'DemoQueueBacklog', pool: 'demo', scale: 'up', severity: 'info' };
  it.each<[string[], boolean]>([
    [['pool=demo'], true],
    [['pool=demo', 'scale=down'], false],
    [['pool=demo', 'alertname=DemoQueueBacklog'], true],
    [['pool=demo', 'alertname=Other'], false],
    [['alertname=~Demo.*'], true],
    [['pool=web'], false],
  ])('%j → %s', (matchers, mutes) => {
    expect(silencing([silence(matchers)], labels, NOW) !== undefined).toBe(mutes);
  });

  it('ignores silences that are not active now', () => {
    expect(silencing([silence(['pool=demo'], { status: { state: 'expired' } })], labels, NOW)).toBeUndefined();
    expect(silencing([silence(['pool=demo'], { endsAt: at(-1) })], labels, NOW)).toBeUndefined();
  });
});
