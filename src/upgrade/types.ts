// What an upgrade run takes and reports, shared by the runner and its worker pool (which the
// runner loads lazily): a module of its own, so that neither imports the other.
import type { PlatformConfig } from '../conventions/platform-config.ts';
import type { FileTree } from '../tree/file-tree.ts';
import type { Codemod } from './codemod.ts';

export interface CodemodResult {
  id: string;
  version: number;
  changes: number;
  todos: string[];
}

export interface PipelineUpgrade {
  pipeline: string;
  dir: string;
  /** Its folder as messages name it: from the platform's root (pipelines/orders), else its name. */
  where: string;
  from: number;
  to: number;
  status: 'upgraded' | 'up-to-date' | 'failed';
  codemods: CodemodResult[];
  files: { path: string; diff: string }[];
  error: string | null;
  /** Platform-owned files edited by hand on top of an earlier rendering, which today's is not written over: `path:line: why`. */
  left: string[];
  /** The tree after each codemod, for one commit per codemod. */
  steps: { codemod: string; tree: FileTree }[];
  /** The final tree (nothing written yet). */
  tree: FileTree;
}

export interface UpgradeOptions {
  /** Pipeline folders to upgrade (already selected). */
  pipelines: { name: string; dir: string }[];
  platform: PlatformConfig | null;
  /** The platform repo (its git history holds earlier platform.yaml versions), or null outside one. */
  platformRoot?: string | null;
  to: number;
  codemods: Codemod[];
  /** Run exactly these codemods, whatever the recorded version (`--codemod`). */
  only?: string;
  /** Compute a unified diff per changed file (for --dry-run; costly on large repos). */
  diffs?: boolean;
  onProgress?: (done: number, total: number, pipeline: string) => void;
  /** Hears each pipeline's upgrade as soon as it is computed (its files may be written while others are still computed). */
  onResult?: (result: PipelineUpgrade) => void;
}

/**
 * A platform step that runs at any conventions version, whenever the platform still needs it
 * (cli-package, gitignore-uv-lock): planned in memory on the platform root, written in the
 * upgrade's transaction, one commit of its own with --commit.
 */
export interface AnyVersionStep {
  id: string;
  tree: FileTree;
  /** What a person must still do (printed under the summary line). */
  todos: string[];
  /** Files it removes (relative to the platform root), journaled first so a rollback restores them. */
  remove?: string[];
  /** Its summary line (starting with a newline). */
  summary: (written: boolean) => string;
  /** Its commit message with --commit. */
  message: string;
}
