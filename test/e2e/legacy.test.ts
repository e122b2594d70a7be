// The legacy codemod on a corpus of Dagster 0.x modules (test/fixtures/legacy-0x/corpus): after
// `pipeline upgrade --codemod legacy-dagster-0x`, every module loads in real Dagster 1.13, its jobs
// run in process where the original had a test mode (or needed none), its schedules request valid
// runs, and its own tests pass. What cannot be migrated is left with a TODO and reported.
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runBin } from '../helpers/cli.ts';
import { PYTHON, pythonScript, run } from '../helpers/python.ts';
import { tempDir, treeFingerprint } from '../helpers/workspace.ts';

const CORPUS = join(import.meta.dirname, '..', 'fixtures', 'legacy-0x', 'corpus');
// Module -> the jobs to run: the one each former test or local mode (or preset) became, and
// pipelines that needed no mode at all.
const MODULES: Record<string, string[]> = {
  hello_solid: ['hello_pipeline'],
  lambda_solids: ['counting_pipeline'],
  config_solid: ['config_pipeline_small'],
  modes_resources: ['orders_pipeline_local'],
  presets_from_files: ['etl_pipeline_local'],
  composite: ['composite_pipeline'],
  schedules: [],
  sensors: [],
  repository: ['tidy_pipeline'],
  multi_output: ['split_pipeline'],
  test_mode_pipeline: ['greeting_pipeline_test'],
  preset_and_mode: ['naming_pipeline_few'],
  descriptions_tags: ['fx_rates'],
  context_types: [],
  already_migrated: ['ping_job'],
};

let dir: string;
let report: { pipelines: { status: string; codemods: { id: string; changes: number; todos: string[] }[]; files: { path: string }[] }[] };

beforeAll(() => {
  dir = join(tempDir('legacy-'), 'corpus');
  cpSync(CORPUS, dir, { recursive: true });
  const result = runBin('pipeline', ['upgrade', '--codemod', 'legacy-dagster-0x', dir, '--json'], dir);
  expect(result.code, result.stderr).toBe(0);
  report = JSON.parse(result.stdout);
});

describe('the legacy Dagster 0.x codemod on the corpus', () => {
  it('rewrites every legacy module, and the preset YAML files, and leaves current code alone', () => {
    const changed = report.pipelines[0]!.files.map((f) => f.path).sort();
    expect(changed).toEqual([...Object.keys(MODULES).filter((m) => m !== 'already_migrated').map((m) => `${m}.py`), 'presets/common.yaml', 'presets/local.yaml', 'presets/prod.yaml', 'unsupported.py'].sort());
    expect(readFileSync(join(dir, 'already_migrated.py'), 'utf8')).toBe(readFileSync(join(CORPUS, 'already_migrated.py'), 'utf8'));
  });

  it('loads every migrated module in Dagster 1.13 and runs its jobs and tests in process', () => {
    const args = Object.entries(MODULES).map(([m, jobs]) => (jobs.length ? `${m}:${jobs.join(',')}` : m));
    const result = run(PYTHON, [pythonScript('check_migrated.py'), dir, ...args], dir);
    expect(result.code, result.stderr.slice(-3000)).toBe(0);
    const summary = JSON.parse(result.stdout.trim().split('\n').at(-1)!);
    for (const [module, jobs] of Object.entries(MODULES)) expect(summary[module].ran, module).toEqual(jobs);
    // Nothing is dropped: every mode and preset became a job, schedules and sensors kept their targets.
    expect(summary.modes_resources.jobs).toEqual(['orders_pipeline_local', 'orders_pipeline_prod']);
    expect(summary.preset_and_mode.jobs).toEqual(['naming_pipeline_default', 'naming_pipeline_few', 'naming_pipeline_many']);
    expect(summary.presets_from_files.jobs).toEqual(['etl_pipeline_default', 'etl_pipeline_local', 'etl_pipeline_prod']);
    expect(summary.schedules.schedules).toEqual(['hourly_report', 'nightly_report']);
    expect(summary.repository).toMatchObject({ jobs: ['api_pipeline', 'tidy_pipeline'], schedules: ['morning_api'], sensors: ['tidy_sensor'] });
    expect(summary.test_mode_pipeline.tests).toEqual(['test_greeting_pipeline']);
  });

  it('keeps comments and the code it does not need to touch', () => {
    const text = readFileSync(join(dir, 'lambda_solids.py'), 'utf8');
    expect(text).toContain("    # Keep this comment: the team's note on why we add one.\n    return num + 1");
    expect(readFileSync(join(dir, 'presets/local.yaml'), 'utf8')).toBe('ops:\n  extract:\n    config:\n      path: /tmp/sample.csv   # a local sample\n');
  });

  it('leaves what it cannot migrate in place with a TODO, and reports it', () => {
    const todos = report.pipelines[0]!.codemods.find((c) => c.id === 'legacy-dagster-0x')!.todos;
    expect(todos).toEqual([expect.stringMatching(/^unsupported.py: daily_schedule\(pipeline_name="hooked_pipeline"\): daily_schedule \(a partitioned schedule\) was removed in Dagster 1.0/)]);
    expect(readFileSync(join(dir, 'unsupported.py'), 'utf8')).toContain('# TODO(pipeline upgrade): migrate daily_schedule by hand (see the upgrade report)\n@daily_schedule(');
  });

  it('gives the same result on worker threads, as a large repo uses them', async () => {
    const { makeCorpus } = (await import('../../bench/corpus.mjs')) as { makeCorpus: (dir: string, n: number) => void };
    const big = join(tempDir('legacy-many-'), 'platform');
    makeCorpus(big, 20);
    cpSync(join(import.meta.dirname, '..', 'fixtures', 'conventions-v1', 'platform.yaml'), join(big, 'platform.yaml'));
    const result = runBin('pipeline', ['upgrade', '--json'], big);
    expect(result.code, result.stderr).toBe(0);
    const pipelines = JSON.parse(result.stdout).pipelines;
    expect(pipelines).toHaveLength(20);
    expect(pipelines.every((p: { status: string; files: unknown[] }) => p.status === 'upgraded' && p.files.length === 10)).toBe(true);
    const module = readFileSync(join(big, 'pipelines/p7/src/p7/solids_3.py'), 'utf8');
    expect(module).toMatch(/^from dagster import op\n/m);
    expect(module).toContain('@op(config_schema={"limit": int})');
    expect(module).toContain('limit = context.op_config["limit"]');
    expect(module).toContain("# keep: the team's note on step 2");
  });

  it('changes nothing when run again', () => {
    const before = treeFingerprint(dir);
    const again = runBin('pipeline', ['upgrade', '--codemod', 'legacy-dagster-0x', dir, '--json'], dir);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout).pipelines[0].files).toEqual([]);
    expect(treeFingerprint(dir)).toEqual(before);
  });
});
