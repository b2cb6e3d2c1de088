/**
 * The part of Prometheus' alert templating (Go text/template) that scaling rules use:
 * `{{ $value }}`, `{{ $labels.pool }}`, `{{ .Value }}`, `{{ .Labels.x }}`, `{{ $externalLabels.x }}`
 * and pipes into humanize, humanize1024, humanizePercentage, humanizeDuration, printf "%.Nf".
 * Numbers print as Go's `%v` does (1.234567e+06, not 1234567), checked against promtool. Pure.
 */

export interface TemplateData {
  labels: Readonly<Record<string, string>>;
  value: number;
  externalLabels?: Readonly<Record<string, string>>;
}

export class TemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateError';
  }
}

type Value = string | number;

/** Expand every `{{ … }}` action of `text`; throws TemplateError on what replay cannot expand. */
export function expandTemplate(text: string, data: TemplateData): string {
  return text.replace(/\{\{-?\s*([\s\S]*?)\s*-?\}\}/g, (_all, action: string) => print(evalPipeline(action, data)));
}

function evalPipeline(action: string, data: TemplateData): Value {
  const [head, ...pipes] = splitPipes(action);
  let value = operand(head!.trim(), data);
  for (const pipe of pipes) value = call(pipe.trim(), value);
  return value;
}

/** `|` outside string literals. */
function splitPipes(action: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quote: string | null = null;
  for (const ch of action) {
    if (quote) {
      if (ch === quote) quote = null;
    } else if (ch === '"' || ch === '`') quote = ch;
    else if (ch === '|') {
      parts.push(current);
      current = '';
      continue;
    }
    current += ch;
  }
  parts.push(current);
  return parts;
}

function operand(text: string, data: TemplateData): Value {
  if (text === '$value' || text === '.Value') return data.value;
  const label = /^(?:\$labels|\.Labels)\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(text);
  if (label) return data.labels[label[1]!] ?? '';
  const external = /^(?:\$externalLabels|\.ExternalLabels)\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(text);
  if (external) return data.externalLabels?.[external[1]!] ?? '';
  const literal = /^"((?:[^"\\]|\\.)*)"$/.exec(text);
  if (literal) return literal[1]!.replace(/\\(.)/g, '$1');
  if (/^-?\d+(?:\.\d+)?(?:e[+-]?\d+)?$/i.test(text)) return Number(text);
  const printf = /^printf\s+"([^"]*)"\s+(.+)$/.exec(text);
  if (printf) return sprintf(printf[1]!, operand(printf[2]!.trim(), data));
  throw new TemplateError(
    `replay cannot expand {{ ${text} }}; it knows $value, $labels.NAME, .Value, .Labels.NAME and the humanize functions`,
  );
}

function call(name: string, value: Value): Value {
  const printf = /^printf\s+"([^"]*)"$/.exec(name);
  if (printf) return sprintf(printf[1]!, value);
  const n = typeof value === 'number' ? value : Number(value);
  switch (name) {
    case 'humanize':
      return humanize(n);
    case 'humanize1024':
      return humanize1024(n);
    case 'humanizePercentage':
      return `${formatG(n * 100, 4)}%`;
    case 'humanizeDuration':
      return humanizeDuration(n);
    case 'toUpper':
      return String(value).toUpperCase();
    case 'toLower':
      return String(value).toLowerCase();
    default:
      throw new TemplateError(`replay cannot expand the template function ${JSON.stringify(name)}`);
  }
}

function print(value: Value): string {
  return typeof value === 'number' ? formatGoFloat(value) : value;
}

/** Go's `%v` of a float64: shortest digits, exponent form below 1e-4 and from 1e6 on (%g's rule). */
export function formatGoFloat(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? '+Inf' : '-Inf';
  if (n === 0) return Object.is(n, -0) ? '-0' : '0';
  const [mantissa, exp] = splitExponential(n.toExponential());
  return exp < -4 || exp >= 6 ? goExponent(mantissa, exp) : String(n);
}

/** Go's `%.Pg`: P significant digits, trailing zeros dropped, exponent form when exp < -4 or ≥ P. */
export function formatG(n: number, precision: number): string {
  if (!Number.isFinite(n)) return Number.isNaN(n) ? 'NaN' : n > 0 ? '+Inf' : '-Inf';
  if (n === 0) return '0';
  const [mantissa, exp] = splitExponential(n.toExponential(precision - 1));
  const trimmed = mantissa.includes('.') ? mantissa.replace(/\.?0+$/, '') : mantissa;
  if (exp < -4 || exp >= precision) return goExponent(trimmed, exp);
  return String(Number(n.toPrecision(precision)));
}

function splitExponential(text: string): [string, number] {
  const [m, e] = text.split('e');
  return [m!, Number(e)];
}

function goExponent(mantissa: string, exp: number): string {
  const sign = exp < 0 ? '-' : '+';
  return `${mantissa}e${sign}${String(Math.abs(exp)).padStart(2, '0')}`;
}

const SI_UP = ['', 'k', 'M', 'G', 'T', 'P', 'E', 'Z', 'Y'];
const SI_DOWN = ['', 'm', 'u', 'n', 'p', 'f', 'a', 'z', 'y'];

function humanize(v: number): string {
  if (v === 0 || !Number.isFinite(v)) return formatG(v, 4);
  if (Math.abs(v) >= 1) {
    let i = 0;
    while (Math.abs(v) >= 1000 && i < SI_UP.length - 1) {
      v /= 1000;
      i++;
    }
    return `${formatG(v, 4)}${SI_UP[i]}`;
  }
  let i = 0;
  while (Math.abs(v) < 1 && i < SI_DOWN.length - 1) {
    v *= 1000;
    i++;
  }
  return `${formatG(v, 4)}${SI_DOWN[i]}`;
}

function humanize1024(v: number): string {
  if (Math.abs(v) <= 1 || !Number.isFinite(v)) return formatG(v, 4);
  const units = ['', 'ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei', 'Zi', 'Yi'];
  let i = 0;
  while (Math.abs(v) >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${formatG(v, 4)}${units[i]}`;
}

function humanizeDuration(v: number): string {
  if (!Number.isFinite(v)) return formatG(v, 4);
  if (v === 0) return '0s';
  if (Math.abs(v) < 1) {
    let i = 0;
    while (Math.abs(v) < 1 && i < 3) {
      v *= 1000;
      i++;
    }
    return `${formatG(v, 4)}${['', 'ms', 'us', 'ns'][i]}s`.replace(/ss$/, 's');
  }
  const sign = v < 0 ? '-' : '';
  const total = Math.abs(v);
  const seconds = Math.floor(total) % 60;
  const minutes = Math.floor(total / 60) % 60;
  const hours = Math.floor(total / 3600) % 24;
  const days = Math.floor(total / 86400);
  if (days !== 0) return `${sign}${days}d ${hours}h ${minutes}m ${seconds}s`;
  if (hours !== 0) return `${sign}${hours}h ${minutes}m ${seconds}s`;
  if (minutes !== 0) return `${sign}${minutes}m ${seconds}s`;
  return `${sign}${formatG(total, 4)}s`;
}

function sprintf(format: string, value: Value): string {
  return format.replace(/%(\.(\d+))?([fdsvg])/g, (_m, _p, digits: string | undefined, verb: string) => {
    const n = typeof value === 'number' ? value : Number(value);
    if (verb === 'f') return n.toFixed(digits === undefined ? 6 : Number(digits));
    if (verb === 'd') return String(Math.trunc(n));
    if (verb === 'g') return digits === undefined ? formatGoFloat(n) : formatG(n, Number(digits));
    return print(value);
  });
}
