// A real local npm registry (Verdaccio) on a free loopback port. It serves the package the test
// publishes, and proxies everything else to the registry npm is configured with, the way a
// company registry serves its internal packages next to the public ones.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { freePort } from '../../src/sandbox/ui.ts';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../src/paths.ts';

export interface Registry {
  url: string;
  token: string;
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
      "  'create-pipeline':",
      '    access: $all',
      '    publish: $authenticated',
      "  '**':",
      '    access: $all',
      '    publish: $authenticated',
      '    proxy: upstream',
      'log: { type: stdout, format: pretty, level: warn }',
      'publish:',
      '  allow_offline: true',
      '',
    ].join('\n'),
  );
  const bin = join(packageRoot(), 'node_modules', 'verdaccio', 'bin', 'verdaccio');
  const child: ChildProcess = spawn(process.execPath, [bin, '--config', config, '--listen', `127.0.0.1:${port}`], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      if ((await fetch(`${url}/-/ping`)).ok) break;
    } catch {
      // not up yet
    }
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`verdaccio did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  // A user, as `npm adduser` would make one; its token publishes.
  const response = await fetch(`${url}/-/user/org.couchdb.user:ci`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'ci', password: 'ci-password-123', type: 'user', roles: [], date: new Date().toISOString() }),
  });
  const { token } = (await response.json()) as { token: string };
  if (!token) throw new Error(`verdaccio gave no token (${response.status})`);
  return {
    url,
    token,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

export { freePort };
