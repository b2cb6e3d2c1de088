/** A config file that failed validation: every problem, each with its file, line and path. */
export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: readonly ConfigProblem[],
  ) {
    super(`${file}: ${problems.length} problem(s) in the configuration\n${problems.map(formatProblem).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export interface ConfigProblem {
  file: string;
  /** Dotted path in the document, e.g. `pools.demo.cooldown.up`. */
  path: string;
  message: string;
  line?: number;
  column?: number;
}

export function formatProblem(p: ConfigProblem): string {
  const where = p.line ? `${p.file}:${p.line}:${p.column ?? 1}` : p.file;
  return `  ${where}: ${p.path || '(top level)'}: ${p.message}`;
}
