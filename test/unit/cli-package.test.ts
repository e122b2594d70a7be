// The cli-package step of pipeline upgrade against its fixture cases (input/, expected/): a
// platform that pins create-pipeline (0.1) pins @create-pipeline/cli; every other byte is kept, and
// planned again on its own output it has nothing to do. (test/e2e/cli-package.test.ts runs it
// through pipeline upgrade, --dry-run and --commit.)
import { cpSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliVersion } from '../../src/paths.ts';
import { planCliPackage } from '../../src/upgrade/codemods/cli-package.ts';
import { readFiles, tempDir } from '../helpers/workspace.ts';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'codemods', 'cli-package');
// The expected files name the running CLI's version CLI_VERSION, so that a release changes no fixture.
const readAll = (dir: string) => readFiles(dir, (c) => c.replaceAll('CLI_VERSION', cliVersion()));

describe('platform step cli-package', () => {
  for (const name of readdirSync(FIXTURES).sort()) {
    it(`${name}: gives the expected files, and nothing to do the second time`, () => {
      const root = tempDir('cli-package-');
      cpSync(join(FIXTURES, name, 'input'), root, { recursive: true });
      const step = planCliPackage(root);
      expect(step).not.toBeNull();
      const input = readAll(join(FIXTURES, name, 'input'));
      const expected = readAll(join(FIXTURES, name, 'expected'));
      expect({ ...input, ...Object.fromEntries(step!.tree.changes().map((c) => [c.path, c.after])) }).toEqual(expected);
      for (const c of step!.tree.changes()) writeFileSync(join(root, c.path), c.after);
      expect(planCliPackage(root)).toBeNull();
    });
  }

  it('names what it cannot move: a script that runs create-pipeline through npx is a TODO', () => {
    const root = tempDir('cli-package-');
    cpSync(join(FIXTURES, 'own-scripts', 'input'), root, { recursive: true });
    expect(planCliPackage(root)!.todos).toEqual([
      expect.stringMatching(/^package\.json: the script new runs create-pipeline/),
    ]);
  });

  it('does nothing in a platform that pins the CLI already, or has no package.json', () => {
    const root = tempDir('cli-package-');
    expect(planCliPackage(root)).toBeNull();
    cpSync(join(FIXTURES, 'from-0.1', 'expected', 'package.json'), join(root, 'package.json'));
    expect(planCliPackage(root)).toBeNull();
  });
});
