// `pipeline add <kind>`: answers resolved, the edits made on a virtual tree of the pipeline, then
// one report; the tree reaches disk in one transaction (lock, journal, atomic) or not at all.
import { join } from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { addPreset, PRESET_QUESTIONS } from '../../generators/add/preset.ts';
import { addSchedule, SCHEDULE_QUESTIONS } from '../../generators/add/schedule.ts';
import { addSensor, SENSOR_QUESTIONS } from '../../generators/add/sensor.ts';
import { CliError, StateError } from '../errors.ts';
import { type Answers, type AnswerSource, type Question, resolveAnswers } from '../options/question.ts';
import { Transaction } from '../tree/transaction.ts';
import { FileTree } from '../upgrade/tree.ts';
import type { AddContext } from './context.ts';

export const KINDS = ['schedule', 'preset', 'sensor'] as const;
export type AddKind = (typeof KINDS)[number];

export const QUESTIONS: Record<AddKind, Question<AddContext>[]> = { schedule: SCHEDULE_QUESTIONS, preset: PRESET_QUESTIONS, sensor: SENSOR_QUESTIONS };

export interface AddReport {
  kind: AddKind;
  pipeline: string;
  dryRun: boolean;
  answers: Answers;
  sources: Record<string, AnswerSource>;
  /** What was added, one line each. */
  added: string[];
  files: { path: string; change: 'create' | 'modify'; diff: string }[];
  notes: string[];
}

export async function runAdd(kind: AddKind, ctx: AddContext, options: { flags: Record<string, string | undefined>; interactive: boolean; dryRun: boolean }): Promise<AddReport> {
  // 1. Every answer, checked before anything is computed.
  const { answers, sources } = await resolveAnswers(QUESTIONS[kind], ctx, { interactive: options.interactive, flags: options.flags });
  // 2. The edits, in memory.
  const tree = new FileTree(join(ctx.root, ctx.rel));
  let added: string[];
  let notes: string[] = [];
  if (kind === 'schedule') added = await addSchedule(tree, ctx, answers);
  else if (kind === 'sensor') added = await addSensor(tree, ctx, answers);
  else ({ added, notes } = await addPreset(tree, ctx, answers));
  const plan = tree.toPlan();
  const files = tree.changes().map((c) => ({
    path: `${ctx.rel}/${c.path}`,
    change: c.before === undefined ? ('create' as const) : ('modify' as const),
    diff: createTwoFilesPatch(`a/${ctx.rel}/${c.path}`, `b/${ctx.rel}/${c.path}`, c.before ?? '', c.after, '', '', { context: 3 }),
  }));
  // 3. Written all at once, or not at all.
  if (!options.dryRun) {
    const tx = Transaction.begin(ctx.root, `pipeline add ${kind}`);
    try {
      tx.apply(plan);
      tx.commit();
    } catch (error) {
      const failed = tx.rollback();
      if (failed.length && error instanceof CliError) throw new StateError(`${error.message}; and the rollback could not restore ${failed.join(', ')}: restore them with git`);
      throw error;
    }
  }
  return { kind, pipeline: ctx.pipeline, dryRun: options.dryRun, answers, sources, added, files, notes };
}
