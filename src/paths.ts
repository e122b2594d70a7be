import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

/** The create-pipeline package folder: works from src/ (tests) and from the bundled dist/. */
export function packageRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).name === 'create-pipeline') return (root = dir);
    const parent = dirname(dir);
    if (parent === dir) throw new Error('create-pipeline: cannot find the package folder');
    dir = parent;
  }
}

export const templatesDir = (): string => join(packageRoot(), 'templates');

export function cliVersion(): string {
  return JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')).version;
}
