// A team at work: five people branch from the same main, each adds a pipeline with create-pipeline
// and opens a pull request. Merged in two different shuffled orders, no merge conflicts; the merged
// platform loads every pipeline in every deployment (one Python process for all 25 loads; the real
// `dg check defs`, `dg list defs` and `dg dev` run once each) and lists every pipeline's jobs; deleting
// pipelines' folders (then `pipeline sync`) removes them everywhere. On day two, two branches that
// each add a schedule and a sensor to one pipeline merge in either order, and Dagster loads them all.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createPipeline, runBin } from '../helpers/cli.ts';
import { expectLoaded, loadMany } from '../helpers/load-many.ts';
import { DG, ruffProblems, run, VENV } from '../helpers/python.ts';
import { git, makePlatform, tempDir } from '../helpers/workspace.ts';

const TEAM: Record<string, string[]> = {
  orders: ['--template', 'transform', '--owner', 'analytics', '--schedule', '0 6 * * *'],
  churn: ['--template', 'ml', '--owner', 'ml-team'],
  events: ['--template', 'ingest', '--owner', 'analytics'],
  billing: ['--template', 'transform', '--owner', 'analytics', '--timezone', 'Europe/Berlin'],
  clicks: ['--template', 'ingest', '--owner', 'ml-team', '--deployments', 'local,dev,prod,sandbox'],
};
const NAMES = Object.keys(TEAM).sort();
const DEPLOYMENTS = ['local', 'compose', 'dev', 'prod', 'sandbox'];
const SLOW = 900_000;

// The placeholders the modes' EnvVars resolve to; nothing is contacted while loading.
const ENV = { PIPELINE_DEV_BUCKET: 'placeholder', PIPELINE_PROD_BUCKET: 'placeholder' };

/** A deterministic shuffle (mulberry32), so a failing order can be replayed from the printed seed. */
function shuffled<T>(items: T[], seed: number): T[] {
  let a = seed >>> 0;
  const random = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Merges every pull request into a fresh clone's main, in `order`; returns the clone and any conflicts. */
function mergeInOrder(origin: string, order: string[]): { dir: string; conflicts: string[] } {
  const dir = join(tempDir('merged-'), 'platform');
  git(origin, 'clone', '-q', '--branch', 'main', origin, dir);
  const conflicts: string[] = [];
  for (const name of order) {
    const merge = run('git', ['merge', '--no-ff', '--no-edit', '-q', `origin/pipeline/${name}`], dir, {
      GIT_AUTHOR_NAME: 't',
      GIT_AUTHOR_EMAIL: 't@example.com',
      GIT_COMMITTER_NAME: 't',
      GIT_COMMITTER_EMAIL: 't@example.com',
    });
    if (merge.code !== 0) {
      conflicts.push(`${name}: ${git(dir, 'diff', '--name-only', '--diff-filter=U') || merge.stdout + merge.stderr}`);
      git(dir, 'merge', '--abort');
    }
  }
  return { dir, conflicts };
}

let origin: string;
let merged: string;
const seeds = [Number(process.env.TEAM_FLOW_SEED ?? 7), Number(process.env.TEAM_FLOW_SEED ?? 7) + 1];

beforeAll(() => {
  origin = makePlatform({ owners: 'analytics,ml-team' });
  for (const name of NAMES) {
    git(origin, 'checkout', '-q', 'main');
    const made = createPipeline([name, ...TEAM[name]!], origin);
    expect(made.code, made.stderr).toBe(0);
    expect(git(origin, 'branch', '--show-current')).toBe(`pipeline/${name}`);
  }
  git(origin, 'checkout', '-q', 'main');
}, SLOW);

describe('five pull requests from the same main', () => {
  it('each touch only their own pipeline folder', () => {
    for (const name of NAMES) {
      const files = git(origin, 'diff', '--name-only', `main...pipeline/${name}`).split('\n');
      expect(
        files.filter((f) => !f.startsWith(`pipelines/${name}/`)),
        name,
      ).toEqual([]);
    }
  });

  it.each(seeds)('merge into main in a shuffled order (seed %i) without a single conflict', (seed) => {
    const order = shuffled(NAMES, seed);
    const { dir, conflicts } = mergeInOrder(origin, order);
    expect(conflicts, `order ${order.join(' → ')} (TEAM_FLOW_SEED=${seed})`).toEqual([]);
    expect(
      git(dir, 'ls-tree', '--name-only', 'HEAD', 'pipelines/')
        .split('\n')
        .map((p) => p.replace('pipelines/', ''))
        .sort(),
    ).toEqual(NAMES);
    merged ??= dir;
  });
});

describe('the merged main, after pipeline sync', () => {
  beforeAll(() => {
    const sync = runBin('pipeline', ['sync'], merged);
    expect(sync.code, sync.stderr).toBe(0);
  });

  it('has a dg workspace of the five pipelines, and a compose file with their code servers', () => {
    const projects = run(DG, ['list', 'projects'], merged);
    expect(projects.code, projects.stderr).toBe(0);
    expect(projects.stdout.trim().split('\n').sort()).toEqual(NAMES.map((n) => `pipelines/${n}`));
    const compose = parse(readFileSync(join(merged, 'docker-compose.yaml'), 'utf8'), { merge: true });
    expect(Object.keys(compose.services)).toEqual(['postgres', 'webserver', 'daemon', ...NAMES]);
  });

  // Every pipeline in every deployment, loaded as its code location loads it, in one Python process
  // (test/python/load_many.py): what `dg check defs` proves per deployment, without 25 code servers.
  it('loads every pipeline in every deployment, each with only the jobs its modes allow there; a local job runs', async () => {
    const cases = DEPLOYMENTS.flatMap((deployment) =>
      NAMES.map((name) => ({
        project: join(merged, 'pipelines', name),
        env: { ...ENV, PIPELINE_DEPLOYMENT: deployment },
        // And one merged pipeline's local job runs, in process, on its sample data.
        execute: deployment === 'local' && name === 'orders' ? ['orders_local_sample'] : [],
      })),
    );
    const loaded = await loadMany(cases);
    expect(loaded).toHaveLength(DEPLOYMENTS.length * NAMES.length);
    for (const result of loaded) expectLoaded(result);
    const ran = loaded.find((r) => r.executions.orders_local_sample)!.executions.orders_local_sample!;
    expect(ran.failures, 'orders_local_sample in process').toEqual([]);
    expect(ran.success).toBe(true);
    for (const result of loaded) {
      const deployment = result.env.PIPELINE_DEPLOYMENT!;
      const name = result.project.split('/').pop()!;
      const allowed = deployment === 'prod' ? /_prod_full$/ : /_(local_sample|dev_full|sandbox)$/;
      for (const job of result.jobs) expect(job, `${name} in ${deployment}`).toMatch(allowed);
      // clicks is released to local, dev, prod and sandbox only: compose loads it empty.
      if (name === 'clicks' && deployment === 'compose') expect(result.jobs, name).toEqual([]);
      else expect(result.jobs.length, `${name} in ${deployment}`).toBeGreaterThan(0);
    }
    // What `dg list defs` lists in prod: each pipeline's own jobs, named <pipeline>[_<graph>]_prod_full.
    for (const result of loaded.filter((r) => r.env.PIPELINE_DEPLOYMENT === 'prod')) {
      const name = result.project.split('/').pop()!;
      for (const job of result.jobs)
        expect(job, name).toMatch(new RegExp(`^${name}_\\w+_prod_full$|^${name}_prod_full$`));
    }
  });

  // The real CLIs once per kind of thing they prove: `dg list defs` in one pipeline's folder (next);
  // `dg dev` at the root serving all five code locations in prod (after it); `dg check defs` at the
  // root, the command a platform's CI runs (the workspace, every project's registration, a code
  // server per pipeline), in local after four pipelines are removed (last test).
  it(
    "the real dg list defs in a pipeline's folder lists that pipeline's jobs for the deployment",
    () => {
      const name = 'churn';
      const dir = join(merged, 'pipelines', name);
      const result = run(
        DG,
        ['list', 'defs', '--json'],
        dir,
        { ...ENV, PIPELINE_DEPLOYMENT: 'prod', PYTHONPATH: join(dir, 'src') },
        SLOW,
      );
      expect(result.code, result.stderr.slice(-2000)).toBe(0);
      const jobs = JSON.parse(result.stdout).jobs.map((j: { name: string }) => j.name);
      expect(jobs.sort()).toEqual(['churn_score_prod_full', 'churn_train_prod_full']);
    },
    SLOW,
  );

  it(
    'dg dev at the root serves every pipeline, each with only what the prod deployment allows',
    async () => {
      const port = 20_000 + Math.floor(Math.random() * 20_000);
      const server = spawn(DG, ['dev', '--use-active-venv', '-h', '127.0.0.1', '-p', String(port)], {
        cwd: merged,
        env: {
          ...process.env,
          PATH: `${join(VENV, 'bin')}${delimiter}${process.env.PATH}`,
          DAGSTER_HOME: tempDir('dagster-home-'),
          ...ENV,
          PIPELINE_DEPLOYMENT: 'prod',
        },
        stdio: 'ignore',
        detached: true,
      });
      try {
        const query =
          '{ repositoriesOrError { ... on RepositoryConnection { nodes { location { name } jobs { name } } } } }';
        let nodes: { location: { name: string }; jobs: { name: string }[] }[] = [];
        // Until every code location has loaded (no time limit of its own: the test's is generous).
        while (nodes.length < NAMES.length) {
          if (server.exitCode !== null) throw new Error(`dg dev exited with ${server.exitCode}`);
          await new Promise((r) => setTimeout(r, 2000));
          const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ query }),
          }).catch(() => undefined);
          if (response?.ok)
            nodes =
              ((await response.json()) as { data: { repositoriesOrError: { nodes?: typeof nodes } } }).data
                .repositoriesOrError.nodes ?? [];
        }
        expect(nodes.map((n) => n.location.name).sort()).toEqual(NAMES);
        const jobs = nodes.flatMap((n) => n.jobs.map((j) => j.name)).filter((j) => !j.startsWith('__'));
        expect(jobs.length).toBeGreaterThanOrEqual(NAMES.length);
        for (const job of jobs) expect(job).toMatch(/_prod_full$/);
      } finally {
        process.kill(-server.pid!, 'SIGTERM');
      }
    },
    SLOW,
  );

  // Four of the five go, so that the root's `dg check defs` below loads one code location: `dg dev`
  // above served all five from the root. Every later test works on orders.
  it(
    'forgets the pipelines whose folders are deleted: dg, compose and its workspace',
    () => {
      const gone = NAMES.filter((n) => n !== 'orders');
      for (const name of gone) git(merged, 'rm', '-q', '-r', `pipelines/${name}`);
      git(merged, 'commit', '-qm', `remove ${gone.join(', ')}`);
      for (const name of gone) rmSync(join(merged, 'pipelines', name), { recursive: true, force: true });
      // What git leaves of a folder whose pipeline ran its tests: the ignored caches.
      mkdirSync(join(merged, 'pipelines/billing/src/billing/__pycache__'), { recursive: true });
      writeFileSync(join(merged, 'pipelines/billing/src/billing/__pycache__/ops.cpython-312.pyc'), '');
      mkdirSync(join(merged, 'pipelines/billing/.pytest_cache'), { recursive: true });
      const sync = runBin('pipeline', ['sync', '--json'], merged);
      expect(sync.code, sync.stderr).toBe(0);
      expect(JSON.parse(sync.stdout).pipelines).toEqual(['orders']);
      for (const command of [
        ['check', '--json'],
        ['list', '--json'],
      ]) {
        const result = runBin('pipeline', command, merged);
        const names = JSON.parse(result.stdout).pipelines.map((p: string | { name: string }) =>
          typeof p === 'string' ? p : p.name,
        );
        expect(names, command.join(' ')).toEqual(['orders']);
      }
      for (const file of ['dg.toml', 'docker-compose.yaml', 'deployments/compose/workspace.yaml'])
        for (const name of gone) expect(readFileSync(join(merged, file), 'utf8'), file).not.toContain(name);
      const projects = run(DG, ['list', 'projects'], merged);
      expect(projects.stdout.trim(), projects.stderr).toBe('pipelines/orders');
      const check = run(
        DG,
        ['check', 'defs', '--use-active-venv'],
        merged,
        { ...ENV, PIPELINE_DEPLOYMENT: 'local' },
        SLOW,
      );
      expect(check.code, check.stderr.slice(-2000)).toBe(0);
      expect(git(merged, 'status', '--porcelain')).toBe('');
    },
    SLOW,
  );
});

// Day two: two people each add a schedule and a sensor to the same pipeline, on branches of their
// own. Each is a module of its own (conventions v5), so both pull requests merge, in either order.
describe('two branches that each add a schedule and a sensor to one pipeline', () => {
  const BRANCHES = {
    orders_seven: { cron: '0 7 * * *', sensor: 'orders_watch_a' },
    orders_eight: { cron: '0 8 * * *', sensor: 'orders_watch_b' },
  };

  it('merge into main in either order without a conflict, and Dagster loads both schedules and both sensors', async () => {
    for (const [name, { cron, sensor }] of Object.entries(BRANCHES)) {
      git(merged, 'checkout', '-q', '-b', `day-two/${name}`, 'main');
      for (const args of [
        ['schedule', '--preset', 'dev_full', '--cron', cron, '--name', name],
        ['sensor', '--preset', 'dev_full', '--name', sensor],
      ]) {
        const add = runBin('pipeline', ['add', ...args, '--pipeline', 'orders'], merged);
        expect(add.code, add.stderr).toBe(0);
      }
      git(merged, 'add', '-A');
      git(merged, 'commit', '-qm', `add schedule ${name} and sensor ${sensor}`);
    }
    git(merged, 'checkout', '-q', 'main');
    for (const order of [Object.keys(BRANCHES), Object.keys(BRANCHES).reverse()]) {
      git(merged, 'checkout', '-q', '-B', 'merged-day-two', 'main');
      for (const name of order) {
        const merge = run('git', ['merge', '--no-ff', '--no-edit', '-q', `day-two/${name}`], merged, {
          GIT_AUTHOR_NAME: 't',
          GIT_AUTHOR_EMAIL: 't@example.com',
          GIT_COMMITTER_NAME: 't',
          GIT_COMMITTER_EMAIL: 't@example.com',
        });
        expect(merge.code, `${order.join(' → ')}: ${merge.stdout}${merge.stderr}`).toBe(0);
      }
    }
    const check = runBin('pipeline', ['check'], merged);
    expect(check.code, check.stdout + check.stderr).toBe(0);
    const [dev] = await loadMany([
      { project: join(merged, 'pipelines', 'orders'), env: { ...ENV, PIPELINE_DEPLOYMENT: 'dev' }, execute: [] },
    ]);
    expectLoaded(dev!);
    expect(dev!.schedules.filter((s) => s in BRANCHES).sort()).toEqual(['orders_eight', 'orders_seven']);
    expect(dev!.sensors.filter((s) => s.startsWith('orders_watch')).sort()).toEqual([
      'orders_watch_a',
      'orders_watch_b',
    ]);
  });
});

// Day two: two people each add a preset and a graph to the same pipeline, one of them with a
// schedule that launches the preset, on branches of their own. Each preset and each graph is a
// module of its own (conventions v5), and the first one added on each branch makes the same edit to
// presets.py (jobs.py) and the README, so both pull requests merge, in either order, to the same tree.
describe('two branches that each add a preset and a graph to one pipeline', () => {
  const BRANCHES: Record<string, string[][]> = {
    // The first resource too: it changes jobs.py's import of MODES, a line near the one the first
    // graph adds.
    nightly: [
      ['preset', '--name', 'nightly', '--mode', 'dev'],
      ['resource', '--name', 'warehouse'],
      ['job', '--name', 'reconcile'],
    ],
    hourly: [
      ['job', '--name', 'audit'],
      ['preset', '--name', 'hourly', '--mode', 'prod'],
      ['schedule', '--preset', 'hourly', '--cron', '0 * * * *', '--name', 'orders_hourly', '--deployments', 'prod'],
    ],
  };

  it("merge into main in either order without a conflict; Dagster loads every preset's and graph's jobs, and ruff passes", async () => {
    for (const [name, adds] of Object.entries(BRANCHES)) {
      git(merged, 'checkout', '-q', '-b', `day-two-presets/${name}`, 'main');
      for (const args of adds) {
        const add = runBin('pipeline', ['add', ...args, '--pipeline', 'orders'], merged);
        expect(add.code, add.stderr).toBe(0);
      }
      git(merged, 'add', '-A');
      git(merged, 'commit', '-qm', `add preset ${name}`);
    }
    git(merged, 'checkout', '-q', 'main');
    const trees: string[] = [];
    for (const order of [Object.keys(BRANCHES), Object.keys(BRANCHES).reverse()]) {
      git(merged, 'checkout', '-q', '-B', 'merged-presets', 'main');
      for (const name of order) {
        const merge = run('git', ['merge', '--no-ff', '--no-edit', '-q', `day-two-presets/${name}`], merged, {
          GIT_AUTHOR_NAME: 't',
          GIT_AUTHOR_EMAIL: 't@example.com',
          GIT_COMMITTER_NAME: 't',
          GIT_COMMITTER_EMAIL: 't@example.com',
        });
        expect(merge.code, `${order.join(' → ')}: ${merge.stdout}${merge.stderr}`).toBe(0);
      }
      trees.push(git(merged, 'rev-parse', 'HEAD^{tree}'));
    }
    expect(trees[0]).toBe(trees[1]);
    const check = runBin('pipeline', ['check'], merged);
    expect(check.code, check.stdout + check.stderr).toBe(0);
    expect(ruffProblems([join('pipelines', 'orders')], merged)).toBeUndefined();
    const listed = runBin('pipeline', ['list', '--pipeline', 'orders', '--json'], merged);
    expect(listed.code, listed.stderr).toBe(0);
    const [orders] = JSON.parse(listed.stdout).pipelines;
    const [dev, prod] = await loadMany(
      ['dev', 'prod'].map((deployment) => ({
        project: join(merged, 'pipelines', 'orders'),
        env: { ...ENV, PIPELINE_DEPLOYMENT: deployment },
        execute: [],
      })),
    );
    expectLoaded(dev!);
    expectLoaded(prod!);
    expect(dev!.jobs).toContain('orders_nightly');
    expect(dev!.jobs).not.toContain('orders_hourly');
    expect(prod!.jobs).toContain('orders_hourly');
    // Each branch's graph has a job per preset, the other branch's preset included.
    for (const graph of ['reconcile', 'audit']) {
      expect(dev!.jobs).toEqual(expect.arrayContaining([`${graph}_dev_full`, `${graph}_nightly`]));
      expect(prod!.jobs).toEqual(expect.arrayContaining([`${graph}_prod_full`, `${graph}_hourly`]));
    }
    expect(prod!.schedules).toContain('orders_hourly');
    // pipeline list reads the presets' modules: the same jobs as Dagster loads.
    expect(orders.deployments.dev.jobs.sort()).toEqual([...dev!.jobs].sort());
    expect(orders.deployments.prod.jobs.sort()).toEqual([...prod!.jobs].sort());
  });
});
