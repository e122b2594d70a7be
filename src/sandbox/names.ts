// Sandbox names. A sandbox is named after its git branch, sanitised to what the data backend
// accepts, plus a short hash of the exact branch name: two branches that sanitise alike
// (feature/x and feature-x) still get two sandboxes.
import { createHash } from 'node:crypto';

/** lakeFS branch ids match ^\w[-\w]*$; we also keep them short enough to read. */
export const LAKEFS_BRANCH_ID = /^\w[-\w]*$/;
const MAX_SLUG = 40;

export function branchHash(gitBranch: string): string {
  return createHash('sha256').update(gitBranch).digest('hex').slice(0, 6);
}

/** `feature/new-metric` with prefix `sbx-` becomes `sbx-feature-new-metric-3f2a1c`. */
export function sandboxName(gitBranch: string, prefix: string): string {
  const slug =
    gitBranch
      .replace(/[^\w-]+/g, '-')
      .replace(/-{2,}/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, MAX_SLUG)
      .replace(/-+$/, '')
      .toLowerCase() || 'branch';
  return `${prefix}${slug}-${branchHash(gitBranch)}`;
}

/** Snowflake identifiers: letters, digits and underscores, upper case, at most 255 characters. */
export function snowflakeDatabaseName(gitBranch: string, prefix: string): string {
  return sandboxName(gitBranch, prefix)
    .toUpperCase()
    .replace(/[^A-Z0-9_]/g, '_')
    .slice(0, 255);
}
