// The vocabulary of `pipeline check`: a rule is a small module with an id, a default severity and a
// why; running it on the static model of a platform gives findings, each at a file and line.
import type { PlatformConfig } from '../conventions/platform-config.ts';
import type { Codemod } from '../upgrade/codemod.ts';
import type { PipelineModel } from './model.ts';

export type Severity = 'error' | 'warning';
export type RuleSetting = Severity | 'off';

export interface RawFinding {
  /** Relative to the platform root, POSIX separators. */
  file: string;
  /** 1-based. */
  line: number;
  message: string;
  /** Overrides the rule's generic fix when the finding knows better. */
  fix?: string;
}

export interface Finding extends RawFinding {
  rule: string;
  severity: Severity;
  /** The pipeline it is about; absent for a platform-wide finding. */
  pipeline?: string;
  fix: string;
}

export interface PlatformContext {
  root: string;
  platform: PlatformConfig;
  /** Problems found while loading platform.yaml that did not stop the check (sandbox-config). */
  platformProblems: { key: string; line: number; message: string }[];
  /**
   * The conventions version every pipeline should be at, the ids of the codemods that lead there
   * from a version, and every codemod (the CLI's and the platform's own; loaded on first use).
   */
  target: () => Promise<{ version: number; due: (from: number) => string[]; codemods: Codemod[] }>;
}

interface RuleBase {
  id: string;
  severity: Severity;
  /** One line: what it finds. */
  title: string;
  /** Why it matters (docs, SARIF fullDescription). */
  why: string;
  /** The generic fix. */
  fix: string;
}
export interface PipelineRule extends RuleBase {
  scope: 'pipeline';
  check: (pipeline: PipelineModel, ctx: PlatformContext) => RawFinding[] | Promise<RawFinding[]>;
}
export interface PlatformRule extends RuleBase {
  scope: 'platform';
  check: (ctx: PlatformContext, pipelines: PipelineModel[]) => RawFinding[] | Promise<RawFinding[]>;
}
export type Rule = PipelineRule | PlatformRule;
