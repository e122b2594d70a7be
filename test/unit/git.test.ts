// refCommit reads a loose branch ref without starting git, and asks git for every other kind of ref:
// each answer checked against git's own, in real repositories.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { refCommit } from '../../src/git.ts';
import { git, tempDir } from '../helpers/workspace.ts';

const PATH = process.env.PATH;
afterEach(() => {
  process.env.PATH = PATH;
});

function repository(): string {
  const dir = tempDir('refs-');
  execFileSync('git', ['init', '-q', '-b', 'main', dir]);
  git(dir, 'commit', '-q', '--allow-empty', '-m', 'first');
  return dir;
}

it('reads a loose branch ref without git', () => {
  const dir = repository();
  const commit = git(dir, 'rev-parse', 'refs/heads/main');
  process.env.PATH = ''; // git cannot start
  expect(refCommit(join(dir, '.git'), 'refs/heads/main')).toBe(commit);
});

it('asks git for a packed ref, and finds no commit for an unborn branch', () => {
  const dir = repository();
  const commit = git(dir, 'rev-parse', 'refs/heads/main');
  git(dir, 'pack-refs', '--all');
  expect(refCommit(join(dir, '.git'), 'refs/heads/main')).toBe(commit);
  process.env.PATH = '';
  expect(refCommit(join(dir, '.git'), 'refs/heads/main'), 'packed: only git knows').toBeUndefined();
  process.env.PATH = PATH;
  const unborn = tempDir('refs-');
  execFileSync('git', ['init', '-q', '-b', 'main', unborn]);
  expect(refCommit(join(unborn, '.git'), 'refs/heads/main')).toBeUndefined();
});

it("finds a worktree's branch, which lives in the common git folder", () => {
  const dir = repository();
  const worktree = join(tempDir('refs-'), 'wt');
  git(dir, 'worktree', 'add', '-q', '-b', 'feature', worktree);
  git(worktree, 'commit', '-q', '--allow-empty', '-m', 'on the feature');
  const gitDir = git(worktree, 'rev-parse', '--absolute-git-dir');
  expect(gitDir).toContain(join('.git', 'worktrees'));
  expect(refCommit(gitDir, 'refs/heads/feature')).toBe(git(worktree, 'rev-parse', 'HEAD'));
});
