// All or nothing, against real faults: create-pipeline and pipeline upgrade killed with SIGKILL at
// 30 instants spread over their run (15 for an upgrade that also removes a file, and for one of 16
// pipelines on worker threads), a write that fails on the last file, a read-only file, and two
// create-pipeline runs at once. After the next command, every file, git's refs and its index are
// exactly as before or exactly as after, never a mix. An upgrade interrupted by SIGINT, SIGTERM or
// SIGHUP is that way as soon as it ends, with no command after it.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { builtBin } from '../../src/paths.ts';
import { binEnv, runBin } from '../helpers/cli.ts';
import { waitUntil } from '../helpers/wait.ts';
import { git, makePlatform, tempDir, treeFingerprint, treeStamp } from '../helpers/workspace.ts';

const SLOW = 900_000;
const KILLS = Number(process.env.CRASH_KILLS ?? 30);
const SEED = Number(process.env.CRASH_SEED ?? 20261125);
const PARALLEL = 3;
// Fixed dates make a command's commits byte-identical from one copy of a repo to the next.
const FIXED = { GIT_AUTHOR_DATE: '2026-01-01T00:00:00Z', GIT_COMMITTER_DATE: '2026-01-01T00:00:00Z' };
// Each file write waits this long, so a kill lands in the middle of writing as often as not; and an
// upgrade writes in turns of three files (the old files one turn replaces take the next turn's
// bytes), so a kill lands between turns and in a spare being written too. The 16-pipeline upgrade
// writes 165 files: 10 ms each keeps its writes about 60% of its run, as 25 ms does for the others.
const slowWrites = (ms = 25) => ({ PIPELINE_TEST_SLOW_WRITES_MS: String(ms), PIPELINE_TEST_WRITE_BATCH: '3' });
const MANY_WRITE_MS = 10;
const V1 = join(import.meta.dirname, '..', 'fixtures', 'conventions-v1');

type Fingerprint = Map<string, string>;
const show = (a: Fingerprint, b: Fingerprint) =>
  [...new Set([...a.keys(), ...b.keys()])]
    .filter((k) => a.get(k) !== b.get(k))
    .slice(0, 8)
    .join(', ');

function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A git repository of the conventions-v1 fixture, made once: what every upgrade here starts from. */
let v1: string | undefined;
function upgradeBase(): string {
  if (v1) return v1;
  v1 = tempDir('v1-');
  cpSync(V1, v1, { recursive: true });
  git(v1, 'init', '-q', '-b', 'main');
  git(v1, 'add', '-A');
  git(v1, 'commit', '-qm', 'platform at conventions v1');
  return v1;
}

/**
 * A platform of 16 legacy pipelines, enough for worker threads: the upgrade writes the pipelines
 * done so far while the workers still compute the others.
 */
let many: string | undefined;
async function manyPipelinesBase(): Promise<string> {
  if (many) return many;
  const { makeCorpus } = (await import('../../bench/corpus.mjs')) as { makeCorpus: (dir: string, n: number) => void };
  many = join(tempDir('many-'), 'platform');
  makeCorpus(many, 16);
  cpSync(join(V1, 'platform.yaml'), join(many, 'platform.yaml'));
  git(many, 'init', '-q', '-b', 'main');
  git(many, 'add', '-A');
  git(many, 'commit', '-qm', 'sixteen legacy pipelines');
  return many;
}

function copyOf(dir: string): string {
  const copy = join(tempDir('crash-'), 'repo');
  cpSync(dir, copy, { recursive: true });
  return copy;
}

/**
 * Runs a bin (each write slowed down by `writeMs`, unless null) and sends it `signal` after `ms`
 * (never, with Infinity); resolves with its exit code, the signal that ended it and stderr when it
 * is gone. Never blocks the event loop, so the kills of runs in parallel land on time.
 */
function runAndKill(
  bin: 'create-pipeline' | 'pipeline',
  args: string[],
  cwd: string,
  ms: number,
  writeMs: number | null = 25,
  signal: NodeJS.Signals = 'SIGKILL',
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [builtBin(bin), ...args], {
      cwd,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: binEnv({ ...FIXED, ...(writeMs === null ? {} : slowWrites(writeMs)) }),
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    const timer = Number.isFinite(ms) ? setTimeout(() => child.kill(signal), ms) : undefined;
    child.on('close', (code, ended) => {
      clearTimeout(timer);
      resolve({ code, signal: ended, stderr });
    });
  });
}

async function timed(
  bin: 'create-pipeline' | 'pipeline',
  args: string[],
  dir: string,
  writeMs: number,
): Promise<number> {
  const started = Date.now();
  expect((await runAndKill(bin, args, dir, Infinity, writeMs)).code).toBe(0);
  return Date.now() - started;
}

/**
 * Kills `bin args` at KILLS instants spread over [0, 1.1 x its uninterrupted run], runs `next` (the
 * command that recovers) and checks each copy ends exactly as before or exactly as after. With
 * `options.signals` (ones a process can catch, taking turns over the instants) instead of SIGKILL,
 * nothing runs after it: the command itself must roll back before it ends, ended by that signal,
 * its journal gone. `recovered` counts the runs rolled back, by signal.
 */
async function killAtManyInstants(
  base: string,
  bin: 'create-pipeline' | 'pipeline',
  args: string[],
  next: string[],
  kills = KILLS,
  options: { onceChanged?: boolean; signals?: NodeJS.Signals[]; writeMs?: number } = {},
): Promise<{ before: number; after: number; recovered: Record<string, number> }> {
  const signals = options.signals ?? ['SIGKILL'];
  const writeMs = options.writeMs ?? 25;
  const before = treeFingerprint(copyOf(base));
  const reference = copyOf(base);
  const duration = await timed(bin, args, reference, writeMs);
  if (next.length) expect(runBin('pipeline', next, reference, FIXED).code).toBe(0);
  const after = treeFingerprint(reference);
  expect(after).not.toEqual(before);
  const rand = random(SEED);
  const counts = { before: 0, after: 0, recovered: Object.fromEntries(signals.map((s) => [s, 0])) };
  let turn = 0;
  const killAt = async (at: number | 'once changed', signal = signals[turn++ % signals.length]!) => {
    const dir = copyOf(base);
    const killed = await (at === 'once changed'
      ? killOnceChanged(bin, args, dir, signal)
      : runAndKill(bin, args, dir, at, writeMs, signal));
    const when = `${signal} at ${at === 'once changed' ? at : `${at} ms`}`;
    if (signal === 'SIGKILL') {
      const recovery = await runAndKill('pipeline', next, dir, Infinity, null);
      expect(recovery.code, `kill at ${when} (CRASH_SEED=${SEED}): ${recovery.stderr}`).toBe(0);
      if (recovery.stderr.includes('was rolled back')) counts.recovered[signal]!++;
    } else {
      // Ended by the signal (or done before it came), its journal gone: nothing left for the next command.
      expect([killed.code, killed.signal], `${when}: ${killed.stderr}`).toContainEqual(killed.signal ? signal : 0);
      expect(readdirSync(join(dir, '.git')), `${when}: ${killed.stderr}`).not.toContain('pipeline-txn');
      if (killed.stderr.includes(`interrupted (${signal}); rolled back, every file is as it was`))
        counts.recovered[signal]!++;
    }
    const now = treeFingerprint(dir);
    const same =
      JSON.stringify([...now]) === JSON.stringify([...before])
        ? 'before'
        : JSON.stringify([...now]) === JSON.stringify([...after])
          ? 'after'
          : null;
    expect(
      same,
      `kill at ${when} of ${duration} ms (CRASH_SEED=${SEED}): differs from before in ${show(now, before)}; from after in ${show(now, after)}`,
    ).not.toBeNull();
    counts[same!]++;
  };
  // Three copies at a time: a run spends most of its time in its slowed writes, so three overlap
  // well on two cores (and a kill still lands at its instant of its own run).
  const instants = Array.from({ length: kills }, (_, i) => Math.round(((i + rand()) / kills) * duration * 1.1));
  const pending = [...instants];
  await Promise.all(
    Array.from({ length: PARALLEL }, async () => {
      for (let at = pending.shift(); at !== undefined; at = pending.shift()) await killAt(at);
    }),
  );
  // On a loaded machine a run may take longer than the timed one: later kills until one lands after
  // the end, so the instants really cover the whole run (each of them still checked as above).
  for (let at = duration * 1.5; counts.after === 0 && at < duration * 50; at *= 2) await killAt(Math.round(at));
  // And when every instant of a signal missed the writes (the killed runs, three at once, slower
  // than the timed one), a kill once the tree changed lands in them.
  for (const signal of signals)
    for (let tries = 0; counts.recovered[signal] === 0 && tries < 3; tries++) await killAt('once changed', signal);
  // And, when asked, at the first change it makes, whatever it is (a file, or what git stages).
  if (options.onceChanged) for (const signal of signals) await killAt('once changed', signal);
  return counts;
}

/** Each count of `counts` above zero: the kills landed before the writes, after them, and in them. */
function expectSpread(counts: { before: number; after: number; recovered: Record<string, number> }): void {
  const all = JSON.stringify(counts);
  expect(counts.before, all).toBeGreaterThan(0);
  expect(counts.after, all).toBeGreaterThan(0);
  for (const recovered of Object.values(counts.recovered)) expect(recovered, all).toBeGreaterThan(0);
}

describe('killed with SIGKILL at any instant', () => {
  it(
    `create-pipeline leaves the repo exactly as before or as after, ${KILLS} instants`,
    async () => {
      const base = makePlatform();
      const counts = await killAtManyInstants(base, 'create-pipeline', ['orders', '--template', 'transform'], ['sync']);
      // The kills really spread over the run: some before any write, some after the commit, some rolled back.
      expectSpread(counts);
    },
    SLOW,
  );

  it(
    `pipeline upgrade leaves every file as before or as after, ${KILLS} instants`,
    async () => {
      const base = upgradeBase();
      // The next command only reads (sync --dry-run): it still rolls the killed upgrade back first.
      const counts = await killAtManyInstants(base, 'pipeline', ['upgrade'], ['sync', '--dry-run']);
      expectSpread(counts);
    },
    SLOW,
  );

  it(
    `pipeline upgrade on worker threads, writing pipelines while others are computed, leaves every file as before or as after, ${Math.ceil(KILLS / 2)} instants`,
    async () => {
      const base = await manyPipelinesBase();
      const counts = await killAtManyInstants(base, 'pipeline', ['upgrade'], ['list'], Math.ceil(KILLS / 2), {
        writeMs: MANY_WRITE_MS,
      });
      expectSpread(counts);
    },
    SLOW,
  );

  // pipeline resolve writes the merged answers and conventions.py in one transaction, then stages
  // them: killed anywhere, the next resolve ends exactly where one uninterrupted run does.
  it(
    `pipeline resolve, killed and run again, ends as one uninterrupted run, ${Math.ceil(KILLS / 2)} instants`,
    async () => {
      const base = makePlatform({ pipelines: [['billing', '--deployments', 'local,compose']] });
      for (const deployment of ['dev', 'prod']) {
        git(base, 'checkout', '-q', '-b', `release-${deployment}`, 'main');
        const added = runBin('pipeline', ['add', 'deployment', '--pipeline', 'billing', '--name', deployment], base);
        expect(added.code, added.stderr).toBe(0);
        git(base, 'commit', '-qam', `billing in ${deployment}`);
      }
      git(base, 'checkout', '-q', 'main');
      git(base, 'merge', '-q', '--no-edit', 'release-dev');
      expect(spawnSync('git', ['merge', '--no-edit', 'release-prod'], { cwd: base, env: binEnv() }).status).not.toBe(0);
      const counts = await killAtManyInstants(base, 'pipeline', ['resolve'], ['resolve'], Math.ceil(KILLS / 2), {
        onceChanged: true,
      });
      expect(counts.before, JSON.stringify(counts)).toBe(0);
      expect(counts.recovered.SIGKILL, JSON.stringify(counts)).toBeGreaterThan(0);
    },
    SLOW,
  );

  // A removal too: after dev is renamed staging, the upgrade writes staging's instance config and
  // removes dev's (journaled first, so a kill after the removal puts it back).
  it(
    `pipeline upgrade after a deployment's rename leaves every file as before or as after, ${Math.ceil(KILLS / 2)} instants`,
    async () => {
      const base = makePlatform();
      const platform = join(base, 'platform.yaml');
      writeFileSync(platform, readFileSync(platform, 'utf8').replace('\n  dev:\n', '\n  staging:\n'));
      git(base, 'commit', '-qam', 'dev is staging now');
      const counts = await killAtManyInstants(
        base,
        'pipeline',
        ['upgrade'],
        ['sync', '--dry-run'],
        Math.ceil(KILLS / 2),
      );
      expectSpread(counts);
      // The run the kills are spread over removes dev's file and writes staging's.
      const done = copyOf(base);
      expect(runBin('pipeline', ['upgrade'], done).code).toBe(0);
      expect(existsSync(join(done, 'deployments/dev/dagster.yaml'))).toBe(false);
      expect(existsSync(join(done, 'deployments/staging/dagster.yaml'))).toBe(true);
    },
    SLOW,
  );
});

describe('interrupted by Ctrl-C (SIGINT), SIGTERM or SIGHUP at any instant', () => {
  // A signal a process can catch: the command rolls back what it wrote before it ends, so git
  // status, an editor or a git add -A between it and the next command never sees half a tree.
  // The three take turns over the instants (one handler serves them all), and each is also sent
  // once the tree changed: each must have rolled a run back.
  it(
    `pipeline upgrade on worker threads ends, by SIGINT, SIGTERM or SIGHUP, with every file as before or as after and no journal left, ${Math.ceil(KILLS / 2)} instants`,
    async () => {
      const base = await manyPipelinesBase();
      const counts = await killAtManyInstants(base, 'pipeline', ['upgrade'], [], Math.ceil(KILLS / 2), {
        signals: ['SIGINT', 'SIGTERM', 'SIGHUP'],
        onceChanged: true,
        writeMs: MANY_WRITE_MS,
      });
      expectSpread(counts);
    },
    SLOW,
  );
});

/**
 * Runs `bin args` and SIGKILLs it (or sends it `signal`) once a file changed: killed mid-write. Its writes are slowed more
 * than the instants' (100 ms a file against 25), so the renames last about a second: a loaded
 * machine's poll still sees the first change before the last.
 */
async function killOnceChanged(
  bin: 'create-pipeline' | 'pipeline',
  args: string[],
  dir: string,
  signal: NodeJS.Signals = 'SIGKILL',
  watched?: string,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  // The whole tree, or one file of it (`watched`: killed once that file changed). The tree's
  // fingerprint (hashes and three git commands) is taken only when its cheap stamp moved.
  const fingerprint = () =>
    watched ? readFileSync(join(dir, watched), 'utf8') : JSON.stringify([...treeFingerprint(dir)]);
  const before = fingerprint();
  let stamp = treeStamp(dir);
  const changed = () => {
    if (watched) return fingerprint() !== before;
    const now = treeStamp(dir);
    if (now === stamp) return false;
    stamp = now;
    return fingerprint() !== before;
  };
  const child = spawn(process.execPath, [builtBin(bin), ...args], {
    cwd: dir,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: binEnv({ ...FIXED, PIPELINE_TEST_SLOW_WRITES_MS: '100' }),
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const gone = new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.on('close', (code, ended) => resolve([code, ended])),
  );
  while (child.exitCode === null && !changed()) await new Promise((r) => setTimeout(r, 5));
  child.kill(signal);
  const [code, ended] = await gone;
  return { code, signal: ended, stderr };
}

const killMidUpgrade = (dir: string) => killOnceChanged('pipeline', ['upgrade'], dir);

describe('after a kill, the next command', () => {
  for (const command of [['list'], ['check'], ['sync', '--dry-run']]) {
    it(`pipeline ${command.join(' ')} rolls the killed upgrade back first, and says so`, async () => {
      const dir = copyOf(upgradeBase());
      const before = treeFingerprint(dir);
      await killMidUpgrade(dir);
      expect(existsSync(join(dir, '.git', 'pipeline-txn', 'journal.json')), 'killed mid-write').toBe(true);
      expect(treeFingerprint(dir)).not.toEqual(before);
      const result = runBin('pipeline', command, dir);
      expect(result.stderr).toMatch(/an interrupted pipeline upgrade \(pid \d+\) was rolled back: \d+ files restored/);
      expect(treeFingerprint(dir)).toEqual(before);
    });
  }

  it('pipeline upgrade, run again, rolls the killed one back before its dirty-tree check, then upgrades', async () => {
    // The half-written files looked like uncommitted changes: the retry refused (exit 2) and left them.
    const dir = copyOf(upgradeBase());
    const uninterrupted = copyOf(upgradeBase());
    expect(runBin('pipeline', ['upgrade'], uninterrupted).code).toBe(0);
    await killMidUpgrade(dir);
    expect(existsSync(join(dir, '.git', 'pipeline-txn', 'journal.json')), 'killed mid-write').toBe(true);
    const result = runBin('pipeline', ['upgrade'], dir);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/an interrupted pipeline upgrade \(pid \d+\) was rolled back: \d+ files restored/);
    expect(treeFingerprint(dir)).toEqual(treeFingerprint(uninterrupted));
  });

  it('pipeline upgrade killed once platform.yaml has its new version: the retry ends as one uninterrupted run', async () => {
    // The retry read platform.yaml before rolling the killed run back: at the new version, so it
    // never bumped the version the rollback put back, and check said nothing.
    const dir = copyOf(upgradeBase());
    const uninterrupted = copyOf(upgradeBase());
    expect(runBin('pipeline', ['upgrade'], uninterrupted).code).toBe(0);
    const before = readFileSync(join(dir, 'platform.yaml'), 'utf8');
    expect(readFileSync(join(uninterrupted, 'platform.yaml'), 'utf8')).not.toBe(before);
    await killOnceChanged('pipeline', ['upgrade'], dir, 'SIGKILL', 'platform.yaml');
    expect(existsSync(join(dir, '.git', 'pipeline-txn', 'journal.json')), 'killed mid-write').toBe(true);
    expect(readFileSync(join(dir, 'platform.yaml'), 'utf8')).not.toBe(before);
    const result = runBin('pipeline', ['upgrade'], dir);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/an interrupted pipeline upgrade \(pid \d+\) was rolled back/);
    expect(treeFingerprint(dir)).toEqual(treeFingerprint(uninterrupted));
  });

  it('create-pipeline run again after a kill makes the pipeline: the half-made folder is not "already there"', async () => {
    // Copies of one platform: two made apart would differ in their commits' times.
    const base = makePlatform();
    const dir = copyOf(base);
    const uninterrupted = copyOf(base);
    const args = ['orders', '--template', 'transform', '--no-branch'];
    expect(runBin('create-pipeline', args, uninterrupted).code).toBe(0);
    await killOnceChanged('create-pipeline', args, dir);
    expect(existsSync(join(dir, 'pipelines', 'orders')), 'killed mid-write').toBe(true);
    const result = runBin('create-pipeline', args, dir);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/an interrupted create-pipeline \(pid \d+\) was rolled back: \d+ new files? removed/);
    expect(treeFingerprint(dir)).toEqual(treeFingerprint(uninterrupted));
  });

  it('says a killed new pipeline was removed, not restored: its files were new', async () => {
    const dir = copyOf(makePlatform());
    const before = treeFingerprint(dir);
    await killOnceChanged('create-pipeline', ['orders', '--no-branch'], dir);
    expect(treeFingerprint(dir)).not.toEqual(before);
    const result = runBin('pipeline', ['list'], dir);
    expect(result.stderr).toMatch(
      /^pipeline: an interrupted create-pipeline \(pid \d+\) was rolled back: \d+ new files? removed\n/,
    );
    expect(treeFingerprint(dir)).toEqual(before);
  });

  it('pipeline list rolls back a killed upgrade that is still a zombie (its parent has not reaped it)', () => {
    // Python forks the upgrade and, once a file changed, kills it without reaping it, as a container
    // whose PID 1 is a shell leaves it; then runs pipeline list and only afterwards reaps the zombie.
    const dir = copyOf(upgradeBase());
    const before = treeFingerprint(dir);
    const script = `import json, os, subprocess, sys, time
node, cli, journal = sys.argv[1:4]
pid = os.fork()
if pid == 0:
    os.execv(node, [node, cli, "upgrade"])
def writing():
    try:
        with open(journal) as f:
            return len(json.load(f)["files"]) > 0
    except (OSError, ValueError):
        return False
while not writing():
    time.sleep(0.005)
os.kill(pid, 9)
# Its threads take a moment to end, longer on a busy machine: wait for the zombie (at most 30 s).
def state_of():
    with open(f"/proc/{pid}/stat") as f:
        return f.read().rsplit(")", 1)[1].split()[0]
deadline = time.monotonic() + 30
state = state_of()
while state != "Z" and time.monotonic() < deadline:
    time.sleep(0.01)
    state = state_of()
listed = subprocess.run([node, cli, "list"], capture_output=True, text=True)
os.waitpid(pid, 0)
print(json.dumps({"state": state, "code": listed.returncode, "stderr": listed.stderr}))`;
    const result = spawnSync(
      'python3',
      ['-c', script, process.execPath, builtBin('pipeline'), join(dir, '.git', 'pipeline-txn', 'journal.json')],
      {
        cwd: dir,
        encoding: 'utf8',
        env: binEnv({ PIPELINE_TEST_SLOW_WRITES_MS: '100' }),
      },
    );
    expect(result.status, result.stderr).toBe(0);
    const { state, code, stderr } = JSON.parse(result.stdout) as { state: string; code: number; stderr: string };
    expect(state, 'the upgrade was a zombie while pipeline list ran').toBe('Z');
    expect(code, stderr).toBe(0);
    expect(stderr).toMatch(/an interrupted pipeline upgrade \(pid \d+\) was rolled back: \d+ files? restored/);
    expect(treeFingerprint(dir)).toEqual(before);
  });
});

describe('a write that fails', () => {
  let base: string;
  beforeAll(() => {
    base = upgradeBase();
  });

  it('on the last file of an upgrade puts every file back and names the file, exit 1', () => {
    const dir = copyOf(base);
    const before = treeFingerprint(dir);
    const result = runBin('pipeline', ['upgrade'], dir, { PIPELINE_TEST_FAIL_WRITE: 'platform.yaml' });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('platform.yaml');
    expect(treeFingerprint(dir)).toEqual(before);
    expect(runBin('pipeline', ['upgrade'], dir).code).toBe(0);
  });

  it.each([
    [
      'file',
      'pipelines/orders/src/orders/deployments.py',
      /^pipeline: error: cannot write pipelines\/orders\/src\/orders\/deployments\.py \(permission denied\); make it writable, then run again$/,
    ],
    [
      // The files in it are writable: the message names the folder, which is what to fix.
      'folder',
      'pipelines/orders/src/orders',
      /^pipeline: error: cannot write in the folder pipelines\/orders\/src\/orders\/ \(permission denied\); make the folder writable, then run again$/,
    ],
  ])('on a read-only %s is one line naming it, exit 2, and nothing changes', (_kind, path, message) => {
    const dir = copyOf(base);
    const target = join(dir, path);
    const mode = statSync(target).mode & 0o777;
    chmodSync(target, mode & 0o555);
    // Modes included: the read-only file must still be read-only (a rollback that rewrote it made it 0644).
    const before = treeFingerprint(dir);
    // Root may write anything: run the command as an unprivileged user, as a developer would.
    const asUser = process.getuid?.() === 0;
    if (asUser) spawnSync('chown', ['-R', 'nobody:nogroup', join(dir, '..')]);
    const cmd = asUser ? 'setpriv' : process.execPath;
    const prefix = asUser ? ['--reuid=nobody', '--regid=nogroup', '--clear-groups', process.execPath] : [];
    const result = spawnSync(cmd, [...prefix, builtBin('pipeline'), 'upgrade', '--allow-dirty'], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, CI: 'true', HOME: dir, GIT_CONFIG_GLOBAL: '/dev/null' },
    });
    expect(result.status, result.stderr).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual([expect.stringMatching(message)]);
    if (asUser) spawnSync('chown', ['-R', 'root:root', join(dir, '..')]);
    expect(treeFingerprint(dir)).toEqual(before);
    chmodSync(target, mode);
  });
});

/** Runs the built `bin` once per argument list, all at once; resolves with each one's exit code and stderr. */
const atOnce = (bin: 'create-pipeline' | 'pipeline', dir: string, runs: string[][], env: Record<string, string> = {}) =>
  Promise.all(
    runs.map(
      (args) =>
        new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
          const child = spawn(process.execPath, [builtBin(bin), ...args], { cwd: dir, env: binEnv(env) });
          let stdout = '';
          let stderr = '';
          child.stdout.on('data', (d) => (stdout += d));
          child.stderr.on('data', (d) => (stderr += d));
          child.on('close', (code) => resolve({ code, stdout, stderr }));
        }),
    ),
  );

describe('two create-pipeline runs at once', () => {
  const both = (dir: string, a: string[], b: string[]) => atOnce('create-pipeline', dir, [a, b]);

  it(
    'with branches: one commits on its own branch, the other commits nothing and says why, exit 2',
    async () => {
      const dir = makePlatform();
      const results = await both(dir, ['orders'], ['billing']);
      const ok = results.filter((r) => r.code === 0);
      // The second either sees HEAD move while it waits, or starts on the first one's branch.
      expect(ok.length, JSON.stringify(results)).toBe(1);
      for (const r of results.filter((r) => r.code !== 0)) {
        expect(r.code).toBe(2);
        expect(r.stderr.trim().split('\n')).toHaveLength(1);
      }
      // Each pipeline branch holds exactly one commit on top of main, touching only its own folder.
      const branches = git(dir, 'branch', '--list', 'pipeline/*', '--format=%(refname:short)')
        .split('\n')
        .filter(Boolean);
      expect(branches.length).toBe(ok.length);
      for (const branch of branches) {
        const name = branch.replace('pipeline/', '');
        expect(git(dir, 'rev-list', '--count', `main..${branch}`)).toBe('1');
        expect(
          git(dir, 'diff', '--name-only', `main...${branch}`)
            .split('\n')
            .every((f) => f.startsWith(`pipelines/${name}/`)),
        ).toBe(true);
      }
      expect(git(dir, 'diff', '--cached', '--name-only')).toBe('');
      expect(existsSync(join(dir, '.git', 'index.lock'))).toBe(false);
    },
    SLOW,
  );

  it(
    'with --no-branch: both pipelines end up complete, and both are in the derived dg workspace',
    async () => {
      const dir = makePlatform();
      const results = await both(dir, ['orders', '--no-branch'], ['billing', '--no-branch']);
      expect(
        results.map((r) => r.code),
        JSON.stringify(results),
      ).toEqual([0, 0]);
      expect(readdirSync(join(dir, 'pipelines')).sort()).toEqual(['billing', 'orders']);
      const dg = readFileSync(join(dir, 'dg.toml'), 'utf8');
      expect(dg).toContain('path = "pipelines/billing"');
      expect(dg).toContain('path = "pipelines/orders"');
    },
    SLOW,
  );
});

describe('pipeline add runs at once', () => {
  // Each plans its edit before it takes the lock; slow writes keep the lock held long enough that
  // the others have planned on the files as they were before the first one wrote.
  it(
    'three presets added to one pipeline at once all land, and two sensors get two names, each reported',
    async () => {
      const dir = makePlatform({ pipelines: [['orders', '--template', 'transform']] });
      const names = ['dev_a', 'dev_b', 'dev_c'];
      const results = await atOnce(
        'pipeline',
        dir,
        names.map((name) => ['add', 'preset', '--pipeline', 'orders', '--name', name, '--mode', 'dev']),
        { PIPELINE_TEST_SLOW_WRITES_MS: '150', PIPELINE_LOCK_WAIT_MS: '120000' },
      );
      expect(
        results.map((r) => r.code),
        JSON.stringify(results),
      ).toEqual([0, 0, 0]);
      // Each in a module of its own; the first to write made presets.py gather them, and the
      // others, planned again on what it wrote, did not make that edit a second time.
      const pkg = join(dir, 'pipelines/orders/src/orders');
      for (const name of names)
        expect(readFileSync(join(pkg, 'added_presets', `${name}.py`), 'utf8'), name).toContain(`name="${name}"`);
      const presets = readFileSync(join(pkg, 'presets.py'), 'utf8');
      expect(presets.split('from . import added_presets\n')).toHaveLength(2);
      expect(presets.split('specs_in(added_presets, Preset)')).toHaveLength(2);
      const readme = readFileSync(join(dir, 'pipelines/orders/README.md'), 'utf8');
      expect(readme.split('The jobs of the presets and graphs `pipeline add` writes')).toHaveLength(2);
      // Planned again, a run's report says what it wrote: two sensors without a name get two names.
      const sensors = await atOnce(
        'pipeline',
        dir,
        [1, 2].map(() => ['add', 'sensor', '--pipeline', 'orders', '--preset', 'dev_full', '--json']),
        { PIPELINE_TEST_SLOW_WRITES_MS: '150', PIPELINE_LOCK_WAIT_MS: '120000' },
      );
      expect(
        sensors.map((r) => r.code),
        JSON.stringify(sensors),
      ).toEqual([0, 0]);
      const reported = sensors.map((r) => JSON.parse(r.stdout).answers.name as string).sort();
      expect(reported).toEqual(['orders_dev_full_sensor', 'orders_dev_full_sensor_2']);
      // Each in a module of its own (conventions v5), named after it.
      for (const name of reported)
        expect(readFileSync(join(dir, `pipelines/orders/src/orders/added_sensors/${name}.py`), 'utf8')).toContain(
          `name="${name}"`,
        );
      const check = runBin('pipeline', ['check', '--pipeline', 'orders'], dir);
      expect(check.code, check.stdout + check.stderr).toBe(0);
    },
    SLOW,
  );
});

describe('pipeline add planned while another one writes', () => {
  it('two deployments added to one pipeline: the one that read the other half written plans again, and both land', async () => {
    // add deployment writes the answers and conventions.py; between the two renames a plan made
    // without the lock sees one new and one old, and refused conventions.py as "edited by hand".
    const dir = makePlatform({ pipelines: [['pay', '--template', 'transform', '--deployments', 'local,dev']] });
    const files = ['.pipeline-answers.yaml', 'src/pay/conventions.py'].map((f) => join(dir, 'pipelines/pay', f));
    const now = () => files.map((f) => readFileSync(f, 'utf8')).join('\0');
    const before = now();
    const first = atOnce('pipeline', dir, [['add', 'deployment', '--pipeline', 'pay', '--name', 'compose']], {
      PIPELINE_TEST_SLOW_WRITES_MS: '4000',
    });
    await waitUntil('the first add to write one of its files', 5, () => (now() !== before ? true : undefined));
    const second = runBin('pipeline', ['add', 'deployment', '--pipeline', 'pay', '--name', 'prod'], dir, {
      PIPELINE_LOCK_WAIT_MS: '120000',
    });
    const [done] = await first;
    expect(done!.code, done!.stderr).toBe(0);
    expect(second.code, second.stderr).toBe(0);
    expect(readFileSync(files[0]!, 'utf8')).toMatch(
      /^deployments:\n {2}- local\n {2}- compose\n {2}- dev\n {2}- prod\n/m,
    );
    const check = runBin('pipeline', ['check', '--pipeline', 'pay'], dir);
    expect(check.code, check.stdout + check.stderr).toBe(0);
  });
});

/** A `sync` first on PATH that logs the process that started it (`pid comm` lines), then runs the real one. */
function syncShim(): { path: string; log: string } {
  const bin = tempDir('sync-shim-');
  const log = join(bin, 'started-by');
  const real = spawnSync('sh', ['-c', 'command -v sync'], { encoding: 'utf8' }).stdout.trim();
  writeFileSync(
    join(bin, 'sync'),
    `#!/bin/sh\necho "$PPID $(cat /proc/$PPID/comm)" >> '${log}'\nexec '${real}' "$@"\n`,
    {
      mode: 0o755,
    },
  );
  return { path: `${bin}:${process.env.PATH}`, log };
}

describe('the syncs of a write', () => {
  it('of a new pipeline (about 30 files) are fsyncs of each file and folder: no sync -f is started', () => {
    const { path, log } = syncShim();
    const dir = copyOf(makePlatform());
    const result = runBin('create-pipeline', ['orders', '--template', 'transform'], dir, { PATH: path });
    expect(result.code, result.stderr).toBe(0);
    expect(existsSync(log) ? readFileSync(log, 'utf8') : 'none started').toBe('none started');
  });

  it(
    'of a large upgrade go through one small shell started before the workers, which ends with the upgrade',
    async () => {
      const { path, log } = syncShim();
      const dir = copyOf(await manyPipelinesBase());
      const result = runBin('pipeline', ['upgrade'], dir, { PATH: path });
      expect(result.code, result.stderr).toBe(0);
      const starters = readFileSync(log, 'utf8').trim().split('\n');
      // The turns' syncs come from the shell; the last one (the sync that ends the write) from the CLI.
      const fromShell = starters.filter((line) => line.endsWith(' sh'));
      expect(fromShell.length, starters.join('; ')).toBeGreaterThan(0);
      expect(starters.length - fromShell.length, starters.join('; ')).toBeLessThanOrEqual(1);
      // The shell's standard input closed with the upgrade, and the shell ended.
      const shell = fromShell[0]!.split(' ')[0]!;
      await waitUntil(`the sync shell (pid ${shell}) to end`, 100, () =>
        existsSync(`/proc/${shell}`) ? undefined : true,
      );
    },
    SLOW,
  );
});
