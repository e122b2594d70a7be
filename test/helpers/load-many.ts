// Many (pipeline, deployment) loads in one Python process (test/python/load_many.py): Dagster is
// imported once instead of once per case, which is most of what an end-to-end test used to spend.
// Each case is loaded as its code location loads it, in isolation (its own modules and environment).
// The real CLIs (`dg check defs`, `dg list defs`, `dg dev`, `dagster`) still run in the tests, once per
// kind of thing they prove, next to a comment naming what they cover.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { PYTHON, pythonScript, run } from './python.ts';
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

/** Loads every case in one Python process; the results come back in the order of the cases. */
export function loadMany(cases: LoadCase[], cwd?: string): Loaded[] {
  const dir = tempDir('load-many-');
  const input = join(dir, 'cases.json');
  const output = join(dir, 'results.json');
  writeFileSync(input, JSON.stringify({ cases }));
  const result = run(PYTHON, [pythonScript('load_many.py'), input, output], cwd ?? dir);
  if (result.code !== 0) throw new Error(`load_many.py exited ${result.code}:\n${result.stderr.slice(-4000)}`);
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
export function inspectMany(
  root: string,
  names: readonly string[],
  deployments: readonly string[],
  env: Record<string, string> = {},
): Record<string, Record<string, Inspected>> {
  const pairs = deployments.flatMap((deployment) => names.map((name) => ({ deployment, name })));
  const results = loadMany(
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
