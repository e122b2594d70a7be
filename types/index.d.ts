// Types for a platform's own codemods (codemods/*.ts in the platform repo):
//   import type { Codemod } from 'create-pipeline';
// The CLI hands each codemod its virtual tree and the editing engines; nothing of this package
// is imported at run time.

export interface FileTree {
  readonly root: string;
  read(path: string): string | undefined;
  exists(path: string): boolean;
  write(path: string, content: string): void;
  /** Every file below `dir`, relative to the pipeline folder. */
  list(dir?: string): string[];
}

/** An ast-grep node (@ast-grep/napi's SgNode). */
export type SgNode = import('@ast-grep/napi').SgNode;
export type Edit = import('@ast-grep/napi').Edit;

export interface TextEdit {
  start: number;
  end: number;
  text: string;
}

export interface Engines {
  python: {
    /** Parses one Python file of the tree, applies the edits `edit` returns; returns their count. */
    edit(tree: FileTree, path: string, edit: (root: SgNode) => Edit[]): Promise<number>;
    parse(source: string): Promise<import('@ast-grep/napi').SgRoot>;
  };
  yaml: {
    /** Locates with the yaml Document API, edits the text in place; returns the number of edits. */
    edit(tree: FileTree, path: string, edit: (doc: import('yaml').Document, source: string) => TextEdit[]): number;
    insertLineAfter(doc: import('yaml').Document, source: string, key: string, line: string): TextEdit | undefined;
    replaceScalar(doc: import('yaml').Document, key: string, text: string): TextEdit | undefined;
    topLevelPair(doc: import('yaml').Document, key: string): unknown;
  };
}

export interface CodemodContext {
  /** The pipeline's name (its folder under pipelines/ and its Python package). */
  pipeline: string;
  /** Its recorded answers (.pipeline-answers.yaml), or {} for a folder the generator never made. */
  answers: Record<string, unknown>;
  /** The platform's conventions (platform.yaml), when run in a platform repo. */
  platform: Record<string, unknown> | null;
  /** Records something the codemod could not migrate safely; it appears in the upgrade report. */
  todo(message: string): void;
  engines: Engines;
}

export interface Codemod {
  id: string;
  /** The conventions version a pipeline is at after this codemod. */
  version: number;
  description: string;
  /** Edits through `tree` only; returns how many edits it made (0: nothing to do). */
  run(tree: FileTree, ctx: CodemodContext): number | Promise<number>;
}
