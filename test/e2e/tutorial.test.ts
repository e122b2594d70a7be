// docs/tutorial.md, run as a new hire would: the prompts at a terminal (tmux), create a pipeline, its
// tests, dg check defs, a local run, pipeline check, the push, a sandbox run on a real lakeFS. Each
// command shown in the tutorial runs here, and the output shown under it must still be what the
// tool prints (temp paths, times, hashes and run ids aside).
// UPDATE_DOCS=1 writes the current output into the tutorial instead of comparing.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtBin, packageRoot } from '../../src/paths.ts';
import { createPipeline, runBin } from '../helpers/cli.ts';
import { type LakeFSServer, startLakeFS } from '../helpers/lakefs.ts';
import { UV } from '../helpers/pipeline-venv.ts';
import { openTerminal } from '../helpers/terminal.ts';
import { git, makePlatform, tempDir } from '../helpers/workspace.ts';

const TUTORIAL = join(packageRoot(), 'docs', 'tutorial.md');
const UPDATE = process.env.UPDATE_DOCS === '1';
/** Where the tutorial's platform repo lives in the text, for every reader alike. */
const SHOWN_ROOT = '~/acme-platform';

let root: string;
let pipeline: string;
let doc = readFileSync(TUTORIAL, 'utf8');

/** What may differ between two runs of the same command: times, durations, hashes, run ids, pids. */
function normalise(text: string): string {
  return (
    text
      .replace(/\b\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(\.\d+)?( ?[+-]\d\d:?\d\d|Z)?/g, '<time>')
      .replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g, '<run id>')
      // A commit at the start of a `git log --oneline` line is a hash even without a digit (bbabebb: 1 run in 1,000).
      .replace(/^[0-9a-f]{7,40}(?= )/gm, '<hash>')
      .replace(/\b(?=[0-9a-f]*\d)[0-9a-f]{7,64}\b/g, '<hash>')
      .replace(/\b\d+(\.\d+)?(ms|s)\b/g, '<duration>')
      .replace(/ - \d+ - /g, ' - <pid> - ')
      .replace(/pid: \d+/g, 'pid: <pid>')
      .replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:<port>')
  );
}

const BLOCK = (id: string) =>
  new RegExp(`(<!-- output: ${id} -->\\n\`\`\`text\\n)([\\s\\S]*?)(\`\`\`\\n<!-- /output -->)`);

/** Compares the tutorial's block `id` with `output` (or, with UPDATE_DOCS=1, writes it there). */
function shows(id: string, command: string, output: string): void {
  const text = `${output.split(root).join(SHOWN_ROOT).trimEnd()}\n`;
  expect(doc, `docs/tutorial.md no longer shows the command \`${command}\``).toContain(command);
  const match = BLOCK(id).exec(doc);
  expect(match, `docs/tutorial.md has no <!-- output: ${id} --> block`).not.toBeNull();
  if (UPDATE) doc = doc.replace(BLOCK(id), (_, open: string, _old: string, close: string) => `${open}${text}${close}`);
  else
    expect(
      normalise(match![2]!),
      `the output under \`${command}\` changed: run UPDATE_DOCS=1 npx vitest run test/e2e/tutorial.test.ts`,
    ).toBe(normalise(text));
}

/** `uv ...` in the pipeline's folder: offline from the cache the suite's setup filled, else online. */
function uv(args: string[], env: Record<string, string> = {}) {
  const go = (offline: boolean) =>
    spawnSync(UV, args, {
      cwd: pipeline,
      encoding: 'utf8',
      env: { ...process.env, UV_NO_PROGRESS: '1', ...(offline ? { UV_OFFLINE: '1' } : {}), ...env },
    });
  let result = go(true);
  if (result.status !== 0 && /offline|network|not found in the cache/i.test(result.stderr)) result = go(false);
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(() => {
  root = makePlatform({ owners: 'analytics,ml-team' });
  pipeline = join(root, 'pipelines', 'orders');
});

let lakefs: LakeFSServer | undefined;

afterAll(async () => {
  if (UPDATE) writeFileSync(TUTORIAL, doc);
  await lakefs?.stop();
});

/** The screen of `create-pipeline` at a real terminal (tmux), answered as the tutorial says; writes nothing (--dry-run). */
async function promptsAtATerminal(): Promise<string> {
  const platform = makePlatform({ owners: 'analytics,ml-team' });
  const cli = builtBin('create-pipeline');
  const terminal = openTerminal(platform, `env -u CI '${process.execPath}' '${cli}' --dry-run; sleep 60`, 160, 50);
  const { keys, waitFor } = terminal;
  try {
    await waitFor('Pipeline name');
    keys('orders', 'Enter');
    for (const prompt of [
      'What kind of pipeline?',
      'Describe the pipeline',
      'Which team owns it?',
      'Schedule (cron, or "none")',
      'Timezone of the schedules',
      'Release it to which deployments?',
    ]) {
      await waitFor(prompt);
      keys('Enter');
    }
    const screen = await waitFor('Would add pipeline orders');
    // The answered questions, as the terminal shows them once answered.
    return screen
      .split('\n')
      .filter((line) => line.startsWith('✔'))
      .join('\n');
  } finally {
    terminal.close();
  }
}

describe('docs/tutorial.md, step by step', () => {
  it('0. at a terminal, npm init pipeline asks every question, with defaults', async () => {
    const screen = await promptsAtATerminal();
    expect(screen).toContain('Pipeline name');
    shows('prompts', 'npm init pipeline', screen);
  });

  it('1. npm init pipeline makes the pipeline, on its own branch', () => {
    const made = createPipeline(['orders', '--template', 'transform', '--owner', 'analytics'], root);
    expect(made.code, made.stderr).toBe(0);
    expect(git(root, 'branch', '--show-current')).toBe('pipeline/orders');
    shows('create', 'npm init pipeline -- orders --template transform --owner analytics', made.stdout);
  });

  it('2. its own tests pass in local mode, in seconds', () => {
    const tests = uv(['run', 'pytest', '-q']);
    expect(tests.code, tests.stdout + tests.stderr).toBe(0);
    expect(tests.stdout).toMatch(/\d+ passed/);
    shows('pytest', 'uv run pytest -q', tests.stdout);
  });

  it('3. dg check defs loads it as Dagster will', () => {
    const check = uv(['run', 'dg', 'check', 'defs']);
    expect(check.code, check.stdout + check.stderr).toBe(0);
    expect(check.stdout).toContain('All definitions loaded successfully');
    shows('check-defs', 'uv run dg check defs', check.stdout);
  });

  it('4. a local run of the local_sample job writes the mart from the sample data', () => {
    // Dagster's knob for its `tail -F` of each step's output (which `pipeline sandbox run` sets too):
    // on a busy machine the tail is stopped before it printed a step's lines, which the block shows.
    const launch = uv(['run', 'dg', 'launch', '--job', 'orders_local_sample'], {
      DAGSTER_HOME: tempDir('dagster-home-'),
      DAGSTER_COMPUTE_LOG_TAIL_WAIT_AFTER_FINISH: '1',
    });
    expect(launch.code, launch.stderr.slice(-3000)).toBe(0);
    const lines = (launch.stdout + launch.stderr).split('\n').filter((l) => / - INFO - |RUN_SUCCESS/.test(l));
    expect(lines.some((l) => l.includes('RUN_SUCCESS'))).toBe(true);
    shows('launch', 'uv run dg launch --job orders_local_sample', lines.join('\n'));
    const mart = readFileSync(join(pipeline, '.pipeline-data', 'marts', 'orders.csv'), 'utf8');
    expect(mart.split('\n')[0]).toBe('day,orders,revenue');
    shows('mart', 'cat .pipeline-data/marts/orders.csv', mart);
  });

  it('5. pipeline check finds nothing to fix', () => {
    const check = runBin('pipeline', ['check'], root);
    expect(check.code, check.stdout + check.stderr).toBe(0);
    expect(check.stdout).toContain('no findings');
    shows('pipeline-check', 'npx pipeline check', check.stdout);
  });

  it('6. the branch has one commit, touching only the pipeline, and pushes', () => {
    // What the steps before wrote (uv's .venv and uv.lock, the local run's data) is all ignored:
    // a dirty tree would make the next npm init pipeline write its files without a branch.
    expect(existsSync(join(pipeline, 'uv.lock'))).toBe(true);
    expect(git(root, 'status', '--porcelain')).toBe('');
    const log = git(root, 'log', '--oneline', '--stat', 'main..pipeline/orders');
    expect(log.split('\n').filter((l) => /^[0-9a-f]{7,} /.test(l))).toHaveLength(1);
    shows('log', 'git log --oneline main..', git(root, 'log', '--oneline', 'main..'));
    const origin = join(tempDir('origin-'), 'acme-platform.git');
    git(root, 'init', '-q', '--bare', origin);
    git(root, 'remote', 'add', 'origin', origin);
    const push = spawnSync('git', ['push', '-u', 'origin', 'pipeline/orders'], { cwd: root, encoding: 'utf8' });
    expect(push.status, push.stderr).toBe(0);
    expect(git(origin, 'branch', '--list', 'pipeline/orders')).toContain('pipeline/orders');
  });

  it('8. a sandbox runs the branch on a copy of production, which stays as it was', async () => {
    lakefs = await startLakeFS(tempDir('lakefs-'));
    await lakefs.client.createRepository('data', 'local://data', 'main');
    const orders = readFileSync(join(pipeline, 'src', 'orders', 'sample_data', 'raw', 'orders.csv'), 'utf8');
    await lakefs.client.upload('data', 'main', 'raw/orders.csv', orders);
    await lakefs.client.commit('data', 'main', 'production data');
    const env = lakefs.env;
    const up = runBin('pipeline', ['sandbox', 'up'], root, env);
    expect(up.code, up.stderr).toBe(0);
    shows('sandbox-up', 'npx pipeline sandbox up', up.stdout);
    const ran = runBin('pipeline', ['sandbox', 'run', 'orders_sandbox', '--pipeline', 'orders'], root, env);
    expect(ran.code, (ran.stdout + ran.stderr).slice(-3000)).toBe(0);
    // Dagster's own log: the steps and the run, as in step 4.
    const lines = (ran.stdout + ran.stderr).split('\n').filter((l) => /STEP_SUCCESS|RUN_SUCCESS/.test(l));
    expect(lines.some((l) => l.includes('RUN_SUCCESS'))).toBe(true);
    shows('sandbox-run', 'npx pipeline sandbox run orders_sandbox --pipeline orders', lines.join('\n'));
    const diff = runBin('pipeline', ['sandbox', 'diff'], root, env);
    expect(diff.code, diff.stderr).toBe(0);
    expect(diff.stdout).toContain('marts/orders.csv');
    shows('sandbox-diff', 'npx pipeline sandbox diff', diff.stdout);
    expect((await lakefs.client.listObjects('data', 'main')).map((o) => o.path)).toEqual(['raw/orders.csv']);
  });
});
