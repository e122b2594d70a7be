// A real local npm registry (Verdaccio) on a free loopback port. It serves the packages the test
// publishes, and proxies everything else to the registry npm is configured with, the way a
// company registry serves its internal packages next to the public ones.
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot, WORKSPACE } from '../../src/paths.ts';
import { freePort } from '../../src/sandbox/ui.ts';
import { GIT_IDENTITY } from './cli.ts';
import { answers, waitUntil } from './wait.ts';

export interface Registry {
  url: string;
  token: string;
  /** Verdaccio's log so far: every request, and each request to its upstream with how it ended. */
  log: () => string;
  stop: () => Promise<void>;
}

/** The registry npm is configured with on this machine: the local one proxies it, as a company registry does. */
function upstreamRegistry(): string {
  return execFileSync('npm', ['config', 'get', 'registry'], { encoding: 'utf8' }).trim();
}

export async function startRegistry(dir: string): Promise<Registry> {
  const port = await freePort();
  const upstream = upstreamRegistry();
  const config = join(dir, 'config.yaml');
  writeFileSync(
    config,
    [
      `storage: ${join(dir, 'storage')}`,
      'auth:',
      '  htpasswd:',
      `    file: ${join(dir, 'htpasswd')}`,
      'uplinks:',
      '  upstream:',
      `    url: ${upstream}`,
      'packages:',
      // The workspace's two packages are served from here only, never proxied.
      "  'create-pipeline':",
      '    access: $all',
      '    publish: $authenticated',
      "  '@create-pipeline/*':",
      '    access: $all',
      '    publish: $authenticated',
      "  '**':",
      '    access: $all',
      '    publish: $authenticated',
      '    proxy: upstream',
      `log: { type: file, path: ${join(dir, 'verdaccio.log')}, level: http }`,
      'publish:',
      '  allow_offline: true',
      '',
    ].join('\n'),
  );
  const bin = join(packageRoot(), 'node_modules', 'verdaccio', 'bin', 'verdaccio');
  const child: ChildProcess = spawn(process.execPath, [bin, '--config', config, '--listen', `127.0.0.1:${port}`], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const url = `http://127.0.0.1:${port}`;
  // Until it answers or exits.
  await waitUntil(`the local registry to answer on ${url}`, 250, async () => {
    if (await answers(`${url}/-/ping`)) return true;
    if (child.exitCode !== null) throw new Error(`verdaccio exited (${child.exitCode}) before it answered:\n${output}`);
    return undefined;
  });
  // A user, as `npm adduser` would make one; its token publishes.
  const response = await fetch(`${url}/-/user/org.couchdb.user:ci`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      name: 'ci',
      password: 'ci-password-123',
      type: 'user',
      roles: [],
      date: new Date().toISOString(),
    }),
  });
  const { token } = (await response.json()) as { token: string };
  if (!token) throw new Error(`verdaccio gave no token (${response.status})`);
  return {
    url,
    token,
    log: () =>
      `${output}${existsSync(join(dir, 'verdaccio.log')) ? readFileSync(join(dir, 'verdaccio.log'), 'utf8') : ''}`,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

export { freePort };

/**
 * npm as a user behind this registry runs it: its own user config (the registry and the publish
 * token) and cache, no update notifier, audit or funding lines.
 */
export function npmClient(
  registry: Registry,
  home: string,
): (args: string[], cwd: string) => { code: number; out: string } {
  const npmrc = join(home, '.npmrc');
  const cache = join(home, 'npm-cache');
  writeFileSync(
    npmrc,
    `registry=${registry.url}/\n//${registry.url.replace(/^http:\/\//, '')}/:_authToken=${registry.token}\n`,
  );
  return (args, cwd) => {
    const result = spawnSync('npm', args, {
      cwd,
      encoding: 'utf8',
      env: {
        ...process.env,
        ...GIT_IDENTITY,
        CI: 'true',
        npm_config_userconfig: npmrc,
        npm_config_cache: cache,
        npm_config_registry: registry.url,
        npm_config_update_notifier: 'false',
        npm_config_audit: 'false',
        npm_config_fund: 'false',
      },
      timeout: 600_000,
    });
    // A failure shows the registry's side too: npm says only 404 where the upstream failed (as
    // `self-signed certificate in certificate chain` without the machine's NODE_EXTRA_CA_CERTS).
    const log =
      result.status === 0
        ? ''
        : registry
            .log()
            .split('\n')
            .filter((line) => /^(warn|error)|error:|^http --- /.test(line))
            .slice(-40)
            .join('\n');
    return {
      code: result.status ?? -1,
      out: `${result.stdout}\n${result.stderr}${log ? `\n--- the local registry's log:\n${log}` : ''}`,
    };
  };
}

/**
 * Publishes the workspace's two packages as built (run npm run build first): each from a copy that
 * holds the last build's dist/ files only (dist/files.json), not what else dist/ may hold (a
 * build's leftovers, a file put there by hand).
 */
export function publishWorkspace(npm: ReturnType<typeof npmClient>): void {
  for (const pkg of [WORKSPACE.initializer, WORKSPACE.cli]) {
    const from = join(packageRoot(), pkg.dir);
    const copy = mkdtempSync(join(tmpdir(), 'publish-'));
    for (const entry of readdirSync(from))
      if (entry !== 'dist' && entry !== 'node_modules')
        cpSync(join(from, entry), join(copy, entry), { recursive: true });
    for (const file of JSON.parse(readFileSync(join(from, 'dist', 'files.json'), 'utf8')) as string[])
      cpSync(join(from, 'dist', file), join(copy, 'dist', file));
    const published = npm(['publish', '--ignore-scripts', '--access', 'public'], copy);
    rmSync(copy, { recursive: true, force: true });
    if (published.code !== 0) throw new Error(`npm publish ${pkg.name} failed:\n${published.out}`);
  }
}

export interface InstallSize {
  spec: string;
  packages: number;
  bytes: number;
  seconds: number;
}

/** `npm install <spec>` into an empty folder with an empty npm cache: packages, bytes on disk, seconds. */
export function coldInstall(registry: Registry, spec: string): InstallSize {
  const home = mkdtempSync(join(tmpdir(), 'cold-npm-'));
  const npm = npmClient(registry, home);
  const dir = mkdtempSync(join(tmpdir(), 'cold-install-'));
  writeFileSync(join(dir, 'package.json'), '{ "private": true }\n');
  const start = process.hrtime.bigint();
  const installed = npm(['install', '--no-package-lock', spec], dir);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (installed.code !== 0) throw new Error(`npm install ${spec} failed:\n${installed.out}`);
  const manifests = walkManifests(join(dir, 'node_modules'));
  const bytes = Number(execFileSync('du', ['-sb', join(dir, 'node_modules')], { encoding: 'utf8' }).split('\t')[0]);
  for (const folder of [dir, home]) rmSync(folder, { recursive: true, force: true });
  return { spec, packages: manifests, bytes, seconds };
}

/** How many packages a node_modules holds (nested ones included; .bin and dot folders are not packages). */
function walkManifests(dir: string): number {
  if (!existsSync(dir)) return 0;
  let count = 0;
  for (const name of readdirSync(dir)) {
    if (name.startsWith('.')) continue;
    const folders = name.startsWith('@')
      ? readdirSync(join(dir, name)).map((n) => join(dir, name, n))
      : [join(dir, name)];
    for (const folder of folders) {
      if (!existsSync(join(folder, 'package.json'))) continue;
      count += 1 + walkManifests(join(folder, 'node_modules'));
    }
  }
  return count;
}

export const formatInstall = (size: InstallSize): string =>
  `${size.spec}: ${size.packages} package${size.packages === 1 ? '' : 's'}, ${(size.bytes / 1024 / 1024).toFixed(1)} MiB, ${size.seconds.toFixed(1)} s cold`;
