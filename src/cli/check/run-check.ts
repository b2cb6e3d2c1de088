/**
 * `alertscale check` end to end: alertscale.yml, promtool on each rule file, the name cross-checks,
 * amtool on the Alertmanager config. Returns findings and notes; printing is the command's job.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isMap, isScalar, LineCounter, parseDocument } from 'yaml';
import { ConfigError, loadConfig, type Config } from '../../config/index.js';
import { alertmanagerFindings } from './alertmanager.js';
import { crossCheck, type ConfigPool } from './cross-check.js';
import type { Finding } from './findings.js';
import { publishedMetrics } from './published.js';
import { replayHints } from './replay-hint.js';
import { parseRuleFile, type RuleFileModel } from './rules.js';
import { amtoolCheckConfig, findOnPath, promtoolCheckRules } from './tools.js';

export interface CheckOptions {
  config: string;
  /** Rule files, or directories whose *.yml / *.yaml files are rule files. */
  rules: readonly string[];
  /** Given on the command line: a missing path is then an error, not a skip. */
  rulesGiven: boolean;
  alertmanagerConfig: string;
  alertmanagerGiven: boolean;
  /** Globs of pools rules may name without alertscale.yml defining them. */
  allowPools: readonly string[];
  /** Where promtool and amtool are looked for (default: $PATH). */
  path?: string;
}

export interface CheckReport {
  findings: Finding[];
  /** What was checked or skipped, one line each. */
  notes: string[];
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export async function runCheck(options: CheckOptions): Promise<CheckReport> {
  const findings: Finding[] = [];
  const notes: string[] = [];

  // 1. alertscale.yml
  let config: Config | undefined;
  try {
    config = loadConfig(options.config);
    notes.push(
      `${options.config}: ok (${plural(Object.keys(config.pools).length, 'pool')}, ${plural(Object.keys(config.queues).length, 'queue')})`,
    );
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    for (const p of err.problems) {
      findings.push({
        severity: 'error',
        file: p.file,
        ...(p.line ? { line: p.line, column: p.column } : {}),
        message: `${p.path || '(top level)'}: ${p.message}`,
      });
    }
    notes.push(`${options.config}: invalid; pools not cross-checked`);
  }

  // 2. rule files
  const ruleFiles: string[] = [];
  for (const path of options.rules) {
    if (!existsSync(path)) {
      if (options.rulesGiven)
        findings.push({ severity: 'error', file: path, message: 'rule file or directory not found', fix: 'check the --rules path' });
      else notes.push(`skipped: ${path} not found (pass --rules FILE|DIR)`);
      continue;
    }
    ruleFiles.push(...(statSync(path).isDirectory() ? ruleFilesIn(path) : [path]));
  }
  if (ruleFiles.length === 0 && options.rules.some(existsSync)) notes.push(`no rule files (*.yml, *.yaml) in ${options.rules.join(', ')}`);

  const promtool = findOnPath('promtool', options.path);
  const failedSyntax = new Set<string>();
  if (ruleFiles.length > 0) {
    if (promtool) {
      const runs = await Promise.all(ruleFiles.map((f) => promtoolCheckRules(promtool, f)));
      runs.forEach((run, i) => {
        if (!run.ok) failedSyntax.add(ruleFiles[i]!);
        findings.push(...run.findings);
      });
      notes.push(`promtool check rules: ${ruleFiles.length - failedSyntax.size} of ${plural(ruleFiles.length, 'file')} ok`);
    } else {
      notes.push('skipped: promtool not installed (rule syntax not checked; names still cross-checked)');
    }
  }

  // 3. names
  const models: RuleFileModel[] = ruleFiles.map((f) => parseRuleFile(readFileSync(f, 'utf8'), f));
  for (const model of models) {
    // promtool already said what is wrong with this file's YAML, in its own words.
    if (failedSyntax.has(model.file)) continue;
    for (const e of model.syntaxErrors) {
      findings.push({
        severity: 'error',
        file: model.file,
        line: e.line,
        column: e.column,
        message: `YAML syntax: ${e.message}`,
        fix: 'fix the YAML',
      });
    }
  }
  const rules = models.flatMap((m) => m.rules);
  const published = publishedMetrics(config);
  const result = crossCheck({
    configFile: options.config,
    ...(config ? { pools: configPools(options.config, config) } : {}),
    rules,
    rulesRead: ruleFiles.length > 0 && models.every((m) => m.syntaxErrors.length === 0),
    published,
    allowPools: options.allowPools,
  });
  findings.push(...result.findings);
  if (ruleFiles.length > 0) {
    const alerts = rules.filter((r) => r.kind === 'alert').length;
    notes.push(
      `names: ${plural(alerts, 'alert')} and ${plural(rules.length - alerts, 'recording rule')} ` +
        `in ${plural(ruleFiles.length, 'file')} cross-checked ` +
        `against ${config ? options.config : 'nothing (config invalid)'} and ${published.names.size} published metric names`,
    );
  }
  if (models.some((m) => m.syntaxErrors.length > 0)) {
    notes.push('not judged while a rule file does not parse: recording-rule names, and pools no rule reaches');
  }
  if (result.allowedPools.length > 0) {
    notes.push(
      `allowed: rules name pools not in ${options.config}: ${result.allowedPools.join(', ')} ` +
        `(--allow-pool ${options.allowPools.join(' ')}); they never fire without those pools`,
    );
  }

  // 4. Alertmanager
  const am = options.alertmanagerConfig;
  if (!existsSync(am)) {
    if (options.alertmanagerGiven)
      findings.push({ severity: 'error', file: am, message: 'Alertmanager config not found', fix: 'check the --alertmanager-config path' });
    else notes.push(`skipped: ${am} not found (pass --alertmanager-config FILE)`);
  } else {
    const amtool = findOnPath('amtool', options.path);
    if (amtool) {
      const run = await amtoolCheckConfig(amtool, am);
      findings.push(...run.findings);
      if (run.ok) notes.push(`amtool check-config: ${am} ok`);
    } else {
      notes.push('skipped: amtool not installed (Alertmanager config syntax not checked)');
    }
    findings.push(...alertmanagerFindings(readFileSync(am, 'utf8'), am, config?.receiver.listen ?? '127.0.0.1:9460'));
  }
  // What a rule edit would do is the next question once it is well-formed.
  notes.push(...replayHints(models.filter((m) => m.syntaxErrors.length === 0 && !failedSyntax.has(m.file))));
  return { findings, notes };
}

function ruleFilesIn(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => join(dir, f))
    .filter((f) => statSync(f).isFile());
}

/** The configured pools with the line each is defined on (the config already parsed, so this cannot fail). */
function configPools(file: string, config: Config): ConfigPool[] {
  const lc = new LineCounter();
  const doc = parseDocument(readFileSync(file, 'utf8'), { lineCounter: lc });
  const pools = doc.get('pools', true);
  const lines = new Map<string, number>();
  if (isMap(pools)) {
    for (const pair of pools.items) {
      const range = isScalar(pair.key) ? pair.key.range : undefined;
      if (isScalar(pair.key) && range) lines.set(String(pair.key.value), lc.linePos(range[0]).line);
    }
  }
  return Object.keys(config.pools).map((name) => ({ name, ...(lines.has(name) ? { line: lines.get(name)! } : {}) }));
}
