import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DASHBOARDS_DIR } from '../../src/dashboards/generate.js';
import { renderDashboards, stableJson } from '../../src/dashboards/render.js';

const FIX = 'grafana/dashboards/ differs from the dashboard code: run `npm run dashboards` and commit the result';

describe('committed dashboards match the generator', () => {
  const rendered = renderDashboards();

  it.each(rendered.map((d) => [d.file, d.json] as const))('%s is byte-identical', async (file, json) => {
    const committed = await readFile(join(DASHBOARDS_DIR, file), 'utf8').catch(() => undefined);
    if (committed === undefined) expect.fail(`${file} is missing — ${FIX}`);
    // A plain boolean keeps the failure message short and actionable; the diff is one `git diff` away.
    if (committed !== json) expect.fail(`${file} — ${FIX}`);
  });

  it('no stale generated dashboard is left behind', async () => {
    const onDisk = (await readdir(DASHBOARDS_DIR)).filter((f) => f.endsWith('.json')).sort();
    expect(onDisk, FIX).toEqual(rendered.map((d) => d.file).sort());
  });

  it('rendering is deterministic and ends with a newline', () => {
    const again = renderDashboards();
    expect(again).toEqual(rendered);
    for (const d of rendered) expect(d.json.endsWith('}\n')).toBe(true);
  });

  it('stableJson sorts keys at every depth, keeps array order', () => {
    expect(stableJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: undefined } })).toBe(
      '{\n  "a": {\n    "d": [\n      3,\n      {\n        "y": 2,\n        "z": 1\n      }\n    ]\n  },\n  "b": 1\n}\n',
    );
  });

  it('every query names the provisioned datasource by uid', () => {
    for (const d of rendered) {
      const refs = [...d.json.matchAll(/"datasource": \{\s*"type": "([^"]+)",\s*"uid": "([^"]+)"/g)];
      expect(refs.length).toBeGreaterThan(0);
      for (const [, type, uid] of refs)
        expect({ file: d.file, type, uid }).toEqual({ file: d.file, type: 'prometheus', uid: 'alertscale-prometheus' });
    }
  });
});
