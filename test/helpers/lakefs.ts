// A real lakeFS server (built by scripts/setup-lakefs.sh) on a free loopback port, with local
// settings: local KV and blockstore in a temp folder, telemetry and version checks off, and an
// installation user whose keys come from here. Stopped by its process id.
// On a fresh machine `npm run setup` builds lakeFS in the background (scripts/setup-lakefs.sh
// --background) while the other tests run; startLakeFS waits for that build, with a progress line
// every 15 s, and fails with the build log's tail if it failed.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../src/paths.ts';
import { LakeFSClient } from '../../src/sandbox/lakefs-client.ts';
import { freePort } from './registry.ts';
import { answers, waitUntil } from './wait.ts';

const CACHE = join(packageRoot(), '.cache');
export const LAKEFS_BIN = join(CACHE, 'bin', 'lakefs');
const BUILD_LOG = join(CACHE, 'lakefs-build.log');
const BUILD_PID = join(CACHE, 'lakefs-build.pid');
const BUILD_RESULT = join(CACHE, 'lakefs-build.result');

const read = (path: string) => (existsSync(path) ? readFileSync(path, 'utf8').trim() : undefined);
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};
const logTail = () => (read(BUILD_LOG) ?? '(no log)').split('\n').slice(-40).join('\n');

/**
 * Resolves once the lakeFS binary is there: at once when it is, else after the background build
 * ends (no time limit of its own: vitest's test timeout ends a build that hangs).
 */
export async function lakeFSReady(): Promise<void> {
  const lastLogLine = () => logTail().split('\n').filter(Boolean).pop() ?? '';
  await waitUntil(
    `the background lakeFS build, log ${BUILD_LOG}`,
    1000,
    () => {
      const result = read(BUILD_RESULT);
      const pid = Number(read(BUILD_PID) ?? Number.NaN);
      if (result?.startsWith('failed'))
        throw new Error(`the background lakeFS build ${result} (log: ${BUILD_LOG}):\n${logTail()}`);
      if (result === 'ok' || (Number.isNaN(pid) && existsSync(LAKEFS_BIN))) {
        if (existsSync(LAKEFS_BIN)) return true;
        throw new Error(`the lakeFS build reported ok but ${LAKEFS_BIN} is missing: run bash scripts/setup-lakefs.sh`);
      }
      if (Number.isNaN(pid)) throw new Error('no lakeFS binary: run bash scripts/setup-lakefs.sh (npm test does it)');
      if (!alive(pid) && read(BUILD_RESULT) === undefined)
        throw new Error(`the background lakeFS build (pid ${pid}) stopped without a result:\n${logTail()}`);
      return undefined;
    },
    lastLogLine,
  );
}

export const ACCESS_KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
export const SECRET_ACCESS_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

export interface LakeFSServer {
  endpoint: string;
  env: Record<string, string>;
  client: LakeFSClient;
  stop: () => Promise<void>;
}

export async function startLakeFS(dir: string): Promise<LakeFSServer> {
  await lakeFSReady();
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
  // Until it answers or exits.
  await waitUntil(`lakeFS to answer on ${endpoint}`, 200, async () => {
    if (await answers(`${endpoint}/api/v1/healthcheck`)) return true;
    if (child.exitCode !== null) throw new Error(`lakeFS exited (${child.exitCode}) before it answered:\n${output}`);
    return undefined;
  });
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
