/** ANSI colour, only for a terminal and only when NO_COLOR is unset (https://no-color.org). */
export interface Style {
  enabled: boolean;
  bold(text: string): string;
  dim(text: string): string;
  inverse(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  blue(text: string): string;
  cyan(text: string): string;
  magenta(text: string): string;
}

export function shouldColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  return stream.isTTY === true && !env.NO_COLOR;
}

const sgr = (open: number, close: number) => (text: string) => (text ? `\x1b[${open}m${text}\x1b[${close}m` : text);

export function createStyle(enabled: boolean): Style {
  const on = (f: (t: string) => string) => (enabled ? f : (t: string) => t);
  return {
    enabled,
    bold: on(sgr(1, 22)),
    dim: on(sgr(2, 22)),
    inverse: on(sgr(7, 27)),
    red: on(sgr(31, 39)),
    green: on(sgr(32, 39)),
    yellow: on(sgr(33, 39)),
    blue: on(sgr(34, 39)),
    magenta: on(sgr(35, 39)),
    cyan: on(sgr(36, 39)),
  };
}

export const plain = createStyle(false);

/** Remove ANSI sequences (tests, width checks). */
export function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
}
