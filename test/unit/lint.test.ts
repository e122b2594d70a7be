// The TypeScript house style, enforced: Biome's formatter and linter (biome.json) over every
// source, test, script and bench file. `npm run lint` shows the same; `npm run format` fixes it.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { packageRoot } from '../../src/paths.ts';

it('biome finds nothing to format and nothing to lint', () => {
  const biome = join(packageRoot(), 'node_modules', '@biomejs', 'biome', 'bin', 'biome');
  const result = spawnSync(process.execPath, [biome, 'ci', '--colors=off', '.'], {
    cwd: packageRoot(),
    encoding: 'utf8',
  });
  expect(result.status, `${result.stdout}\n${result.stderr}`).toBe(0);
  expect(result.stdout + result.stderr).toMatch(/Checked \d+ files/);
});
