/** What `alertscale check` reports: one line per finding, `file:line: severity: what is wrong; the fix`. */
export type Severity = 'error' | 'warning';

export interface Finding {
  severity: Severity;
  file: string;
  line?: number;
  column?: number;
  /** What is wrong. */
  message: string;
  /** What to do about it (omitted when the message already says). */
  fix?: string;
}

export function formatFinding(f: Finding): string {
  const where = f.line ? `${f.file}:${f.line}${f.column ? `:${f.column}` : ''}` : f.file;
  return `${where}: ${f.severity}: ${f.message}${f.fix ? `; ${f.fix}` : ''}`;
}

/** Findings in file and line order (a stable sort keeps a file's own order for equal lines). */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort((a, b) => (a.file === b.file ? (a.line ?? 0) - (b.line ?? 0) : a.file < b.file ? -1 : 1));
}

export function summaryLine(findings: readonly Finding[]): string {
  const errors = findings.filter((f) => f.severity === 'error').length;
  const warnings = findings.length - errors;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return `check: ${errors === 0 ? 'ok' : 'FAILED'}: ${plural(errors, 'error')}, ${plural(warnings, 'warning')}`;
}
