// What the sandbox lifecycle asks git: a branch's commit, whether it is merged, who is working.
// Read-only: nothing here changes the repository.
import { execFileSync } from 'node:child_process';
import { userInfo } from 'node:os';

function tryGit(cwd: string, args: string[]): string | undefined {
  try {
    return execFileSync('git', args, {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      env: { ...process.env, GIT_TERMINAL_PROMPT: '0' },
    }).trim();
  } catch {
    return undefined;
  }
}

/** The commit a local branch points at, or undefined when there is no such branch. */
export const gitBranchCommit = (root: string, branch: string): string | undefined =>
  tryGit(root, ['rev-parse', '--verify', '--quiet', `refs/heads/${branch}^{commit}`]);

/** Whether `commit` is contained in `branch` (merged into it, or an ancestor of its tip). */
export const gitIsMerged = (root: string, commit: string, branch: string): boolean => {
  try {
    execFileSync('git', ['merge-base', '--is-ancestor', commit, `refs/heads/${branch}`], {
      cwd: root,
      stdio: 'ignore',
    });
    return true;
  } catch {
    return false;
  }
};

/** Who is committing or promoting: git's identity (GIT_COMMITTER_* or user.name/user.email), else the OS user. */
export function gitUser(root: string): string {
  const ident = tryGit(root, ['var', 'GIT_COMMITTER_IDENT'])?.replace(/\s+\d+\s+[-+]\d{4}$/, '');
  return ident || userInfo().username;
}
