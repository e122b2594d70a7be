import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

/**
 * The npm workspace (one repository, one version): its root, the initializer `create-pipeline`
 * (what `npm init pipeline` installs: bundled, no dependencies) and the day-two CLI
 * `@create-pipeline/cli` (the `pipeline` bin, with the codemod engines), which a platform repo pins.
 */
export const WORKSPACE = {
  root: 'create-pipeline-workspace',
  initializer: { name: 'create-pipeline', dir: 'packages/create-pipeline', bin: 'create-pipeline' },
  cli: { name: '@create-pipeline/cli', dir: 'packages/cli', bin: 'pipeline' },
} as const;

const NAMES: readonly string[] = [WORKSPACE.initializer.name, WORKSPACE.cli.name, WORKSPACE.root];

/**
 * The folder of the package this code runs from: the installed (or packages/*) package from a
 * bundle in its dist/, the repository root from src/ (tests).
 */
export function packageRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && NAMES.includes(JSON.parse(readFileSync(manifest, 'utf8')).name)) return (root = dir);
    const parent = dirname(dir);
    if (parent === dir) throw new Error('create-pipeline: cannot find the package folder');
    dir = parent;
  }
}

/**
 * The repository's `.cache` (the dev venv, uv, lakeFS) when this code runs from the repository:
 * from src/ or from a workspace package's dist/. Null in an installed package.
 */
export function repositoryCache(): string | null {
  for (const dir of [packageRoot(), join(packageRoot(), '..', '..')]) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).name === WORKSPACE.root)
      return join(dir, '.cache');
  }
  return null;
}

/** A built bin of the workspace (from the repository: tests, benches, the demo). */
export function builtBin(bin: 'create-pipeline' | 'pipeline'): string {
  const pkg = bin === WORKSPACE.initializer.bin ? WORKSPACE.initializer : WORKSPACE.cli;
  return join(packageRoot(), pkg.dir, 'dist', `${bin}.js`);
}

export const templatesDir = (): string => join(packageRoot(), 'templates');

let version: string | undefined;

/** The workspace's version (read once: a new pipeline asks three times). */
export function cliVersion(): string {
  version ??= JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')).version as string;
  return version;
}
