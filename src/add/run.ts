// `pipeline add <kind>`: answers resolved, the edits made on a virtual tree of the pipeline, then
// one report; the tree reaches disk in one transaction (lock, journal, atomic) or not at all.
import { addDeployment, DEPLOYMENT_QUESTIONS } from '../../generators/add/deployment.ts';
import { addJob, JOB_QUESTIONS } from '../../generators/add/job.ts';
import { addMode, MODE_QUESTIONS } from '../../generators/add/mode.ts';
import { addPreset, PRESET_QUESTIONS } from '../../generators/add/preset.ts';
import { addResource, RESOURCE_QUESTIONS } from '../../generators/add/resource.ts';
import { addSchedule, SCHEDULE_QUESTIONS } from '../../generators/add/schedule.ts';
import { addSensor, SENSOR_QUESTIONS } from '../../generators/add/sensor.ts';
import { loadPlatformConfig } from '../conventions/platform-config.ts';
import { CliError, InputError, StateError, thrownMessage } from '../errors.ts';
import {
  type AnswerSource,
  type Answers,
  type AnyQuestion,
  type Questions,
  type ResolveOptions,
  resolveAnswers,
} from '../options/question.ts';
import { fileDiff } from '../tree/diff.ts';
import { FileTree } from '../tree/file-tree.ts';
import { writing } from '../tree/transaction.ts';
import { verifyPython } from '../upgrade/engines/python-parses.ts';
import type { AddContext } from './context.ts';
import { type PlopApi, plopQuestions, runPlopActions } from './plopfile.ts';

export const KINDS = ['schedule', 'preset', 'sensor', 'job', 'resource', 'mode', 'deployment'] as const;
export type AddKind = (typeof KINDS)[number];

type Edits = { added: string[]; notes: string[] };

/** A kind: its answers resolved, then its edits given those answers (typed by its questions). */
interface Kind {
  resolve(
    ctx: AddContext,
    options: ResolveOptions,
  ): Promise<{ answers: Answers; sources: Record<string, AnswerSource>; edit: (tree: FileTree) => Promise<Edits> }>;
}

function kind<A extends Answers>(
  questions: Questions<AddContext, A>,
  edit: (tree: FileTree, ctx: AddContext, answers: A) => Promise<Edits | string[]>,
): Kind {
  return {
    async resolve(ctx, options) {
      const { answers, sources } = await resolveAnswers(questions, ctx, options);
      return {
        answers,
        sources,
        edit: async (tree) => {
          const edits = await edit(tree, ctx, answers);
          return Array.isArray(edits) ? { added: edits, notes: [] } : edits;
        },
      };
    },
  };
}

const KIND_OF: Record<AddKind, Kind> = {
  schedule: kind(SCHEDULE_QUESTIONS, addSchedule),
  preset: kind(PRESET_QUESTIONS, addPreset),
  sensor: kind(SENSOR_QUESTIONS, addSensor),
  job: kind(JOB_QUESTIONS, addJob),
  resource: kind(RESOURCE_QUESTIONS, addResource),
  mode: kind(MODE_QUESTIONS, addMode),
  deployment: kind(DEPLOYMENT_QUESTIONS, addDeployment),
};

/** Each kind's questions: its flags, prompts and --help. */
export const QUESTIONS: Record<AddKind, readonly AnyQuestion<AddContext>[]> = {
  schedule: SCHEDULE_QUESTIONS,
  preset: PRESET_QUESTIONS,
  sensor: SENSOR_QUESTIONS,
  job: JOB_QUESTIONS,
  resource: RESOURCE_QUESTIONS,
  mode: MODE_QUESTIONS,
  deployment: DEPLOYMENT_QUESTIONS,
};

export interface AddReport {
  ok: true;
  /** A built-in kind, or the name of a generator of the platform's plopfile. */
  kind: string;
  /** null for a custom generator run outside any pipeline. */
  pipeline: string | null;
  dryRun: boolean;
  answers: Answers;
  sources: Record<string, AnswerSource>;
  /** What was added, one line each. */
  added: string[];
  files: { path: string; change: 'create' | 'modify'; diff: string }[];
  notes: string[];
}

export async function runAdd(
  kind: AddKind,
  loadContext: () => Promise<AddContext>,
  options: { flags: Record<string, string | undefined>; interactive: boolean; dryRun: boolean },
): Promise<AddReport> {
  let root: string | undefined;
  const plan = async (interactive: boolean) => {
    const ctx = await loadContext();
    root = ctx.root;
    // 1. Every answer, checked before anything is computed.
    const { answers, sources, edit } = await KIND_OF[kind].resolve(ctx, { interactive, flags: options.flags });
    // 2. The edits, in memory, on the tree the context was read through.
    const tree = ctx.tree;
    return { ctx, answers, sources, tree, ...(await edit(tree)) };
  };
  const { planned, files } = await planAndWrite(plan, (p) => ({ root: p.ctx.root, prefix: `${p.ctx.rel}/` }), {
    label: `pipeline add ${kind}`,
    ...options,
    root: () => root,
  });
  const { ctx, answers, sources, added, notes } = planned;
  return {
    ok: true,
    kind,
    pipeline: ctx.pipeline,
    dryRun: options.dryRun,
    answers,
    sources,
    added,
    notes,
    files,
  };
}

/** A custom generator of the platform's plopfile, run like a built-in kind. */
export async function runCustom(
  name: string,
  plop: PlopApi,
  root: string,
  ctx: AddContext | undefined,
  options: { flags: Record<string, string | undefined>; interactive: boolean; dryRun: boolean },
): Promise<AddReport> {
  const generator = plop.getGenerator(name);
  const plan = async (interactive: boolean) => {
    const { answers, sources } = await resolveAnswers(plopQuestions(generator), undefined, {
      interactive,
      flags: options.flags,
    });
    const tree = new FileTree(root);
    // (No `pkg`: plop has a helper of that name. The package is src/<pipeline>.)
    const context = ctx ? { pipeline: ctx.pipeline, pipelineDir: ctx.rel, deployments: ctx.deployments } : {};
    const data = { ...context, platform: ctx?.platform ?? loadPlatformConfig(root), ...answers };
    // The platform's code and templates: what fails there is the plopfile's to fix, not a bug of ours,
    // and so is Python it writes that does not parse.
    let done: string[];
    try {
      done = await runPlopActions(plop, generator, tree, data);
      await verifyPython(tree);
    } catch (error) {
      if (error instanceof CliError) throw error;
      throw new InputError(`generator ${name}: ${thrownMessage(error)}; fix it in the plopfile`);
    }
    if (tree.changes().length === 0)
      throw new InputError(
        `generator ${name} changed nothing (${done.join('; ') || 'it has no actions'}); check its actions and your answers`,
      );
    return { answers, sources, tree, done };
  };
  const { planned, files } = await planAndWrite(plan, () => ({ root, prefix: '' }), {
    label: `pipeline add ${name}`,
    ...options,
    root: () => root,
  });
  const { answers, sources, done } = planned;
  return {
    ok: true,
    kind: name,
    pipeline: ctx?.pipeline ?? null,
    dryRun: options.dryRun,
    answers,
    sources,
    added: [`generator ${name}`, ...done.filter((d) => !/^(added|modified|skipped) /.test(d))],
    files,
    notes: done.filter((d) => d.startsWith('skipped ')),
  };
}

/** The tree's changes as files with diffs (each path with `prefix`, relative to `root`). */
function filesOf(tree: FileTree, prefix: string): AddReport['files'] {
  return tree.changes().map((c) => ({
    path: `${prefix}${c.path}`,
    change: c.before === undefined ? ('create' as const) : ('modify' as const),
    diff: fileDiff(`${prefix}${c.path}`, c.before, c.after),
  }));
}

/**
 * Plans (the edit on a tree in memory, asking what the flags did not answer), then writes the tree
 * all at once (lock, journal, atomic), or not at all; returns the plan that was written. Planned
 * before the lock (a prompt may wait on someone), so under the lock every file the plan read is
 * read again: when another command wrote one meanwhile (two `pipeline add` at once), it plans again
 * from the files as they are now, under the lock, with the same flags. An interactive run's
 * answers may not hold any more: it stops, writing nothing.
 */
async function planAndWrite<P extends { tree: FileTree }>(
  plan: (interactive: boolean) => Promise<P>,
  where: (planned: P) => { root: string; prefix: string },
  options: { label: string; dryRun: boolean; interactive: boolean; root: () => string | undefined },
): Promise<{ planned: P; files: AddReport['files'] }> {
  let first: P | undefined;
  try {
    first = await plan(options.interactive);
  } catch (error) {
    // Planned while another command was writing, the plan may have read its files half done (the
    // answers new, conventions.py not yet) and refused them as edited by hand: a refusal is planned
    // again under the lock (once any other command is done), and that plan decides.
    if (!(error instanceof CliError) || options.dryRun || options.interactive || !options.root()) throw error;
  }
  if (first && options.dryRun) return { planned: first, files: filesOf(first.tree, where(first).prefix) };
  return writing(first ? where(first).root : options.root()!, options.label, { dryRun: false }, async (tx) => {
    let planned = first;
    const stale = planned?.tree.staleReads() ?? [];
    if (stale.length && options.interactive)
      throw new StateError(
        `${stale.map((path) => `${where(planned!).prefix}${path}`).join(', ')} changed while you answered (another command wrote it); nothing was written: run ${options.label} again`,
      );
    if (!planned || stale.length) planned = await plan(false);
    const { prefix } = where(planned);
    tx!.apply(planned.tree.toPlan());
    return { planned, files: filesOf(planned.tree, prefix) };
  });
}
