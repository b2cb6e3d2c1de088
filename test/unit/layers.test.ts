import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importCircles, importEdges, upwardImports, type Layers } from '../helpers/import-layers.js';

const SRC = resolve(import.meta.dirname, '../../src');

/** The layers of docs/ARCHITECTURE.md ("Modules and the layer order"), lowest first; `.` is src/repo-root.ts. */
const LAYERS: Layers = {
  '.': 0,
  config: 0,
  // What alertscale.yml may say about each executor kind: owned by executors/, read by config/schema.ts.
  'executors/schema.ts': 0,
  promql: 0,
  http: 0,
  alerts: 1,
  policy: 2,
  state: 3,
  executors: 3,
  silences: 3,
  exporter: 3,
  workers: 3,
  receiver: 4,
  demo: 4,
  dashboards: 4,
  cli: 5,
  replay: 5,
};

/** Exceptions to the layers, each with its reason; none today. The test fails when a listed one no longer holds. */
const KNOWN: { circles: string[]; upward: string[] } = { circles: [], upward: [] };

describe('the imports of src/ follow the layers', () => {
  const edges = importEdges(SRC);

  it('reads the real tree (hundreds of imports, type-only ones included)', () => {
    expect(edges.length).toBeGreaterThan(300);
    expect(edges).toContainEqual({ from: 'policy/types.ts', to: 'alerts/signal.ts' });
  });

  it('no import circle between files but the known ones', () => {
    expect(importCircles(edges)).toEqual(KNOWN.circles);
  });

  it('no import into a higher layer but the known ones, and every directory has its layer', () => {
    expect(upwardImports(edges, LAYERS)).toEqual(KNOWN.upward);
  });
});

describe('the check on a planted tree', () => {
  const root = mkdtempSync(join(tmpdir(), 'alertscale-layers-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const tree = (name: string, files: Record<string, string>) => {
    const dir = join(root, name);
    for (const [file, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, file)), { recursive: true });
      writeFileSync(join(dir, file), text);
    }
    return importEdges(dir);
  };
  const layers: Layers = { config: 0, policy: 2, receiver: 4 };
  const clean = {
    'config/schema.ts': 'export const x = 1;\n',
    'policy/decide.ts': "import { x } from '../config/schema.js';\nexport const y = x;\n",
    'receiver/app.ts': "import type { y } from '../policy/decide.js';\nexport const z = await import('./routes.js');\n",
    'receiver/routes.ts': 'export {};\n',
  };

  it('passes a tree that imports downward only', () => {
    const edges = tree('clean', clean);
    expect(edges).toHaveLength(3);
    expect(upwardImports(edges, layers)).toEqual([]);
    expect(importCircles(edges)).toEqual([]);
  });

  it('names a planted upward import, type-only included', () => {
    const edges = tree('upward', { ...clean, 'config/schema.ts': "import type { y } from '../policy/decide.js';\nexport const x = 1;\n" });
    expect(upwardImports(edges, layers)).toEqual(['config/schema.ts → policy/decide.ts']);
  });

  it('names a planted circle, through a dynamic import', () => {
    const edges = tree('circle', { ...clean, 'receiver/routes.ts': "export { z } from './app.js';\n" });
    expect(importCircles(edges)).toEqual(['receiver/app.ts ⇄ receiver/routes.ts']);
  });

  it('places a file listed by its path apart from its directory', () => {
    const files = {
      ...clean,
      'config/schema.ts': "import { s } from '../receiver/schema.ts';\nexport const x = s;\n",
      'receiver/schema.ts': 'export const s = 1;\n',
    };
    expect(upwardImports(tree('file-layer', files), { ...layers, 'receiver/schema.ts': 0 })).toEqual([]);
    const upward = { ...files, 'receiver/schema.ts': "import { z } from './routes.js';\nexport const s = z;\n" };
    expect(upwardImports(tree('file-layer-upward', upward), { ...layers, 'receiver/schema.ts': 0 })).toEqual([
      'receiver/schema.ts → receiver/routes.ts',
    ]);
  });

  it('names a directory without a layer', () => {
    const edges = tree('unplaced', { ...clean, 'extra/thing.ts': "import { x } from '../config/schema.js';\n" });
    expect(upwardImports(edges, layers)).toEqual(['extra/ has no layer in the table']);
  });
});
