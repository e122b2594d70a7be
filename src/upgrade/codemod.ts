// A codemod: a small module with an id, the conventions version it brings a pipeline to, a
// one-line description, and a function over the pipeline's virtual tree. It checks for its target
// shape first and returns how many edits it made (0: nothing to do), so running it twice is safe.
import type { PlatformConfig } from '../conventions/platform-config.ts';
import type { FileTree } from '../tree/file-tree.ts';
import type { Engines } from './engines/index.ts';

export interface CodemodContext {
  /** The pipeline's name (its folder under pipelines/). */
  pipeline: string;
  /** Its recorded answers (.pipeline-answers.yaml), or {} for a folder the generator never made. */
  answers: Record<string, unknown>;
  /** The platform's conventions, when run inside a platform repo. */
  platform: PlatformConfig | null;
  /** Records something the codemod could not migrate safely (also left as a TODO comment in code). */
  todo: (message: string) => void;
  /** Format-preserving editors: ast-grep for Python, the yaml Document API for YAML. */
  engines: Engines;
}

export interface Codemod {
  id: string;
  /** Where it comes from: shipped with this CLI, or the platform repo's codemods/ folder. */
  source?: 'builtin' | 'platform';
  /** The conventions version a pipeline is at after this codemod. */
  version: number;
  description: string;
  run: (tree: FileTree, ctx: CodemodContext) => number | Promise<number>;
}

/** What `run` returned, as a count of edits: anything but a whole number >= 0 is the codemod's bug. */
export function editCount(returned: unknown): number {
  if (typeof returned === 'number' && Number.isInteger(returned) && returned >= 0) return returned;
  throw new Error(
    `run returned ${typeof returned === 'string' ? JSON.stringify(returned) : String(returned)}, not a number of edits: return how many edits it made (0 when there was nothing to do)`,
  );
}
