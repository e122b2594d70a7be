// Unified diffs of what a tree changed, for --dry-run and --json. Each header names the file as the
// repository does (`prefix` + its path in the tree), so `git apply` takes the diff at the root.
import { createTwoFilesPatch } from 'diff';
import type { FileTree } from './file-tree.ts';

/** One file's diff; `after` undefined: the file is removed. */
export const fileDiff = (path: string, before: string | undefined, after: string | undefined): string =>
  createTwoFilesPatch(`a/${path}`, after === undefined ? '/dev/null' : `b/${path}`, before ?? '', after ?? '', '', '', {
    context: 3,
  });

/** Every file the tree changed, one diff each. */
export const treeDiff = (tree: FileTree, prefix = ''): string =>
  tree
    .changes()
    .map((c) => fileDiff(`${prefix}${c.path}`, c.before, c.after))
    .join('');

/** Every file the tree changed, then every file in `removed` (paths in the tree) as removed. */
export const treeAndRemovalsDiff = (tree: FileTree, removed: readonly string[]): string =>
  treeDiff(tree) + removed.map((path) => fileDiff(path, tree.read(path), undefined)).join('');
