// A platform repo made by create-pipeline 0.1 pins `create-pipeline` (which then shipped the
// pipeline bin too); `pipeline upgrade` moves the pin to `@create-pipeline/cli`, the package the
// bin lives in now, so that the platform ends up exactly where a new one starts.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliVersion } from '../../src/paths.ts';
import { createPipeline, runBin } from '../helpers/cli.ts';
import { git, tempDir } from '../helpers/workspace.ts';

/** package.json and the README's first passage as create-pipeline 0.1 generated them. */
const OLD_SCRIPTS = '"new-pipeline": "create-pipeline",';
const OLD_README = [
  'repo is a `dg` workspace. They are made, kept current and sandboxed with the `create-pipeline` CLI,',
  'pinned in `package.json` so that everyone runs the same version:',
  '',
  '```sh',
  'npm install                       # once: installs the pinned CLI and runs `pipeline sync`',
  'npx create-pipeline               # a new pipeline on its own git branch (asks, or takes flags)',
].join('\n');

/** A new platform, then its package.json and README put back to what 0.1 wrote; returns the new ones. */
function platformOf01(devDependencies: string): { dir: string; pkg: string; readme: string } {
  const dir = tempDir('cli-package-');
  const created = createPipeline(['--platform', '--platform-name', 'acme', '--owners', 'analytics'], dir);
  expect(created.code, created.stderr).toBe(0);
  const pkg = readFileSync(join(dir, 'package.json'), 'utf8');
  const readme = readFileSync(join(dir, 'README.md'), 'utf8');
  const scripts = pkg.slice(0, pkg.indexOf('  "devDependencies"'));
  expect(scripts).toContain('"new-pipeline": "pipeline new",');
  writeFileSync(
    join(dir, 'package.json'),
    `${scripts.replace('"new-pipeline": "pipeline new",', OLD_SCRIPTS)}  "devDependencies": ${devDependencies}\n}\n`,
  );
  const [head, tail] = [
    readme.slice(0, readme.indexOf('repo is a `dg` workspace.')),
    readme.slice(readme.indexOf('npx pipeline new ') + readme.slice(readme.indexOf('npx pipeline new ')).indexOf('\n')),
  ];
  writeFileSync(join(dir, 'README.md'), `${head}${OLD_README}${tail}`);
  git(dir, 'commit', '-q', '-am', 'chore: as create-pipeline 0.1 made it');
  return { dir, pkg, readme };
}

describe('pipeline upgrade in a platform that pins create-pipeline', () => {
  it('pins @create-pipeline/cli instead, and the scripts and README run pipeline new: the files a new platform has', () => {
    const { dir, pkg, readme } = platformOf01(`{\n    "create-pipeline": "0.1.0"\n  }`);
    const before = readFileSync(join(dir, 'package.json'), 'utf8');

    const dry = runBin('pipeline', ['upgrade', '--dry-run'], dir);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('-    "create-pipeline": "0.1.0"');
    expect(dry.stdout).toContain(`+    "@create-pipeline/cli": "${cliVersion()}"`);
    expect(dry.stdout).toContain('would pin @create-pipeline/cli');
    expect(readFileSync(join(dir, 'package.json'), 'utf8')).toBe(before);

    const result = runBin('pipeline', ['upgrade', '--commit'], dir);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(
      `platform: cli-package: package.json pins @create-pipeline/cli ${cliVersion()} instead of create-pipeline`,
    );
    expect(readFileSync(join(dir, 'package.json'), 'utf8')).toBe(pkg);
    expect(readFileSync(join(dir, 'README.md'), 'utf8')).toBe(readme);
    expect(git(dir, 'log', '-1', '--format=%s')).toBe('chore(upgrade): pin @create-pipeline/cli, the pipeline CLI');
    expect(git(dir, 'status', '--porcelain')).toBe('');

    // Twice changes nothing.
    const again = runBin('pipeline', ['upgrade'], dir);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).not.toContain('cli-package');
    expect(readFileSync(join(dir, 'package.json'), 'utf8')).toBe(pkg);
  });

  it('drops create-pipeline when the CLI is pinned already (npm install -D @create-pipeline/cli first), keeping its version', () => {
    const { dir } = platformOf01(`{\n    "@create-pipeline/cli": "9.9.9",\n    "create-pipeline": "0.1.0"\n  }`);
    const result = runBin('pipeline', ['upgrade'], dir);
    expect(result.code, result.stderr).toBe(0);
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    expect(pkg.devDependencies).toEqual({ '@create-pipeline/cli': '9.9.9' });
    expect(pkg.scripts['new-pipeline']).toBe('pipeline new');
  });
});
