// What the sandbox lifecycle asks git: a branch's commit, whether it is merged, who is working.
// Read-only: nothing here changes the repository.
import { userInfo } from 'node:os';
import { tryGit } from '../git.ts';

/** The commit a local branch points at, or undefined when there is no such branch. */
export const gitBranchCommit = (root: string, branch: string): string | undefined =>
  tryGit(root, ['rev-parse', '--verify', '--quiet', `refs/heads/${branch}^{commit}`]);

/** Whether `commit` is contained in `branch` (merged into it, or an ancestor of its tip). */
export const gitIsMerged = (root: string, commit: string, branch: string): boolean =>
  tryGit(root, ['merge-base', '--is-ancestor', commit, `refs/heads/${branch}`]) !== undefined;

/** Who is committing or promoting: git's identity (GIT_COMMITTER_* or user.name/user.email), else the OS user. */
export function gitUser(root: string): string {
  const ident = tryGit(root, ['var', 'GIT_COMMITTER_IDENT'])?.replace(/\s+\d+\s+[-+]\d{4}$/, '');
  return ident || userInfo().username;
}
