// `npm init pipeline` exactly as a user behind a company registry runs it: the workspace's two
// packages (the initializer create-pipeline and the day-two CLI @create-pipeline/cli) are packed and
// published to a local registry, then npm itself resolves, installs and runs the bins: the
// initializer makes a platform repo, whose `npm install` installs the CLI it pins, which `npx
// pipeline` then runs.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot, WORKSPACE } from '../../src/paths.ts';
import {
  coldInstall,
  formatInstall,
  npmClient,
  publishWorkspace,
  type Registry,
  startRegistry,
} from '../helpers/registry.ts';
import { git, tempDir } from '../helpers/workspace.ts';

let registry: Registry;
let npm: ReturnType<typeof npmClient>;
const version = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')).version as string;

/** A package's manifest as the registry serves it. */
function view(name: string): Record<string, unknown> {
  const result = npm(['view', `${name}@${version}`, '--json'], tempDir('view-'));
  expect(result.code, result.out).toBe(0);
  return JSON.parse(result.out.slice(result.out.indexOf('{'), result.out.lastIndexOf('}') + 1));
}

beforeAll(async () => {
  registry = await startRegistry(tempDir('registry-'));
  npm = npmClient(registry, tempDir('npm-home-'));
  publishWorkspace(npm);
});

afterAll(async () => {
  await registry?.stop();
});

describe('npm init pipeline, then the pinned CLI', () => {
  const dir = tempDir('npm-init-');

  it('npm init pipeline creates a platform repo and a pipeline from the published initializer', () => {
    const result = npm(
      [
        'init',
        '--yes',
        'pipeline',
        '--',
        '--platform',
        '--platform-name',
        'acme',
        '--name',
        'orders',
        '--owners',
        'analytics',
      ],
      dir,
    );
    expect(result.code, result.out).toBe(0);
    expect(result.out).toContain('Added pipeline orders (transform)');
    expect(existsSync(join(dir, 'pipelines/orders/src/orders/definitions.py'))).toBe(true);
    expect(git(dir, 'branch', '--show-current')).toBe('pipeline/orders');
    expect(git(dir, 'log', '--format=%s').split('\n')).toEqual([
      'feat(pipelines): add orders (python transform)',
      'chore: create the acme platform repo',
    ]);
    expect(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).devDependencies).toEqual({
      [WORKSPACE.cli.name]: version,
    });
  });

  it('npm install in the platform repo installs the pinned CLI, and npx pipeline runs it', () => {
    rmSync(join(dir, 'dg.toml'));
    const installed = npm(['install'], dir);
    expect(installed.code, installed.out).toBe(0);
    // Its postinstall ran the pinned CLI's pipeline sync, which wrote the derived dg.toml again.
    expect(existsSync(join(dir, 'dg.toml'))).toBe(true);
    expect(
      JSON.parse(readFileSync(join(dir, 'node_modules', WORKSPACE.cli.name, 'package.json'), 'utf8')).version,
    ).toBe(version);
    // The initializer is not a dependency of the platform repo.
    expect(existsSync(join(dir, 'node_modules', WORKSPACE.initializer.name))).toBe(false);

    // npx <bin> is npm exec -- <bin>: the bin of the platform repo's own node_modules.
    const versionOut = npm(['exec', '--', 'pipeline', '--version'], dir);
    expect(versionOut.code, versionOut.out).toBe(0);
    expect(versionOut.out.trim().split('\n')[0]).toBe(version);
    const check = npm(['exec', '--', 'pipeline', 'check'], dir);
    expect(check.code, check.out).toBe(0);
    expect(check.out).toContain('1 pipeline checked: no findings');
    const sync = npm(['exec', '--', 'pipeline', 'sync'], dir);
    expect(sync.code, sync.out).toBe(0);
    // The README's way to add a pipeline: the pinned CLI's pipeline new, at the platform's conventions.
    // As a platform team does once: the lockfile npm install wrote is committed on main.
    git(dir, 'checkout', '-q', 'main');
    git(dir, 'add', 'package-lock.json');
    git(dir, 'commit', '-q', '-m', 'chore: lock the pinned pipeline CLI');
    expect(git(dir, 'status', '--porcelain')).toBe('');
    const added = npm(
      [
        'exec',
        '--',
        'pipeline',
        'new',
        'orders_daily',
        '--template',
        'transform',
        '--owner',
        'analytics',
        '--schedule',
        '0 6 * * *',
      ],
      dir,
    );
    expect(added.code, added.out).toBe(0);
    expect(git(dir, 'branch', '--show-current')).toBe('pipeline/orders_daily');
    expect(readFileSync(join(dir, 'README.md'), 'utf8')).toContain('npx pipeline new ');
  });
});

describe('what npm init pipeline installs', () => {
  it('the initializer has no dependencies and one bin; the CLI has the codemod engines, yaml for its public types and the pipeline bin', () => {
    const initializer = view(WORKSPACE.initializer.name);
    expect(initializer.dependencies ?? {}).toEqual({});
    expect(initializer.bin).toEqual({ 'create-pipeline': 'dist/create-pipeline.js' });
    const cli = view(WORKSPACE.cli.name);
    expect(Object.keys(cli.dependencies as object).sort()).toEqual([
      '@ast-grep/lang-python',
      '@ast-grep/napi',
      'ts-morph',
      'yaml',
    ]);
    expect(cli.bin).toEqual({ pipeline: 'dist/pipeline.js' });
    expect(cli.version).toBe(version);
  });

  it('a cold npm install of the initializer is one package of a few MiB (the CLI, for comparison, is the engines)', () => {
    const initializer = coldInstall(registry, `${WORKSPACE.initializer.name}@${version}`);
    const cli = coldInstall(registry, `${WORKSPACE.cli.name}@${version}`);
    // Printed for the record (bench/install.ts prints the same); sizes are asserted, never times.
    console.log(`${formatInstall(initializer)}\n${formatInstall(cli)}`);
    expect(initializer.packages).toBe(1);
    expect(initializer.bytes).toBeLessThan(5 * 1024 * 1024);
    expect(cli.packages).toBeGreaterThan(initializer.packages);
    expect(cli.bytes).toBeGreaterThan(initializer.bytes * 4);
  });
});
