// `pipeline add job` and `pipeline add resource` on pipelines their users already edited: the
// edits survive, Dagster loads the result in every deployment with the new jobs exactly where the
// visibility rule says, a job run in process gets the resource from the environment, and bad input is one
// line, exit 2, and no change.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/paths.ts';
import { runBin } from '../helpers/cli.ts';
import { inspectMany } from '../helpers/load-many.ts';
import { PYTHON, run } from '../helpers/python.ts';
import { expectRefused, git, linesKept, makePlatform, tempDir, treeFingerprint } from '../helpers/workspace.ts';

const DEPLOYMENTS = ['local', 'compose', 'dev', 'prod', 'sandbox'];
const ORDERS = 'pipelines/orders/src/orders';
const add = (root: string, args: string[]) => runBin('pipeline', ['add', ...args], root);

function editAsUser(root: string): { jobs: string; ops: string } {
  const jobsPath = join(root, ORDERS, 'jobs.py');
  const jobs = readFileSync(jobsPath, 'utf8')
    .replace('JOBS = build_jobs(', '# One job per preset, as the platform wants.\nJOBS = build_jobs(')
    .concat('\n\ndef job_names() -> list[str]:\n    """Mine."""\n    return sorted(JOBS)\n');
  writeFileSync(jobsPath, jobs);
  const opsPath = join(root, ORDERS, 'ops.py');
  const ops = readFileSync(opsPath, 'utf8').concat(
    '\n\ndef completed(row: dict) -> bool:\n    # mine\n    return row.get("status") == "completed"\n',
  );
  writeFileSync(opsPath, ops);
  git(root, 'commit', '-qam', 'my edits');
  return { jobs, ops };
}

type Loaded = Record<string, { jobs: string[] }>;

describe('pipeline add job and resource on pipelines the user already edited', () => {
  let root: string;
  let mine: { jobs: string; ops: string };
  const loaded: Record<string, Loaded> = {};

  beforeAll(async () => {
    root = makePlatform({ pipelines: [['orders'], ['scores', '--template', 'ml']] });
    mine = editAsUser(root);
    for (const args of [
      ['resource', '--pipeline', 'orders', '--name', 'warehouse', '--env', 'url=WAREHOUSE_URL,user=WAREHOUSE_USER'],
      [
        'resource',
        '--pipeline',
        'orders',
        '--name',
        'slack',
        '--env',
        'token=SLACK_TOKEN',
        '--modes',
        'prod',
        '--description',
        'Posts to "#alerts" from C:\\data',
      ],
      ['job', '--pipeline', 'orders', '--name', 'cleanup', '--description', 'Removes stale rows.'],
      ['job', '--pipeline', 'scores', '--name', 'audit'],
    ]) {
      const result = add(root, args);
      expect(result.code, result.stderr).toBe(0);
    }
    Object.assign(loaded, await inspectMany(root, ['orders', 'scores'], DEPLOYMENTS));
  });

  it("writes the graph and its op to a module of its own, keeps the user's ops.py and every line of jobs.py but its import from .deployments, and jobs.py builds the module's jobs", () => {
    // A module per graph (conventions v5): two branches that each add one merge without a conflict.
    const jobs = readFileSync(join(root, ORDERS, 'jobs.py'), 'utf8');
    linesKept(mine.jobs, jobs, ['from .modes import MODES']);
    expect(jobs).toContain(
      '\nfrom . import added_jobs\nfrom .deployments import build_jobs\nfrom .ops import daily_revenue, load_source, write_target\nfrom .presets import PRESETS\nfrom .resources import MODES\n',
    );
    // Below the user's function, two blank lines (ruff format's rule after a function).
    expect(jobs).toContain(
      '    return sorted(JOBS)\n\n\n# Every graph `pipeline add job` added: a module of its own in added_jobs/, one job per preset\n# each, so that two branches that each add one merge without a conflict.\nfor added_graph in added_jobs.GRAPHS:\n    JOBS |= build_jobs(added_graph, PRESETS, MODES)\n',
    );
    expect(readFileSync(join(root, ORDERS, 'ops.py'), 'utf8')).toBe(mine.ops);
    // The op takes the mode's store, as ops.py's do (it imports TableStore).
    expect(readFileSync(join(root, ORDERS, 'added_jobs', 'cleanup.py'), 'utf8')).toBe(
      [
        '"""Graph cleanup (yours to edit), added by `pipeline add job`: its op, yours to write, and its graph.',
        '',
        'jobs.py makes one job of it per preset, named cleanup_<preset>, as it does of its own graphs.',
        '"""',
        '',
        'import dagster as dg',
        '',
        'from ..storage import TableStore',
        '',
        '',
        '@dg.op(description="Removes stale rows.")',
        'def cleanup_step(context: dg.OpExecutionContext, store: TableStore) -> None:',
        '    """TODO: what job cleanup does: read with store.read_rows, write with store.write_rows."""',
        '    context.log.info(f"cleanup: not written yet ({store.describe()})")',
        '',
        '',
        '@dg.graph(name="cleanup", description="Removes stale rows.")',
        'def cleanup_graph():',
        '    cleanup_step()',
        '',
        '',
        'GRAPH = cleanup_graph',
        '',
      ].join('\n'),
    );
    const readme = readFileSync(join(root, 'pipelines/orders/README.md'), 'utf8');
    expect(readme).not.toContain('cleanup_');
    expect(readme).toContain('`npx pipeline list` lists every job, per deployment.');
  });

  it('builds the jobs of added_jobs/ beside a JOBS dict of several graphs (the ml template)', () => {
    const jobs = readFileSync(join(root, 'pipelines/scores/src/scores/jobs.py'), 'utf8');
    expect(jobs).toContain(
      'JOBS = {**build_jobs(train_graph, PRESETS, MODES), **build_jobs(score_graph, PRESETS, MODES)}\n\n# Every graph',
    );
    expect(jobs).toContain(
      'for added_graph in added_jobs.GRAPHS:\n    JOBS |= build_jobs(added_graph, PRESETS, MODES)\n',
    );
    expect(readFileSync(join(root, 'pipelines/scores/src/scores/added_jobs/audit.py'), 'utf8')).toContain(
      'def audit_step(context: dg.OpExecutionContext, store: TableStore) -> None:',
    );
  });

  it('writes each resource as a module of its own, a typed class and its binding, every field from the environment', () => {
    const module = (key: string) => readFileSync(join(root, ORDERS, 'added_resources', `${key}.py`), 'utf8');
    // The default, every mode: EVERY_MODE, so a mode added later has it too.
    expect(module('warehouse')).toBe(
      [
        '"""Resource warehouse (yours to edit), added by `pipeline add resource`: its class and its binding."""',
        '',
        'import dagster as dg',
        '',
        'from . import EVERY_MODE, Binding',
        '',
        '',
        'class WarehouseResource(dg.ConfigurableResource):',
        '    """TODO: what warehouse is, and the methods your ops call."""',
        '',
        '    url: str',
        '    user: str',
        '',
        '',
        'BINDING = Binding(',
        '    key="warehouse",',
        '    modes=EVERY_MODE,',
        '    resource=WarehouseResource(url=dg.EnvVar("WAREHOUSE_URL"), user=dg.EnvVar("WAREHOUSE_USER")),',
        ')',
        '',
      ].join('\n'),
    );
    expect(module('slack')).toContain('from . import Binding\n\n\nclass SlackResource(dg.ConfigurableResource):');
    // The description as written, quotes and backslashes too (the loads below import it everywhere).
    expect(module('slack')).toContain(`    'Posts to "#alerts" from C:\\\\data'\n`);
    expect(module('slack')).toContain(
      'BINDING = Binding(\n    key="slack",\n    modes=("prod",),\n    resource=SlackResource(token=dg.EnvVar("SLACK_TOKEN")),\n)\n',
    );
    // resources.py gathers them; the same text in every pipeline, so two branches that each make it merge.
    const resources = readFileSync(join(root, ORDERS, 'resources.py'), 'utf8');
    expect(resources).toContain(
      'BINDINGS: list[Binding] = [module.BINDING for module in modules_in(added_resources)]\n',
    );
    expect(resources).not.toContain('warehouse');
    for (const text of [resources, module('warehouse'), module('slack')])
      expect(text).not.toMatch(/=\s*"[^"]*(secret|password|token)/i);
  });

  it.each(DEPLOYMENTS)('loads in %s with the new jobs exactly where visibility allows their mode', (deployment) => {
    const { orders, scores } = loaded[deployment]! as Loaded;
    const modeOfPreset: Record<string, string> = {
      local_sample: 'local',
      sandbox: 'sandbox',
      dev_full: 'dev',
      prod_full: 'prod',
    };
    const allowed: Record<string, string[]> = {
      local: ['local'],
      compose: ['local', 'dev'],
      dev: ['local', 'dev'],
      prod: ['prod'],
      sandbox: ['local', 'sandbox'],
    };
    const expected = Object.entries(modeOfPreset)
      .filter(([, mode]) => allowed[deployment]!.includes(mode))
      .map(([preset]) => `cleanup_${preset}`);
    expect(orders!.jobs.filter((j) => j.startsWith('cleanup_')).sort()).toEqual(expected.sort());
    expect(scores!.jobs.some((j) => j.startsWith('audit_'))).toBe(true);
    // Three graphs (train, score, audit), each with one job per preset the deployment allows.
    expect(scores!.jobs.filter((j) => j.startsWith('audit_')).length * 3).toBe(scores!.jobs.length);
  });

  it('binds a resource in every mode by default, another only in the modes named, and a job run gets its fields from the environment', () => {
    // The user writes the op: it takes the warehouse by its key.
    const opsPath = join(root, ORDERS, 'added_jobs', 'cleanup.py');
    writeFileSync(
      opsPath,
      readFileSync(opsPath, 'utf8')
        .replace(
          'from ..storage import TableStore\n',
          'from ..added_resources.warehouse import WarehouseResource\nfrom ..storage import TableStore\n',
        )
        .replace(
          'def cleanup_step(context: dg.OpExecutionContext, store: TableStore) -> None:',
          'def cleanup_step(context: dg.OpExecutionContext, store: TableStore, warehouse: WarehouseResource) -> None:',
        )
        .replace(
          '    context.log.info(f"cleanup: not written yet ({store.describe()})")',
          '    context.log.info(f"cleanup at {warehouse.url} as {warehouse.user}")\n    print(f"WAREHOUSE={warehouse.url}|{warehouse.user}")',
        ),
    );
    // And a sensor of the user's reads it, as the resources of the job it launches: the pipeline's
    // own tests evaluate it (next test), and so does this script, with the jobs' environment.
    const sensor = add(root, ['sensor', '--pipeline', 'orders', '--preset', 'local_sample', '--name', 'wh_watch']);
    expect(sensor.code, sensor.stderr).toBe(0);
    const sensorPath = join(root, ORDERS, 'added_sensors', 'wh_watch.py');
    const evaluation = readFileSync(sensorPath, 'utf8');
    expect(evaluation).toContain('    # TODO: find what is new');
    writeFileSync(
      sensorPath,
      evaluation.replace(
        '    # TODO: find what is new',
        '    print(f"SENSOR WAREHOUSE={resources.warehouse.url}")\n    # TODO: find what is new',
      ),
    );
    // And a prod sensor reads slack, which only prod binds: the pipeline's own sensor test (next
    // test) evaluates it with local mode's resources and, under them, prod's own.
    const slack = add(root, ['sensor', '--pipeline', 'orders', '--preset', 'prod_full', '--name', 'slack_watch']);
    expect(slack.code, slack.stderr).toBe(0);
    const slackPath = join(root, ORDERS, 'added_sensors', 'slack_watch.py');
    writeFileSync(
      slackPath,
      readFileSync(slackPath, 'utf8').replace(
        '    # TODO: find what is new',
        '    context.log.info(f"would post with {len(resources.slack.token)} characters")\n    # TODO: find what is new',
      ),
    );
    const script = [
      'import json, sys',
      'import dagster as dg',
      `sys.path.insert(0, ${JSON.stringify(join(root, 'pipelines/orders/src'))})`,
      'from orders.definitions import build_definitions',
      'from orders.jobs import JOBS',
      'keys = {name: sorted(job.resource_defs) for name, job in JOBS.items() if name.startswith("cleanup_")}',
      'result = JOBS["cleanup_local_sample"].execute_in_process()',
      'build_definitions("dev").get_sensor_def("wh_watch")(dg.build_sensor_context())',
      'print(json.dumps({"keys": keys, "ok": result.success}))',
    ].join('\n');
    const result = run(PYTHON, ['-c', script], root, {
      WAREHOUSE_URL: 'postgres://wh.internal/db',
      WAREHOUSE_USER: 'etl',
    });
    expect(result.code, result.stderr.slice(-3000)).toBe(0);
    expect(result.stdout).toContain('WAREHOUSE=postgres://wh.internal/db|etl');
    expect(result.stdout).toContain('SENSOR WAREHOUSE=postgres://wh.internal/db');
    const report = JSON.parse(result.stdout.trim().split('\n').pop()!);
    expect(report.ok).toBe(true);
    expect(report.keys.cleanup_local_sample).toContain('warehouse');
    expect(report.keys.cleanup_prod_full).toEqual(['io_manager', 'slack', 'store', 'warehouse']);
    expect(report.keys.cleanup_dev_full).toEqual(['io_manager', 'store', 'warehouse']);
  });

  it.each(['orders', 'scores'])('the own tests of %s pass, and pipeline check finds nothing', (name) => {
    const result = run(PYTHON, ['-m', 'pytest', '-q', '-p', 'no:cacheprovider'], join(root, 'pipelines', name));
    expect(result.code, (result.stdout + result.stderr).slice(-3000)).toBe(0);
    const check = runBin('pipeline', ['check', '--pipeline', name], root);
    expect(check.code, check.stdout + check.stderr).toBe(0);
  });
});

describe('pipeline add job and resource refuse bad input: exit 2, one line, nothing changed', () => {
  let root: string;
  beforeAll(() => {
    root = makePlatform({ pipelines: [['orders'], ['billing', '--deployments', 'local,prod']] });
    const first = add(root, ['resource', '--pipeline', 'orders', '--name', 'warehouse']);
    expect(first.code, first.stderr).toBe(0);
    git(root, 'add', '-A');
    git(root, 'commit', '-qm', 'warehouse');
  });

  it.each([
    [
      'a graph name jobs.py has',
      ['job', '--pipeline', 'orders', '--name', 'orders'],
      /already has a graph named orders/,
    ],
    [
      'a graph name that is not a Python name',
      ['job', '--pipeline', 'orders', '--name', '1st'],
      /--name "1st" is not a name for a graph/,
    ],
    ['a graph name that is a keyword', ['job', '--pipeline', 'orders', '--name', 'class'], /Python keyword/],
    [
      'a job without --name and without a terminal',
      ['job', '--pipeline', 'orders'],
      /--name is required without a terminal/,
    ],
    [
      'the platform store as a resource key',
      ['resource', '--pipeline', 'orders', '--name', 'store'],
      /every mode binds store already/,
    ],
    [
      'a resource key bound already',
      ['resource', '--pipeline', 'orders', '--name', 'warehouse'],
      /already binds a resource named warehouse/,
    ],
    [
      'a class name a resource module defines (added_resources/warehouse.py)',
      ['resource', '--pipeline', 'orders', '--name', 'lake', '--class', 'WarehouseResource'],
      /resources \(resources\.py, added_resources\/\) already define WarehouseResource; pick another name/,
    ],
    [
      "a resource key an op cannot take (Dagster's context)",
      ['resource', '--pipeline', 'orders', '--name', 'context'],
      /--name context: an op takes Dagster's context by that name/,
    ],
    [
      "a resource key an op cannot take (its own config's)",
      ['resource', '--pipeline', 'orders', '--name', 'config'],
      /--name config: an op takes its own config by that name/,
    ],
    [
      'a resource key Dagster binds itself (io_manager: the code location would load nowhere)',
      ['resource', '--pipeline', 'orders', '--name', 'io_manager'],
      /--name io_manager: Dagster stores every op's outputs with the resource of that key/,
    ],
    [
      'a class name not in CapWords',
      ['resource', '--pipeline', 'orders', '--name', 'lake', '--class', 'lake_store'],
      /--class lake_store is not a class name in CapWords \(PEP 8\); use LakeStore$/m,
    ],
    [
      'a value instead of an environment variable',
      ['resource', '--pipeline', 'orders', '--name', 'slack', '--env', 'token=xoxb-123'],
      /not an environment variable name/,
    ],
    [
      "a field pydantic reserves (the class would not load: model_config is pydantic's own)",
      ['resource', '--pipeline', 'orders', '--name', 'slack', '--env', 'model_config=SLACK_CONFIG'],
      /^pipeline: error: --env model_config=SLACK_CONFIG: dg.ConfigurableResource has an attribute model_config \(pydantic's or Dagster's\), so the class would not load; pick another field name\n$/,
    ],
    [
      'a field named like a method of a resource',
      ['resource', '--pipeline', 'orders', '--name', 'slack', '--env', 'json=SLACK_JSON'],
      /has an attribute json/,
    ],
    [
      'a field without a variable',
      ['resource', '--pipeline', 'orders', '--name', 'slack', '--env', 'token'],
      /not field=ENV_VAR/,
    ],
    [
      'a mode the pipeline never loads',
      ['resource', '--pipeline', 'billing', '--name', 'slack', '--modes', 'dev'],
      /not a mode billing's deployments load/,
    ],
  ])('%s', (_what, args, message) => {
    expectRefused(root, () => add(root, args as string[]), message as RegExp);
  });
});

describe('pipeline add resource on an import line the team wrote', () => {
  it("keeps the line's comment, and its --dry-run text is the patch the real run writes", () => {
    const root = makePlatform({ pipelines: [['orders']] });
    const jobs = join(root, 'pipelines/orders/src/orders/jobs.py');
    // A comment on the MODES import, and an import of the team's own last among the package's:
    // the hunk then ends in blank context lines.
    const text = readFileSync(jobs, 'utf8')
      .replace(/^from \.modes import MODES$/m, '$&  # per-mode resources, see modes.py')
      .replace(/^from \.presets import PRESETS$/m, '$&\nfrom .storage import TableStore  # noqa: F401');
    expect(text).toContain('# per-mode resources');
    writeFileSync(jobs, text);
    git(root, 'commit', '-qam', 'our imports');
    const plan = add(root, ['resource', '--pipeline', 'orders', '--name', 'warehouse', '--dry-run']);
    expect(plan.code, plan.stderr).toBe(0);
    // The diff comes first, then the would-lines.
    const patch = `${plan.stdout.slice(0, plan.stdout.search(/^would /m))}`;
    expect(patch).toMatch(/^--- a\//m);
    const copy = join(tempDir('dry-run-patch-'), 'repo');
    cpSync(root, copy, { recursive: true });
    const applied = spawnSync('git', ['apply', '-'], { cwd: copy, input: patch, encoding: 'utf8' });
    expect(applied.status, applied.stderr).toBe(0);
    const real = add(root, ['resource', '--pipeline', 'orders', '--name', 'warehouse']);
    expect(real.code, real.stderr).toBe(0);
    expect(treeFingerprint(copy)).toEqual(treeFingerprint(root));
    expect(readFileSync(jobs, 'utf8')).toMatch(
      /^from \.resources import MODES {2}# per-mode resources, see modes\.py$/m,
    );
  });
});

describe("a platform's own generators, from its plopfile", () => {
  let root: string;
  beforeAll(() => {
    root = makePlatform({ pipelines: [['orders']] });
    cpSync(join(packageRoot(), 'test/fixtures/plopfile'), root, { recursive: true });
    git(root, 'add', '-A');
    git(root, 'commit', '-qm', 'our generators');
  });

  it('are listed next to the built-in kinds', () => {
    const text = add(root, ['--list']);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain(
      "From the platform's plopfile.mjs:\n  table-check      a freshness check of one table, in checks/<name>.py\n",
    );
    const json = JSON.parse(add(root, ['--list', '--json']).stdout) as { name: string; source: string }[];
    expect(json.map((g) => `${g.name}:${g.source}`)).toEqual([
      'schedule:built-in',
      'preset:built-in',
      'sensor:built-in',
      'job:built-in',
      'resource:built-in',
      'mode:built-in',
      'deployment:built-in',
      'table-check:plopfile.mjs',
      'weekly-schedule:plopfile.mjs',
      'shell-out:plopfile.mjs',
    ]);
  });

  it("run with flags for their prompts, the project's helpers and partials, and load in Dagster", async () => {
    const dry = add(root, ['table-check', '--pipeline', 'orders', '--check-name', 'orders_fresh', '--dry-run']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('+TABLE = "marts/orders.csv"');
    expect(existsSync(join(root, ORDERS, 'checks'))).toBe(false);
    const check = add(root, [
      'table-check',
      '--pipeline',
      'orders',
      '--check-name',
      'orders_fresh',
      '--severity',
      'error',
      '--max-age-hours',
      '12',
      '--json',
    ]);
    expect(check.code, check.stderr).toBe(0);
    expect(JSON.parse(check.stdout).sources).toEqual({
      checkName: 'flag',
      table: 'default',
      severity: 'flag',
      maxAgeHours: 'flag',
    });
    expect(readFileSync(join(root, ORDERS, 'checks/orders_fresh.py'), 'utf8')).toBe(
      '"""Check orders_fresh (yours): marts/orders.csv is at most 12 hours old."""\n\nTABLE = "marts/orders.csv"\nSEVERITY = "error"\nMAX_AGE_HOURS = 12\nPIPELINE = "orders"\n',
    );
    const before = readFileSync(join(root, ORDERS, 'schedules.py'), 'utf8');
    const weekly = add(root, ['weekly-schedule', '--pipeline', 'orders']);
    expect(weekly.code, weekly.stderr).toBe(0);
    const after = readFileSync(join(root, ORDERS, 'schedules.py'), 'utf8');
    expect(
      after.replace(
        '    ScheduleSpec(\n        name="prod_full_weekly",\n        graph="orders",\n        preset="prod_full",\n        cron="0 6 * * 1",\n        timezone="Europe/Paris",\n        deployments=("prod",),\n    ),\n',
        '',
      ),
    ).toBe(before);
    const loaded = await inspectMany(root, ['orders'], ['prod', 'dev']);
    for (const deployment of ['prod', 'dev'])
      expect(loaded[deployment]!.orders!.schedules.includes('prod_full_weekly')).toBe(deployment === 'prod');
  });

  it.each([
    [
      'an answer its validate refuses',
      ['table-check', '--pipeline', 'orders', '--check-name', 'Bad'],
      /--check-name "Bad": use lowercase letters/,
    ],
    [
      'a choice it does not offer',
      ['table-check', '--pipeline', 'orders', '--check-name', 'x', '--severity', 'fatal'],
      /--severity fatal is not one of warn, error/,
    ],
    [
      'a required answer without a terminal',
      ['table-check', '--pipeline', 'orders'],
      /--check-name is required without a terminal/,
    ],
    ['an action that is a function', ['shell-out'], /action 1: a function is not run by pipeline add/],
    [
      'a path that needs --pipeline, run from the root without it',
      ['weekly-schedule'],
      /^pipeline: error: .*came out "pipelines\/\/src\/\/schedules\.py": a value it uses is empty; pass --pipeline NAME \(or run it inside pipelines\/<name>\/\)\n$/,
    ],
    [
      'a generator nobody defined',
      ['nope'],
      /it makes: schedule, preset, sensor, job, resource, mode, deployment, table-check, weekly-schedule, shell-out/,
    ],
  ])('refuse %s: exit 2, one line, nothing changed', (_what, args, message) => {
    expectRefused(root, () => add(root, args as string[]), message as RegExp);
  });

  it('name the generator and the plopfile when its own code fails, or it writes Python that does not parse: exit 2, nothing changed', () => {
    const plopfile = join(root, 'plopfile.mjs');
    const ours = readFileSync(plopfile, 'utf8');
    writeFileSync(
      plopfile,
      ours.replace(
        /}\n$/,
        `  plop.setGenerator('throws', { description: 'x', prompts: [], actions: () => { throw new Error('boom'); } });
  plop.setGenerator('no-helper', { description: 'x', prompts: [], actions: [{ type: 'add', path: 'x.txt', template: '{{pyy pipeline}}' }] });
  plop.setGenerator('bad-python', { description: 'x', prompts: [], actions: [{ type: 'add', path: 'pipelines/orders/src/orders/bad.py', template: 'x = (\\n' }] });
  plop.setGenerator('throws-undefined', { description: 'x', prompts: [], actions: () => { throw undefined; } });
  plop.setGenerator('bad-validate', { description: 'x', prompts: [{ name: 'n', message: 'n', validate: () => { throw new Error('no validate'); } }], actions: [] });
  plop.setGenerator('bad-when', { description: 'x', prompts: [{ name: 'n', message: 'n', default: 'a' }, { name: 'm', message: 'm', when: () => { throw null; } }], actions: [] });
  plop.setGenerator('no-prototype', { description: 'x', prompts: [], actions: () => { throw Object.create(null); } });
  plop.setGenerator('bad-default', { description: 'x', prompts: [{ name: 'n', message: 'n', default: () => { throw 'no default'; } }], actions: [] });
  plop.setGenerator('absolute', { description: 'x', prompts: [], actions: [{ type: 'add', path: '/tmp/abs-{{pipeline}}.py', template: 'x = 1\\n' }] });
}
`,
      ),
    );
    try {
      for (const [generator, message] of [
        ['throws', /^pipeline: error: generator throws: boom; fix it in the plopfile\n$/],
        ['no-helper', /^pipeline: error: generator no-helper: .*pyy.*; fix it in the plopfile\n$/],
        [
          'bad-python',
          /^pipeline: error: generator bad-python: pipelines\/orders\/src\/orders\/bad\.py:\d+: the code it wrote does not parse .*; fix it in the plopfile\n$/,
        ],
        // What a plopfile may throw besides an Error, and its prompts' own functions (each was an
        // internal error with a stack trace, or "undefined").
        [
          'throws-undefined',
          /^pipeline: error: generator throws-undefined: undefined \(thrown, not an Error\); fix it in the plopfile\n$/,
        ],
        // An object String() cannot convert.
        [
          'no-prototype',
          /^pipeline: error: generator no-prototype: \[object Object\] \(thrown, not an Error\); fix it in the plopfile\n$/,
        ],
        [
          'bad-validate',
          /^pipeline: error: generator bad-validate: prompt n's validate threw \(no validate\); fix it in the plopfile\n$/,
        ],
        [
          'bad-when',
          /^pipeline: error: generator bad-when: prompt m's when threw \(null \(thrown, not an Error\)\); fix it in the plopfile\n$/,
        ],
        [
          'bad-default',
          /^pipeline: error: generator bad-default: prompt n's default threw \(no default\); fix it in the plopfile\n$/,
        ],
        // An absolute path is outside the repo, not a value rendered empty.
        ['absolute', /^pipeline: error: .*path "\/tmp\/abs-orders\.py" is not inside the platform repo; .*\n$/],
      ] as const) {
        const args = generator === 'bad-validate' ? [generator, '--n', 'x'] : [generator];
        expectRefused(root, () => add(root, [...args, '--pipeline', 'orders']), message);
      }
    } finally {
      writeFileSync(plopfile, ours);
    }
  });

  it('refuse to overwrite a file an earlier run made', () => {
    const first = add(root, ['table-check', '--pipeline', 'orders', '--check-name', 'twice']);
    expect(first.code, first.stderr).toBe(0);
    const before = treeFingerprint(root);
    const again = add(root, ['table-check', '--pipeline', 'orders', '--check-name', 'twice']);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/checks\/twice.py exists already/);
    expect(treeFingerprint(root)).toEqual(before);
  });
});
