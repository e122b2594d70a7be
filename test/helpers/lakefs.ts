// A real lakeFS server (built by scripts/setup-lakefs.sh) on a free loopback port, with local
// settings: local KV and blockstore in a temp folder, telemetry and version checks off, and an
// installation user whose keys come from here. Stopped by its process id.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../src/paths.ts';
import { LakeFSClient } from '../../src/sandbox/lakefs-client.ts';
import { freePort } from './registry.ts';

export const LAKEFS_BIN = join(packageRoot(), '.cache', 'bin', 'lakefs');
if (!existsSync(LAKEFS_BIN)) throw new Error('no lakeFS binary: run bash scripts/setup-lakefs.sh (npm test does it)');

export const ACCESS_KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
export const SECRET_ACCESS_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

export interface LakeFSServer {
  endpoint: string;
  env: Record<string, string>;
  client: LakeFSClient;
  stop: () => Promise<void>;
}

export async function startLakeFS(dir: string): Promise<LakeFSServer> {
  const port = await freePort();
  mkdirSync(join(dir, 'data'), { recursive: true });
  const child: ChildProcess = spawn(LAKEFS_BIN, ['run'], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: dir,
      LAKEFS_LISTEN_ADDRESS: `127.0.0.1:${port}`,
      LAKEFS_DATABASE_TYPE: 'local',
      LAKEFS_DATABASE_LOCAL_PATH: join(dir, 'metadata'),
      LAKEFS_BLOCKSTORE_TYPE: 'local',
      LAKEFS_BLOCKSTORE_LOCAL_PATH: join(dir, 'data'),
      LAKEFS_AUTH_ENCRYPT_SECRET_KEY: 'a-test-secret-that-is-not-used-anywhere-else',
      LAKEFS_INSTALLATION_USER_NAME: 'admin',
      LAKEFS_INSTALLATION_ACCESS_KEY_ID: ACCESS_KEY_ID,
      LAKEFS_INSTALLATION_SECRET_ACCESS_KEY: SECRET_ACCESS_KEY,
      LAKEFS_STATS_ENABLED: 'false',
      LAKEFS_SECURITY_CHECK_LATEST_VERSION: 'false',
      LAKEFS_EMAIL_SUBSCRIPTION_ENABLED: 'false',
      LAKEFS_LOGGING_LEVEL: 'WARN',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output = (output + d).slice(-20_000)));
  child.stderr!.on('data', (d) => (output = (output + d).slice(-20_000)));
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      if ((await fetch(`${endpoint}/api/v1/healthcheck`)).ok) break;
    } catch {
      // not up yet
    }
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`lakeFS did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const env = {
    LAKEFS_ENDPOINT: endpoint,
    LAKEFS_ACCESS_KEY_ID: ACCESS_KEY_ID,
    LAKEFS_SECRET_ACCESS_KEY: SECRET_ACCESS_KEY,
  };
  return {
    endpoint,
    env,
    client: new LakeFSClient({
      endpoint,
      accessKeyId: ACCESS_KEY_ID,
      secretAccessKey: SECRET_ACCESS_KEY,
      source: 'test',
    }),
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
