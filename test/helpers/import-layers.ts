/**
 * The import-layer check of docs/ARCHITECTURE.md over a source tree: every relative import of every
 * .ts file (type-only, re-exports and dynamic `import()` included), parsed by the TypeScript
 * compiler's own pre-processor, then two rules: no import circle between files, and no import from
 * a directory to one of a higher layer.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

/**
 * Layer of each top-level directory of the tree (a file directly in the root is `.`), or of one file
 * given by its path (it then sits apart from its directory); lower imports nothing higher.
 */
export type Layers = Readonly<Record<string, number>>;

export interface ImportEdge {
  from: string;
  to: string;
}

function sourceFiles(root: string, dir = root): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(root, path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [relative(root, path)] : [];
  });
}

/** Every import between files of the tree, as paths relative to its root. */
export function importEdges(root: string): ImportEdge[] {
  return sourceFiles(root).flatMap((from) =>
    ts
      .preProcessFile(readFileSync(join(root, from), 'utf8'), true, true)
      .importedFiles.map((f) => f.fileName)
      .filter((spec) => spec.startsWith('.'))
      .map((spec) => ({ from, to: relative(root, resolve(root, dirname(from), spec.replace(/\.js$/, '.ts'))) }))
      .filter((e) => !e.to.startsWith('..')),
  );
}

/** The top-level directory a file is in (`.` for one directly in the root). */
export const area = (file: string) => (file.includes('/') ? file.slice(0, file.indexOf('/')) : '.');

/** Imports into a higher layer, and files whose layer is not written down, as `from → to` lines. */
export function upwardImports(edges: readonly ImportEdge[], layers: Layers): string[] {
  const problems = new Set<string>();
  const place = (file: string) => (layers[file] !== undefined ? file : area(file));
  for (const { from, to } of edges) {
    const [a, b] = [place(from), place(to)];
    for (const d of [a, b]) if (layers[d] === undefined) problems.add(`${d}/ has no layer in the table`);
    if (layers[a] !== undefined && layers[b] !== undefined && layers[b]! > layers[a]!) problems.add(`${from} → ${to}`);
  }
  return [...problems].sort();
}

/** The files of each import circle, as `a ⇄ b ⇄ …` (sorted): the strongly connected components of the import graph (Tarjan). */
export function importCircles(edges: readonly ImportEdge[]): string[] {
  const next = new Map<string, string[]>();
  for (const { from, to } of edges) next.set(from, [...(next.get(from) ?? []), to]);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const circles: string[] = [];
  const visit = (v: string) => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    for (let w = stack.pop()!; ; w = stack.pop()!) {
      onStack.delete(w);
      component.push(w);
      if (w === v) break;
    }
    if (component.length > 1 || (next.get(v) ?? []).includes(v)) circles.push(component.sort().join(' ⇄ '));
  };
  for (const v of [...next.keys()].sort()) if (!index.has(v)) visit(v);
  return circles.sort();
}
