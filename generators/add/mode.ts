// `pipeline add mode`: a mode the platform defines (a deployment of platform.yaml allows it) given
// to a pipeline. The mode is recorded in .pipeline-answers.yaml and modes.py, which is
// platform-owned, is rendered again from the answers, exactly as the generator and `pipeline
// check` render it; so `pipeline upgrade` keeps it, and a hand-edited modes.py is refused, not lost.

import type { SgNode } from '@ast-grep/napi';
import { parseDocument } from 'yaml';
import { MODES } from '../../src/conventions/platform-config.ts';
import { InputError } from '../../src/errors.ts';
import { type AnswersOf, defineQuestions } from '../../src/options/question.ts';
import { possessive } from '../../src/text.ts';
import type { FileTree } from '../../src/tree/file-tree.ts';
import { editPython, keywordValue } from '../../src/upgrade/engines/python.ts';
import { stringValue } from '../../src/upgrade/engines/python-strings.ts';
import { ADDED_RESOURCES, ANSWERS_FILE } from '../pipeline/files.ts';
import { answersFromRecord, MODE_LIKES, type ModeLike } from '../pipeline/spec.ts';
import { type AddContext, deploymentRunning, pipelineModes, platformModes } from './context.ts';
import { LINE_LENGTH } from './layout.ts';
import { recordedAnswersText, renderOwnedAgain } from './owned.ts';

const isModeLike = (mode: string): mode is ModeLike => (MODE_LIKES as readonly string[]).includes(mode);
const addable = (ctx: AddContext) =>
  pipelineModes(ctx).filter((m) => !ctx.modes.includes(m) && !(MODES as readonly string[]).includes(m));

export const MODE_QUESTIONS = defineQuestions<AddContext>()
  .ask({
    key: 'name',
    flag: 'name',
    kind: 'select',
    valueName: 'mode',
    help: "The mode: one of the platform's own, allowed by a deployment the pipeline is released to",
    message: 'Which mode?',
    choices: (ctx) => addable(ctx).map((m) => ({ value: m })),
    default: (ctx) => {
      const modes = addable(ctx);
      if (modes.length === 0)
        throw new InputError(
          `no deployment of ${ctx.pipeline} allows a mode it lacks; a platform declares its own modes under modes: in platform.yaml and lists them in a deployment's modes first (see docs/add.md)`,
        );
      throw new InputError(`--name is required without a terminal; pass one of: ${modes.join(', ')}`);
    },
    parse: (raw, ctx) => {
      const mode = raw.trim();
      if ((MODES as readonly string[]).includes(mode))
        throw new InputError(
          `--name ${mode} is a built-in mode, which modes.py always defines; pipeline add mode adds the platform's own modes`,
        );
      if (ctx.modes.includes(mode))
        throw new InputError(`--name ${mode}: modes.py of ${ctx.pipeline} has mode ${mode} already`);
      if (!platformModes(ctx).includes(mode))
        throw new InputError(
          `--name ${mode} is not a mode any deployment of platform.yaml allows (${platformModes(ctx).join(', ')}); declare it under modes: there and list it in a deployment's modes first`,
        );
      if (!pipelineModes(ctx).includes(mode))
        throw new InputError(
          `--name ${mode}: none of ${possessive(ctx.pipeline)} deployments (${ctx.deployments.join(', ')}) allows mode ${mode}, so its jobs would never load; release it to one that does first: pipeline add deployment --pipeline ${ctx.pipeline} --name ${deploymentRunning(ctx, mode)}`,
        );
      return mode;
    },
  })
  .ask({
    key: 'like',
    flag: 'like',
    kind: 'select',
    valueName: MODE_LIKES.join('|'),
    help: 'The built-in mode whose resources it takes: local (local files), dev or prod (a bucket, $PIPELINE_<MODE>_BUCKET); default dev',
    message: 'Its resources are like those of:',
    choices: () => MODE_LIKES.map((m) => ({ value: m })),
    default: (): ModeLike => 'dev',
    parse: (raw) => {
      const like = raw.trim();
      if (!isModeLike(like))
        throw new InputError(
          `--like ${like}: a mode takes the resources of ${MODE_LIKES.join(', ')} (sandbox's are the sandbox's own)`,
        );
      return like;
    },
  });

export async function addMode(
  tree: FileTree,
  ctx: AddContext,
  answers: AnswersOf<typeof MODE_QUESTIONS>,
): Promise<{ added: string[]; notes: string[] }> {
  const { name, like } = answers;
  const text = recordedAnswersText(tree, ctx, 'pipeline add mode');
  const before = answersFromRecord(ctx.answers, ctx.pipeline, ctx.platform);
  renderOwnedAgain(
    tree,
    ctx,
    { before, after: { ...before, modes: { ...before.modes, [name]: like } } },
    'add the mode',
  );
  // The answers file through the YAML Document API: its header and layout stay.
  const doc = parseDocument(text);
  doc.setIn(['modes', name], like);
  tree.write(ANSWERS_FILE, doc.toString());
  // resources.py, and each resource's module of its own (added_resources/, from conventions v5).
  const bound: string[] = [];
  const boundIn: string[] = [];
  for (const path of [`${ctx.pkg}/resources.py`, ...tree.list(`${ctx.pkg}/${ADDED_RESOURCES}/`)]) {
    const keys = path.endsWith('.py') ? await bindLike(tree, path, like, name) : [];
    bound.push(...keys);
    if (keys.length) boundIn.push(path.slice(ctx.pkg.length + 1));
  }
  const bucket = like === 'local' ? '' : `, bucket $PIPELINE_${name.toUpperCase()}_BUCKET`;
  return {
    added: [
      `mode ${name} (resources like ${like}${bucket}) in modes.py, recorded in ${ANSWERS_FILE}`,
      ...(bound.length ? [`${bound.join(', ')} bound in mode ${name} too, as in ${like} (${boundIn.join(', ')})`] : []),
    ],
    notes: [
      `mode ${name} has no preset yet, so no job: pipeline add preset --pipeline ${ctx.pipeline} --mode ${name} --name ${name}_full`,
    ],
  };
}

/**
 * The new mode joins every binding of resources.py that `like` has (`Binding(modes=(...))`): the
 * resources of mode `like` are modes.py's and those. Without it, an op that takes such a resource
 * (bound in every mode by `pipeline add resource`) had none in the new mode's jobs, and since every
 * preset's jobs are built when the code location loads, it loaded in no deployment at all. Returns
 * the keys bound.
 */
async function bindLike(tree: FileTree, path: string, like: string, mode: string): Promise<string[]> {
  const keys: string[] = [];
  await editPython(tree, path, (root) =>
    root.findAll({ rule: { kind: 'call', has: { field: 'function', regex: '^Binding$' } } }).flatMap((call) => {
      const modes = keywordValue(call, 'modes');
      if (modes?.kind() !== 'tuple') return [];
      const names = modes.children().filter((c) => c.kind() === 'string');
      const values = names.map((c) => stringValue(c));
      if (!values.includes(like) || values.includes(mode)) return [];
      keys.push(stringValue(keywordValue(call, 'key') ?? modes) ?? '?');
      return [modes.replace(tupleWith(modes, names, mode))];
    }),
  );
  return keys;
}

/** The tuple `node` (its string items `items`) with `value` added, laid out as ruff would. */
function tupleWith(node: SgNode, items: SgNode[], value: string): string {
  const all = [...items.map((c) => c.text()), JSON.stringify(value)];
  const { column } = node.range().start;
  const oneLine = `(${all.join(', ')})`;
  // A tuple written over several lines (ruff's magic trailing comma) stays so, as does one that
  // would pass the line length on one line.
  if (!node.text().includes('\n') && column + oneLine.length + 1 <= LINE_LENGTH) return oneLine;
  const line = node.getRoot().root().text().split('\n')[node.range().start.line]!;
  const indent = ' '.repeat(line.length - line.trimStart().length);
  return `(\n${all.map((item) => `${indent}    ${item},\n`).join('')}${indent})`;
}
