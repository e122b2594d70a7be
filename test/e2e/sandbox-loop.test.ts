// The whole sandbox loop on a real lakeFS: production protected by lakeFS itself, up → run →
// commit → git merge → promote → production has the data with the git commit in its metadata;
// refresh, conflicts, down and prune refusing to lose unpromoted work, the Dagster UI on the
// sandbox's own instance, and bad endpoints or config as one-line errors.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { builtBin } from '../../src/paths.ts';
import { LakeFSBackend } from '../../src/sandbox/lakefs.ts';
import { binEnv, createPipeline, runBin } from '../helpers/cli.ts';
import { type LakeFSServer, startLakeFS } from '../helpers/lakefs.ts';
import { PYTHON } from '../helpers/python.ts';
import { openTerminal } from '../helpers/terminal.ts';
import { git, makePlatform, tempDir } from '../helpers/workspace.ts';

const REPO = 'data';
const ORDERS =
  'order_id,order_date,customer_id,amount,status\n1,2026-02-01,c-1,10.00,completed\n2,2026-02-01,c-2,5.50,completed\n3,2026-02-02,c-1,7.25,cancelled\n';
const MART = 'day,orders,revenue\n2026-02-01,2,15.50\n';

let lakefs: LakeFSServer;
let root: string;
const names: Record<string, string> = {};

/** `pipeline sandbox` in the platform repo `dir()` gives: as is, its --json (exit 0), and a refusal (one line, no stack trace). */
const sandboxIn = (dir: () => string) => {
  const sandbox = (args: string[], env: Record<string, string> = lakefs.env) =>
    runBin('pipeline', ['sandbox', ...args], dir(), env);
  const json = (args: string[], env?: Record<string, string>) => {
    const result = sandbox([...args, '--json'], env);
    expect(result.code, result.stderr).toBe(0);
    return JSON.parse(result.stdout);
  };
  const refused = (args: string[], env?: Record<string, string>, code = 2) => {
    const result = sandbox(args, env);
    expect(result.code, result.stdout + result.stderr).toBe(code);
    expect(result.stderr).toMatch(/^pipeline: error: [^\n]+\n$/);
    return result.stderr;
  };
  return { sandbox, json, refused };
};
const { sandbox, json, refused } = sandboxIn(() => root);
const branchOf = (gitBranch: string) => ['--git-branch', gitBranch];
/**
 * lakeFS applies a new protection rule within seconds (it caches repository settings). Waits for it
 * with a probe that changes nothing either way: a commit of a branch with no changes is refused
 * with 403 once the branch is protected, and with 400 ("no changes") before.
 */
async function untilProtected(repo: string, branch: string): Promise<void> {
  expect(await lakefs.client.uncommitted(repo, branch)).toEqual([]);
  for (let attempt = 0; ; attempt++) {
    const status = await lakefs.client.commit(repo, branch, 'probe').then(
      () => 200,
      (error: { status: number }) => error.status,
    );
    if (status === 403) return;
    expect(status, 'the probe commit must change nothing').toBe(400);
    if (attempt > 600) throw new Error(`lakeFS never applied the protection of ${repo}/${branch}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
const productionPaths = async () => (await lakefs.client.listObjects(REPO, 'main')).map((o) => o.path);

beforeAll(async () => {
  lakefs = await startLakeFS(tempDir('lakefs-'));
  await lakefs.client.createRepository(REPO, `local://${REPO}`, 'main');
  await lakefs.client.upload(REPO, 'main', 'raw/orders.csv', ORDERS);
  await lakefs.client.commit(REPO, 'main', 'seed production');
  root = makePlatform({ pipelines: [['orders', '--template', 'transform']] });
});

afterAll(async () => {
  await lakefs?.stop();
});

describe('production is protected by lakeFS itself', () => {
  it('status warns while the production branch has no lakeFS protection', () => {
    git(root, 'checkout', '-q', '-b', 'feature/new-metric');
    names.metric = json(['up']).name;
    const status = sandbox(['status']);
    expect(status.code).toBe(0);
    expect(status.stderr).toBe(
      'pipeline: warning: lakeFS does not protect production branch main: anyone with write access can write or commit to it directly; run pipeline sandbox init\n',
    );
  });

  it('init installs a branch protection rule (dry run first), and a second init finds it', async () => {
    expect(json(['init', '--dry-run'])).toMatchObject({ branch: 'main', protected: false, installed: false });
    expect(await lakefs.client.branchProtection(REPO)).toEqual([]);
    expect(json(['init'])).toMatchObject({ branch: 'main', protected: true, installed: true });
    expect(await lakefs.client.branchProtection(REPO)).toEqual([{ pattern: 'main' }]);
    expect(json(['init'])).toMatchObject({ protected: true, installed: false });
    expect(sandbox(['status']).stderr).toBe('');
  });

  it('lakeFS refuses a direct object upload and a direct commit to the production branch', async () => {
    await untilProtected(REPO, 'main');
    await expect(lakefs.client.upload(REPO, 'main', 'raw/sneaky.csv', 'x')).rejects.toMatchObject({
      status: 403,
      message: expect.stringContaining('cannot write to protected branch'),
    });
    await expect(lakefs.client.commit(REPO, 'main', 'direct commit')).rejects.toMatchObject({
      status: 403,
      message: expect.stringContaining('cannot commit to protected branch'),
    });
    expect(await productionPaths()).toEqual(['raw/orders.csv']);
  });
});

describe('the whole loop: up, run, commit, git merge, promote, refresh, prune', () => {
  it('run takes its credentials from ~/.lakectl.yaml, with an /api/v1 endpoint, and writes the sandbox branch', async () => {
    git(root, 'commit', '-q', '--allow-empty', '-m', 'orders mart: new metric');
    const home = tempDir('home-');
    writeFileSync(
      join(home, '.lakectl.yaml'),
      `credentials:\n  access_key_id: ${lakefs.env.LAKEFS_ACCESS_KEY_ID}\n  secret_access_key: ${lakefs.env.LAKEFS_SECRET_ACCESS_KEY}\nserver:\n  endpoint_url: ${lakefs.endpoint}/api/v1\n`,
    );
    const result = sandbox(['run', 'orders_sandbox', '--pipeline', 'orders', '--python', PYTHON], {
      LAKEFS_ACCESS_KEY_ID: '',
      LAKEFS_SECRET_ACCESS_KEY: '',
      LAKEFS_ENDPOINT: '',
      HOME: home,
    });
    expect(result.code, result.stderr.slice(-3000)).toBe(0);
    expect((await lakefs.client.download(REPO, names.metric!, 'marts/orders.csv')).toString()).toBe(MART);
  });

  it('other sandboxes made before the promote: one to refresh, one with its own work, one that clashes', async () => {
    git(root, 'checkout', '-q', 'main');
    for (const [key, branch] of [
      ['other', 'feature/other'],
      ['keep', 'feature/keep'],
      ['clash', 'feature/clash'],
    ] as const) {
      git(root, 'branch', branch, 'main');
      names[key] = json(['up', ...branchOf(branch)]).name;
    }
    await lakefs.client.upload(REPO, names.keep!, 'marts/keep.csv', 'k\n1\n');
    expect(json(['commit', '-m', 'keep mart', ...branchOf('feature/keep')]).commit).toEqual(expect.any(String));
    await lakefs.client.upload(REPO, names.clash!, 'marts/orders.csv', 'day,orders,revenue\n');
    expect(json(['commit', '-m', 'clashing mart', ...branchOf('feature/clash')]).commit).toEqual(expect.any(String));
  });

  it("ui serves the Dagster UI on the sandbox's own instance: its GraphQL lists only this sandbox's run", async () => {
    const child = spawn(
      process.execPath,
      [builtBin('pipeline'), 'sandbox', 'ui', '--python', PYTHON, ...branchOf('feature/new-metric')],
      { cwd: root, env: binEnv(lakefs.env), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-5000)));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (d) => {
        stdout += d;
        const m = /Dagster UI for sandbox \S+: (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout);
        if (m) resolve(m[1]!);
      });
      void exited.then((code) =>
        reject(new Error(`ui exited (${code}) before printing its URL:\n${stdout}\n${stderr}`)),
      );
    });
    const query = '{ runsOrError { ... on Runs { results { jobName tags { key value } } } } }';
    const response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ query }),
    });
    const runs = ((await response.json()) as { data: { runsOrError: { results: { jobName: string }[] } } }).data
      .runsOrError.results;
    expect(runs.map((r) => r.jobName)).toEqual(['orders_sandbox']);
    child.kill('SIGINT');
    expect(await exited).toBe(0);
  });

  it('commit records the git commit, the git branch and the user on the sandbox commit', async () => {
    const head = git(root, 'rev-parse', 'feature/new-metric');
    const committed = json(['commit', '-m', 'orders mart with the new metric', ...branchOf('feature/new-metric')]);
    expect(committed).toMatchObject({
      name: names.metric,
      changes: [{ path: 'marts/orders.csv', change: 'added' }],
      metadata: { git_commit: head, git_branch: 'feature/new-metric' },
    });
    const commit = await lakefs.client.getCommit(REPO, names.metric!);
    expect(commit.metadata).toMatchObject({
      git_commit: head,
      git_branch: 'feature/new-metric',
      sandbox: names.metric,
      user: 'Test User <test@example.com>',
    });
    expect(json(['commit', '-m', 'again', ...branchOf('feature/new-metric')])).toMatchObject({
      commit: null,
      changes: [],
    });
  });

  it('down refuses a sandbox whose committed data is not promoted, and says how to promote', async () => {
    const stderr = refused(['down', ...branchOf('feature/new-metric')]);
    expect(stderr).toBe(
      `pipeline: error: sandbox ${names.metric} has 1 committed change not promoted to production (marts/orders.csv); merge git branch feature/new-metric into main and run pipeline sandbox promote to keep them, or pass --force to discard them\n`,
    );
    expect(await lakefs.client.getBranch(REPO, names.metric!)).toBeDefined();
  });

  it('promote refuses before the git branch is merged into main', async () => {
    expect(refused(['promote', '--yes', ...branchOf('feature/new-metric')])).toMatch(
      /git commit [0-9a-f]{12} of branch feature\/new-metric is not merged into main; merge the branch first/,
    );
    expect(await productionPaths()).toEqual(['raw/orders.csv']);
  });

  it('after the git merge, promote needs --yes without a terminal, and --dry-run writes nothing', async () => {
    git(root, 'merge', '-q', '--no-ff', '-m', 'Merge feature/new-metric', 'feature/new-metric');
    expect(refused(['promote', ...branchOf('feature/new-metric')])).toMatch(
      /promote writes production and there is no terminal to confirm it; pass --yes \(it would merge 1 change: marts\/orders.csv\)/,
    );
    expect(json(['promote', '--dry-run', ...branchOf('feature/new-metric')])).toMatchObject({
      promoted: false,
      reason: 'dry run: nothing written',
      changes: [{ path: 'marts/orders.csv' }],
    });
    expect(await productionPaths()).toEqual(['raw/orders.csv']);
  });

  it('promote merges the committed data into production; the production commit names the sandbox, git commit and user', async () => {
    const gitCommit = git(root, 'rev-parse', 'feature/new-metric');
    const result = json(['promote', '--yes', ...branchOf('feature/new-metric')]);
    expect(result).toMatchObject({
      promoted: true,
      gitCommit,
      changes: [{ path: 'marts/orders.csv', change: 'added' }],
    });
    expect((await lakefs.client.getBranch(REPO, 'main'))!.commit_id).toBe(result.commit);
    expect((await lakefs.client.download(REPO, 'main', 'marts/orders.csv')).toString()).toBe(MART);
    expect((await lakefs.client.getCommit(REPO, 'main')).metadata).toMatchObject({
      sandbox: names.metric,
      git_commit: gitCommit,
      git_branch: 'feature/new-metric',
      user: 'Test User <test@example.com>',
    });
    expect(json(['promote', '--yes', ...branchOf('feature/new-metric')])).toMatchObject({
      promoted: false,
      reason: expect.stringMatching(/^nothing to promote/),
    });
    expect(json(['down', ...branchOf('feature/new-metric')])).toMatchObject({ removed: true });
    expect(json(['up', ...branchOf('feature/new-metric')])).toMatchObject({ created: true });
  });

  it('a sandbox made before the promote sees the change after refresh', async () => {
    expect(await lakefs.client.stat(REPO, names.other!, 'marts/orders.csv')).toBeUndefined();
    expect(json(['refresh', '--dry-run', ...branchOf('feature/other')])).toMatchObject({
      refreshed: false,
      changes: [{ path: 'marts/orders.csv' }],
    });
    expect(json(['refresh', ...branchOf('feature/other')])).toMatchObject({
      refreshed: true,
      changes: [{ path: 'marts/orders.csv', change: 'added' }],
    });
    expect((await lakefs.client.download(REPO, names.other!, 'marts/orders.csv')).toString()).toBe(MART);
    expect(json(['diff', ...branchOf('feature/other')])).toEqual([]);
    expect(json(['refresh', ...branchOf('feature/other')])).toMatchObject({
      refreshed: false,
      reason: `${names.other} is up to date with production`,
    });
  });

  it("diff after production moved lists only the sandbox's own changes; --stat sums them", () => {
    expect(json(['diff', ...branchOf('feature/keep')])).toEqual([
      { path: 'marts/keep.csv', change: 'added', sizeBytes: 4, committed: true },
    ]);
    expect(json(['diff', '--stat', ...branchOf('feature/keep')])).toMatchObject({
      paths: 1,
      added: 1,
      changed: 0,
      removed: 0,
      bytes: 4,
      folders: { 'marts/': { added: 1 } },
    });
    expect(sandbox(['diff', '--stat', ...branchOf('feature/keep')]).stdout).toBe(
      '1 path: 1 added, 0 changed, 0 removed, 4 bytes\n  marts/                         1 added, 0 changed, 0 removed\n',
    );
  });

  it('refresh and promote refuse paths production changed since the base, listing them; --strategy resolves promote', async () => {
    expect(refused(['refresh', ...branchOf('feature/clash')])).toMatch(
      /cannot refresh sbx-feature-clash-\w+: production and the sandbox both changed 1 path since its base: marts\/orders.csv;/,
    );
    expect(refused(['promote', '--yes', ...branchOf('feature/clash')])).toMatch(
      /production changed 1 path the sandbox also changed since its base: marts\/orders.csv; pass --strategy source-wins \(keep the sandbox's\) or dest-wins/,
    );
    expect(refused(['promote', '--yes', '--strategy', 'mine', ...branchOf('feature/clash')])).toMatch(
      /--strategy "mine" is not a strategy/,
    );
    expect(json(['promote', '--yes', '--strategy', 'dest-wins', ...branchOf('feature/clash')])).toMatchObject({
      promoted: true,
      metadata: { strategy: 'dest-wins' },
    });
    expect((await lakefs.client.download(REPO, 'main', 'marts/orders.csv')).toString()).toBe(MART);
  });

  it('list shows age, whether the git branch exists, unpromoted changes and how far production moved', () => {
    git(root, 'branch', '-q', '-D', 'feature/keep');
    const list = json(['list']) as {
      name: string;
      gitBranchExists: boolean;
      unpromoted: number;
      productionMoved: number;
      ageDays: number;
    }[];
    const byName = Object.fromEntries(list.map((s) => [s.name, s]));
    expect(byName[names.keep!]).toMatchObject({
      gitBranchExists: false,
      unpromoted: 1,
      productionMoved: 1,
      ageDays: expect.any(Number),
    });
    expect(byName[names.other!]).toMatchObject({ gitBranchExists: true, unpromoted: 0, productionMoved: 0 });
  });

  it('prune removes the sandbox of a deleted git branch and keeps one with unpromoted commits (dry run first)', async () => {
    git(root, 'branch', '-q', '-d', 'feature/new-metric');
    const dry = json(['prune', '--dry-run']) as { name: string; action: string; why: string }[];
    const action = (report: typeof dry) => Object.fromEntries(report.map((e) => [e.name, e.action]));
    expect(action(dry)).toEqual({
      [names.metric!]: 'would remove',
      [names.keep!]: 'kept',
      [names.other!]: 'kept',
      [names.clash!]: 'kept',
    });
    expect(dry.find((e) => e.name === names.keep)!.why).toBe(
      'git branch feature/keep no longer exists, but it has 1 committed change not promoted (--force discards them)',
    );
    expect(await lakefs.client.getBranch(REPO, names.metric!)).toBeDefined();
    expect(action(json(['prune']))).toMatchObject({ [names.metric!]: 'removed', [names.keep!]: 'kept' });
    expect(await lakefs.client.getBranch(REPO, names.metric!)).toBeUndefined();
    expect(await lakefs.client.getBranch(REPO, names.keep!)).toBeDefined();
    expect(action(json(['prune', '--force']))).toMatchObject({ [names.keep!]: 'removed', [names.other!]: 'kept' });
    expect(await productionPaths()).toEqual(['marts/orders.csv', 'raw/orders.csv']);
  });

  it('prune also removes sandboxes older than sandbox.ttl_days from platform.yaml', () => {
    const platformYaml = join(root, 'platform.yaml');
    const doc = parseDocument(readFileSync(platformYaml, 'utf8'));
    doc.setIn(['sandbox', 'ttl_days'], 1);
    writeFileSync(platformYaml, doc.toString());
    const recordFile = join(root, '.sandboxes', names.clash!, 'sandbox.json');
    const record = JSON.parse(readFileSync(recordFile, 'utf8'));
    writeFileSync(
      recordFile,
      JSON.stringify({ ...record, createdAt: new Date(Date.now() - 3 * 86_400_000).toISOString() }),
    );
    const report = json(['prune', '--dry-run']) as { name: string; action: string; why: string }[];
    expect(report.find((e) => e.name === names.clash)).toMatchObject({
      action: 'would remove',
      why: 'older than sandbox.ttl_days (3 > 1 days)',
    });
    expect(report.find((e) => e.name === names.other)).toMatchObject({
      action: 'kept',
      why: 'its git branch exists and it is younger than 1 day',
    });
  });

  it('status exits non-zero when the data branch is gone', async () => {
    await lakefs.client.deleteBranch(REPO, names.other!);
    const result = sandbox(['status', ...branchOf('feature/other')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `pipeline: error: the data of sandbox ${names.other} is gone (no branch ${names.other} in lakefs://data); run pipeline sandbox down --force and up again\n`,
    );
  });
});

describe('two up runs racing', () => {
  /** The CLI as a child process that runs alongside others. */
  const runAsync = (args: string[]) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [builtBin('pipeline'), 'sandbox', ...args], {
        cwd: root,
        env: binEnv(lakefs.env),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.once('exit', (code) => resolve({ code, stdout, stderr }));
    });

  it('both succeed, one sandbox, both record the production commit it came from; its diff stays three-dot', async () => {
    const production = (await lakefs.client.getBranch(REPO, 'main'))!.commit_id;
    const results = await Promise.all([0, 1, 2].map(() => runAsync(['up', '--json', ...branchOf('feature/race')])));
    for (const r of results) expect(r.code, r.stderr).toBe(0);
    const ups = results.map((r) => JSON.parse(r.stdout) as { name: string; created: boolean; sourceCommit: string });
    expect(new Set(ups.map((u) => u.name)).size).toBe(1);
    expect(ups.filter((u) => u.created).length).toBeLessThanOrEqual(1);
    expect(ups.map((u) => u.sourceCommit)).toEqual([production, production, production]);
    expect(json(['status', ...branchOf('feature/race')])).toMatchObject({ sourceCommit: production });
    expect(json(['diff', ...branchOf('feature/race')])).toEqual([]);
    expect(json(['down', ...branchOf('feature/race')])).toMatchObject({ removed: true });
  });
});

describe('a tag as the production ref', () => {
  it('init protects the branch the tag is on, and names it in platform.yaml (production_branch, protected_branches)', async () => {
    await lakefs.client.createRepository('tagged', 'local://tagged', 'prod');
    await lakefs.client.upload('tagged', 'prod', 'raw/orders.csv', ORDERS);
    await lakefs.client.createTag('tagged', 'release-1', (await lakefs.client.commit('tagged', 'prod', 'seed')).id);
    const dir = tempDir('platform-tag-');
    expect(
      createPipeline(
        [
          '--platform',
          '--platform-name',
          'acme',
          '--owners',
          'analytics',
          '--lakefs-repository',
          'tagged',
          '--production-ref',
          'release-1',
        ],
        dir,
      ).code,
    ).toBe(0);
    const platformYaml = join(dir, 'platform.yaml');
    const generated = readFileSync(platformYaml, 'utf8');
    expect(generated).toContain('  production_ref: release-1\n  protected_branches: [release-1]\n');
    const init = (args: string[]) => runBin('pipeline', ['sandbox', 'init', ...args], dir, lakefs.env);
    const dry = init(['--dry-run']);
    expect(dry.stdout).toBe(
      'lakefs://tagged/prod: would protect (lakeFS refuses direct writes and commits to it; only merges land, through pipeline sandbox promote)\nwould set sandbox.production_branch: prod in platform.yaml\nwould set sandbox.protected_branches: + prod in platform.yaml\n',
    );
    expect(readFileSync(platformYaml, 'utf8')).toBe(generated);
    expect(await lakefs.client.branchProtection('tagged')).toEqual([]);
    expect(init([]).code).toBe(0);
    expect(readFileSync(platformYaml, 'utf8')).toBe(
      generated
        .replace('  protected_branches: [release-1]\n', '  protected_branches: [release-1, prod]\n')
        .replace(
          '  branch_env_var: PIPELINE_SANDBOX_BRANCH\n',
          '  branch_env_var: PIPELINE_SANDBOX_BRANCH\n  production_branch: prod\n',
        ),
    );
    expect(await lakefs.client.branchProtection('tagged')).toEqual([{ pattern: 'prod' }]);
    await untilProtected('tagged', 'prod');
    await expect(lakefs.client.upload('tagged', 'prod', 'raw/sneaky.csv', 'x')).rejects.toMatchObject({ status: 403 });
    expect(JSON.parse(init(['--json']).stdout)).toMatchObject({ branch: 'prod', installed: false, platformEdits: [] });
  });
});

describe('bad endpoints and config are one line, never a stack trace', () => {
  it('an endpoint without a scheme: exit 2', () => {
    const port = new URL(lakefs.endpoint).port;
    expect(refused(['list'], { ...lakefs.env, LAKEFS_ENDPOINT: `127.0.0.1:${port}` })).toBe(
      `pipeline: error: the lakeFS endpoint "127.0.0.1:${port}" (from LAKEFS_ENDPOINT) is not an http(s) URL; write it with its scheme, e.g. http://127.0.0.1:${port}\n`,
    );
  });

  it('an endpoint that serves HTML: exit 2', () => {
    expect(refused(['list'], { ...lakefs.env, LAKEFS_ENDPOINT: `${lakefs.endpoint}/ui` })).toMatch(
      /answered GET \/api\/v1\/repositories\/data\/branches with an HTML page, so it is not the lakeFS API; set LAKEFS_ENDPOINT/,
    );
  });

  it('a malformed ~/.lakectl.yaml: exit 2', () => {
    const home = tempDir('home-');
    writeFileSync(join(home, '.lakectl.yaml'), 'credentials:\n  access_key_id: [oops\n');
    expect(refused(['list'], { LAKEFS_ACCESS_KEY_ID: '', LAKEFS_SECRET_ACCESS_KEY: '', HOME: home })).toMatch(
      /\.lakectl\.yaml is not valid YAML \(.+\); fix it, or run lakectl config to rewrite it\n$/,
    );
  });

  it('an /api/v1 endpoint is normalised in the env file the pipelines read', () => {
    const up = json(['up', ...branchOf('feature/api-suffix')], {
      ...lakefs.env,
      LAKEFS_ENDPOINT: `${lakefs.endpoint}/api/v1/`,
    });
    expect(readFileSync(up.envFile, 'utf8')).toContain(`\nLAKEFS_ENDPOINT=${lakefs.endpoint}\n`);
    expect(json(['down', ...branchOf('feature/api-suffix')])).toMatchObject({ removed: true });
  });
});

describe('production takes only data that merged code made', () => {
  const GUARD = 'guard';
  let platform: string;
  const { sandbox: run, json: ok, refused } = sandboxIn(() => platform);
  const no = (args: string[], code = 2) => refused(args, undefined, code);
  const inProduction = async () => (await lakefs.client.listObjects(GUARD, 'main')).map((o) => o.path);
  const shortSha = (ref: string) => git(platform, 'rev-parse', ref).slice(0, 12);

  beforeAll(async () => {
    await lakefs.client.createRepository(GUARD, `local://${GUARD}`, 'main');
    await lakefs.client.upload(GUARD, 'main', 'raw/orders.csv', ORDERS);
    await lakefs.client.commit(GUARD, 'main', 'seed production');
    platform = makePlatform({ pipelines: [['orders', '--template', 'transform']] });
    const file = join(platform, 'platform.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('repository: data', `repository: ${GUARD}`));
    git(platform, 'commit', '-q', '-am', 'sandboxes on the guard repository');
    expect(run(['init']).code).toBe(0);
  });

  it('commit refuses while the code that made the data is not all in a git commit; committed, it records that commit', async () => {
    git(platform, 'checkout', '-q', '-b', 'feature/dirty');
    const name = ok(['up']).name;
    await lakefs.client.upload(GUARD, name, 'marts/dirty.csv', 'x\n1\n');
    const ops = join(platform, 'pipelines/orders/src/orders/ops.py');
    writeFileSync(ops, `${readFileSync(ops, 'utf8')}\n# the new metric, not committed yet\n`);
    expect(no(['commit', '-m', 'dirty'])).toMatch(
      /the code that made the data is not all in a git commit: 1 file differs from \w{12} \(pipelines\/orders\/src\/orders\/ops\.py\); commit them \(git commit\)/,
    );
    expect((await lakefs.client.uncommitted(GUARD, name)).map((e) => e.path)).toEqual(['marts/dirty.csv']);
    git(platform, 'commit', '-q', '-am', 'the new metric');
    expect(ok(['commit', '-m', 'dirty mart, its code committed']).metadata.git_commit).toBe(
      git(platform, 'rev-parse', 'HEAD'),
    );
  });

  it("after a refresh, promote checks the git commit that made the sandbox's data, not the git branch's tip", async () => {
    git(platform, 'checkout', '-q', '-b', 'feature/reset', 'main');
    git(platform, 'commit', '-q', '--allow-empty', '-m', 'bad code, never merged');
    const bad = git(platform, 'rev-parse', 'HEAD');
    const name = ok(['up']).name;
    await lakefs.client.upload(GUARD, name, 'marts/bad.csv', 'bad\n');
    expect(ok(['commit', '-m', 'bad data']).metadata.git_commit).toBe(bad);
    // Production moves on: feature/dirty merged and promoted.
    git(platform, 'checkout', '-q', 'main');
    git(platform, 'merge', '-q', '--no-ff', '-m', 'Merge feature/dirty', 'feature/dirty');
    expect(ok(['promote', '--yes', '--git-branch', 'feature/dirty'])).toMatchObject({ promoted: true });
    expect(ok(['refresh', '--git-branch', 'feature/reset'])).toMatchObject({ refreshed: true });
    expect((await lakefs.client.getCommit(GUARD, name)).metadata).toMatchObject({ git_commit: bad });
    // The branch is reset to main, whose tip is merged; the data is still bad's.
    git(platform, 'branch', '-f', 'feature/reset', 'main');
    expect(no(['promote', '--yes', '--git-branch', 'feature/reset'])).toContain(
      `git commit ${bad.slice(0, 12)} of branch feature/reset is not merged into main`,
    );
    expect(await inProduction()).not.toContain('marts/bad.csv');
  });

  it('promote merges the sandbox commit it checked: data committed while it asks stays out', async () => {
    // A sandbox with no commit of its own: its head is production's, whose metadata names another branch's git commit.
    git(platform, 'branch', 'feature/fresh', 'main');
    const fresh = ok(['up', '--git-branch', 'feature/fresh']).name;
    expect((await lakefs.client.getCommit(GUARD, fresh)).metadata?.git_commit).toEqual(expect.any(String));
    git(platform, 'checkout', '-q', '-b', 'feature/t', 'main');
    git(platform, 'commit', '-q', '--allow-empty', '-m', 'v1');
    const name = ok(['up']).name;
    await lakefs.client.upload(GUARD, name, 'marts/t1.csv', '1\n');
    ok(['commit', '-m', 't1']);
    git(platform, 'checkout', '-q', 'main');
    git(platform, 'merge', '-q', '--no-ff', '-m', 'Merge feature/t v1', 'feature/t');
    const env = Object.entries(lakefs.env)
      .map(([key, value]) => `${key}='${value}'`)
      .join(' ');
    const terminal = openTerminal(
      platform,
      `env -u CI ${env} '${process.execPath}' '${builtBin('pipeline')}' sandbox promote --git-branch feature/t; sleep 60`,
    );
    try {
      await terminal.waitFor(`Merge 1 change of ${name} (git ${shortSha('feature/t')})`);
      // Meanwhile, in another shell: new code on the branch, and its data committed to the sandbox.
      git(platform, 'checkout', '-q', 'feature/t');
      git(platform, 'commit', '-q', '--allow-empty', '-m', 'v2, not merged');
      await lakefs.client.upload(GUARD, name, 'marts/t2.csv', '2\n');
      ok(['commit', '-m', 't2']);
      terminal.keys('y', 'Enter');
      await terminal.waitFor(/Promoted 1 change of/);
    } finally {
      terminal.close();
    }
    expect(await inProduction()).toContain('marts/t1.csv');
    expect(await inProduction()).not.toContain('marts/t2.csv');
    // Refreshed, it claims no git commit: none of its data was made by one.
    expect(ok(['refresh', '--git-branch', 'feature/fresh'])).toMatchObject({ refreshed: true });
    expect((await lakefs.client.getCommit(GUARD, fresh)).metadata?.git_commit).toBeUndefined();
    git(platform, 'checkout', '-q', 'main');
    expect(no(['promote', '--yes', '--git-branch', 'feature/t'])).toContain(
      `git commit ${shortSha('feature/t')} of branch feature/t is not merged into main`,
    );
    // Merged now; Ctrl-C at the question ends the command as Ctrl-C does, and nothing is merged.
    git(platform, 'merge', '-q', '--no-ff', '-m', 'Merge feature/t v2', 'feature/t');
    const cancelled = openTerminal(
      platform,
      `env -u CI ${env} '${process.execPath}' '${builtBin('pipeline')}' sandbox promote --git-branch feature/t; echo "exit=$?"; sleep 60`,
    );
    try {
      await cancelled.waitFor(`Merge 1 change of ${name}`);
      cancelled.keys('C-c');
      expect(await cancelled.waitFor('exit=')).toMatch(/pipeline: cancelled; nothing was written\s+exit=130/);
    } finally {
      cancelled.close();
    }
    expect(await inProduction()).not.toContain('marts/t2.csv');
    // Two promotes at once: the one that finds production has it all says so.
    const again = new LakeFSBackend(lakefs.client, GUARD, 'main');
    const head = (await again.get(name))!.headCommit!;
    expect(
      await again.promote(name, 'again', {}, undefined, (await lakefs.client.getCommit(GUARD, `${head}~1`)).id),
    ).toBeNull();
  });

  it('a record that is not JSON: list and prune go on with the others, status names the file', () => {
    const name = ok(['status', '--git-branch', 'feature/t']).name;
    writeFileSync(join(platform, '.sandboxes', name, 'sandbox.json'), '{"name": "x", "gitBr');
    const listed = ok(['list']) as { name: string; gitBranch: string | null }[];
    expect(listed.map((s) => s.name)).toContain(name);
    expect(listed.find((s) => s.name === name)!.gitBranch).toBeNull();
    expect(listed.some((s) => s.gitBranch === 'feature/reset')).toBe(true);
    const pruned = ok(['prune', '--dry-run']) as { name: string; why: string }[];
    expect(pruned.find((p) => p.name === name)!.why).toContain(
      `its record .sandboxes/${name}/sandbox.json is not a sandbox record`,
    );
    expect(no(['status', '--git-branch', 'feature/t'])).toContain(
      `.sandboxes/${name}/sandbox.json is not a sandbox record`,
    );
    expect(ok(['down', '--force', '--git-branch', 'feature/t'])).toMatchObject({ removed: true });
  });

  it('list keeps its columns in line whatever the length of a git branch', () => {
    const long = `feature/${'a-long-branch-name-'.repeat(4)}end`;
    git(platform, 'branch', long, 'main');
    ok(['up', '--git-branch', long]);
    const rows = run(['list']).stdout.trimEnd().split('\n');
    expect(rows.length).toBeGreaterThan(1);
    // Each row's third column (whether the branch is here) starts at one offset.
    const starts = rows.map((r) => r.search(/ (branch here|branch gone|-) +(data|no data) /));
    expect(new Set(starts).size, rows.join('\n')).toBe(1);
    expect(ok(['down', '--git-branch', long])).toMatchObject({ removed: true });
  });

  it('up --dry-run refuses what up refuses; an empty --git-branch is refused', () => {
    const file = join(platform, 'platform.yaml');
    const text = readFileSync(file, 'utf8');
    try {
      writeFileSync(file, text.replace(`repository: ${GUARD}`, 'repository: nope'));
      const dry = no(['up', '--dry-run', '--git-branch', 'feature/cfg'], 1);
      expect(dry).toContain('has no repository nope; create it, or fix sandbox.repository in platform.yaml');
      expect(no(['up', '--git-branch', 'feature/cfg'], 1)).toBe(dry);
      // Refused by lakeFS, it leaves no local folder either.
      expect(readdirSync(join(platform, '.sandboxes')).filter((n) => n.startsWith('sbx-feature-cfg'))).toEqual([]);
      writeFileSync(file, text.replace('production_ref: main', 'production_ref: nope-branch'));
      expect(no(['up', '--dry-run', '--git-branch', 'feature/cfg'], 1)).toContain(
        'the production ref nope-branch does not exist',
      );
    } finally {
      writeFileSync(file, text);
    }
    expect(no(['up', '--git-branch', ''])).toContain('--git-branch is empty');
    expect(no(['promote', '--yes', '--git-branch', ''])).toContain('--git-branch is empty');
  });

  it('a .sandboxes folder it cannot write stops up before the data branch is made: one line, exit 2', async () => {
    const sandboxes = join(platform, '.sandboxes');
    const asUser = process.getuid?.() === 0;
    // Root may write anything: run the command as an unprivileged user, as a developer would.
    if (asUser) spawnSync('chown', ['-R', 'nobody:nogroup', platform]);
    chmodSync(sandboxes, 0o555);
    try {
      const result = spawnSync(
        asUser ? 'setpriv' : process.execPath,
        [
          ...(asUser ? ['--reuid=nobody', '--regid=nogroup', '--clear-groups', process.execPath] : []),
          builtBin('pipeline'),
          'sandbox',
          'up',
          '--git-branch',
          'feature/ro',
        ],
        {
          cwd: platform,
          encoding: 'utf8',
          env: { ...binEnv(lakefs.env), HOME: platform, GIT_CONFIG_GLOBAL: '/dev/null' },
        },
      );
      expect(result.status, result.stderr).toBe(2);
      expect(result.stderr).toBe(
        'pipeline: error: cannot write in the folder .sandboxes (permission denied); make the folder writable, then run again\n',
      );
    } finally {
      chmodSync(sandboxes, 0o755);
      if (asUser) spawnSync('chown', ['-R', 'root:root', platform]);
    }
    expect((await lakefs.client.listBranches(GUARD, 'sbx-feature-ro')).map((b) => b.id)).toEqual([]);
  });
});
