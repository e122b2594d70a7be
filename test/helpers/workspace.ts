// Builds platform repos in temporary folders, in one line, through the real CLI and real git.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  type Dirent,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { expect } from 'vitest';
import { loadPlatformConfig } from '../../src/conventions/platform-config.ts';
import { planCiDeployments } from '../../src/upgrade/codemods/ci-deployments.ts';
import { planDeploymentInstances } from '../../src/upgrade/codemods/deployment-instances.ts';
import { createPipeline, GIT_IDENTITY } from './cli.ts';

const made: string[] = [];
/** Removes the temporary folders made so far (test/setup.ts, after each test file; KEEP_TEMP=1 keeps them). */
export function removeTempDirs(): void {
  if (!process.env.KEEP_TEMP) for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export function tempDir(prefix = 'cp-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, ...GIT_IDENTITY } }).trim();
}

/** A new platform repo (git, one commit on main), optionally with pipelines added on main. */
export function makePlatform(options: { owners?: string; pipelines?: string[][] } = {}): string {
  const dir = tempDir('platform-');
  const made = createPipeline(
    ['--platform', '--platform-name', 'acme', '--owners', options.owners ?? 'analytics,ml-team'],
    dir,
  );
  if (made.code !== 0) throw new Error(`platform creation failed: ${made.stderr}`);
  for (const args of options.pipelines ?? []) {
    const result = createPipeline([...args, '--no-branch'], dir);
    if (result.code !== 0) throw new Error(`pipeline creation failed: ${result.stderr}`);
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', `add ${args[0]}`);
  }
  return dir;
}

/**
 * A fingerprint of every file below `dir` (path, content and permission bits), plus git's view of it: HEAD, every
 * branch and tag, and what is staged. git's own bookkeeping (reflogs, packed refs, the index's
 * stat cache) is left out: it changes without the repository changing.
 */
export function treeFingerprint(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const full = join(d, name);
      const rel = relative(dir, full);
      if (rel === '.git') continue;
      const st = statSync(full);
      if (st.isDirectory()) walk(full);
      else
        out.set(
          rel,
          `${createHash('sha256').update(readFileSync(full)).digest('hex')} ${(st.mode & 0o7777).toString(8)}`,
        );
    }
  };
  walk(dir);
  if (existsSync(join(dir, '.git'))) {
    out.set('git:HEAD', git(dir, 'symbolic-ref', '-q', 'HEAD'));
    out.set('git:refs', git(dir, 'for-each-ref', '--format=%(refname) %(objectname)'));
    out.set('git:staged', git(dir, 'diff', '--cached', '--name-status'));
  }
  return out;
}

/**
 * What a cheap poll of `dir` sees: each file's inode, size, mode and change time (a rename or a
 * write changes them), and the same of git's index, HEAD and refs. It changes whenever
 * treeFingerprint does (and on more, such as git refreshing its index), at a small part of its
 * cost: poll this, then take the fingerprint when it moved.
 */
const readdirOrNone = (dir: string): string[] => {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
};

export function treeStamp(dir: string): string {
  const parts: string[] = [];
  const stamp = (full: string) => {
    const st = statSync(full, { bigint: true, throwIfNoEntry: false });
    if (!st) return;
    // A folder removed while it is read (a rollback, a rename) is read as empty: the next poll sees it.
    if (st.isDirectory()) for (const name of readdirOrNone(full).sort()) stamp(join(full, name));
    else parts.push(`${relative(dir, full)} ${st.ino} ${st.size} ${st.mode} ${st.ctimeNs}`);
  };
  for (const name of readdirSync(dir).sort()) if (name !== '.git') stamp(join(dir, name));
  for (const name of ['index', 'HEAD', 'packed-refs', 'refs/heads']) stamp(join(dir, '.git', name));
  return parts.join('\n');
}

/**
 * Declares a mode of the platform's own (staging) and a deployment that runs it (uat) in a
 * platform's platform.yaml, as docs/add.md shows, and commits. (Not "staging" for the deployment:
 * before conventions v4 the generated test_deployments.py used that name as its unknown one.)
 */
export function addUatDeployment(root: string, options: { upgradeSteps?: boolean } = {}): void {
  const path = join(root, 'platform.yaml');
  const text = readFileSync(path, 'utf8');
  const next = text
    .replace('\ndeployments:\n', '\nmodes: [staging]\n\ndeployments:\n')
    .replace(
      '  sandbox:\n    modes: [local, sandbox]',
      '  uat:\n    modes: [staging]\n    run_launcher: default\n    daemon: true\n  sandbox:\n    modes: [local, sandbox]',
    );
  if (next === text) throw new Error('platform.yaml is not laid out as the generator writes it');
  writeFileSync(path, next);
  // CI's per-deployment check lists uat too, and uat has its Dagster instance config, as
  // `pipeline upgrade` writes them (its ci-deployments and deployment-instances steps, which
  // upgrade.test.ts runs for real with upgradeSteps: false).
  if (options.upgradeSteps !== false)
    for (const plan of [planCiDeployments, planDeploymentInstances]) {
      const step = plan(root, loadPlatformConfig(root));
      for (const c of step?.tree.changes() ?? []) {
        mkdirSync(dirname(join(root, c.path)), { recursive: true });
        writeFileSync(join(root, c.path), c.after);
        git(root, 'add', '--', c.path);
      }
    }
  git(root, 'commit', '-qam', "a uat deployment that runs the platform's own staging mode");
}

/** A refused command: exit 2, one line on stderr matching `message`, and the tree byte for byte as it was. */
export function expectRefused(
  root: string,
  command: () => { code: number | null; stderr: string },
  message: RegExp,
): void {
  const before = treeFingerprint(root);
  const result = command();
  expect(result.code, result.stderr).toBe(2);
  expect(result.stderr.trimEnd().split('\n'), result.stderr).toHaveLength(1);
  expect(result.stderr).toMatch(message);
  expect(treeFingerprint(root)).toEqual(before);
}

/** Every line of `before` is in `after`, in order, except the ones named (lines an edit rewrote). */
export function linesKept(before: string, after: string, except: string[] = []): void {
  const lines = after.split('\n');
  let at = 0;
  for (const line of before.split('\n')) {
    if (except.includes(line)) continue;
    const found = lines.indexOf(line, at);
    expect(found, `line kept in order: ${JSON.stringify(line)}`).toBeGreaterThanOrEqual(0);
    at = found + 1;
  }
}

/** Every file below `dir`, by its POSIX path relative to `dir` (each content through `map`, if given). */
export function readFiles(dir: string, map: (content: string) => string = (c) => c): Record<string, string> {
  return Object.fromEntries(
    (readdirSync(dir, { recursive: true, withFileTypes: true }) as Dirent[])
      .filter((e) => e.isFile())
      .map((e) => {
        const full = join(e.parentPath, e.name);
        return [relative(dir, full).split(sep).join('/'), map(readFileSync(full, 'utf8'))];
      }),
  );
}
