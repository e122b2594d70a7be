// `pipeline add schedule|preset` on a pipeline its user already edited: their edits survive byte
// for byte, Dagster loads the result in every deployment, the new schedules and jobs appear exactly
// where visibility says, and every bad input is one line, exit 2, and no change.
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { builtBin, packageRoot } from '../../src/paths.ts';
import { binEnv, createPipeline, runBin } from '../helpers/cli.ts';
import { expectLoaded, inspectMany, loadMany } from '../helpers/load-many.ts';
import { PYTHON, run } from '../helpers/python.ts';
import {
  addUatDeployment,
  expectRefused,
  git,
  linesKept,
  makePlatform,
  tempDir,
  treeFingerprint,
} from '../helpers/workspace.ts';

const PKG = 'pipelines/orders/src/orders';
const DEPLOYMENTS = ['local', 'compose', 'dev', 'prod', 'sandbox'];

/** The generated sensors.py's docstring, until the pipeline has a sensor. */
const NONE_YET_DOC =
  'This pipeline has none yet. A sensor is a SensorSpec (which preset, which deployments) plus an\nevaluation function in EVALUATIONS;';

/** The user's own edits: an import moved below another, a comment, and a function of their own. */
function editAsUser(root: string): { schedules: string; presets: string; sensors: string } {
  const schedulesPath = join(root, PKG, 'schedules.py');
  const schedules = readFileSync(schedulesPath, 'utf8')
    .replace(
      'from .deployments import ScheduleSpec\n',
      'from .deployments import ScheduleSpec\nimport datetime  # mine, after the platform import\n',
    )
    .replace(
      'SCHEDULES: list[ScheduleSpec] = [\n',
      '# Finance reads the daily numbers at 07:00.\nSCHEDULES: list[ScheduleSpec] = [\n',
    )
    .replace(
      /\n\]\n$/,
      '\n    # the weekly one comes later\n]\n\n\ndef next_run(day: datetime.date) -> datetime.date:\n    """Mine."""\n    return day + datetime.timedelta(days=1)\n',
    );
  writeFileSync(schedulesPath, schedules);
  const presetsPath = join(root, PKG, 'presets.py');
  const presets = readFileSync(presetsPath, 'utf8')
    .replace('from .deployments import Preset\n', 'import os  # mine\nfrom .deployments import Preset\n')
    .replace('PRESETS: dict[str, Preset] = {', '# Presets: keep local_sample first.\nPRESETS: dict[str, Preset] = {')
    .concat('\n\ndef sample_limit() -> int:\n    # mine\n    return int(os.environ.get("SAMPLE_LIMIT", "1000"))\n');
  writeFileSync(presetsPath, presets);
  const sensorsPath = join(root, PKG, 'sensors.py');
  const sensors = readFileSync(sensorsPath, 'utf8')
    .replace(
      'from .deployments import SensorEvaluation, SensorSpec\n',
      'from .deployments import SensorSpec, SensorEvaluation  # reordered\n',
    )
    .concat('\n\ndef landing_prefix() -> str:\n    # mine: where files will land\n    return "landing"\n');
  writeFileSync(sensorsPath, sensors);
  git(root, 'commit', '-qam', 'my edits');
  return { schedules, presets, sensors };
}

/** Adds a column to the README's jobs table, as a team might: no longer the generated table. Returns the new text. */
function reshapeJobsTable(readme: string): string {
  const text = readFileSync(readme, 'utf8').replace('| job | preset | mode |', '| job | preset | mode | notes |');
  writeFileSync(readme, text);
  return text;
}

const add = (root: string, args: string[], cwd = root) => runBin('pipeline', ['add', ...args], cwd);

/** Run configs for orders' graph that Dagster refuses when the code location loads, and the line add preset refuses each with. */
const DAGSTER_REFUSES: [string, string][] = [
  [
    '{"orders": {"ops": {"nope_op": {}}}}',
    'graph orders has no op nope_op; its ops: daily_revenue, load_source, write_target',
  ],
  [
    '{"orders": {"ops": {"load_source": {"config": {"table": 5}}}}}',
    'config field table of op load_source is a str, and 5 is not one',
  ],
  [
    '{"orders": {"ops": {"load_source": {"config": {"tabel": "x"}}}}}',
    'op load_source has no config field tabel; its fields: table, limit',
  ],
  [
    '{"orders": {"ops": {"load_source": {"config": {"limit": "10"}}}}}',
    'config field limit of op load_source is an int, and "10" is not one',
  ],
  [
    '{"orders": {"opz": {}}}',
    'the run config of graph orders has the key "opz", which a job\'s run config does not take (ops, resources, execution, loggers)',
  ],
  [
    '{"orders": {"ops": {"write_target": 5}}}',
    'the run config of op write_target must be an object, such as {"config": {...}}; 5 is not one',
  ],
  // A field without the "config" level, and a key beside it.
  [
    '{"orders": {"ops": {"load_source": {"limit": 10}}}}',
    'the run config of op load_source has the key "limit", which an op\'s run config does not take (config, inputs, outputs); its config fields go under "config": {"config": {"limit": ...}}',
  ],
  [
    '{"orders": {"ops": {"load_source": {"config": {"limit": 10}, "extra": 1}}}}',
    'the run config of op load_source has the key "extra", which an op\'s run config does not take (config, inputs, outputs); its config fields go under "config": {"config": {"extra": ...}}',
  ],
];

type Loaded = Record<string, { jobs: string[]; schedules: string[]; sensors: string[] }>;

describe('pipeline add on a pipeline the user already edited', () => {
  let root: string;
  let mine: { schedules: string; presets: string; sensors: string };
  let eventsSensors: string;
  const loaded: Record<string, Loaded> = {};

  beforeAll(async () => {
    root = makePlatform({ pipelines: [['orders'], ['events', '--template', 'ingest']] });
    mine = editAsUser(root);
    eventsSensors = readFileSync(join(root, 'pipelines/events/src/events/sensors.py'), 'utf8');
    const preset = add(
      root,
      ['preset', '--name', 'dev_sample', '--mode', 'dev', '--description', 'A thousand rows, in the dev account.'],
      join(root, 'pipelines/orders'),
    );
    expect(preset.code, preset.stderr).toBe(0);
    // Run inside the pipeline's folder, its next step needs no cd; from the root it does.
    expect(preset.stdout).toMatch(/^Next: uv run pytest && uv run dg check defs$/m);
    const hourly = add(root, [
      'schedule',
      '--pipeline',
      'orders',
      '--name',
      'orders_hourly_dev',
      '--preset',
      'dev_full',
      '--cron',
      '30 * * * *',
      '--json',
    ]);
    expect(hourly.code, hourly.stderr).toBe(0);
    expect(JSON.parse(hourly.stdout).answers.deployments).toEqual(['compose', 'dev']);
    const sample = add(root, ['schedule', '--pipeline', 'orders', '--preset', 'dev_sample', '--cron', '0 * * * *']);
    expect(sample.code, sample.stderr).toBe(0);
    expect(sample.stdout).toMatch(/^Next: cd pipelines\/orders && uv run pytest && uv run dg check defs$/m);
    const weekly = add(root, [
      'schedule',
      '--pipeline',
      'orders',
      '--name',
      'orders_weekly',
      '--preset',
      'prod_full',
      '--cron',
      '0 3 * * 1',
      '--timezone',
      'Europe/Paris',
    ]);
    expect(weekly.code, weekly.stderr).toBe(0);
    const sensor = add(root, ['sensor', '--pipeline', 'orders', '--preset', 'dev_full']);
    expect(sensor.code, sensor.stderr).toBe(0);
    const prodSensor = add(root, [
      'sensor',
      '--pipeline',
      'events',
      '--name',
      'events_audit',
      '--preset',
      'prod_full',
      '--interval',
      '300',
    ]);
    expect(prodSensor.code, prodSensor.stderr).toBe(0);
    // Both pipelines in every deployment, in one Python process.
    Object.assign(loaded, await inspectMany(root, ['orders', 'events'], DEPLOYMENTS));
  });

  it("keeps the user's schedules.py as it was and writes each schedule to a module of its own", () => {
    // A module per schedule (conventions v5): two branches that each add one merge without a conflict.
    expect(readFileSync(join(root, PKG, 'schedules.py'), 'utf8')).toBe(mine.schedules);
    const added = join(root, PKG, 'added_schedules');
    expect(
      readdirSync(added)
        .filter((f) => f.endsWith('.py'))
        .sort(),
    ).toEqual(['__init__.py', 'orders_dev_sample.py', 'orders_hourly_dev.py', 'orders_weekly.py']);
    expect(readFileSync(join(added, 'orders_hourly_dev.py'), 'utf8')).toBe(
      '"""Schedule orders_hourly_dev (yours to edit), added by `pipeline add schedule`."""\n\nfrom ..deployments import ScheduleSpec\n\nSCHEDULE = ScheduleSpec(\n    name="orders_hourly_dev",\n    graph="orders",\n    preset="dev_full",\n    cron="30 * * * *",\n    timezone="UTC",\n    deployments=("compose", "dev"),\n)\n',
    );
    expect(readFileSync(join(added, 'orders_dev_sample.py'), 'utf8')).toContain('name="orders_dev_sample"');
    expect(readFileSync(join(added, 'orders_weekly.py'), 'utf8')).toContain(
      'timezone="Europe/Paris",\n    deployments=("prod",),',
    );
  });

  it("writes the preset to a module of its own, with the run config of a preset of the same mode, and keeps every line of the user's presets.py, which gathers it", () => {
    // A module per preset (conventions v5): two branches that each add one merge without a
    // conflict. The first one makes presets.py gather them: its import of Preset becomes two
    // lines, and one statement goes at its end (two blank lines below the user's function).
    expect(readFileSync(join(root, PKG, 'presets.py'), 'utf8')).toBe(
      `${mine.presets.replace(
        'from .deployments import Preset\n',
        'from . import added_presets\nfrom .deployments import Preset, specs_in\n',
      )}\n\n# Every preset \`pipeline add preset\` added: a module of its own in added_presets/, so that two\n# branches that each add one merge without a conflict.\nPRESETS |= {preset.name: preset for preset in specs_in(added_presets, Preset)}\n`,
    );
    const added = readFileSync(join(root, PKG, 'added_presets', 'dev_sample.py'), 'utf8');
    expect(added).toContain(
      '"""Preset dev_sample (yours to edit), added by `pipeline add preset`."""\n\nfrom ..deployments import Preset\n\nPRESET = Preset(\n    name="dev_sample",\n    mode="dev",\n    description="A thousand rows, in the dev account.",\n    run_config={\n        "orders": {',
    );
    expect(added).not.toContain('TODO');
    // The README's table keeps the presets of presets.py (a row from each of two branches would
    // conflict), and says once where the others are.
    const readme = readFileSync(join(root, 'pipelines/orders/README.md'), 'utf8');
    expect(readme).toContain(
      '| `orders_prod_full` | `prod_full` | `prod` |\n\nThe jobs of the presets and graphs `pipeline add` writes to modules of their own (`src/orders/added_presets/`,\n`src/orders/added_jobs/`) are not in this table: `npx pipeline list` lists every job, per deployment.\n',
    );
    expect(readme).not.toContain('orders_dev_sample');
  });

  it("writes each sensor to a module of its own, with its evaluation, and keeps the user's sensors.py lines", () => {
    // A module per sensor (conventions v5): two branches that each add one merge without a conflict.
    const after = readFileSync(join(root, PKG, 'sensors.py'), 'utf8');
    linesKept(mine.sensors, after, [NONE_YET_DOC.split('\n')[0]!]);
    // The docstring no longer says the pipeline has none.
    expect(mine.sensors).toContain(NONE_YET_DOC);
    expect(after).toBe(mine.sensors.replace('This pipeline has none yet. ', ''));
    expect(readFileSync(join(root, PKG, 'added_sensors', 'orders_dev_full_sensor.py'), 'utf8')).toBe(
      [
        '"""Sensor orders_dev_full_sensor (yours to edit), added by `pipeline add sensor`: write orders_dev_full_sensor_evaluation."""',
        '',
        'import dagster as dg',
        '',
        'from ..deployments import Preset, SensorSpec',
        '',
        'SENSOR = SensorSpec(',
        '    name="orders_dev_full_sensor",',
        '    graph="orders",',
        '    preset="dev_full",',
        '    deployments=("compose", "dev"),',
        '    evaluation="orders_dev_full_sensor_evaluation",',
        '    minimum_interval_seconds=60,',
        ')',
        '',
        '',
        'def orders_dev_full_sensor_evaluation(',
        '    context: dg.SensorEvaluationContext, preset: Preset, resources',
        ') -> dg.SensorResult:',
        '    """What sensor orders_dev_full_sensor launches: a dg.RunRequest per new thing, with preset.config_for("orders")."""',
        "    # TODO: find what is new (the resources of the preset's mode, context.cursor) and request runs.",
        '    return dg.SensorResult(',
        '        skip_reason="not written yet: see orders_dev_full_sensor_evaluation in added_sensors/orders_dev_full_sensor.py"',
        '    )',
        '',
      ].join('\n'),
    );
    // The ingest pipeline's own sensor stays in sensors.py, as it was.
    expect(readFileSync(join(root, 'pipelines/events/src/events/sensors.py'), 'utf8')).toBe(eventsSensors);
    expect(readFileSync(join(root, 'pipelines/events/src/events/added_sensors/events_audit.py'), 'utf8')).toContain(
      'minimum_interval_seconds=300,',
    );
  });

  it.each(DEPLOYMENTS)(
    'loads in Dagster in %s, with the new jobs, schedules and sensors exactly where visibility allows them',
    (deployment) => {
      const { jobs, schedules, sensors } = loaded[deployment]!.orders!;
      expect(sensors.includes('orders_dev_full_sensor')).toBe(deployment === 'compose' || deployment === 'dev');
      expect(loaded[deployment]!.events!.sensors.includes('events_audit')).toBe(deployment === 'prod');
      const daemonDev = deployment === 'compose' || deployment === 'dev';
      expect(jobs.includes('orders_dev_sample')).toBe(daemonDev);
      expect(schedules.includes('orders_hourly_dev')).toBe(daemonDev);
      expect(schedules.includes('orders_dev_sample')).toBe(daemonDev);
      expect(schedules.includes('orders_weekly')).toBe(deployment === 'prod');
      if (deployment === 'prod') expect(schedules).toEqual(['orders_daily', 'orders_weekly']);
    },
  );

  it('pipeline list says what Dagster loads in each deployment, with everything pipeline add wrote', () => {
    const list = runBin('pipeline', ['list', '--json'], root);
    expect(list.code, list.stderr).toBe(0);
    // Like every command's --json: an ok key first.
    expect(Object.keys(JSON.parse(list.stdout))[0]).toBe('ok');
    const listed = JSON.parse(list.stdout).pipelines as { name: string; deployments: Record<string, unknown> }[];
    expect(listed.map((p) => p.name).sort()).toEqual(['events', 'orders']);
    for (const p of listed)
      for (const deployment of DEPLOYMENTS) {
        const { jobs, schedules, sensors } = loaded[deployment]![p.name]!;
        expect(p.deployments[deployment], `${p.name} in ${deployment}`).toEqual({
          jobs: [...jobs].sort(),
          schedules: [...schedules].sort(),
          sensors: [...sensors].sort(),
        });
      }
  });

  it('pipeline check finds nothing to report in what was added', () => {
    const result = runBin('pipeline', ['check'], root);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain('no findings');
  });

  it('refuses the same schedule again without a name (it would run the preset twice), and a schedule named like a sensor', () => {
    expectRefused(
      root,
      () => add(root, ['schedule', '--pipeline', 'orders', '--preset', 'dev_sample', '--cron', '0 * * * *']),
      /^pipeline: error: the pipeline already has a schedule orders_dev_sample \(schedules.py or added_schedules\/\), of preset dev_sample; to add another one, give it a name of its own: --name orders_dev_sample_2\n?$/,
    );
    expectRefused(
      root,
      () =>
        add(root, [
          ...'schedule --pipeline orders --preset dev_full --name orders_dev_full_sensor --cron'.split(' '),
          '0 5 * * *',
        ]),
      /--name orders_dev_full_sensor: sensors.py or added_sensors\/ already has a sensor named orders_dev_full_sensor; pick another name/,
    );
  });

  it.each(['orders', 'events'])('the own tests of %s pass with what was added', (name) => {
    const result = run(PYTHON, ['-m', 'pytest', '-q', '-p', 'no:cacheprovider'], join(root, 'pipelines', name));
    expect(result.code, (result.stdout + result.stderr).slice(-3000)).toBe(0);
  });
});

describe('pipeline add refuses bad input: exit 2, one line, nothing changed', () => {
  let root: string;
  beforeAll(() => {
    root = makePlatform({
      pipelines: [['orders'], ['billing', '--deployments', 'local,prod'], ['events', '--template', 'ingest']],
    });
    // A second graph whose name is the first's and a preset's start: its jobs are orders_prod_<preset>.
    const job = add(root, ['job', '--pipeline', 'orders', '--name', 'orders_prod']);
    expect(job.code, job.stderr).toBe(0);
  });

  it("refuses a schedule or sensor that the pipeline's definitions.py would not load (its v5 upgrade left a TODO)", () => {
    const path = join(root, 'pipelines/events/src/events/definitions.py');
    const generated = readFileSync(path, 'utf8');
    // As a team's edit leaves it, which the upgrade to v5 could not change: only SCHEDULES, SENSORS.
    writeFileSync(
      path,
      generated
        .replace('schedules = [*SCHEDULES, *specs_in(added_schedules, ScheduleSpec)]', 'schedules = [*SCHEDULES]')
        .replace('sensors = [*SENSORS, *specs_in(added_sensors, SensorSpec)]', 'sensors = [*SENSORS]'),
    );
    try {
      for (const [kind, folder] of [
        ['schedule', 'added_schedules'],
        ['sensor', 'added_sensors'],
      ])
        expectRefused(
          root,
          () =>
            add(
              root,
              [kind!, '--pipeline', 'events', '--preset', 'prod_full', '--cron', '0 7 * * *'].slice(
                0,
                kind === 'sensor' ? 5 : 7,
              ),
            ),
          new RegExp(
            `^pipeline: error: pipelines/events/src/events/definitions.py does not load ${folder}/, so the ${kind} would never load; make it load them as a new pipeline's definitions.py does \\(its TODO\\(pipeline upgrade\\) says how\\), then run again\\n$`,
          ),
        );
    } finally {
      writeFileSync(path, generated);
    }
  });

  it.each([
    [
      "a preset whose job would have the name of another graph's job (one would replace the other in JOBS)",
      ['preset', '--pipeline', 'orders', '--name', 'full', '--mode', 'prod'],
      /^pipeline: error: --name full: graph orders_prod's job orders_prod_full would have the name of graph orders' job with preset prod_full, and one would replace the other; pick another name\n$/,
    ],
    [
      'a list flag given twice (the first value would be dropped unseen)',
      [
        ...'schedule --pipeline orders --preset dev_full --cron'.split(' '),
        '0 7 * * *',
        ...'--deployments compose --deployments dev'.split(' '),
      ],
      /^pipeline: error: --deployments is given twice \(compose and dev\); give it once, a list as one value: --deployments compose,dev\n$/,
    ],
    [
      'an unknown pipeline',
      ['schedule', '--pipeline', 'nope', '--preset', 'dev_full'],
      /--pipeline nope is not a pipeline/,
    ],
    [
      'a duplicate schedule name',
      ['schedule', '--pipeline', 'orders', '--name', 'orders_daily', '--preset', 'prod_full'],
      /already has a schedule named orders_daily/,
    ],
    [
      'a sensor named like a schedule (Dagster loads both under one namespace)',
      ['sensor', '--pipeline', 'orders', '--preset', 'dev_full', '--name', 'orders_daily_dev'],
      /--name orders_daily_dev: schedules.py or added_schedules\/ already has a schedule named orders_daily_dev; pick another name/,
    ],
    [
      'a job named like an op (Dagster names ops and graphs in one namespace)',
      ['job', '--pipeline', 'orders', '--name', 'load_source'],
      /--name load_source: ops.py already defines load_source, and Dagster needs each op and graph name once/,
    ],
    [
      'a Python keyword as a sensor evaluation function (def class(...) does not parse)',
      ['sensor', '--pipeline', 'orders', '--preset', 'dev_full', '--name', 's1', '--evaluation', 'class'],
      /--evaluation class is a Python keyword; pick another name/,
    ],
    [
      "a Python builtin as a sensor evaluation function (sensors.py's EVALUATIONS: dict[...] would not load)",
      ['sensor', '--pipeline', 'orders', '--preset', 'dev_full', '--name', 's1', '--evaluation', 'dict'],
      /^pipeline: error: --evaluation dict would shadow Python's builtin dict in added_sensors\/s1.py, which the module may use \(the code location would not load\); pick another name\n$/,
    ],
    ...['SENSOR', 'dg'].map((name): [string, string[], RegExp] => [
      `a name the sensor's module binds as its evaluation function (${name}: the sensor would vanish, or every tick fail)`,
      ['sensor', '--pipeline', 'orders', '--preset', 'dev_full', '--name', 's1', '--evaluation', name],
      new RegExp(`^pipeline: error: --evaluation ${name}: the sensor's module binds ${name} itself \\(`),
    ]),
    [
      'a Python builtin as a graph name (its function would shadow it in jobs.py)',
      ['job', '--pipeline', 'orders', '--name', 'sorted'],
      /--name sorted would shadow Python's builtin sorted in jobs.py/,
    ],
    ...[
      ['schedule', 'class', ['--preset', 'dev_full', '--cron', '0 6 * * *']],
      ['sensor', 'context', ['--preset', 'dev_full']],
      ['job', 'config', []],
      ['job', 'type', []],
    ].map(([kind, name, rest]) => [
      `a ${kind} named ${name}, which Dagster reserves (the code location would not load)`,
      [kind as string, '--pipeline', 'orders', '--name', name as string, ...(rest as string[])],
      new RegExp(`--name ${name} is a name Dagster reserves for definitions .*; pick another name`),
    ]),
    ...[
      ['job', []],
      ['resource', []],
      ['preset', ['--mode', 'dev']],
      ['schedule', ['--preset', 'dev_full', '--cron', '0 6 * * *']],
    ].map(([kind, rest]) => [
      `a ${kind} named __init__ (its module would replace its package's __init__.py: the code location loaded nowhere)`,
      [kind as string, '--pipeline', 'orders', '--name', '__init__', ...(rest as string[])],
      /^pipeline: error: --name __init__: names like __init__ are Python's own \(the module __init__.py would be its package itself\); pick another name\n$/,
    ]),
    [
      'a duplicate preset name',
      ['preset', '--pipeline', 'orders', '--name', 'dev_full', '--mode', 'dev'],
      /already has a preset named dev_full/,
    ],
    [
      'run config for a graph the pipeline does not have (a job would drop it unseen)',
      [
        'preset',
        '--pipeline',
        'orders',
        '--name',
        'dev_typo',
        '--mode',
        'dev',
        '--run-config',
        '{"ordrs": {"ops": {}}}',
      ],
      /--run-config names the graph "ordrs", which the pipeline does not have; use one of: .*\borders\b/,
    ],
    [
      'a name too long for the module file it names (the write failed with ENAMETOOLONG, as if the disk had, after --dry-run said yes)',
      ['schedule', '--pipeline', 'orders', '--preset', 'dev_full', '--cron', '0 6 * * *', '--name', 'a'.repeat(300)],
      /^pipeline: error: --name a{20}\.\.\. is 300 characters; use at most 100 \(the name of the module it writes\)\n$/,
    ],
    [
      'an integer JSON does not keep exactly (it was written rounded: 1732700000123456789 became ...800)',
      [
        'preset',
        '--pipeline',
        'orders',
        '--name',
        'big',
        '--mode',
        'dev',
        '--run-config',
        '{"orders": {"ops": {"load_source": {"config": {"limit": 1732700000123456789}}}}}',
      ],
      /^pipeline: error: --run-config has an integer past 2\^53 \(about 1\.733e\+18\), which JSON numbers do not keep exactly; pass it as a string/,
    ],
    // Dagster checks each job's run config as the code location loads: each of these loaded nowhere.
    ...DAGSTER_REFUSES.map(([config, message]) => [
      `run config Dagster would refuse: ${message}`,
      ['preset', '--pipeline', 'orders', '--name', 'dev_typo', '--mode', 'dev', '--run-config', config!],
      new RegExp(`^pipeline: error: --run-config: ${message!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\n$`),
    ]),
    ['an invalid cron', ['schedule', '--pipeline', 'orders', '--preset', 'dev_full', '--cron', '61 * * * *'], /--cron/],
    [
      'a preset that does not exist',
      ['schedule', '--pipeline', 'orders', '--preset', 'nightly'],
      /not a preset of orders/,
    ],
    [
      'a mode no deployment of the platform allows',
      ['preset', '--pipeline', 'orders', '--name', 'staging_full', '--mode', 'staging'],
      /not a mode any deployment/,
    ],
    [
      "a preset for a mode none of the pipeline's deployments load",
      ['preset', '--pipeline', 'billing', '--name', 'dev_sample', '--mode', 'dev'],
      /none of billing's deployments .*, or release it to a deployment that runs dev first \(pipeline add deployment --pipeline billing --name compose\)\n$/,
    ],
    [
      "a schedule in a deployment whose modes do not allow the preset's mode",
      [
        'schedule',
        '--pipeline',
        'orders',
        '--preset',
        'dev_full',
        '--cron',
        '0 7 * * *',
        '--deployments',
        'compose,prod',
      ],
      /prod allows modes prod, not dev/,
    ],
    [
      'a schedule without --cron and without a terminal',
      ['schedule', '--pipeline', 'orders', '--preset', 'dev_full'],
      /--cron is required without a terminal/,
    ],
    [
      'a deployment that runs no daemon',
      ['schedule', '--pipeline', 'orders', '--preset', 'local_sample', '--cron', '0 7 * * *', '--deployments', 'local'],
      /local runs no daemon/,
    ],
    ['an unknown kind', ['trigger', '--pipeline', 'orders'], /not something pipeline add makes/],
    [
      'a duplicate sensor name',
      ['sensor', '--pipeline', 'events', '--name', 'events_landing', '--preset', 'prod_full'],
      /already has a sensor named events_landing/,
    ],
    [
      'an evaluation function name sensors.py already uses',
      ['sensor', '--pipeline', 'events', '--preset', 'prod_full', '--evaluation', 'new_landing_files'],
      /sensors.py or added_sensors\/ already defines new_landing_files/,
    ],
    [
      'an evaluation that is not a Python name',
      ['sensor', '--pipeline', 'orders', '--preset', 'dev_full', '--evaluation', '1st'],
      /not a Python function name/,
    ],
    [
      "a sensor in a deployment whose modes do not allow the preset's mode",
      ['sensor', '--pipeline', 'orders', '--preset', 'prod_full', '--deployments', 'dev'],
      /dev allows modes local, dev, not prod/,
    ],
  ])('%s', (_what, args, message) => {
    expectRefused(root, () => add(root, args as string[]), message as RegExp);
  });

  it('--dry-run prints the diff and writes nothing', () => {
    const before = treeFingerprint(root);
    const result = add(root, ['preset', '--pipeline', 'orders', '--name', 'dev_small', '--mode', 'dev', '--dry-run']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('+    name="dev_small",');
    expect(result.stdout).toContain('+from . import added_presets');
    expect(treeFingerprint(root)).toEqual(before);
  });

  it('leaves a README whose jobs table the user reshaped untouched, and says so', () => {
    const readme = join(root, 'pipelines/orders/README.md');
    const before = reshapeJobsTable(readme);
    const result = add(root, ['preset', '--pipeline', 'orders', '--name', 'prod_backfill', '--mode', 'prod']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(
      "README.md's jobs table lists the presets of presets.py and the graphs of jobs.py only",
    );
    expect(readFileSync(readme, 'utf8')).toBe(before);
    expect(existsSync(join(root, 'pipelines/orders/src/orders/added_presets/prod_backfill.py'))).toBe(true);
  });

  it('keeps the permission bits of every file it edits (an executable, a group-writable one)', () => {
    // events' first preset: presets.py and the README get their one edit.
    const presets = join(root, 'pipelines/events/src/events/presets.py');
    const readme = join(root, 'pipelines/events/README.md');
    chmodSync(presets, 0o755);
    chmodSync(readme, 0o664);
    const result = add(root, ['preset', '--pipeline', 'events', '--name', 'dev_modes', '--mode', 'dev']);
    expect(result.code, result.stderr).toBe(0);
    expect(readFileSync(presets, 'utf8')).toContain('specs_in(added_presets, Preset)');
    expect(readFileSync(readme, 'utf8')).toContain('`src/events/added_presets/`');
    expect(statSync(presets).mode & 0o7777).toBe(0o755);
    expect(statSync(readme).mode & 0o7777).toBe(0o664);
    chmodSync(presets, 0o644);
    chmodSync(readme, 0o644);
  });

  it('copies the local preset with a TODO when no preset has the mode; into presets.py when it imports more of the package, with README rows, or none for a reshaped table', () => {
    const presets = join(root, 'pipelines/billing/src/billing/presets.py');
    const readme = join(root, 'pipelines/billing/README.md');
    // The user removed billing's prod preset: the new one starts from the local one's run config.
    // And presets.py imports another module of the package: its imports are no longer the ones
    // the gathering edit knows (ruff's order could break), so the preset goes into presets.py, as
    // before conventions v5.
    const text = readFileSync(presets, 'utf8').replace(
      'from .deployments import Preset\n',
      'from .deployments import Preset\nfrom .storage import STORE  # mine\n',
    );
    const prod = /\n {8}Preset\(\n {12}name="prod_full",[\s\S]*?\n {8}\),/.exec(text)!;
    writeFileSync(presets, text.replace(prod[0], ''));
    const result = add(root, ['preset', '--pipeline', 'billing', '--name', 'prod_sample', '--mode', 'prod', '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout).added[0]).toBe(
      'preset prod_sample (mode prod): run config copied from local_sample, marked TODO',
    );
    expect(JSON.parse(result.stdout).ok).toBe(true);
    expect(readFileSync(presets, 'utf8')).toContain(
      '            # TODO: copied from preset local_sample (mode local); set this mode\'s run config.\n            run_config={\n                "billing": {',
    );
    expect(existsSync(join(root, 'pipelines/billing/src/billing/added_presets'))).toBe(false);
    expect(readFileSync(readme, 'utf8')).toContain('| `billing_prod_sample` | `prod_sample` | `prod` |\n');
    // A README whose jobs table the user reshaped is left as it is, and the run says so.
    const before = reshapeJobsTable(readme);
    const again = add(root, ['preset', '--pipeline', 'billing', '--name', 'prod_backfill', '--mode', 'prod']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('README.md left as it is');
    expect(readFileSync(readme, 'utf8')).toBe(before);
  });

  it('refuses a preset or a graph that presets.py or jobs.py would not load (their gathering lines removed)', () => {
    const pkg = join(root, 'pipelines/orders/src/orders');
    const cases: [string, string[], RegExp][] = [
      [
        'presets.py',
        ['preset', '--pipeline', 'orders', '--name', 'dev_later', '--mode', 'dev'],
        /^pipeline: error: pipelines\/orders\/src\/orders\/presets.py does not gather added_presets\/, so the preset would never load; put back its line PRESETS \|= /,
      ],
      [
        'jobs.py',
        ['job', '--pipeline', 'orders', '--name', 'later'],
        /^pipeline: error: pipelines\/orders\/src\/orders\/jobs.py does not build the jobs of added_jobs\/, so the graph would never load; put back its loop over added_jobs.GRAPHS/,
      ],
    ];
    for (const [file, args, message] of cases) {
      const path = join(pkg, file);
      const text = readFileSync(path, 'utf8');
      // As a team's edit could leave it: the package is there, the line that loads it is not.
      expect(text).toMatch(/\n# Every (preset|graph) `pipeline add/);
      writeFileSync(path, text.replace(/\n# Every (preset|graph) `pipeline add[\s\S]*$/, ''));
      try {
        expectRefused(root, () => add(root, args), message);
      } finally {
        writeFileSync(path, text);
      }
    }
  });

  it('--help shows the questions and examples', () => {
    const result = add(root, ['schedule', '--help']);
    expect(result.code).toBe(0);
    for (const flag of [
      '--name',
      '--graph',
      '--preset',
      '--cron',
      '--timezone',
      '--deployments',
      '--dry-run',
      '--json',
      'Examples:',
    ])
      expect(result.stdout).toContain(flag);
  });
});

describe('docs/add.md', () => {
  it('every command it shows runs as shown', () => {
    // As a reader goes: orders first, then the platform team's uat deployment running its own
    // staging mode (docs/add.md's mode section), committed; the reader commits after each block.
    const root = makePlatform();
    const made = createPipeline(['orders', '--no-branch'], root);
    expect(made.code, made.stderr).toBe(0);
    git(root, 'add', '-A');
    git(root, 'commit', '-qm', 'orders');
    addUatDeployment(root, { upgradeSteps: false });
    const doc = readFileSync(join(packageRoot(), 'docs/add.md'), 'utf8');
    const blocks = [...doc.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
    expect(blocks.length).toBeGreaterThan(1);
    const bin = builtBin('pipeline');
    const commit = 'git add -A && { git diff --cached --quiet || git commit -qm "as the reader would"; }';
    const script = `set -euo pipefail\nnpx() { shift; "${process.execPath}" "${bin}" "$@"; }\n${blocks.map((b) => `${b}\n${commit}`).join('\n')}`;
    const result = spawnSync('bash', ['-c', script], {
      cwd: root,
      encoding: 'utf8',
      env: binEnv(),
    });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain('added preset dev_sample (mode dev, in added_presets/dev_sample.py)');
    expect(result.stdout).toContain(
      '"schedule orders_hourly_dev (preset dev_full, 30 * * * * Europe/Paris) in compose, dev: added_schedules/orders_hourly_dev.py"',
    );
    expect(result.stdout).toContain('added sensor orders_new_files (preset dev_sample, every 300s) in compose, dev');
    expect(result.stdout).toContain(
      'added graph cleanup (cleanup_graph and op cleanup_step, yours to write, in added_jobs/cleanup.py)',
    );
    expect(result.stdout).toContain(
      '"resource slack (SlackResource in added_resources/slack.py, from SLACK_TOKEN) in modes prod"',
    );
    expect(result.stdout).toContain(
      'added preset staging_full (mode staging, in added_presets/staging_full.py): run config copied from prod_full (mode staging is like prod)',
    );
    expect(result.stdout).toContain(
      'added deployment prod (released there): recorded in .pipeline-answers.yaml, src/billing/conventions.py rendered again',
    );
    expect(result.stdout).toContain('added preset prod_full (mode prod, in added_presets/prod_full.py)');
  });
});

describe('add preset --run-config, against what Dagster loads', () => {
  it('the run config it takes loads; each it refuses, written in its place, fails the load', async () => {
    const base = makePlatform({ pipelines: [['orders']] });
    const valid = '{"orders": {"ops": {"load_source": {"config": {"table": "raw/orders.csv", "limit": 10}}}}}';
    const added = add(base, [
      'preset',
      '--pipeline',
      'orders',
      '--name',
      'dev_small',
      '--mode',
      'dev',
      '--run-config',
      valid,
    ]);
    expect(added.code, added.stderr).toBe(0);
    const module = 'pipelines/orders/src/orders/added_presets/dev_small.py';
    const written = readFileSync(join(base, module), 'utf8');
    // Each refused config in the module, as the command wrote such a preset before (JSON is a Python literal here).
    const copies = DAGSTER_REFUSES.map(([config]) => {
      const copy = join(tempDir('run-config-'), 'platform');
      cpSync(base, copy, { recursive: true });
      const text = written.replace(/run_config=\{[\s\S]*?\n {4}\},\n/, `run_config=${config},\n`);
      expect(text).not.toBe(written);
      writeFileSync(join(copy, module), text);
      return copy;
    });
    const env = { PIPELINE_DEPLOYMENT: 'dev', PIPELINE_DEV_BUCKET: 'placeholder' };
    const [ok, ...refused] = await loadMany(
      [base, ...copies].map((root) => ({ project: join(root, 'pipelines/orders'), env })),
    );
    expectLoaded(ok!);
    expect(ok!.jobs).toContain('orders_dev_small');
    refused.forEach((result, i) => {
      expect(result.ok, DAGSTER_REFUSES[i]![0]).toBe(false);
      expect(result.error, DAGSTER_REFUSES[i]![0]).toMatch(/DagsterInvalidConfigError|Error in config/);
    });
  });
});

// Presets and schedules as a team may write them: by position (dataclasses bind them by place), and
// a run config held in a module constant. add read only keywords: it took the presets for none,
// accepted a second prod_full (which replaced the real one in PRESETS, unseen) and a second
// orders_daily (Dagster refused prod), and it copied `run_config=_FULL` into a module without _FULL.
describe('pipeline add on presets and schedules written by position, and a graph named by a constant', () => {
  it('reads their names as Python binds them, and copies only a run config that reads the same elsewhere', async () => {
    const root = makePlatform({ pipelines: [['orders']] });
    const config = (limit: number) =>
      `{"orders": {"ops": {"load_source": {"config": {"table": "raw/orders.csv", "limit": ${limit}}}}}}`;
    writeFileSync(
      join(root, PKG, 'presets.py'),
      `"""Presets, as the team wrote them."""

from .deployments import Preset

_FULL = ${config(0)}

PRESETS: dict[str, Preset] = {
    preset.name: preset
    for preset in [
        Preset("local_sample", "local", "Sample.", ${config(1000)}),
        Preset("sandbox", "sandbox", "Sandbox.", _FULL),
        Preset("dev_full", "dev", "Dev.", _FULL),
        Preset("prod_full", "prod", "Prod.", _FULL),
    ]
}
`,
    );
    writeFileSync(
      join(root, PKG, 'schedules.py'),
      `"""Schedules, as the team wrote them."""

from .deployments import ScheduleSpec

SCHEDULES: list[ScheduleSpec] = [
    ScheduleSpec("orders_daily", "orders", "prod_full", "0 6 * * *", "UTC", ("prod",)),
]
`,
    );
    // And the graph's name in a module constant, as Dagster reads `name=GRAPH_NAME`: add wrote the
    // function's name (main_graph) into the schedule, which failed the load with a KeyError.
    const jobs = join(root, PKG, 'jobs.py');
    const graph = readFileSync(jobs, 'utf8');
    expect(graph).toContain('@dg.graph(name="orders", ');
    writeFileSync(
      jobs,
      graph.replace('@dg.graph(name="orders", ', 'GRAPH_NAME = "orders"\n\n\n@dg.graph(name=GRAPH_NAME, '),
    );
    git(root, 'commit', '-qam', 'presets and schedules by position');
    expectRefused(
      root,
      () => add(root, ['preset', '--pipeline', 'orders', '--name', 'prod_full', '--mode', 'prod']),
      /--name prod_full: orders already has a preset named prod_full; pick another name/,
    );
    expectRefused(
      root,
      () =>
        add(root, [
          'schedule',
          '--pipeline',
          'orders',
          '--name',
          'orders_daily',
          '--preset',
          'prod_full',
          '--cron',
          '0 7 * * *',
        ]),
      /--name orders_daily: schedules\.py or added_schedules\/ already has a schedule named orders_daily/,
    );
    const schedule = add(root, [
      'schedule',
      '--pipeline',
      'orders',
      '--name',
      'nightly',
      '--preset',
      'dev_full',
      '--cron',
      '0 1 * * *',
    ]);
    expect(schedule.code, schedule.stderr).toBe(0);
    expect(readFileSync(join(root, PKG, 'added_schedules', 'nightly.py'), 'utf8')).toContain('    graph="orders",\n');
    // dev_full's run config is a name: the new dev preset starts from local_sample's literal one, marked TODO.
    const preset = add(root, ['preset', '--pipeline', 'orders', '--name', 'dev_sample', '--mode', 'dev']);
    expect(preset.code, preset.stderr).toBe(0);
    const written = readFileSync(join(root, PKG, 'added_presets', 'dev_sample.py'), 'utf8');
    expect(written).not.toContain('_FULL');
    expect(written).toContain('# TODO: copied from preset local_sample (mode local)');
    expect(written).toContain('"limit": 1000');
    const { dev, prod } = await inspectMany(root, ['orders'], ['dev', 'prod']);
    expect(dev!.orders!.jobs).toEqual(['orders_dev_full', 'orders_dev_sample', 'orders_local_sample']);
    expect(dev!.orders!.schedules).toEqual(['nightly']);
    expect(prod!.orders!.schedules).toEqual(['orders_daily']);
    const check = runBin('pipeline', ['check', '--pipeline', 'orders'], root);
    expect(check.code, check.stdout + check.stderr).toBe(0);
  });
});

// A team's own layout: the graph moved out of jobs.py into graphs.py, and a preset out of
// presets.py into a module of its own. check read every module of the package; add read only
// jobs.py and presets.py, refused the schedule ("jobs.py of orders has no @dg.graph"), refused the
// --graph it told the user to pass, and took dev_full for a preset the pipeline lacks.
describe('pipeline add on a graph and a preset moved into modules of the team’s own', () => {
  it('finds them where check does, and what it adds loads', async () => {
    const root = makePlatform({ pipelines: [['orders']] });
    const config = (limit: number) =>
      `{"orders": {"ops": {"load_source": {"config": {"table": "raw/orders.csv", "limit": ${limit}}}}}}`;
    const jobs = readFileSync(join(root, PKG, 'jobs.py'), 'utf8');
    const graph = jobs.slice(jobs.indexOf('@dg.graph('), jobs.indexOf('\n\nJOBS = '));
    writeFileSync(
      join(root, PKG, 'graphs.py'),
      `"""The graph, moved out of jobs.py."""\n\nimport dagster as dg\n\nfrom .ops import daily_revenue, load_source, write_target\n\n\n${graph}`,
    );
    writeFileSync(
      join(root, PKG, 'jobs.py'),
      `"""Jobs: the graph of graphs.py, one job per preset."""\n\nfrom .deployments import build_jobs\nfrom .graphs import main_graph\nfrom .modes import MODES\nfrom .presets import PRESETS\n\nJOBS = build_jobs(main_graph, PRESETS, MODES)\n`,
    );
    writeFileSync(
      join(root, PKG, 'presets_remote.py'),
      `"""Presets that read a bucket."""\n\nfrom .deployments import Preset\n\nREMOTE_PRESETS = {\n    name: Preset(name=name, mode=mode, description=mode, run_config=${config(0)})\n    for name, mode in [("sandbox", "sandbox"), ("prod_full", "prod")]\n}\nREMOTE_PRESETS["dev_full"] = Preset(name="dev_full", mode="dev", description="Dev.", run_config=${config(0)})\n`,
    );
    writeFileSync(
      join(root, PKG, 'presets.py'),
      `"""Presets."""\n\nfrom .deployments import Preset\nfrom .presets_remote import REMOTE_PRESETS\n\nPRESETS: dict[str, Preset] = {\n    preset.name: preset\n    for preset in [\n        Preset(name="local_sample", mode="local", description="Sample.", run_config=${config(1000)}),\n    ]\n}\nPRESETS.update(REMOTE_PRESETS)\n`,
    );
    git(root, 'add', '-A');
    git(root, 'commit', '-qm', 'the team’s own layout');
    const schedule = add(root, ['schedule', '--pipeline', 'orders', '--preset', 'dev_full', '--cron', '0 1 * * *']);
    expect(schedule.code, schedule.stderr).toBe(0);
    expect(readFileSync(join(root, PKG, 'added_schedules', 'orders_dev_full.py'), 'utf8')).toContain(
      '    graph="orders",\n',
    );
    // The new dev preset copies dev_full's run config (same mode), from presets_remote.py.
    const preset = add(root, ['preset', '--pipeline', 'orders', '--name', 'dev_sample', '--mode', 'dev']);
    expect(preset.code, preset.stderr).toBe(0);
    expect(preset.stdout).toContain('added job orders_dev_sample');
    // (Appended to presets.py's list: a presets.py that imports more of the package's own keeps them.)
    const presets = readFileSync(join(root, PKG, 'presets.py'), 'utf8');
    expect(presets).toContain('name="dev_sample"');
    expect(presets).not.toContain('TODO');
    const { dev } = await inspectMany(root, ['orders'], ['dev']);
    expect(dev!.orders!.jobs).toEqual(['orders_dev_full', 'orders_dev_sample', 'orders_local_sample']);
    expect(dev!.orders!.schedules).toContain('orders_dev_full');
    const check = runBin('pipeline', ['check', '--pipeline', 'orders'], root);
    expect(check.code, check.stdout + check.stderr).toBe(0);
  });
});

describe('pipeline add on a graph named by an expression it does not read', () => {
  it('says so and takes --graph, which the load then checks', async () => {
    const root = makePlatform({ pipelines: [['orders']] });
    const jobs = join(root, PKG, 'jobs.py');
    const text = readFileSync(jobs, 'utf8');
    writeFileSync(
      jobs,
      text
        .replace(
          'from .deployments import build_jobs\n',
          'from . import conventions\nfrom .deployments import build_jobs\n',
        )
        .replace('@dg.graph(name="orders", ', '@dg.graph(name=conventions.PIPELINE, '),
    );
    git(root, 'commit', '-qam', 'the graph named by conventions.PIPELINE');
    const args = ['schedule', '--pipeline', 'orders', '--preset', 'dev_full', '--cron', '0 2 * * *', '--name', 'two'];
    expectRefused(
      root,
      () => add(root, args),
      /the @dg\.graph of orders is named by conventions\.PIPELINE, which pipeline add does not read; pass --graph with the name it gives/,
    );
    const given = add(root, [...args, '--graph', 'orders']);
    expect(given.code, given.stderr).toBe(0);
    const { dev } = await inspectMany(root, ['orders'], ['dev']);
    expect(dev!.orders!.schedules).toContain('two');
  });
});

describe('pipeline add on presets made through an alias of Preset', () => {
  it('sees their names: a second dev_full is refused (it would replace the first in PRESETS)', () => {
    const root = makePlatform({ pipelines: [['orders']] });
    const presets = join(root, PKG, 'presets.py');
    writeFileSync(
      presets,
      readFileSync(presets, 'utf8')
        .replace('from .deployments import Preset\n', 'from .deployments import Preset as P\n')
        .replaceAll('Preset(', 'P(')
        .replace('dict[str, Preset]', 'dict[str, P]'),
    );
    git(root, 'commit', '-qam', 'Preset as P');
    expectRefused(
      root,
      () => add(root, ['preset', '--pipeline', 'orders', '--name', 'dev_full', '--mode', 'dev']),
      /--name dev_full: orders already has a preset named dev_full; pick another name/,
    );
    const check = runBin('pipeline', ['check', '--pipeline', 'orders'], root);
    expect(check.code, check.stdout + check.stderr).toBe(0);
  });
});
