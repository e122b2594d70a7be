// The legacy codemod on a corpus of Dagster 0.x modules (test/fixtures/legacy-0x/corpus): after
// `pipeline upgrade --codemod legacy-dagster-0x`, every module loads in real Dagster 1.13, its jobs
// run in process where the original had a test mode (or needed none), its schedules request valid
// runs, and its own tests pass. What cannot be migrated is left with a TODO and reported.
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runBin } from '../helpers/cli.ts';
import { PYTHON, pythonScript, RUFF, run } from '../helpers/python.ts';
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

// The construct fixtures of test/fixtures/codemods/legacy-dagster-0x (one per construct class):
// module -> the jobs to run (a preset's job where there is one). todos-once is the case that is
// left with TODOs on purpose, so it does not load.
const CASES = join(import.meta.dirname, '..', 'fixtures', 'codemods', 'legacy-dagster-0x');
const FIXTURE_CASES: Record<string, string[]> = {
  'in-out-forms': ['in_out:numbers_pipeline'],
  'metadata-entries': ['metadata:metadata_pipeline'],
  'core-imports': ['core_imports:core_pipeline'],
  'presets-in-variables': ['presets_vars:greeting_pipeline_local_preset,greeting_pipeline_quiet'],
  'execution-in-functions': ['execution:math_pipeline_twice'],
  'repositories-across-modules': ['repos:etl_local,ping_pipeline', 'etl_schedules'],
  'imports-emptied': ['modes'],
  'crlf-line-endings': ['windows:windows_pipeline'],
  'run-config-files': ['run_config_files:files_pipeline_files,files_pipeline_packaged'],
  'long-lines': ['long_lines:events_pipeline_local_events'],
  'partitioned-schedules': ['partitioned:daily_load_prod_daily@2021-01-02'],
  'schedule-offsets': [
    'offsets:hourly_counts_hourly@2021-01-01-05:00,hourly_counts_monthly@2021-02-01,nightly_export_daily@2021-03-04,lazy_counts_daily@2021-01-02',
  ],
  'partition-sets': ['partition_sets:regions_pipeline_cloud_regions@third,regions_pipeline_local_plain@south'],
  'execute-solid': ['solid_tests'],
  'get-preset': ['preset_lookup:greeting_pipeline_loud'],
  'early-repositories': ['early_repo'],
  'pipeline-returns': ['returns:halving_pipeline,lazy_halving_pipeline'],
  'imports-left-unused': ['unused:daily_load_daily@2021-01-02', 'test_daily'],
  'dagster-module-names': ['scoring:scoring_fast'],
  'imports-where-isort-puts-them': ['sales.schedules', 'sales.more.later'],
  'local-names-like-new-ones': ['local_names:graph_pipeline'],
  'dagster-experimental': ['fan_out:fan_out_pipeline'],
  'environment-files': ['counting:count_pipeline_dev_preset'],
  'preset-variables-elsewhere': ['pipes:count_pipeline_small', 'count_sensors'],
  'renames-everywhere': ['hooks_and_keys'],
  'comments-in-decorators': ['commented'],
  'context-attributes': ['tagged'],
  'unlabelled-paths': ['files:files_pipeline'],
  'through-the-module': ['via_module:count_pipeline_dev_preset', 'checked:greeting_pipeline'],
  'names-dagster-lacks': ['named_pipeline:pipeline', 'storage_names:storage_pipeline'],
  'run-config-keys': ['run_keys:keys_pipeline_local,keys_pipeline_multi,keys_pipeline_quiet'],
  'run-config-modules': ['held.jobs:greeting_pipeline_local,greeting_pipeline_multi'],
  'byte-order-mark': ['marked:marked_pipeline'],
  'chained-results': ['chained', 'chained_elsewhere'],
  'mode-lists': ['mode_list:numbers_local,numbers_prod', 'listed.jobs:counts_three'],
  'names-1x-renamed': ['more_names:names_pipeline'],
  'late-0x-names': ['late_names'],
  'edges-of-the-fixes': [
    'edges.positional',
    'edges.core_names',
    'edges.from_file:file_pipeline_files',
    'edges.only_core',
    'edges.moded_pipe:moded_pipe',
  ],
};

// What 0.x ran must be what 1.13 runs: the partition each schedule picks at a given time (0.x's
// partition_*_offset counted back from the run; 1.x's end_offset counts forward), each partition's
// run config and tags, and the schedules a 0.7 repository took from its @schedules function.
const SEMANTICS = `
import json, sys
from datetime import datetime, timezone
import dagster as dg

root = sys.argv[1]


def load(case, module):
    sys.path.insert(0, f"{root}/{case}")
    return __import__(module)


def picked(schedule, *when):
    context = dg.build_schedule_context(scheduled_execution_time=datetime(*when, tzinfo=timezone.utc))
    return [r.partition_key for r in schedule.evaluate_tick(context).run_requests]


offsets = load("schedule-offsets", "offsets")
partitioned = load("partitioned-schedules", "partitioned")
regions = load("partition-sets", "partition_sets").regions_pipeline_cloud_regions
repository = load("early-repositories", "early_repo").define_repo()
dg.Definitions.validate_loadable(repository)
request = repository.schedules[0].evaluate_tick(dg.build_schedule_context()).run_requests[0]
dg.validate_run_config(repository.resolve_job_def("tidy_pipeline"), request.run_config)
print(json.dumps({
    "two_hours_late at 10:15": picked(offsets.two_hours_late, 2021, 1, 5, 10, 15),
    "this_month on the 3rd": picked(offsets.this_month, 2021, 3, 3),
    "todays_export at midnight": picked(offsets.todays_export, 2021, 3, 4),
    "lazy_daily at midnight": picked(offsets.defs.get_schedule_def("lazy_daily"), 2021, 3, 4),
    "weekly_catch_up on Monday the 11th": picked(partitioned.every_monday, 2021, 1, 11),
    "weeks_from_wednesday": [partitioned.weeks_from_wednesday.cron_schedule, picked(partitioned.weeks_from_wednesday, 2021, 1, 17)],
    "months_from_the_15th": [partitioned.months_from_the_15th.cron_schedule, picked(partitioned.months_from_the_15th, 2021, 3, 1)],
    "regions": regions.partitions_def.get_partition_keys(),
    "third": regions.partitioned_config.get_run_config_for_partition_key("third"),
    "third's tags": regions.partitioned_config.get_tags_for_partition_key("third"),
    "repository schedules": [s.name for s in repository.schedules],
    "tidy_every_hour requests": request.run_config,
}))
`;

let dir: string;
let report: {
  pipelines: {
    status: string;
    codemods: { id: string; changes: number; todos: string[] }[];
    files: { path: string }[];
  }[];
};

// Exit status 3: the run succeeded, and TODOs are left for a person (unsupported.py's).
const TODOS_LEFT = 3;

beforeAll(() => {
  dir = join(tempDir('legacy-'), 'corpus');
  cpSync(CORPUS, dir, { recursive: true });
  const result = runBin('pipeline', ['upgrade', '--codemod', 'legacy-dagster-0x', dir, '--json'], dir);
  expect(result.code, result.stderr).toBe(TODOS_LEFT);
  report = JSON.parse(result.stdout);
});

describe('the legacy Dagster 0.x codemod on the corpus', () => {
  it('rewrites every legacy module, and the preset YAML files, and leaves current code alone', () => {
    const changed = report.pipelines[0]!.files.map((f) => f.path).sort();
    expect(changed).toEqual(
      [
        ...Object.keys(MODULES)
          .filter((m) => m !== 'already_migrated')
          .map((m) => `${m}.py`),
        'presets/common.yaml',
        'presets/local.yaml',
        'presets/prod.yaml',
        'unsupported.py',
      ].sort(),
    );
    expect(readFileSync(join(dir, 'already_migrated.py'), 'utf8')).toBe(
      readFileSync(join(CORPUS, 'already_migrated.py'), 'utf8'),
    );
  });

  it('loads every migrated module in Dagster 1.13 and runs its jobs and tests in process', () => {
    const args = Object.entries(MODULES).map(([m, jobs]) => (jobs.length ? `${m}:${jobs.join(',')}` : m));
    const result = run(PYTHON, [pythonScript('check_migrated.py'), dir, ...args], dir);
    expect(result.code, result.stderr.slice(-3000)).toBe(0);
    const summary = JSON.parse(result.stdout.trim().split('\n').at(-1)!);
    for (const [module, jobs] of Object.entries(MODULES)) expect(summary[module].ran, module).toEqual(jobs);
    // Nothing is dropped: every mode and preset became a job, schedules and sensors kept their targets.
    expect(summary.modes_resources.jobs).toEqual(['orders_pipeline_local', 'orders_pipeline_prod']);
    expect(summary.preset_and_mode.jobs).toEqual([
      'naming_pipeline_default',
      'naming_pipeline_few',
      'naming_pipeline_many',
    ]);
    expect(summary.presets_from_files.jobs).toEqual([
      'etl_pipeline_default',
      'etl_pipeline_local',
      'etl_pipeline_prod',
    ]);
    expect(summary.schedules.schedules).toEqual(['hourly_report', 'nightly_report']);
    expect(summary.repository).toMatchObject({
      jobs: ['api_pipeline', 'tidy_pipeline'],
      schedules: ['morning_api'],
      sensors: ['tidy_sensor'],
    });
    expect(summary.test_mode_pipeline.tests).toEqual(['test_greeting_pipeline']);
  });

  it('keeps comments and the code it does not need to touch', () => {
    const text = readFileSync(join(dir, 'lambda_solids.py'), 'utf8');
    expect(text).toContain("    # Keep this comment: the team's note on why we add one.\n    return num + 1");
    expect(readFileSync(join(dir, 'presets/local.yaml'), 'utf8')).toBe(
      'ops:\n  extract:\n    config:\n      path: /tmp/sample.csv   # a local sample\n',
    );
  });

  it('leaves what it cannot migrate in place with a TODO at its line, and lists every TODO in the summary', () => {
    const todos = report.pipelines[0]!.codemods.find((c) => c.id === 'legacy-dagster-0x')!.todos;
    expect(todos).toEqual([
      expect.stringMatching(
        /^unsupported.py:22: @daily_schedule: end_date= has no exact equivalent; give the job partitions_def=DailyPartitionsDefinition/,
      ),
    ]);
    const text = readFileSync(join(dir, 'unsupported.py'), 'utf8');
    expect(text.split('\n')[21]).toMatch(/^# TODO\(pipeline upgrade\): @daily_schedule: /);
    expect(text).toMatch(/build_schedule_from_partitioned_job\(job\)\n@daily_schedule\(/);
    // The human summary lists it too (file:line, construct, what to do), and the exit status says so.
    const again = runBin('pipeline', ['upgrade', '--codemod', 'legacy-dagster-0x', dir, '--dry-run'], dir);
    expect(again.code).toBe(TODOS_LEFT);
    expect(again.stdout).toMatch(
      /Manual work left \(1 TODO, .*\):\n {2}corpus\/unsupported.py:22: @daily_schedule: end_date= has no exact equivalent/,
    );
  });

  it('migrates each construct fixture to code Dagster 1.13 loads, runs its preset jobs, and a second run changes nothing', () => {
    const args: string[] = [];
    const root = tempDir('legacy-cases-');
    for (const name of Object.keys(FIXTURE_CASES)) {
      const caseDir = join(root, name);
      cpSync(join(CASES, name, 'input'), caseDir, { recursive: true, dereference: true });
      const first = runBin('pipeline', ['upgrade', '--codemod', 'legacy-dagster-0x', caseDir, '--json'], caseDir);
      expect(first.code, `${name}: ${first.stderr}`).toBe(
        [
          'run-config-files',
          'metadata-entries',
          'presets-in-variables',
          'dagster-module-names',
          'through-the-module',
          'mode-lists',
        ].includes(name)
          ? TODOS_LEFT
          : 0,
      );
      const before = treeFingerprint(caseDir);
      const second = runBin('pipeline', ['upgrade', '--codemod', 'legacy-dagster-0x', caseDir, '--json'], caseDir);
      expect(JSON.parse(second.stdout).pipelines[0].files, name).toEqual([]);
      expect(treeFingerprint(caseDir), name).toEqual(before);
      args.push(name);
    }
    // Every case loaded and run under Dagster in one Python process (each in its own folder, with its
    // own modules), instead of one process per case.
    const casesFile = join(root, 'cases.json');
    writeFileSync(
      casesFile,
      JSON.stringify(Object.fromEntries(Object.entries(FIXTURE_CASES).map(([name, m]) => [join(root, name), m]))),
    );
    const result = run(PYTHON, [pythonScript('check_migrated.py'), '--cases', casesFile], root);
    expect(result.code, result.stderr.slice(-3000)).toBe(0);
    const summaries = JSON.parse(result.stdout.trim().split('\n').at(-1)!);
    for (const [name, modules] of Object.entries(FIXTURE_CASES)) {
      const summary = summaries[join(root, name)];
      expect(summary.__error__, `${name}: ${summary.__error__}`).toBeUndefined();
      for (const spec of modules) {
        // module:job,job@partition (an hourly partition key has colons of its own)
        const [module, ...rest] = spec.split(':');
        const jobs = rest.join(':');
        expect(summary[module!].ran, `${name}: ${module}`).toEqual(jobs.split(',').filter(Boolean));
      }
    }
    expect(args).toHaveLength(Object.keys(FIXTURE_CASES).length);
    // No import the migration left unused (ruff's F401, which a platform's CI runs): `time` once
    // `execution_time=time(6, 30)` became hour_of_day and minute_of_hour, in imports-left-unused.
    const unused = run(
      RUFF,
      ['check', '--no-cache', '--isolated', '--select', 'F401', '--output-format', 'concise', root],
      root,
    );
    expect(unused.stdout, unused.stderr).not.toMatch(/F401/);
    expect(unused.code).toBe(0);
    // A job imported from a sibling module goes where isort puts it (I001), in the cases that import
    // one, each checked as its own project (ruff in its folder: its modules are first-party).
    for (const name of ['imports-where-isort-puts-them', 'repositories-across-modules']) {
      const sorted = run(RUFF, ['check', '--no-cache', '--isolated', '--select', 'I', '.'], join(root, name));
      expect(sorted.stdout, name).toBe('All checks passed!\n');
    }
  });

  it("keeps the partition each 0.x schedule ran, each partition set's config and tags, and a 0.7 repository's schedules", () => {
    const root = tempDir('legacy-semantics-');
    for (const name of ['schedule-offsets', 'partitioned-schedules', 'partition-sets', 'early-repositories']) {
      cpSync(join(CASES, name, 'input'), join(root, name), { recursive: true });
      const result = runBin(
        'pipeline',
        ['upgrade', '--codemod', 'legacy-dagster-0x', join(root, name)],
        join(root, name),
      );
      expect(result.code, `${name}: ${result.stderr}`).toBe(0);
    }
    const result = run(PYTHON, ['-c', SEMANTICS, root], root);
    expect(result.code, result.stderr.slice(-3000)).toBe(0);
    expect(JSON.parse(result.stdout.trim().split('\n').at(-1)!)).toMatchObject({
      // partition_hours_offset=2: the run at 10:15 is for 8:00; offset 0: the period in progress.
      'two_hours_late at 10:15': ['2021-01-05-08:00'],
      'this_month on the 3rd': ['2021-03-01'],
      'todays_export at midnight': ['2021-03-04'],
      // The default offset (1): yesterday's partition.
      'lazy_daily at midnight': ['2021-03-03'],
      // 0.x stepped weeks from start_date (Monday 2021-01-04): the week that just ended, Monday to Monday.
      'weekly_catch_up on Monday the 11th': ['2021-01-04'],
      // No execution day given: 0.x ran weekly schedules on Sunday and monthly ones on the 1st,
      // whatever day their partitions started on; each runs for the last whole partition.
      weeks_from_wednesday: ['0 0 * * 0', ['2021-01-06']],
      months_from_the_15th: ['0 0 1 * *', ['2021-01-15']],
      regions: ['north', 'south', 'third'],
      third: { ops: { load_region: { config: { region: '3' } } } },
      "third's tags": { region: 'third' },
      'repository schedules': ['tidy_every_hour'],
      'tidy_every_hour requests': { ops: { tidy: { config: { keep: 3 } } } },
    });
  });

  // The list the codemod drops imports by and puts TODOs by (dagster-exports.ts, generated by
  // scripts/python-names.py) is what the Dagster of the test venv exports.
  it('knows what `from dagster import` finds in the Dagster it targets', async () => {
    const { DAGSTER_EXPORTS } = await import('../../src/upgrade/codemods/legacy-dagster/dagster-exports.ts');
    const script =
      'import dagster, json, pkgutil\nnames = {n for n in dir(dagster) if not n.startswith("_")}\nnames |= {m.name for m in pkgutil.iter_modules(dagster.__path__) if not m.name.startswith("_")}\nprint(json.dumps(sorted(names)))';
    const result = run(PYTHON, ['-c', script], tempDir('exports-'));
    expect(result.code, result.stderr.slice(-2000)).toBe(0);
    expect([...DAGSTER_EXPORTS].sort()).toEqual(JSON.parse(result.stdout.trim().split('\n').at(-1)!));
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
    expect(
      pipelines.every((p: { status: string; files: unknown[] }) => p.status === 'upgraded' && p.files.length === 10),
    ).toBe(true);
    const module = readFileSync(join(big, 'pipelines/p7/src/p7/solids_3.py'), 'utf8');
    expect(module).toMatch(/^from dagster import op\n/m);
    expect(module).toContain('@op(config_schema={"limit": int})');
    expect(module).toContain('limit = context.op_config["limit"]');
    expect(module).toContain("# keep: the team's note on step 2");
  });

  it('changes nothing when run again (and adds no second TODO)', () => {
    const before = treeFingerprint(dir);
    const again = runBin('pipeline', ['upgrade', '--codemod', 'legacy-dagster-0x', dir, '--json'], dir);
    expect(again.code).toBe(TODOS_LEFT);
    expect(JSON.parse(again.stdout).pipelines[0].files).toEqual([]);
    expect(treeFingerprint(dir)).toEqual(before);
  });
});
