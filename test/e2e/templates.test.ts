// Every template, generated for real and checked by running it: Dagster loads it in every
// deployment, each deployment exposes what PLATFORM.md's table allows, and its own tests pass.
// Every (pipeline, deployment) load runs in one Python process (test/helpers/load-many.ts); the real
// `dg check defs`, `dg list defs` and `dg dev` run in team-flow.test.ts.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CONVENTIONS_VERSION } from '../../src/conventions/version.ts';
import { createPipeline, REVENUE_PIPELINE } from '../helpers/cli.ts';
import { expectLoaded, type Loaded, loadMany } from '../helpers/load-many.ts';
import { PYTHON, run } from '../helpers/python.ts';
import { git, makePlatform } from '../helpers/workspace.ts';

// PLATFORM.md's deployments table: the modes each deployment may use.
const TABLE: Record<string, string[]> = {
  local: ['local'],
  compose: ['local', 'dev'],
  dev: ['local', 'dev'],
  prod: ['prod'],
  sandbox: ['local', 'sandbox'],
};
const PRESET_MODE: Record<string, string> = {
  local_sample: 'local',
  dev_full: 'dev',
  prod_full: 'prod',
  sandbox: 'sandbox',
};
const modeOfJob = (job: string) => Object.entries(PRESET_MODE).find(([preset]) => job.endsWith(`_${preset}`))![1];

// revenue's values must still load once in generated Python and YAML: quotes, backslashes, newlines, {{.
const PIPELINES = {
  revenue: REVENUE_PIPELINE,
  churn: ['churn', '--template', 'ml', '--owner', 'ml-team', '--sla-hours', '12'],
  events: ['events', '--template', 'ingest', '--owner', 'analytics', '--schedule', '0 * * * *'],
};
type Name = keyof typeof PIPELINES;

let root: string;
const claimed: Record<string, Record<string, { jobs: string[]; schedules: string[]; sensors: string[] }>> = {};

beforeAll(() => {
  root = makePlatform();
  for (const [name, args] of Object.entries(PIPELINES)) {
    const result = createPipeline([...args, '--no-branch', '--json'], root);
    expect(result.code, result.stderr).toBe(0);
    claimed[name] = JSON.parse(result.stdout).deployments;
    git(root, 'add', '-A');
    git(root, 'commit', '-qm', `add ${name}`);
  }
});

// Every pipeline in every deployment of the table, and in one the platform lacks, loaded once.
let all: Loaded[] | undefined;
const DEPLOYMENTS = [...Object.keys(TABLE), 'staging'];
async function loaded(deployment: string, name: string): Promise<Loaded> {
  all ??= await loadMany(
    DEPLOYMENTS.flatMap((d) =>
      Object.keys(PIPELINES).map((n) => ({ project: join(root, 'pipelines', n), env: { PIPELINE_DEPLOYMENT: d } })),
    ),
  );
  return all[DEPLOYMENTS.indexOf(deployment) * Object.keys(PIPELINES).length + Object.keys(PIPELINES).indexOf(name)]!;
}

describe.each(Object.keys(TABLE))('in the %s deployment', (deployment) => {
  it('each pipeline exposes exactly the jobs, schedules and sensors the table allows', async () => {
    for (const name of Object.keys(PIPELINES) as Name[]) {
      const result = await loaded(deployment, name);
      expectLoaded(result);
      // What Dagster loaded is what the generator said it would.
      const { job_tags: tags, jobs, schedules, sensors } = result;
      const visible = { jobs, schedules, sensors };
      expect(visible, name).toEqual(claimed[name]![deployment]);
      for (const job of visible.jobs)
        expect(tags[job], job).toMatchObject({
          pipeline: name,
          mode: modeOfJob(job),
          conventions: String(CONVENTIONS_VERSION),
        });
      // And it follows PLATFORM.md: only allowed modes, and every allowed mode is there.
      const modes = new Set(jobs.map(modeOfJob));
      expect([...modes].sort(), name).toEqual([...TABLE[deployment]!].sort());
      if (deployment === 'local' || deployment === 'sandbox') expect(schedules.length + sensors.length, name).toBe(0);
    }
  });
});

describe('schedules and sensors', () => {
  it('run in the deployments with a daemon, with the most production-like preset there', () => {
    expect(claimed.revenue!.prod!.schedules).toEqual(['revenue_daily']);
    expect(claimed.revenue!.dev!.schedules).toEqual(['revenue_daily_dev']);
    expect(claimed.churn!.prod!.schedules).toEqual(['churn_score', 'churn_train']);
    expect(claimed.events!.prod!.sensors).toEqual(['events_landing']);
    expect(claimed.events!.compose!.sensors).toEqual(['events_landing_dev']);
    expect(claimed.events!.prod!.schedules).toEqual(['events_catchup']);
  });
});

describe.each(Object.keys(PIPELINES))('the generated %s pipeline', (name) => {
  // Its speed (the promise is under 30 s) is measured in bench/, not here: a busy machine must not fail a right program.
  it('passes its own tests', () => {
    const result = run(PYTHON, ['-m', 'pytest', '-q', '-p', 'no:cacheprovider'], join(root, 'pipelines', name), {
      PIPELINE_DEPLOYMENT: 'local',
    });
    expect(result.code, result.stdout.slice(-4000)).toBe(0);
    expect(result.stdout).toMatch(/\d+ passed/);
    expect(result.stdout).not.toMatch(/failed|error/i);
  });
});

it('refuses an unknown deployment at load time with a clear message', async () => {
  const result = await loaded('staging', 'revenue');
  expect(result.ok).toBe(false);
  expect(result.error).toContain(
    "PIPELINE_DEPLOYMENT='staging' is not a deployment of this platform; set it to one of: local, compose, dev, prod, sandbox",
  );
});
