// A real Postgres (Debian's postgresql package) on a free loopback port: its own cluster made with
// initdb in a temp folder, password auth for a `dagster` superuser, no Unix socket. As root, the
// server runs as the `postgres` user (Postgres refuses to run as root). Stopped with pg_ctl.
import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from './registry.ts';

/** Debian installs the server outside PATH, in /usr/lib/postgresql/<major>/bin: the newest one. */
export function postgresBin(): string | undefined {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return undefined;
  const versions = readdirSync(base)
    .filter((v) => existsSync(join(base, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length ? join(base, versions[0]!, 'bin') : undefined;
}

export interface PostgresServer {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  /** The DAGSTER_POSTGRES_* variables a deployment's dagster.yaml reads. */
  dagsterEnv: Record<string, string>;
  /** Runs SQL with psql; returns rows as tab-separated lines. */
  query: (sql: string) => string[];
  stop: () => void;
}

const isRoot = process.getuid?.() === 0;

function owner(): { uid: number; gid: number } | undefined {
  if (!isRoot) return undefined;
  const id = (flag: string) => Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim());
  return { uid: id('-u'), gid: id('-g') };
}

// The limit only ends a hung process: far beyond what initdb and pg_ctl take on a loaded machine.
function exec(bin: string, args: string[], env: Record<string, string> = {}, timeout = 900_000) {
  // runuser drops from root to the postgres user; env values go through `env` so they survive it.
  const [cmd, argv] = isRoot
    ? ['runuser', ['-u', 'postgres', '--', 'env', ...Object.entries(env).map(([k, v]) => `${k}=${v}`), bin, ...args]]
    : [bin, args];
  const result = spawnSync(cmd, argv as string[], {
    cwd: '/',
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', ...env },
    timeout,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (result.status !== 0)
    throw new Error(
      `${bin} ${args.join(' ')} failed (${result.status ?? result.error?.message}):\n${result.stdout}\n${result.stderr}`,
    );
  return result.stdout;
}

/** Starts a cluster in `dir` (made here, owned by the server's user). */
export async function startPostgres(dir: string): Promise<PostgresServer> {
  const bin = postgresBin();
  if (!bin) throw new Error('no Postgres server: apt-get install postgresql (.ci/run does it)');
  const port = await freePort();
  const user = 'dagster';
  const password = 'dagster-test-password';
  const database = 'dagster';
  const data = join(dir, 'data');
  const pwfile = join(dir, 'pwfile');
  mkdirSync(dir, { recursive: true });
  writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  const ids = owner();
  if (ids) {
    chownSync(dir, ids.uid, ids.gid);
    chownSync(pwfile, ids.uid, ids.gid);
  }
  exec(
    join(bin, 'initdb'),
    ['-D', data, '-U', user, `--pwfile=${pwfile}`, '--auth=scram-sha-256', '-E', 'UTF8', '--locale=C', '--no-sync'],
    { LC_ALL: 'C' },
  );
  const options = `-c listen_addresses=127.0.0.1 -p ${port} -c unix_socket_directories= -c fsync=off -c full_page_writes=off`;
  exec(join(bin, 'pg_ctl'), ['-D', data, '-l', join(dir, 'server.log'), '-o', options, '-w', '-t', '600', 'start']);
  const env = { PGHOST: '127.0.0.1', PGPORT: String(port), PGUSER: user, PGPASSWORD: password };
  const psql = (db: string, sql: string) => {
    const result = spawnSync(
      join(bin, 'psql'),
      ['-X', '-q', '-A', '-t', '-F', '\t', '-v', 'ON_ERROR_STOP=1', '-d', db, '-c', sql],
      {
        encoding: 'utf8',
        env: { PATH: process.env.PATH ?? '', ...env },
        timeout: 300_000,
      },
    );
    if (result.status !== 0) throw new Error(`psql failed: ${result.stderr}`);
    return result.stdout.split('\n').filter((line) => line !== '');
  };
  psql('postgres', `CREATE DATABASE ${database}`);
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    exec(join(bin, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', '-t', '120', 'stop']);
  };
  // A worker that dies without its afterAll still stops the server.
  process.once('exit', stop);
  return {
    host: '127.0.0.1',
    port,
    user,
    password,
    database,
    dagsterEnv: {
      DAGSTER_POSTGRES_HOST: '127.0.0.1',
      DAGSTER_POSTGRES_PORT: String(port),
      DAGSTER_POSTGRES_USER: user,
      DAGSTER_POSTGRES_PASSWORD: password,
      DAGSTER_POSTGRES_DB: database,
    },
    query: (sql) => psql(database, sql),
    stop,
  };
}
