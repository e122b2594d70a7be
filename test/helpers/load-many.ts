// Many (pipeline, deployment) loads in one Python process (test/python/load_many.py): Dagster is
// imported once instead of once per case, which is most of what an end-to-end test used to spend,
// and once per test worker, not once per call: a server (`load_many.py --serve`) loads each call's
// cases in a fork of itself. Each case is loaded as its code location loads it, in isolation (its
// own modules and environment). The real CLIs (`dg check defs`, `dg list defs`, `dg dev`, `dagster`)
// still run in the tests, once per kind of thing they prove, next to a comment naming what they cover.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { expect } from 'vitest';
import { PYTHON, pythonEnv, pythonScript } from './python.ts';
import { tempDir } from './workspace.ts';

export interface LoadCase {
  /** The pipeline project's folder (`<platform>/pipelines/<name>`). */
  project: string;
  /** The environment of this load only, e.g. `{ PIPELINE_DEPLOYMENT: 'prod' }`. */
  env?: Record<string, string>;
  /** The Python package, when it is not the folder's name. */
  package?: string;
  /** Jobs to run in process (`execute_in_process`, an ephemeral instance) after the load. */
  execute?: string[];
}

export interface Loaded {
  project: string;
  env: Record<string, string>;
  ok: boolean;
  /** The load's traceback when it failed. */
  error: string | null;
  jobs: string[];
  job_tags: Record<string, Record<string, string>>;
  /** Each job's resource keys (with Dagster's default io_manager). */
  job_resources: Record<string, string[]>;
  schedules: string[];
  sensors: string[];
  executions: Record<string, { success: boolean; failures: string[] }>;
}

interface LoadServer {
  child: ChildProcess;
  /** The calls waiting for their answer, by id: each gets the exit code of the fork that loaded it. */
  waiting: Map<number, (code: number) => void>;
  next: number;
  /** The end of the server's own stderr (Dagster's import), for the error when it dies. */
  stderr: string;
}

let server: LoadServer | undefined;

/**
 * The worker's server, started on first use. It never keeps the worker alive: its process and pipes
 * are referenced only while a call waits, and it ends when the worker does (its stdin closes).
 */
function loadServer(): LoadServer {
  if (server) return server;
  const child = spawn(PYTHON, [pythonScript('load_many.py'), '--serve'], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: pythonEnv(),
  });
  const started: LoadServer = { child, waiting: new Map(), next: 0, stderr: '' };
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const { id, code } = JSON.parse(line) as { id: number; code: number };
    started.waiting.get(id)?.(code);
    started.waiting.delete(id);
    reference(started);
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    started.stderr = (started.stderr + chunk.toString('utf8')).slice(-4000);
  });
  const ended = (why: string) => {
    if (server === started) server = undefined;
    started.stderr += `\n(the load server ${why})`;
    for (const answer of started.waiting.values()) answer(-1);
    started.waiting.clear();
  };
  child.on('exit', (code, signal) => ended(`ended: ${signal ?? `exit ${code}`}`));
  child.on('error', (error) => ended(`failed: ${error.message}`));
  // A write to a server that has just ended: its exit (above) answers the call.
  child.stdin!.on('error', () => {});
  server = started;
  reference(started);
  return started;
}

/** References the server's process and pipes while a call waits, and only then. */
function reference(s: LoadServer): void {
  const busy = s.waiting.size > 0;
  const handles = [s.child, s.child.stdin, s.child.stdout, s.child.stderr] as unknown as Reference[];
  for (const handle of handles)
    if (busy) handle.ref();
    else handle.unref();
}

type Reference = { ref(): void; unref(): void };

/** Loads every case in one fork of the worker's load server; the results come back in the order of the cases. */
export async function loadMany(cases: LoadCase[], cwd?: string): Promise<Loaded[]> {
  const dir = tempDir('load-many-');
  const input = join(dir, 'cases.json');
  const output = join(dir, 'results.json');
  const log = join(dir, 'log.txt');
  writeFileSync(input, JSON.stringify({ cases }));
  const s = loadServer();
  const id = s.next++;
  const code = await new Promise<number>((resolve) => {
    s.waiting.set(id, resolve);
    reference(s);
    s.child.stdin!.write(`${JSON.stringify({ id, input, output, log, cwd: cwd ?? dir, env: pythonEnv() })}\n`);
  });
  if (code !== 0) {
    const said = code === -1 ? s.stderr : readFileSync(log, 'utf8');
    throw new Error(`load_many.py exited ${code}:\n${said.slice(-4000)}`);
  }
  return (JSON.parse(readFileSync(output, 'utf8')) as { results: Loaded[] }).results;
}

/** `loaded` loaded; the failure message names the case and carries its traceback. */
export function expectLoaded(loaded: Loaded): void {
  const label = `${loaded.project} with ${JSON.stringify(loaded.env)}`;
  expect(loaded.error, `${label} failed to load:\n${loaded.error}`).toBeNull();
  expect(loaded.ok, label).toBe(true);
}

/** What a pipeline exposes in a deployment, as tests compare it. */
export type Inspected = Pick<Loaded, 'jobs' | 'job_tags' | 'schedules' | 'sensors'>;

/**
 * Every pipeline `names` of platform `root` in every deployment, in one Python process: the result
 * by deployment, then by pipeline. A load that fails fails the test, with its traceback.
 */
export async function inspectMany(
  root: string,
  names: readonly string[],
  deployments: readonly string[],
  env: Record<string, string> = {},
): Promise<Record<string, Record<string, Inspected>>> {
  const pairs = deployments.flatMap((deployment) => names.map((name) => ({ deployment, name })));
  const results = await loadMany(
    pairs.map(({ deployment, name }) => ({
      project: join(root, 'pipelines', name),
      env: { ...env, PIPELINE_DEPLOYMENT: deployment },
    })),
  );
  const out: Record<string, Record<string, Inspected>> = {};
  results.forEach((result, i) => {
    const { deployment, name } = pairs[i]!;
    expectLoaded(result);
    const { jobs, job_tags, schedules, sensors } = result;
    (out[deployment] ??= {})[name] = { jobs, job_tags, schedules, sensors };
  });
  return out;
}
