/**
 * `alertscale check`'s cross-checks as pure functions over small rule files: pools named by rules
 * against alertscale.yml, coverage of configured pools, metric names against what the exporter and
 * receiver really publish, the scaling-alert contract, and lines that point at the right place.
 */
import { describe, expect, it } from 'vitest';
import { alertmanagerFindings } from '../../src/cli/check/alertmanager.js';
import { closest, crossCheck, globToRegExp, type CrossCheckInput } from '../../src/cli/check/cross-check.js';
import { formatFinding, summaryLine, type Finding } from '../../src/cli/check/findings.js';
import { publishedMetrics } from '../../src/cli/check/published.js';
import { exprLineAt, parseRuleFile } from '../../src/cli/check/rules.js';
import { amtoolFindings, promtoolFindings } from '../../src/cli/check/tools.js';

const published = publishedMetrics();

function check(rulesYaml: string, overrides: Partial<CrossCheckInput> = {}) {
  const model = parseRuleFile(rulesYaml, 'rules.yml');
  expect(model.syntaxErrors).toEqual([]);
  return crossCheck({
    configFile: 'alertscale.yml',
    pools: [{ name: 'demo', line: 7 }],
    rules: model.rules,
    rulesRead: true,
    published,
    allowPools: [],
    ...overrides,
  });
}

const lines = (findings: Finding[]) => findings.map(formatFinding);
/** 1-based line of the first line of `text` containing `needle`. */
const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

/** A rules file of one group from `rules` (each an indented YAML list item). */
const group = (...rules: string[]) => `groups:\n  - name: g\n    rules:\n${rules.join('')}`;
const alert = (name: string, expr: string, labels: Record<string, string>, annotations: Record<string, string> = {}) =>
  `      - alert: ${name}\n        expr: ${expr}\n        labels:\n${Object.entries(labels)
    .map(([k, v]) => `          ${k}: ${JSON.stringify(v)}\n`)
    .join('')}` +
  (Object.keys(annotations).length > 0
    ? `        annotations:\n${Object.entries(annotations)
        .map(([k, v]) => `          ${k}: ${JSON.stringify(v)}\n`)
        .join('')}`
    : '');

const DEMO_UP = alert('DemoUp', 'sum by (pool) (alertscale_queue_length{pool="demo"}) > 10', { scale: 'up' });
const DEMO_DOWN = alert('DemoDown', 'sum by (pool) (alertscale_queue_length{pool="demo"}) < 1', { scale: 'down' });

describe('published metric names come from the real registries', () => {
  it('has exporter and receiver names, histograms as _bucket/_sum/_count only', () => {
    for (const name of [
      'alertscale_queue_length',
      'alertscale_workers_alive',
      'alertscale_host_cpu_seconds_total',
      'alertscale_decisions_total',
      'alertscale_pool_paused',
    ]) {
      expect(published.names.has(name), name).toBe(true);
    }
    expect(published.names.has('alertscale_executor_duration_seconds_bucket')).toBe(true);
    expect(published.names.has('alertscale_executor_duration_seconds')).toBe(false);
    expect([...published.histograms]).toEqual(['alertscale_executor_duration_seconds']);
  });
});

describe('pools named by rules', () => {
  it('a clean pair of rules for a configured pool has nothing to say', () => {
    expect(check(group(DEMO_UP, DEMO_DOWN))).toEqual({ findings: [], allowedPools: [] });
  });

  it('a literal pool missing from alertscale.yml is an error naming file, line, rule and pool', () => {
    const rules = group(
      DEMO_UP,
      DEMO_DOWN,
      alert('PaymentsBacklog', 'sum by (pool) (alertscale_queue_length{pool="payments"}) > 10', { scale: 'up' }),
    );
    const { findings } = check(rules);
    expect(findings).toHaveLength(1);
    const line = lineOf(rules, 'pool="payments"');
    expect(line).toBeGreaterThan(10);
    expect(findings[0]).toMatchObject({ severity: 'error', file: 'rules.yml', line });
    expect(formatFinding(findings[0]!)).toMatch(
      new RegExp(
        String.raw`^rules\.yml:\d+: error: alert PaymentsBacklog names pool "payments" \(\{pool="payments"\}\), ` +
          String.raw`which alertscale\.yml does not define \(pools: demo\).*; add pool payments to alertscale\.yml`,
      ),
    );
  });

  it('a pool label missing from alertscale.yml is an error on the label line', () => {
    const rules = group(DEMO_UP, DEMO_DOWN, alert('Web', 'vector(1)', { scale: 'up', pool: 'web' }));
    const { findings } = check(rules);
    expect(lines(findings)).toEqual([expect.stringMatching(/^rules\.yml:\d+: error: alert Web names pool "web" \(label pool: web\)/)]);
    expect(findings[0]!.line).toBe(lineOf(rules, 'pool: "web"'));
  });

  it('recording rules are checked too', () => {
    const { findings } = check(group(DEMO_UP, DEMO_DOWN, '      - record: x:y:z\n        expr: alertscale_workers_alive{pool="api"}\n'));
    expect(lines(findings)).toEqual([expect.stringMatching(/^rules\.yml:\d+: error: recording rule x:y:z names pool "api"/)]);
  });

  it('--allow-pool globs let rules name pools of another config; they are listed, not reported', () => {
    const rules = group(
      DEMO_UP,
      DEMO_DOWN,
      alert('Ex', 'alertscale_queue_length{pool="example-web"} > 1', { scale: 'up' }),
      alert('Other', 'alertscale_queue_length{pool="team-b-api"} > 1', { scale: 'up' }),
    );
    expect(check(rules, { allowPools: ['example-*', 'team-?-api'] })).toEqual({
      findings: [],
      allowedPools: ['example-web', 'team-b-api'],
    });
    expect(check(rules, { allowPools: ['example-*'] }).findings.map((f) => f.message)).toEqual([expect.stringContaining('"team-b-api"')]);
  });

  it('alternations of literal names are literal pools; patterns that match no pool are a warning', () => {
    const { findings } = check(
      group(
        DEMO_UP,
        DEMO_DOWN,
        alert('Alt', 'alertscale_queue_length{pool=~"demo|pay"} > 1', { scale: 'up' }),
        alert('Pattern', 'alertscale_queue_length{pool=~"web-.+"} > 1', { scale: 'up' }),
        alert('Everything', 'alertscale_queue_length{pool=~".+"} > 1', { scale: 'up' }),
      ),
    );
    expect(findings.map((f) => `${f.severity} ${f.message}`)).toEqual([
      expect.stringMatching(/^error alert Alt names pool "pay" \(\{pool=~"demo\|pay"\}\)/),
      expect.stringMatching(/^warning alert Pattern selects pool=~"web-\.\+", which matches no pool of alertscale\.yml/),
    ]);
  });

  it('negative and empty pool matchers name no pool', () => {
    const rules = group(
      DEMO_UP,
      DEMO_DOWN,
      alert('Neg', 'alertscale_queue_length{pool!="gone", pool!~"old.*"} > 1 or alertscale_queue_length{pool=""}', { severity: 'info' }),
    );
    expect(check(rules).findings).toEqual([]);
  });

  it('templated pool labels are not literal pools', () => {
    expect(check(group(DEMO_UP, DEMO_DOWN, alert('T', 'vector(1)', { scale: 'up', pool: '{{ $labels.queue }}' }))).findings).toEqual([]);
  });

  it('without a valid config, pools are not checked but metrics are', () => {
    const { findings } = check(group(alert('X', 'alertscale_nope{pool="payments"} > 1', { scale: 'up' })), { pools: undefined });
    expect(findings.map((f) => f.message)).toEqual([expect.stringContaining('reads alertscale_nope')]);
  });
});

describe('configured pools no rule reaches (warnings)', () => {
  const config = {
    pools: [
      { name: 'demo', line: 7 },
      { name: 'web', line: 20 },
    ],
  };

  it('a pool no scaling alert can carry is a warning on its line in alertscale.yml', () => {
    const { findings } = check(group(DEMO_UP, DEMO_DOWN), config);
    expect(lines(findings)).toEqual([expect.stringMatching(/^alertscale\.yml:20: warning: pool "web" is reached by no scaling alert/)]);
  });

  it('a generic by (pool) rule (no pool matcher) reaches every pool', () => {
    const generic = [
      alert('Up', 'sum by (pool) (alertscale_queue_length) > 10', { scale: 'up' }),
      alert('Down', 'sum by (pool) (alertscale_queue_length) < 1', { scale: 'down' }),
    ];
    expect(check(group(...generic), config).findings).toEqual([]);
  });

  it('a regex matcher reaches the pools it matches', () => {
    const rules = group(
      DEMO_UP,
      DEMO_DOWN,
      alert('U', 'alertscale_queue_length{pool=~"w.b"} > 1', { scale: 'up' }),
      alert('D', 'alertscale_queue_length{pool=~"w.*"} < 1', { scale: 'down' }),
    );
    expect(check(rules, config).findings).toEqual([]);
  });

  it('a pool that can only grow (or only shrink) is a warning', () => {
    const onlyUp = alert('WebUp', 'alertscale_queue_length{pool="web"} > 1', { scale: 'up' });
    expect(lines(check(group(DEMO_UP, DEMO_DOWN, onlyUp), config).findings)).toEqual([
      expect.stringMatching(
        new RegExp(
          String.raw`^alertscale\.yml:20: warning: pool "web" has scale: up alerts but no scale: down alert: ` +
            'it will grow and never shrink back; add a rule with scale: down',
        ),
      ),
    ]);
    expect(lines(check(group(DEMO_UP), config).findings)).toEqual([
      expect.stringMatching(/^alertscale\.yml:7: warning: pool "demo" has scale: up alerts but no scale: down/),
      expect.stringMatching(/^alertscale\.yml:20: warning: pool "web" is reached by no scaling alert/),
    ]);
  });

  it('alerts without a scale label reach nothing; no rule files read means no coverage warnings', () => {
    expect(check(group(alert('Info', 'alertscale_queue_length{pool="demo"} > 1', { severity: 'info' }))).findings).toHaveLength(1);
    expect(check('groups: []\n', { rulesRead: false }).findings).toEqual([]);
  });
});

describe('metric names', () => {
  it('an alertscale_ name nobody publishes is an error, with a suggestion for a typo', () => {
    const { findings } = check(
      group(DEMO_UP, DEMO_DOWN, alert('A', 'alertscale_made_up_total > 1 and alertscale_queue_lenght > 2', { severity: 'x' })),
    );
    expect(lines(findings)).toEqual([
      expect.stringMatching(
        new RegExp(
          String.raw`^rules\.yml:\d+: error: alert A reads alertscale_made_up_total, which neither the exporter nor ` +
            String.raw`the receiver publishes and no recording rule defines: it matches nothing; see docs\/METRICS\.md`,
        ),
      ),
      expect.stringMatching(/reads alertscale_queue_lenght, .*; did you mean alertscale_queue_length\?/),
    ]);
  });

  it('recording rules define names; other prefixes and Prometheus built-ins are not checked', () => {
    const rules = group(
      DEMO_UP,
      DEMO_DOWN,
      '      - record: alertscale:mine:ratio\n        expr: alertscale_workers_busy / alertscale_workers_alive\n',
      alert(
        'B',
        'alertscale:mine:ratio > 1 and up == 0 and node_load1 > 1 and ALERTS{alertname="x"} ' +
          'and scrape_duration_seconds > 1 and alertscale_executor_duration_seconds_bucket',
        { severity: 'x' },
      ),
    );
    expect(check(rules).findings).toEqual([]);
  });

  it('while a rule file does not parse, recording-rule names are not judged (they may be defined there); other names are', () => {
    const rules = group(alert('R', 'alertscale:defined_elsewhere:ratio > 1 and alertscale_nope > 1', { scale: 'up' }));
    expect(check(rules, { rulesRead: false }).findings.map((f) => f.message)).toEqual([expect.stringContaining('reads alertscale_nope,')]);
    expect(check(rules).findings.map((f) => f.message)).toEqual([
      expect.stringContaining('reads alertscale:defined_elsewhere:ratio,'),
      expect.stringContaining('reads alertscale_nope,'),
      expect.stringContaining('has scale: up alerts but no scale: down'),
    ]);
  });

  it('a histogram base name is an error with the series names to use', () => {
    const { findings } = check(group(DEMO_UP, DEMO_DOWN, alert('H', 'alertscale_executor_duration_seconds > 1', { severity: 'x' })));
    expect(lines(findings)).toEqual([
      expect.stringMatching(/a histogram: .*; use alertscale_executor_duration_seconds_bucket with histogram_quantile\(\)/),
    ]);
  });
});

describe('the scaling-alert contract on literal labels and annotations', () => {
  it.each<[string, Record<string, string>, Record<string, string>, RegExp | undefined]>([
    ['scale sideways', { scale: 'sideways' }, {}, /label scale: "sideways"; the receiver accepts only up or down/],
    ['pool not a pool name', { scale: 'up', pool: 'Demo!' }, {}, /label pool: "Demo!", not a pool name/],
    ['target not a number', { scale: 'up' }, { target: 'many' }, /annotation target: "many", not a number/],
    ['step zero', { scale: 'up' }, { step: '0' }, /annotation step: "0", not a whole number of at least 1/],
    ['step fraction', { scale: 'up' }, { step: '1.5' }, /annotation step: "1.5"/],
    ['templates are fine', { scale: 'up' }, { target: '{{ $value }}' }, undefined],
    ['numbers are fine', { scale: 'down' }, { target: '2.5', step: '3' }, undefined],
  ])('%s', (_name, labels, annotations, expected) => {
    const { findings } = check(group(DEMO_UP, DEMO_DOWN, alert('C', 'alertscale_queue_length{pool="demo"} > 1', labels, annotations)));
    expect(findings.map((f) => f.message)).toEqual(expected ? [expect.stringMatching(expected)] : []);
  });
});

describe('rule files and lines', () => {
  it('maps an offset in a | block to its file line; folded blocks to their first line', () => {
    const text =
      'groups:\n  - name: g\n    rules:\n' +
      '      - alert: A\n        expr: |\n          a\n            > b{pool="x"}\n' +
      '      - alert: B\n        expr: >\n          a\n            > b{pool="x"}\n' +
      '      - alert: C\n        expr: "a > b{pool=\\"x\\"}"\n';
    const [a, b, c] = parseRuleFile(text, 'f').rules;
    expect(exprLineAt(a!, a!.expr.indexOf('pool'))).toBe(7);
    expect(exprLineAt(b!, b!.expr.indexOf('pool'))).toBe(10);
    expect(exprLineAt(c!, c!.expr.indexOf('pool'))).toBe(13);
  });

  it('reports YAML syntax errors with their line', () => {
    const model = parseRuleFile('groups:\n  - name: g\n   rules: [\n', 'f');
    expect(model.rules).toEqual([]);
    expect(model.syntaxErrors[0]).toMatchObject({ line: expect.any(Number), message: expect.any(String) });
  });

  it('globs', () => {
    expect(globToRegExp('example-*').test('example-web')).toBe(true);
    expect(globToRegExp('example-*').test('examples')).toBe(false);
    expect(globToRegExp('a.b').test('axb')).toBe(false);
    expect(closest('alertscale_workers_alve', [...published.names])).toBe('alertscale_workers_alive');
    expect(closest('something_else_entirely', [...published.names])).toBeUndefined();
  });

  it('summary line', () => {
    expect(summaryLine([])).toBe('check: ok: 0 errors, 0 warnings');
    expect(summaryLine([{ severity: 'warning', file: 'f', message: 'm' }])).toBe('check: ok: 0 errors, 1 warning');
    expect(summaryLine([{ severity: 'error', file: 'f', message: 'm' }])).toBe('check: FAILED: 1 error, 0 warnings');
  });
});

describe('promtool and amtool output', () => {
  it('promtool: expression errors with line and column, YAML errors with line, progress lines dropped', () => {
    const out =
      'Checking r.yml\n  FAILED:\n' +
      'r.yml: 5:15: group "x", rule 1, "A": could not parse expression: 1:9: parse error: unexpected end of input inside braces\n';
    expect(lines(promtoolFindings(out, 'r.yml'))).toEqual([
      'r.yml:5:15: error: promtool: group "x", rule 1, "A": could not parse expression: 1:9: parse error: ' +
        'unexpected end of input inside braces; edit the rule until `promtool check rules r.yml` passes',
    ]);
    const yaml =
      "Checking r.yml\n  FAILED:\nr.yml: yaml: line 1: did not find expected '-' indicator\n" +
      "r.yml: yaml: line 1: did not find expected '-' indicator\n";
    expect(lines(promtoolFindings(yaml, 'r.yml'))).toEqual([
      "r.yml:1: error: promtool: YAML: did not find expected '-' indicator; edit the rule until `promtool check rules r.yml` passes",
    ]);
  });

  it('amtool: the FAILED reason', () => {
    expect(
      lines(
        amtoolFindings(
          'Checking \'am.yml\'  FAILED: undefined receiver "nope" used in route\n\namtool: error: failed to validate 1 file(s)\n',
          'am.yml',
        ),
      ),
    ).toEqual(['am.yml: error: amtool: undefined receiver "nope" used in route; edit it until `amtool check-config am.yml` passes']);
    expect(amtoolFindings("Checking 'am.yml'  FAILED: yaml: line 2: did not find expected key\n", 'am.yml')[0]).toMatchObject({ line: 2 });
  });
});

describe('alertmanager.yml sends scaling alerts to the receiver', () => {
  const am = (url: string) => `route:\n  receiver: a\nreceivers:\n  - name: a\n    webhook_configs:\n      - url: ${url}\n`;

  it.each<[string, string, boolean]>([
    ['the receiver path', 'http://127.0.0.1:9460/v1/alertmanager', true],
    ['with a trailing slash, another host', 'https://scaler.internal:8443/v1/alertmanager/', true],
    ['another path', 'http://127.0.0.1:9460/alertmanager', false],
    ['not a URL', 'nope', false],
  ])('%s', (_name, url, ok) => {
    const findings = alertmanagerFindings(am(url), 'am.yml', '127.0.0.1:9460');
    expect(findings.length === 0).toBe(ok);
    if (!ok)
      expect(formatFinding(findings[0]!)).toMatch(
        new RegExp(
          String.raw`^am\.yml: warning: no webhook_configs url ends in \/v1\/alertmanager \(1 webhook\(s\) ` +
            String.raw`found\).*; add a receiver with url http:\/\/127\.0\.0\.1:9460\/v1\/alertmanager`,
        ),
      );
  });

  it('no webhook at all is a warning; url_file is trusted; broken YAML is left to amtool', () => {
    expect(alertmanagerFindings('route:\n  receiver: a\nreceivers:\n  - name: a\n', 'am.yml', 'x:1')).toHaveLength(1);
    expect(
      alertmanagerFindings(
        'receivers:\n  - name: a\n    webhook_configs:\n      - url_file: /etc/secret\n      - url: http://h/v1/alertmanager\n',
        'am.yml',
        'x:1',
      ),
    ).toEqual([]);
    expect(alertmanagerFindings('route: [\n', 'am.yml', 'x:1')).toEqual([]);
  });
});
