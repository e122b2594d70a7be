// `pipeline add mode` on a platform that defines a mode of its own (a staging deployment): the
// mode is recorded in the answers and modes.py rendered again from them, so `pipeline check` and
// `pipeline upgrade` agree with it; its preset's jobs and schedule load only where visibility
// allows; bad input is one line, exit 2, and no change.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createPipeline, runBin } from '../helpers/cli.ts';
import { inspectMany } from '../helpers/load-many.ts';
import { PYTHON, run } from '../helpers/python.ts';
import { addUatDeployment, expectRefused, git, makePlatform, treeFingerprint } from '../helpers/workspace.ts';

const ORDERS = 'pipelines/orders/src/orders';
const add = (root: string, args: string[]) => runBin('pipeline', ['add', ...args], root);

/**
 * A platform whose platform.yaml has a deployment that runs a mode of its own. (Named uat: before
 * conventions v4 the generated test_deployments.py used "staging" as its unknown deployment.)
 */
function stagingPlatform(): string {
  const root = makePlatform();
  addUatDeployment(root);
  for (const args of [['orders'], ['billing', '--deployments', 'local,prod']]) {
    const made = createPipeline([...args, '--no-branch'], root);
    expect(made.code, made.stderr).toBe(0);
  }
  git(root, 'add', '-A');
  git(root, 'commit', '-qm', 'pipelines');
  return root;
}

describe("pipeline add mode: a platform's own mode in a pipeline", () => {
  let root: string;
  const loaded: Record<string, { jobs: string[]; schedules: string[] }> = {};

  beforeAll(() => {
    root = stagingPlatform();
    for (const args of [
      ['mode', '--pipeline', 'orders', '--name', 'staging', '--like', 'prod'],
      ['preset', '--pipeline', 'orders', '--name', 'staging_full', '--mode', 'staging'],
      ['schedule', '--pipeline', 'orders', '--preset', 'staging_full', '--cron', '0 5 * * *'],
    ]) {
      const result = add(root, args);
      expect(result.code, result.stderr).toBe(0);
    }
    const deployments = ['local', 'dev', 'prod', 'uat'];
    const all = inspectMany(root, ['orders'], deployments);
    for (const deployment of deployments) loaded[deployment] = all[deployment]!.orders!;
  });

  it('records the mode in the answers and renders it into modes.py, with a bucket of its own', () => {
    expect(readFileSync(join(root, 'pipelines/orders/.pipeline-answers.yaml'), 'utf8')).toMatch(
      /\nmodes:\n {2}staging: prod\n$/,
    );
    expect(readFileSync(join(root, ORDERS, 'modes.py'), 'utf8')).toContain(
      '    "staging": {"store": S3Store(bucket=dg.EnvVar("PIPELINE_STAGING_BUCKET"), prefix=f"{conventions.PIPELINE}/")},\n}\n',
    );
  });

  it('copies the run config of the preset of the mode it is like', () => {
    const presets = readFileSync(join(root, ORDERS, 'presets.py'), 'utf8');
    const staging = presets.slice(presets.indexOf('name="staging_full"'));
    expect(staging).not.toContain('TODO');
    expect(staging).toContain('"ops": {"load_source": {"config": {"table": "raw/orders.csv", "limit": 0}}}');
  });

  it.each(['local', 'dev', 'prod', 'uat'])(
    'loads the staging job and schedule in %s only where visibility allows',
    (deployment) => {
      expect(loaded[deployment]!.jobs.includes('orders_staging_full')).toBe(deployment === 'uat');
      expect(loaded[deployment]!.schedules.includes('orders_staging_full')).toBe(deployment === 'uat');
      if (deployment === 'uat') expect(loaded[deployment]!.jobs).toEqual(['orders_staging_full']);
    },
  );

  it("pipeline check agrees with the rendered modes.py, and the pipeline's own tests pass", () => {
    const check = runBin('pipeline', ['check'], root);
    expect(check.code, check.stdout + check.stderr).toBe(0);
    expect(check.stdout).toContain('no findings');
    const tests = run(PYTHON, ['-m', 'pytest', '-q', '-p', 'no:cacheprovider'], join(root, 'pipelines/orders'));
    expect(tests.code, (tests.stdout + tests.stderr).slice(-3000)).toBe(0);
  });
});

describe('pipeline add mode refuses bad input: exit 2, one line, nothing changed', () => {
  let root: string;
  beforeAll(() => {
    root = stagingPlatform();
  });

  it.each([
    ['a built-in mode', ['mode', '--pipeline', 'orders', '--name', 'dev'], /dev is a built-in mode/],
    [
      'a mode no deployment allows',
      ['mode', '--pipeline', 'orders', '--name', 'qa'],
      /qa is not a mode any deployment of platform.yaml allows/,
    ],
    [
      'a mode platform.yaml does not declare',
      ['preset', '--pipeline', 'orders', '--name', 'qa_full', '--mode', 'qa'],
      /not a mode any deployment of platform.yaml allows/,
    ],
    [
      "a mode none of the pipeline's deployments allows",
      ['mode', '--pipeline', 'billing', '--name', 'staging'],
      /none of billing's deployments .* allows mode staging/,
    ],
    [
      'resources like the sandbox',
      ['mode', '--pipeline', 'orders', '--name', 'staging', '--like', 'sandbox'],
      /--like sandbox/,
    ],
    [
      'a preset for a mode modes.py lacks',
      ['preset', '--pipeline', 'orders', '--name', 'staging_full', '--mode', 'staging'],
      /run pipeline add mode --name staging first/,
    ],
    [
      'no --name without a terminal',
      ['mode', '--pipeline', 'orders'],
      /--name is required without a terminal; pass one of: staging/,
    ],
  ])('%s', (_what, args, message) => {
    expectRefused(root, () => add(root, args as string[]), message as RegExp);
  });

  it('refuses a modes.py edited by hand rather than render over it', () => {
    const path = join(root, ORDERS, 'modes.py');
    writeFileSync(
      path,
      readFileSync(path, 'utf8').replace(
        '"local": {"store": LocalStore()},',
        '"local": {"store": LocalStore()},  # mine',
      ),
    );
    const before = treeFingerprint(root);
    const result = add(root, ['mode', '--pipeline', 'orders', '--name', 'staging']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/modes.py is not what the platform renders for it/);
    expect(treeFingerprint(root)).toEqual(before);
  });
});
