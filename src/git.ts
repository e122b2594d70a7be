// Real git, through its CLI. Every call names its folder; nothing here stashes, resets or
// discards anything of the user's.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { childProcess } from './child-process.ts';
import { StateError } from './errors.ts';

/**
 * git's output (trailing whitespace trimmed); throws when git fails. A lock another git command
 * holds (`.git/index.lock`: an editor's git, a `git commit` waiting for its message, or one that was
 * killed) is a StateError naming the lock and what to do, not a failure of ours.
 */
export function runGit(cwd: string, args: string[]): string {
  try {
    return childProcess()
      .execFileSync('git', args, {
        cwd,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, GIT_TERMINAL_PROMPT: '0' },
      })
      .trimEnd();
  } catch (error) {
    const stderr = String((error as { stderr?: string }).stderr ?? '');
    const lock = /Unable to create '(.+?\.lock)': File exists/.exec(stderr)?.[1];
    if (lock) throw new GitLockedError(lock, cwd);
    throw error;
  }
}

/** git refused to run: a lock file of another git command is in the way. */
export class GitLockedError extends StateError {
  constructor(lock: string, cwd: string) {
    const shown = relative(cwd, lock) || lock;
    super(
      `git is busy: ${shown} exists (another git command is running, or one was killed); wait for it to end, or remove ${shown} if no git command is running, then run again`,
    );
  }
}

/** git's output, or undefined when git fails (or is not installed). */
export function tryGit(cwd: string, args: string[]): string | undefined {
  try {
    return runGit(cwd, args);
  } catch {
    return undefined;
  }
}

export const gitAvailable = (): boolean => tryGit(process.cwd(), ['--version']) !== undefined;

/** The work tree's top folder, or undefined outside a git repository. */
export const gitTopLevel = (dir: string): string | undefined => tryGit(dir, ['rev-parse', '--show-toplevel']);

/** Uncommitted changes (tracked or untracked, not ignored), as porcelain lines. */
export const gitDirt = (dir: string): string[] =>
  runGit(dir, ['status', '--porcelain', '--untracked-files=all']).split('\n').filter(Boolean);

export const gitCurrentBranch = (dir: string): string | undefined =>
  tryGit(dir, ['symbolic-ref', '--quiet', '--short', 'HEAD']);

/** Where HEAD points: a branch name, or a commit when detached; undefined outside a repository. */
export const gitHead = (dir: string): string | undefined =>
  tryGit(dir, ['symbolic-ref', '--quiet', '--short', 'HEAD']) ??
  tryGit(dir, ['rev-parse', '--verify', '--quiet', 'HEAD']);

export const gitHasCommits = (dir: string): boolean =>
  tryGit(dir, ['rev-parse', '--verify', '--quiet', 'HEAD']) !== undefined;

/**
 * The commit that `ref` (such as `refs/heads/main`) names in the repository whose git folder is
 * `gitDir`, or undefined when it names none (an unborn branch). A loose ref file is git's own answer
 * (it takes precedence over packed-refs) and is read without starting git; anything else (a packed
 * ref, a worktree's folder, whose branches live in the common folder, a reftable repository) asks git.
 */
export function refCommit(gitDir: string, ref: string): string | undefined {
  if (ref.startsWith('refs/') && !existsSync(join(gitDir, 'reftable'))) {
    try {
      const text = readFileSync(join(gitDir, ref), 'utf8').trim();
      if (/^(?:[0-9a-f]{40}|[0-9a-f]{64})$/.test(text)) return text;
    } catch {
      // no loose ref file: git knows where it is
    }
  }
  return tryGit(dirname(gitDir), ['rev-parse', '--verify', '--quiet', ref]);
}

/**
 * The text of `path` (relative to `dir`) in each of `commits`, in one git call (`cat-file --batch`);
 * undefined where a commit has no such file. Empty outside a repository.
 */
export function gitFileAtCommits(dir: string, path: string, commits: string[]): (string | undefined)[] {
  if (commits.length === 0) return [];
  let out: Buffer;
  try {
    out = childProcess().execFileSync('git', ['cat-file', '--batch'], {
      cwd: dir,
      input: commits.map((c) => `${c}:./${path}\n`).join(''),
      stdio: ['pipe', 'pipe', 'ignore'],
      maxBuffer: 256 * 1024 * 1024,
    });
  } catch {
    return commits.map(() => undefined);
  }
  const texts: (string | undefined)[] = [];
  let at = 0;
  for (let i = 0; i < commits.length && at < out.length; i++) {
    const eol = out.indexOf(10, at);
    const header = out.subarray(at, eol).toString('utf8').split(' ');
    at = eol + 1;
    if (header.length !== 3 || header[1] !== 'blob') {
      texts.push(undefined);
      continue;
    }
    const size = Number(header[2]);
    texts.push(out.subarray(at, at + size).toString('utf8'));
    at += size + 1;
  }
  return texts;
}

/** The commits on HEAD's history that changed `path` (relative to `dir`), newest first, at most `max`. */
export const gitCommitsChanging = (dir: string, path: string, max: number): string[] =>
  (tryGit(dir, ['log', `-n${max}`, '--format=%H', 'HEAD', '--', path]) ?? '').split('\n').filter(Boolean);

/**
 * The versions of `path` (relative to `dir`) on HEAD's history, newest first, each with the
 * commit that made it: at most `max`, in two git calls. Empty outside a repository.
 */
export function gitVersionsOf(dir: string, path: string, max: number): { commit: string; text: string }[] {
  const commits = gitCommitsChanging(dir, path, max);
  return gitFileAtCommits(dir, path, commits).flatMap((text, i) =>
    text === undefined ? [] : [{ commit: commits[i]!, text }],
  );
}

export const gitBranchExists = (dir: string, branch: string): boolean =>
  tryGit(dir, ['rev-parse', '--verify', '--quiet', `refs/heads/${branch}`]) !== undefined;

/** The remote-tracking branches of that name (`origin/pipeline/orders`): a teammate's, fetched. */
export const gitRemoteBranches = (dir: string, branch: string): string[] =>
  (tryGit(dir, ['for-each-ref', '--format=%(refname:short)', `refs/remotes/*/${branch}`]) ?? '')
    .split('\n')
    .filter(Boolean);

/**
 * A branch that keeps `branch` from being made, as git keeps a branch and a folder of branches
 * apart: `pipeline` stops `pipeline/orders`, and `pipeline/orders/v2` stops it too. Undefined when none.
 */
export function gitBranchInTheWay(dir: string, branch: string): string | undefined {
  const parts = branch.split('/');
  for (let n = 1; n < parts.length; n++) {
    const prefix = parts.slice(0, n).join('/');
    if (gitBranchExists(dir, prefix)) return prefix;
  }
  return tryGit(dir, ['for-each-ref', '--count=1', '--format=%(refname:short)', `refs/heads/${branch}/`]) || undefined;
}

export function gitInit(dir: string, branch = 'main'): void {
  runGit(dir, ['init', '--quiet', '--initial-branch', branch]);
}

export function gitCheckoutNewBranch(dir: string, branch: string): void {
  runGit(dir, ['checkout', '--quiet', '-b', branch]);
}

export function gitCheckout(dir: string, branch: string): void {
  runGit(dir, ['checkout', '--quiet', branch]);
}

export function gitDeleteBranch(dir: string, branch: string): void {
  tryGit(dir, ['branch', '--quiet', '-D', branch]);
}

/** Takes `paths` out of the index again (after a failed commit); touches nothing else. */
export function gitUnstage(dir: string, paths: string[]): void {
  if (gitHasCommits(dir)) tryGit(dir, ['reset', '--quiet', '--', ...paths]);
  else tryGit(dir, ['rm', '--quiet', '--cached', '-r', '--ignore-unmatch', '--', ...paths]);
}

/**
 * Stages exactly `paths` and commits them; returns the new commit id. `instead` is the command's
 * way to write without committing, which a failure names.
 */
export function gitCommit(
  dir: string,
  paths: string[],
  message: string,
  instead = 'pass --no-branch to write the files without committing',
): string {
  try {
    runGit(dir, ['add', '--', ...paths]);
    runGit(dir, ['commit', '--quiet', '--no-verify', '-m', message, '--', ...paths]);
  } catch (error) {
    if (error instanceof GitLockedError) throw error;
    const stderr = String((error as { stderr?: string }).stderr ?? (error as Error).message).trim();
    // Only a missing identity is git's user.name and user.email; say what git said otherwise.
    if (/Please tell me who you are|empty ident|unable to auto-detect email|no (email|name) was given/i.test(stderr)) {
      throw new StateError(
        `git commit failed (git does not know who you are); set git's user.name and user.email, or ${instead}`,
      );
    }
    throw new StateError(`git commit failed (${stderr.split('\n').at(-1)}); fix that, or ${instead}`);
  }
  return runGit(dir, ['rev-parse', 'HEAD']);
}

/** The exact text of a blob (`HEAD:path`, `:2:path`, an object id), or undefined when there is none. */
export function gitBlob(dir: string, spec: string): string | undefined {
  try {
    return childProcess().execFileSync('git', ['cat-file', 'blob', spec], {
      cwd: dir,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      env: { ...process.env, GIT_TERMINAL_PROMPT: '0' },
    });
  } catch {
    return undefined;
  }
}

/** The paths a merge left unmerged, each with the blob of every stage it has (1 base, 2 ours, 3 theirs). */
export function gitUnmerged(dir: string): Map<string, Map<number, string>> {
  const out = new Map<string, Map<number, string>>();
  for (const entry of (tryGit(dir, ['ls-files', '--unmerged', '-z']) ?? '').split('\0')) {
    const match = /^\d+ ([0-9a-f]+) ([123])\t(.+)$/.exec(entry);
    if (!match) continue;
    const stages = out.get(match[3]!) ?? new Map<number, string>();
    stages.set(Number(match[2]), match[1]!);
    out.set(match[3]!, stages);
  }
  return out;
}

/** Marks `paths` resolved (git add). */
export function gitAdd(dir: string, paths: string[]): void {
  if (paths.length) runGit(dir, ['add', '--', ...paths]);
}
