// The layers of docs/architecture.md, enforced: imports only point down (or sideways within a
// layer), and no module imports itself through others. A new upward import or cycle fails here
// with the import that made it, so the house stays readable as it grows.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';
import { expect, it } from 'vitest';
import { packageRoot } from '../../src/paths.ts';

const ROOT = packageRoot();

/** Layers from the top (the bins) down to the ground; the longest matching prefix places a file. */
const LAYERS: [number, string[]][] = [
  [9, ['src/cli/', 'src/public.ts']],
  [8, ['src/commands/']],
  [
    7,
    [
      'src/create/',
      'src/add/',
      'src/check/',
      'src/upgrade/',
      'src/sandbox/',
      'src/generate/',
      'src/sync/',
      'src/resolve/',
    ],
  ],
  [6, ['generators/']],
  [5, ['src/upgrade/engines/']],
  [4, ['src/render/', 'src/conventions/']],
  [3, ['src/options/', 'src/validate/', 'src/yaml/', 'src/tree/', 'src/git.ts']],
  [
    1,
    [
      'src/errors.ts',
      'src/paths.ts',
      'src/text.ts',
      'src/output.ts',
      'src/text-key.ts',
      'src/child-process.ts',
      'src/import-at-run-time.ts',
      'src/user-cache.ts',
    ],
  ],
];

function layerOf(file: string): number {
  let best: [number, number] = [-1, -1];
  for (const [rank, prefixes] of LAYERS)
    for (const prefix of prefixes) if (file.startsWith(prefix) && prefix.length > best[1]) best = [rank, prefix.length];
  if (best[0] < 0) throw new Error(`${file} is in no layer: add its folder to LAYERS and to docs/architecture.md`);
  return best[0];
}

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts'))
    .map((e) => relative(ROOT, join(e.parentPath, e.name)).split(sep).join('/'));
}

/** Each source file's imports of other source files (static and dynamic), read by TypeScript's own pre-processor. */
function importGraph(): Map<string, string[]> {
  const files = [...sources('src'), ...sources('generators')];
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const info = ts.preProcessFile(readFileSync(join(ROOT, file), 'utf8'), true, true);
    const targets = info.importedFiles
      .map((i) => i.fileName)
      .filter((name) => name.startsWith('.'))
      .map((name) =>
        relative(ROOT, resolve(ROOT, dirname(file), name))
          .split(sep)
          .join('/'),
      )
      .filter((target) => known.has(target));
    graph.set(file, targets);
  }
  return graph;
}

it('imports only point down the layers', () => {
  const upward: string[] = [];
  for (const [file, targets] of importGraph())
    for (const target of targets)
      if (layerOf(target) > layerOf(file)) upward.push(`${file} imports ${target} (a higher layer)`);
  expect(upward).toEqual([]);
});

it('no module imports itself through others', () => {
  const graph = importGraph();
  const state = new Map<string, 'open' | 'done'>();
  const cycles: string[] = [];
  const visit = (file: string, path: string[]) => {
    if (state.get(file) === 'done') return;
    if (state.get(file) === 'open') {
      cycles.push([...path.slice(path.indexOf(file)), file].join(' -> '));
      return;
    }
    state.set(file, 'open');
    for (const target of graph.get(file) ?? []) visit(target, [...path, file]);
    state.set(file, 'done');
  };
  for (const file of graph.keys()) visit(file, []);
  expect(cycles).toEqual([]);
});

it('the checks see real imports (a file of the top layer imports one below)', () => {
  const graph = importGraph();
  expect(graph.get('src/cli/pipeline.ts')?.length ?? 0).toBeGreaterThan(0);
  expect(layerOf('src/upgrade/engines/python.ts')).toBeLessThan(layerOf('generators/add/job.ts'));
});
