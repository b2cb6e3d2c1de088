import { describe, expect, it } from 'vitest';
import { expandTemplate, TemplateError } from '../../src/replay/template.js';

const data = (value: number) => ({ labels: { pool: 'demo' }, value });

// Expected texts are what Prometheus 2.42 printed for the same templates (promtool test rules).
describe('alert templating', () => {
  it.each([
    ['{{ $value }}', 3, '3'],
    ['{{ $value }}', 2.5, '2.5'],
    ['{{ $value }}', 1234567, '1.234567e+06'],
    ['{{ $value }}', 100000, '100000'],
    ['{{ $value }}', 0.0000123, '1.23e-05'],
    ['{{ $value | humanize }}', 1234567, '1.235M'],
    ['{{ $value | humanizePercentage }}', 1234567, '1.235e+08%'],
    ['{{ $value | humanizePercentage }}', 0.734, '73.4%'],
    ['{{ $value | humanizeDuration }}', 1234567, '14d 6h 56m 7s'],
    ['{{ $value | humanizeDuration }}', 330, '5m 30s'],
    ['Pool {{ $labels.pool }}: target {{ $value }}', 4, 'Pool demo: target 4'],
    ['{{ .Labels.pool }}/{{ .Value }}', 2, 'demo/2'],
    ['{{ printf "%.0f" $value }}', 2.6, '3'],
  ])('%s of %s → %s', (template, value, expected) => {
    expect(expandTemplate(template, data(value))).toBe(expected);
  });

  it('an unknown construct is an error naming it, not a silent blank', () => {
    expect(() => expandTemplate('{{ range $x }}', data(1))).toThrow(TemplateError);
    expect(() => expandTemplate('{{ $value | title }}', data(1))).toThrow(/title/);
  });
});
