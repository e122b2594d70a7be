// One repository, two packages (npm workspaces), one version: the initializer create-pipeline that
// `npm init pipeline` installs, and the day-two CLI @create-pipeline/cli that platform repos pin
// at exactly the initializer's version (so both must always be published together, at one version).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { packageRoot, WORKSPACE } from '../../src/paths.ts';

const manifest = (dir: string) => JSON.parse(readFileSync(join(packageRoot(), dir, 'package.json'), 'utf8'));

it('the root and both packages have one version', () => {
  const root = manifest('.');
  expect(root.name).toBe(WORKSPACE.root);
  expect(root.private).toBe(true);
  expect(root.workspaces).toEqual([WORKSPACE.initializer.dir, WORKSPACE.cli.dir]);
  for (const pkg of [WORKSPACE.initializer, WORKSPACE.cli]) {
    const m = manifest(pkg.dir);
    expect(m.name).toBe(pkg.name);
    expect(m.version, pkg.name).toBe(root.version);
    expect(m.bin).toEqual({ [pkg.bin]: `dist/${pkg.bin}.js` });
  }
});

it('the initializer has no dependencies; the CLI has the codemod engines and yaml (its public types use it), at the versions the root tests with', () => {
  expect(manifest(WORKSPACE.initializer.dir).dependencies).toBeUndefined();
  const cli = manifest(WORKSPACE.cli.dir).dependencies;
  expect(Object.keys(cli).sort()).toEqual(['@ast-grep/lang-python', '@ast-grep/napi', 'ts-morph', 'yaml']);
  for (const [name, version] of Object.entries(cli))
    expect(
      JSON.parse(readFileSync(join(packageRoot(), 'node_modules', name, 'package.json'), 'utf8')).version,
      name,
    ).toBe(version);
});
