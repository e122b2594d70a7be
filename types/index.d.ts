// Generated from src/public.ts by scripts/public-types.ts (npm run build); do not edit by hand.
// Types for a platform's own codemods (codemods/*.ts in the platform repo):
//   import type { Codemod } from '@create-pipeline/cli';
// The CLI hands each codemod its virtual tree and the editing engines; nothing of this package
// is imported at run time. (The @create-pipeline/cli package ships this file; a platform repo pins it.)

/** The virtual tree a codemod reads and writes through: the members of the CLI's FileTree it may use. */
export interface FileTree {
  readonly root: string;
  read(path: string): string | undefined;
  exists(path: string): boolean;
  write(path: string, content: string): void;
  /** Every file below `dir` (relative to the root, POSIX separators), on disk or written here. */
  list(dir?: string): string[];
}

/** An ast-grep node (@ast-grep/napi's SgNode). */
export type Edit = import('@ast-grep/napi').Edit;

/** An ast-grep node (@ast-grep/napi's SgNode). */
export type SgNode = import('@ast-grep/napi').SgNode;

export interface Codemod {
  id: string;
  /** Where it comes from: shipped with this CLI, or the platform repo's codemods/ folder. */
  source?: 'builtin' | 'platform';
  /** The conventions version a pipeline is at after this codemod. */
  version: number;
  description: string;
  run: (tree: FileTree, ctx: CodemodContext) => number | Promise<number>;
}

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

export interface Engines {
  python: {
    /**
     * Applies `edit` to one Python file of the tree: it gets the parsed root and returns the edits to
     * make. Returns how many edits were made; the file is untouched when there are none.
     */
    edit(tree: FileTree, path: string, edit: (root: SgNode) => Edit[]): Promise<number>;
    parse(source: string): Promise<import('@ast-grep/napi').SgRoot>;
  };
  yaml: {
    /** Applies the edits `edit` returns for one YAML file of the tree; returns how many there were. */
    edit(tree: FileTree, path: string, edit: (doc: import('yaml').Document, source: string) => TextEdit[]): number;
    /** An edit that puts `line` on its own line after the top-level `key` (and its value and comment). */
    insertLineAfter(doc: import('yaml').Document, source: string, key: string, line: string): TextEdit | undefined;
    /** An edit that replaces the value of the top-level scalar `key`. */
    replaceScalar(doc: import('yaml').Document, key: string, text: string): TextEdit | undefined;
    /** The top-level pair with this key, if the document is a mapping. */
    topLevelPair(doc: import('yaml').Document, key: string): import('yaml').Pair<import('yaml').Node, import('yaml').Node> | undefined;
  };
}

export interface TextEdit {
  start: number;
  end: number;
  text: string;
}

// Named by the types above.

export interface PlatformConfig {
  name: string;
  conventionsVersion: number;
  dagsterVersion: string;
  deploymentEnvVar: string;
  defaultDeployment: string;
  defaultTimezone: string;
  owners: Owner[];
  deployments: Deployment[];
  runningByDefaultIn: string[];
  /** Modes of the platform's own, beyond the built-in ones (`modes:`); a pipeline gets one with `pipeline add mode`. */
  customModes?: string[];
  sandbox: SandboxConfig;
  /** `pipeline check` tuning: a rule id -> off, warning or error (ids are checked by pipeline check). */
  check?: { rules: Record<string, CheckRuleSetting> };
}

export interface Owner {
  name: string;
  contact?: string;
}

export interface Deployment {
  name: string;
  /** Built-in modes, and any the platform defines (see CUSTOM_MODE). */
  modes: string[];
  runLauncher: RunLauncher;
  daemon: boolean;
}

export interface SandboxConfig {
  backend: 'lakefs' | 'snowflake';
  repository: string;
  productionRef: string;
  protectedBranches: string[];
  branchPrefix: string;
  branchEnvVar: string;
  /** The lakeFS branch `pipeline sandbox promote` merges into (default: production_ref, when it is a branch). */
  productionBranch?: string;
  /** The git branch a sandbox's branch must be merged into before its data can be promoted (default main). */
  gitMainBranch?: string;
  /** `pipeline sandbox prune` removes sandboxes older than this many days. */
  ttlDays?: number;
}

export type CheckRuleSetting = 'off' | 'warning' | 'error';

export type RunLauncher = 'default' | 'docker' | 'ecs';
