// `npm init pipeline` exactly as a user behind a company registry runs it: the package is packed
// and published to a local registry, then npm itself resolves, installs and runs the bin.
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { packageRoot } from '../../src/paths.ts';
import { GIT_IDENTITY } from '../helpers/cli.ts';
import { type Registry, startRegistry } from '../helpers/registry.ts';
import { git, tempDir } from '../helpers/workspace.ts';

let registry: Registry;
let npmrc: string;
let cache: string;

function npm(args: string[], cwd: string) {
  const result = spawnSync('npm', args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, ...GIT_IDENTITY, CI: 'true', npm_config_userconfig: npmrc, npm_config_cache: cache, npm_config_registry: registry.url, npm_config_update_notifier: 'false', npm_config_audit: 'false', npm_config_fund: 'false' },
    timeout: 240_000,
  });
  return { code: result.status ?? -1, out: `${result.stdout}\n${result.stderr}` };
}

beforeAll(async () => {
  registry = await startRegistry(tempDir('registry-'));
  npmrc = join(tempDir('npmrc-'), '.npmrc');
  cache = tempDir('npm-cache-');
  writeFileSync(npmrc, `registry=${registry.url}/\n//${registry.url.replace(/^http:\/\//, '')}/:_authToken=${registry.token}\n`);
  const published = npm(['publish', '--ignore-scripts', '--access', 'public'], packageRoot());
  expect(published.code, published.out).toBe(0);
});

afterAll(async () => {
  await registry?.stop();
});

it('npm init pipeline creates a platform repo and a pipeline from the published package', () => {
  const dir = tempDir('npm-init-');
  const result = npm(['init', '--yes', 'pipeline', '--', '--platform', '--platform-name', 'acme', '--name', 'orders', '--owners', 'analytics'], dir);
  expect(result.code, result.out).toBe(0);
  expect(result.out).toContain('Added pipeline orders (transform)');
  expect(existsSync(join(dir, 'pipelines/orders/src/orders/definitions.py'))).toBe(true);
  expect(git(dir, 'branch', '--show-current')).toBe('pipeline/orders');
  expect(git(dir, 'log', '--format=%s').split('\n')).toEqual(['feat(pipelines): add orders (python transform)', 'chore: create the acme platform repo']);
});

it('the published package depends only on what pipeline upgrade loads lazily (ast-grep, ts-morph)', () => {
  const view = npm(['view', 'create-pipeline', '--json'], packageRoot());
  expect(view.code, view.out).toBe(0);
  const meta = JSON.parse(view.out.slice(view.out.indexOf('{'), view.out.lastIndexOf('}') + 1));
  expect(Object.keys(meta.dependencies ?? {}).sort()).toEqual(['@ast-grep/lang-python', '@ast-grep/napi', 'ts-morph']);
  expect(meta.bin).toEqual({ 'create-pipeline': 'dist/create-pipeline.js', pipeline: 'dist/pipeline.js' });
});
