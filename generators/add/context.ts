// What an `add` generator knows about the pipeline it adds to (read from its files by
// src/add/context.ts, without running Python): the platform, the pipeline's deployments, graphs,
// presets, schedules, sensors and the names its modules define.
import type { PlatformConfig } from '../../src/conventions/platform-config.ts';
import type { FileTree } from '../../src/tree/file-tree.ts';
import { ADDED_SINCE } from '../pipeline/files.ts';
import type { GraphOps } from './graph-ops.ts';

export interface PresetFact {
  name: string;
  mode: string;
  /**
   * The source text of its run_config value (only a dict of literals, which reads the same when
   * copied), and the indentation of the line its Preset( is on
   * (its fields are 4 columns further in).
   */
  runConfig?: string;
  column: number;
}

export interface AddContext {
  root: string;
  platform: PlatformConfig;
  pipeline: string;
  /** The pipeline folder, relative to the platform root: pipelines/<name>. */
  rel: string;
  /** The package folder, relative to the pipeline folder: src/<name>. */
  pkg: string;
  /**
   * The pipeline folder, read through this tree: the kind's edit is planned on it, so under the
   * lock every file this context was read from counts as read by the plan (a file another command
   * wrote while a person answered the questions is found, not written over).
   */
  tree: FileTree;
  /** The deployments the pipeline is released to (its answers; default all). */
  deployments: string[];
  graphs: string[];
  /** The `name=` of graphs whose name this cannot read (`conventions.PIPELINE`): `--graph` names them. */
  graphsUnread: string[];
  /** Per graph, the ops its body calls and their config fields (what a preset's run config may say). */
  graphOps: GraphOps;
  presets: PresetFact[];
  /** The keys of modes.py's MODES dict: the modes this pipeline's jobs can run in. */
  modes: string[];
  /** The recorded answers (.pipeline-answers.yaml), parsed. */
  answers: Record<string, unknown>;
  schedules: string[];
  sensors: string[];
  /** Top-level names defined or imported in sensors.py (an evaluation function must not reuse one). */
  sensorNames: string[];
  /** Likewise in jobs.py and ops.py (a new graph's function and op must not reuse one). */
  jobsNames: string[];
  opsNames: string[];
  /**
   * The keys resources.py and the modules of added_resources/ bind (Binding(key=...)), and their
   * top-level names; empty without them.
   */
  resources: string[];
  resourcesNames: string[];
}

/**
 * Whether the pipeline keeps each schedule, sensor and resource `pipeline add` adds in a module of
 * its own (added_schedules/, added_sensors/, added_resources/: conventions v5).
 */
export const hasOwnModules = (ctx: AddContext): boolean => Number(ctx.answers._conventions_version) >= ADDED_SINCE;

/** The modes some deployment of the platform allows. */
export const platformModes = (ctx: AddContext): string[] => [
  ...new Set(ctx.platform.deployments.flatMap((d) => d.modes)),
];

/** The modes the deployments this pipeline is released to allow: the only ones its jobs can load in. */
export const pipelineModes = (ctx: AddContext): string[] => [
  ...new Set(ctx.platform.deployments.filter((d) => ctx.deployments.includes(d.name)).flatMap((d) => d.modes)),
];

/** The first deployment of platform.yaml whose modes include `mode` (to release a pipeline to it). */
export const deploymentRunning = (ctx: AddContext, mode: string): string | undefined =>
  ctx.platform.deployments.find((d) => (d.modes as string[]).includes(mode))?.name;
