import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { POLICIES } from '../../bench/quality/policies.js';

const ROOT = resolve(import.meta.dirname, '../..');
const TESTS = join(ROOT, 'bench/quality/rules/tests');
const run = promisify(execFile);

describe('bench/quality policies', () => {
  it('every policy rule file passes promtool check rules', async () => {
    const files = [...new Set(POLICIES.flatMap((p) => p.ruleFiles))];
    const { stdout } = await run('promtool', ['check', 'rules', ...files]);
    expect(stdout).not.toMatch(/FAILED/);
  });
  it.each(readdirSync(TESTS).filter((f) => f.endsWith('.test.yml')))('promtool test rules %s', async (file) => {
    const { stdout } = await run('promtool', ['test', 'rules', join(TESTS, file)]);
    expect(stdout).toMatch(/SUCCESS/);
  });
  it('shipped is exactly the demo rule files the stack loads', async () => {
    const { DEMO_RULE_FILES } = await import('../../prometheus/demo.js');
    expect(POLICIES.find((p) => p.id === 'shipped')?.ruleFiles).toEqual(DEMO_RULE_FILES);
  });
});
