import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderDashboards } from '../../src/dashboards/render.js';

/** README's panel table says what each panel answers; it must list exactly the panels that exist. */
describe('README "Dashboards" panel table', () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf('\n## Dashboards'), readme.indexOf('\n## ', readme.indexOf('\n## Dashboards') + 1));
  const rows = [...section.matchAll(/^\| [^|]+ \| ([^|]+) \| ([^|]+) \| (.+) \|$/gm)]
    .filter((m) => m[1] !== 'row' && !(m[1] as string).startsWith('---'))
    .map((m) => ({ row: (m[1] as string).trim(), title: (m[2] as string).trim(), question: (m[3] as string).trim() }));

  const panels = renderDashboards().flatMap((d) => {
    let row = '';
    return (JSON.parse(d.json) as { panels: { type: string; title: string; description?: string }[] }).panels.flatMap((p) => {
      if (p.type === 'row') {
        row = p.title;
        return [];
      }
      return [{ row, title: p.title, question: p.description ?? '' }];
    });
  });

  it('has one row per panel, with the panel description as the question', () => {
    expect(panels.length).toBeGreaterThan(20);
    expect(rows).toEqual(panels);
  });
});
