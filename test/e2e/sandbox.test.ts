// Sandboxes against a real lakeFS server: the data branch, the pipeline's sandbox job writing
// through it, isolation between two sandboxes, the guard rails, and production left untouched.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBin } from '../helpers/cli.ts';
import { type LakeFSServer, startLakeFS } from '../helpers/lakefs.ts';
import { PYTHON, pythonScript, run } from '../helpers/python.ts';
import { freePort } from '../helpers/registry.ts';
import { git, makePlatform, tempDir } from '../helpers/workspace.ts';

const REPO = 'data';
const ORDERS =
  'order_id,order_date,customer_id,amount,status\n1,2026-02-01,c-1,10.00,completed\n2,2026-02-01,c-2,5.50,completed\n3,2026-02-02,c-1,7.25,cancelled\n';

let lakefs: LakeFSServer;
let root: string;
let productionHead: string;

const sandbox = (args: string[], env: Record<string, string> = lakefs.env) =>
  runBin('pipeline', ['sandbox', ...args], root, env);
const json = (args: string[]) => {
  const result = sandbox([...args, '--json']);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout);
};
async function expectProductionUntouched() {
  expect((await lakefs.client.getBranch(REPO, 'main'))!.commit_id).toBe(productionHead);
  expect(await lakefs.client.uncommitted(REPO, 'main')).toEqual([]);
  expect((await lakefs.client.listObjects(REPO, 'main')).map((o) => o.path)).toEqual(['raw/orders.csv']);
}
function runSandboxJob(branchEnv: Record<string, string> = {}) {
  return runBin('pipeline', ['sandbox', 'run', 'orders_sandbox', '--pipeline', 'orders', '--python', PYTHON], root, {
    ...lakefs.env,
    ...branchEnv,
  });
}

beforeAll(async () => {
  lakefs = await startLakeFS(tempDir('lakefs-'));
  await lakefs.client.createRepository(REPO, `local://${REPO}`, 'main');
  await lakefs.client.upload(REPO, 'main', 'raw/orders.csv', ORDERS);
  productionHead = (await lakefs.client.commit(REPO, 'main', 'seed production')).id;
  root = makePlatform({ pipelines: [['orders', '--template', 'transform']] });
  git(root, 'checkout', '-q', '-b', 'feature/new-metric');
});

afterAll(async () => {
  await lakefs?.stop();
});

describe('pipeline sandbox on git branch feature/new-metric', () => {
  let name: string;

  it('up --dry-run names what up would make and makes nothing, with or without credentials', async () => {
    const plan = json(['up', '--dry-run']);
    expect(plan).toMatchObject({ dryRun: true, gitBranch: 'feature/new-metric', dataExists: false });
    expect(plan.name).toMatch(/^sbx-feature-new-metric-[0-9a-f]{6}$/);
    expect(await lakefs.client.getBranch(REPO, plan.name)).toBeUndefined();
    expect(existsSync(join(root, '.sandboxes'))).toBe(false);
    const bare = sandbox(['up', '--dry-run'], {
      LAKEFS_ACCESS_KEY_ID: '',
      LAKEFS_SECRET_ACCESS_KEY: '',
      HOME: tempDir('home-'),
    });
    expect(bare.code, bare.stderr).toBe(0);
    expect(bare.stdout).toContain(`lakefs://${REPO}/${plan.name}, not looked up (no lakeFS credentials`);
    expect(bare.stdout).toContain(plan.envFile);
    expect(existsSync(join(root, '.sandboxes'))).toBe(false);
  });

  it('up creates the data branch from production, its own Dagster instance and an env file without secrets', async () => {
    const up = json(['up']);
    name = up.name;
    expect(up).toMatchObject({
      created: true,
      gitBranch: 'feature/new-metric',
      sourceRef: 'main',
      sourceCommit: productionHead,
      dataExists: true,
    });
    expect(name).toMatch(/^sbx-feature-new-metric-[0-9a-f]{6}$/);
    expect((await lakefs.client.getBranch(REPO, name))!.commit_id).toBe(productionHead);
    expect(existsSync(join(up.instanceDir, 'dagster.yaml'))).toBe(true);
    const env = readFileSync(up.envFile, 'utf8');
    expect(env).toContain('PIPELINE_DEPLOYMENT=sandbox');
    expect(env).toContain(`PIPELINE_SANDBOX_BRANCH=${name}`);
    expect(env).toContain(`DAGSTER_HOME=${up.instanceDir}`);
    expect(env).not.toContain(lakefs.env.LAKEFS_SECRET_ACCESS_KEY);
    await expectProductionUntouched();
  });

  it('up twice is fine: the same sandbox, not a new one', () => {
    expect(json(['up', '--dry-run'])).toMatchObject({ dataExists: true, name });
    expect(json(['up'])).toMatchObject({ created: false, name });
  });

  it("runs the pipeline's sandbox job, which writes only to the sandbox branch", async () => {
    const result = runSandboxJob();
    expect(result.code, result.stderr.slice(-3000)).toBe(0);
    // Every step's end reaches the terminal, a busy machine or not.
    const ended = (result.stdout + result.stderr).match(/ - (\w+) - STEP_SUCCESS - /g) ?? [];
    expect(ended.map((e) => e.split(' - ')[1]).sort()).toEqual(['daily_revenue', 'load_source', 'write_target']);
    // Run the current way (`dg launch`): no warning that the command is superseded, nor any other.
    expect(result.stdout + result.stderr).not.toMatch(/Warning:/);
    const written = (await lakefs.client.download(REPO, name, 'marts/orders.csv')).toString();
    expect(written).toBe('day,orders,revenue\n2026-02-01,2,15.50\n');
    await expectProductionUntouched();
  });

  it('diff lists exactly the sandbox writes', () => {
    expect(json(['diff'])).toEqual([
      { path: 'marts/orders.csv', change: 'added', sizeBytes: expect.any(Number), committed: false },
    ]);
  });

  it('status and list show the sandbox, its ref, commit and git branch', () => {
    expect(json(['status'])).toMatchObject({
      exists: true,
      name,
      gitBranch: 'feature/new-metric',
      sourceCommit: productionHead,
      dataExists: true,
    });
    expect(json(['list']).map((s: { name: string }) => s.name)).toEqual([name]);
  });

  it('a second sandbox on another branch sees neither the data nor the runs of the first', async () => {
    const first = json(['status']);
    git(root, 'checkout', '-q', '-b', 'feature/other');
    const other = json(['up']);
    expect(other.name).not.toBe(name);
    expect(await lakefs.client.stat(REPO, other.name, 'marts/orders.csv')).toBeUndefined();
    const runsIn = (home: string) =>
      JSON.parse(run(PYTHON, [pythonScript('count_runs.py')], root, { DAGSTER_HOME: home }).stdout);
    expect(runsIn(first.instanceDir)).toEqual({ count: 1, jobs: ['orders_sandbox'] });
    expect(runsIn(other.instanceDir)).toEqual({ count: 0, jobs: [] });
    expect(sandbox(['down']).code).toBe(0);
    git(root, 'checkout', '-q', 'feature/new-metric');
  });

  it('down refuses to discard uncommitted writes without --force', async () => {
    const result = sandbox(['down']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^pipeline: error: sandbox sbx-feature-new-metric-\w+ has 1 uncommitted data write \(marts\/orders.csv\); commit them on the branch if you need them, or pass --force to discard them\n$/,
    );
    expect(await lakefs.client.getBranch(REPO, name)).toBeDefined();
  });

  it('down --force removes the data branch and the instance folder, and never production', async () => {
    expect(json(['down', '--force'])).toMatchObject({ removed: true, discarded: [{ path: 'marts/orders.csv' }] });
    expect(await lakefs.client.getBranch(REPO, name)).toBeUndefined();
    expect(existsSync(join(root, '.sandboxes', name))).toBe(false);
    await expectProductionUntouched();
  });

  it('a second up after down starts clean', () => {
    expect(json(['up'])).toMatchObject({ created: true, name, sourceCommit: productionHead });
    expect(json(['diff'])).toEqual([]);
    expect(json(['down'])).toMatchObject({ removed: true });
  });
});

describe('guard rails', () => {
  it("the pipeline's sandbox mode refuses to write the production ref, even when told to", async () => {
    json(['up']);
    const envFile = json(['status']).envFile as string;
    // Point the sandbox mode at production directly, as a mistaken env file would.
    const forced = run(
      PYTHON,
      ['-m', 'dagster', 'job', 'execute', '-m', 'orders.definitions', '-a', 'defs', '-j', 'orders_sandbox'],
      join(root, 'pipelines/orders/src'),
      {
        ...lakefs.env,
        PIPELINE_DEPLOYMENT: 'sandbox',
        PIPELINE_SANDBOX_BRANCH: 'main',
        DAGSTER_HOME: readFileSync(envFile, 'utf8').match(/DAGSTER_HOME=(.*)/)![1]!,
      },
    );
    expect(forced.code).not.toBe(0);
    expect(forced.stdout + forced.stderr).toContain("sandbox mode refuses to use lakeFS branch 'main'");
    await expectProductionUntouched();
    expect(json(['down', '--force'])).toMatchObject({ removed: true });
  });

  it('an unreachable server is a clear error, not a stack trace', async () => {
    const port = await freePort();
    const result = sandbox(['up'], { ...lakefs.env, LAKEFS_ENDPOINT: `http://127.0.0.1:${port}` });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `pipeline: error: cannot reach lakeFS at http://127.0.0.1:${port} (ECONNREFUSED); start the server, or set LAKEFS_ENDPOINT (or server.endpoint_url in ~/.lakectl.yaml) to its address\n`,
    );
  });

  it('wrong credentials are a clear error', async () => {
    const result = sandbox(['up'], { ...lakefs.env, LAKEFS_SECRET_ACCESS_KEY: 'wrong' });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /rejected the credentials from the environment \(access key AKIAIOSFODNN7EXAMPLE\); check LAKEFS_ACCESS_KEY_ID and LAKEFS_SECRET_ACCESS_KEY/,
    );
    await expectProductionUntouched();
  });

  it('--dry-run where a command has no plan to show is refused, not ignored', async () => {
    const result = sandbox(['commit', '-m', 'x', '--dry-run']);
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe(
      'pipeline: error: sandbox commit has no --dry-run (it has no plan to show: it runs or it refuses); --dry-run works with init, up, promote, refresh, prune',
    );
    await expectProductionUntouched();
  });

  it('missing credentials say where they are read from', () => {
    const result = sandbox(['up'], { LAKEFS_ACCESS_KEY_ID: '', LAKEFS_SECRET_ACCESS_KEY: '', HOME: tempDir('home-') });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /no lakeFS credentials: set LAKEFS_ACCESS_KEY_ID and LAKEFS_SECRET_ACCESS_KEY \(and LAKEFS_ENDPOINT\), or run lakectl config/,
    );
  });

  it('credentials can come from the lakectl config file', () => {
    const home = tempDir('home-');
    writeFileSync(
      join(home, '.lakectl.yaml'),
      `credentials:\n  access_key_id: ${lakefs.env.LAKEFS_ACCESS_KEY_ID}\n  secret_access_key: ${lakefs.env.LAKEFS_SECRET_ACCESS_KEY}\nserver:\n  endpoint_url: ${lakefs.endpoint}\n`,
    );
    const result = sandbox(['list', '--json'], {
      LAKEFS_ACCESS_KEY_ID: '',
      LAKEFS_SECRET_ACCESS_KEY: '',
      LAKEFS_ENDPOINT: '',
      HOME: home,
    });
    expect(result.code, result.stderr).toBe(0);
  });
});
