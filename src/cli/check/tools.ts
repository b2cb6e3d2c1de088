/**
 * promtool and amtool, run when installed (argv through runArgv, never a shell), their complaints
 * turned into findings on the file they name.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { runArgv } from '../../executors/run.js';
import type { Finding } from './findings.js';

const TOOL_TIMEOUT_MS = 30_000;

/** The executable `name` would run as, or undefined when it is not on PATH. */
export function findOnPath(name: string, path = process.env.PATH ?? ''): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Result of one tool run on one file: findings, or none when it passed. */
export interface ToolRun {
  ok: boolean;
  findings: Finding[];
}

export async function promtoolCheckRules(bin: string, file: string): Promise<ToolRun> {
  const result = await runArgv([bin, 'check', 'rules', file], { timeoutMs: TOOL_TIMEOUT_MS });
  if (result.ok) return { ok: true, findings: [] };
  const findings = promtoolFindings(result.outputTail, file);
  if (findings.length === 0)
    findings.push({ severity: 'error', file, message: `promtool check rules failed: ${result.error ?? 'no output'}` });
  return { ok: false, findings };
}

export async function amtoolCheckConfig(bin: string, file: string): Promise<ToolRun> {
  const result = await runArgv([bin, 'check-config', file], { timeoutMs: TOOL_TIMEOUT_MS });
  if (result.ok) return { ok: true, findings: [] };
  const findings = amtoolFindings(result.outputTail, file);
  if (findings.length === 0)
    findings.push({ severity: 'error', file, message: `amtool check-config failed: ${result.error ?? 'no output'}` });
  return { ok: false, findings };
}

/**
 * promtool's lines for `file`: `F: 5:15: group "x", rule 1, "A": could not parse expression: …`
 * or `F: yaml: line 3: …`; progress lines (Checking, FAILED:, SUCCESS) dropped, repeats merged.
 */
export function promtoolFindings(output: string, file: string): Finding[] {
  const fix = `edit the rule until \`promtool check rules ${file}\` passes`;
  const seen = new Set<string>();
  const findings: Finding[] = [];
  for (const raw of output.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('Checking ') || /^(FAILED|SUCCESS)\b/.test(line) || seen.has(line)) continue;
    seen.add(line);
    const rest = line.startsWith(`${file}: `) ? line.slice(file.length + 2) : line;
    const at = /^(\d+):(\d+): (.*)$/.exec(rest);
    const yaml = /^yaml: line (\d+): (.*)$/.exec(rest);
    if (at) findings.push({ severity: 'error', file, line: Number(at[1]), column: Number(at[2]), message: `promtool: ${at[3]}`, fix });
    else if (yaml) findings.push({ severity: 'error', file, line: Number(yaml[1]), message: `promtool: YAML: ${yaml[2]}`, fix });
    else findings.push({ severity: 'error', file, message: `promtool: ${rest}`, fix });
  }
  return findings;
}

/** amtool's verdict: `Checking 'F'  FAILED: undefined receiver "nope" used in route`. */
export function amtoolFindings(output: string, file: string): Finding[] {
  const fix = `edit it until \`amtool check-config ${file}\` passes`;
  const findings: Finding[] = [];
  for (const raw of output.split('\n')) {
    const failed = /FAILED: (.*)$/.exec(raw.trim());
    if (!failed) continue;
    const yaml = /^yaml: line (\d+): (.*)$/.exec(failed[1]!);
    findings.push(
      yaml
        ? { severity: 'error', file, line: Number(yaml[1]), message: `amtool: YAML: ${yaml[2]}`, fix }
        : { severity: 'error', file, message: `amtool: ${failed[1]}`, fix },
    );
  }
  return findings;
}
