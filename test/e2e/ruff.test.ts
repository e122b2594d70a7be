// The generated Python passes ruff as written: `ruff check` and `ruff format --check`, under the
// ruff.toml a new platform repo carries (the configuration its own CI runs). Every template, with
// and without its optional answers, and the output of every `pipeline add` kind, in one platform.
// (Fuzzed names, descriptions, owners, crons and timezones: fuzz-inputs.test.ts runs ruff too.)
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { packageRoot } from '../../src/paths.ts';
import { createPipeline, REVENUE_PIPELINE, runBin } from '../helpers/cli.ts';
import { ruffProblems } from '../helpers/python.ts';
import { addUatDeployment, git, makePlatform, tempDir } from '../helpers/workspace.ts';

// Values that must still come out formatted: REVENUE_PIPELINE's description (quotes of both kinds,
// backslashes, a newline), and one long enough that the graph's decorator no longer fits on one line.
const LONG_DESCRIPTION = `Orders per day, ${'and then some more words '.repeat(6)}until the line is long`;

const LONGEST_ML = 'customer_lifetime_value_predictions_for_web_events';
const LONGEST_TRANSFORM = 'daily_revenue_of_completed_orders_per_market_regio';

const PIPELINES = [
  REVENUE_PIPELINE,
  ['orders', '--template', 'transform', '--description', LONG_DESCRIPTION],
  ['quoted', '--template', 'transform', '--description', 'Say "hi" to the "orders" table'],
  ['billing', '--template', 'transform', '--deployments', 'local,prod'],
  ['churn', '--template', 'ml', '--owner', 'ml-team', '--sla-hours', '12'],
  ['scores', '--template', 'ml'],
  ['events', '--template', 'ingest', '--owner', 'analytics', '--schedule', '0 * * * *'],
  ['clicks_from_the_website_landing_zone', '--template', 'ingest'],
  // Names as long as a name may be (50 characters): imports and decorators that name the package
  // or its graphs no longer fit on one line.
  [LONGEST_ML, '--template', 'ml'],
  [LONGEST_TRANSFORM, '--template', 'transform'],
];

const ADDS = [
  [
    'preset',
    '--pipeline',
    'orders',
    '--name',
    'dev_sample',
    '--mode',
    'dev',
    '--description',
    'A thousand rows, in the dev account.',
  ],
  ['preset', '--pipeline', 'billing', '--name', 'prod_sample', '--mode', 'prod'],
  ['schedule', '--pipeline', 'orders', '--name', 'orders_hourly_dev', '--preset', 'dev_full', '--cron', '30 * * * *'],
  ['schedule', '--pipeline', 'orders', '--preset', 'dev_sample', '--cron', '0 * * * *'],
  [
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
  ],
  ['sensor', '--pipeline', 'orders', '--preset', 'dev_full'],
  // A second sensor: its evaluation function goes below the first one's, two blank lines apart.
  ['sensor', '--pipeline', 'orders', '--name', 'orders_audit', '--preset', 'prod_full'],
  ['sensor', '--pipeline', 'events', '--name', 'events_audit', '--preset', 'prod_full', '--interval', '300'],
  ['sensor', '--pipeline', 'clicks_from_the_website_landing_zone', '--preset', 'prod_full'],
  ['sensor', '--pipeline', 'scores', '--preset', 'prod_full'],
  ['resource', '--pipeline', 'orders', '--name', 'warehouse', '--env', 'url=WAREHOUSE_URL,user=WAREHOUSE_USER'],
  ['resource', '--pipeline', 'orders', '--name', 'slack', '--env', 'token=SLACK_TOKEN', '--modes', 'prod'],
  // Three fields: the binding's call is too long for one line, and goes as ruff splits it; a
  // docstring with quotes and backslashes.
  [
    'resource',
    '--pipeline',
    'orders',
    '--name',
    'lake',
    '--env',
    'url=LAKE_URL,password=LAKE_PASSWORD,port=LAKE_PORT',
    '--description',
    'Posts to "#alerts" from C:\\data\\x',
  ],
  ['job', '--pipeline', 'orders', '--name', 'cleanup', '--description', 'Removes stale rows.'],
  ['job', '--pipeline', 'scores', '--name', 'audit'],
  ['job', '--pipeline', 'churn', '--name', 'backfill', '--description', LONG_DESCRIPTION],
  ['mode', '--pipeline', 'orders', '--name', 'staging', '--like', 'prod'],
  ['preset', '--pipeline', 'orders', '--name', 'staging_full', '--mode', 'staging'],
  ['schedule', '--pipeline', 'orders', '--preset', 'staging_full', '--cron', '0 5 * * *'],
  ['sensor', '--pipeline', LONGEST_ML, '--preset', 'prod_full'],
  ['job', '--pipeline', LONGEST_ML, '--name', 'a_backfill_as_long_as_a_graph_name_may_be_here_xyz'],
  ['preset', '--pipeline', LONGEST_TRANSFORM, '--name', 'dev_sample', '--mode', 'dev'],
  ['schedule', '--pipeline', LONGEST_TRANSFORM, '--preset', 'dev_sample', '--cron', '0 4 * * *'],
  ['resource', '--pipeline', LONGEST_TRANSFORM, '--name', 'warehouse', '--env', 'url=WAREHOUSE_URL'],
];

describe('the generated Python passes ruff as written', () => {
  let root: string;

  beforeAll(() => {
    root = makePlatform();
    addUatDeployment(root);
    for (const args of PIPELINES) {
      const made = createPipeline([...args, '--no-branch'], root);
      expect(made.code, made.stderr).toBe(0);
    }
    git(root, 'add', '-A');
    git(root, 'commit', '-qm', 'pipelines');
  });

  it('every template, fresh: ruff check and ruff format --check pass', () => {
    expect(ruffProblems(['.'], root)).toBeUndefined();
  });

  it('after every pipeline add kind: ruff check and ruff format --check still pass', () => {
    for (const args of ADDS) {
      const added = runBin('pipeline', ['add', ...args], root);
      expect(added.code, `pipeline add ${args.join(' ')}: ${added.stderr}`).toBe(0);
    }
    expect(ruffProblems(['.'], root)).toBeUndefined();
  });

  it('a production ref as long as one may be: conventions.py splits the tuple that holds it, as ruff does', () => {
    const dir = tempDir('long-ref-');
    const made = createPipeline(
      ['--platform', '--owners', 'analytics', '--production-ref', `release-${'r'.repeat(72)}`, '--name', 'orders'],
      dir,
    );
    expect(made.code, made.stderr).toBe(0);
    expect(readFileSync(join(dir, 'pipelines/orders/src/orders/conventions.py'), 'utf8')).toContain(
      'SANDBOX_PROTECTED_BRANCHES: tuple[str, ...] = (\n    "release-',
    );
    expect(ruffProblems(['.'], dir)).toBeUndefined();
  });

  it('the platform carries the ruff configuration, and its CI runs ruff check and ruff format --check', () => {
    const config = readFileSync(join(root, 'ruff.toml'), 'utf8');
    expect(config).toMatch(/^line-length = 120$/m);
    expect(config).toMatch(/^target-version = "py310"$/m);
    const requires = /requires-python = ">=3\.(\d+)/.exec(
      readFileSync(join(root, 'pipelines/orders/pyproject.toml'), 'utf8'),
    )![1];
    expect(config).toContain(`target-version = "py3${requires}"`);
    const ci = parse(readFileSync(join(root, '.github/workflows/pipelines.yaml'), 'utf8'));
    const runs: string[] = ci.jobs.ruff.steps.map((s: { run?: string }) => s.run ?? '');
    expect(runs.some((r) => /^uvx ruff@[\d.]+ check /.test(r))).toBe(true);
    expect(runs.some((r) => /^uvx ruff@[\d.]+ format --check /.test(r))).toBe(true);
    // The ruff CI runs is the one these tests run.
    const pinned = /^ruff==(.+)$/m.exec(
      readFileSync(join(packageRoot(), 'scripts/python-requirements.txt'), 'utf8'),
    )![1];
    for (const r of runs.filter((r) => r.startsWith('uvx ruff@'))) expect(r).toContain(`ruff@${pinned} `);
  });
});
