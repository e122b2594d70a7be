// `pipeline add mode`: a mode the platform defines (a deployment of platform.yaml allows it) given
// to a pipeline. The mode is recorded in .pipeline-answers.yaml and modes.py, which is
// platform-owned, is rendered again from the answers, exactly as the generator and `pipeline
// check` render it; so `pipeline upgrade` keeps it, and a hand-edited modes.py is refused, not lost.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { MODES } from '../../src/conventions/platform-config.ts';
import { InputError } from '../../src/errors.ts';
import { type AnswersOf, defineQuestions } from '../../src/options/question.ts';
import { templatesDir } from '../../src/paths.ts';
import { renderString } from '../../src/render/templates.ts';
import type { FileTree } from '../../src/tree/file-tree.ts';
import { ANSWERS_FILE } from '../pipeline/files.ts';
import {
  answersFromRecord,
  buildPipelineSpec,
  MODE_LIKES,
  type ModeLike,
  type PipelineAnswers,
  renderData,
} from '../pipeline/spec.ts';
import { type AddContext, pipelineModes, platformModes } from './context.ts';

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
          `--name ${mode}: none of ${ctx.pipeline}'s deployments (${ctx.deployments.join(', ')}) allows mode ${mode}, so its jobs would never load`,
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
  const modesPath = `${ctx.pkg}/modes.py`;
  const text = tree.read(ANSWERS_FILE);
  if (text === undefined)
    throw new InputError(
      `${ctx.rel}/${ANSWERS_FILE} does not exist: pipeline add mode needs the recorded answers of a generated pipeline`,
    );
  const before = answersFromRecord(ctx.answers, ctx.pipeline, ctx.platform);
  const after: PipelineAnswers = { ...before, modes: { ...before.modes, [name]: like } };
  const template = readFileSync(join(templatesDir(), 'pipeline/shared/src/__pkg__/modes.py.hbs'), 'utf8');
  const render = (a: PipelineAnswers) =>
    renderString(template, renderData(buildPipelineSpec(a, ctx.platform), ctx.platform));
  if (tree.read(modesPath) !== render(before)) {
    throw new InputError(
      `${ctx.rel}/${modesPath} is not what the platform renders for it (edited by hand, or behind: pipeline check says which); restore it or run pipeline upgrade, then add the mode`,
    );
  }
  tree.write(modesPath, render(after));
  // The answers file through the YAML Document API: its header and layout stay.
  const doc = parseDocument(text);
  doc.setIn(['modes', name], like);
  tree.write(ANSWERS_FILE, doc.toString());
  const bucket = like === 'local' ? '' : `, bucket $PIPELINE_${name.toUpperCase()}_BUCKET`;
  return {
    added: [`mode ${name} (resources like ${like}${bucket}) in modes.py, recorded in ${ANSWERS_FILE}`],
    notes: [
      `mode ${name} has no preset yet, so no job: pipeline add preset --pipeline ${ctx.pipeline} --mode ${name} --name ${name}_full`,
    ],
  };
}
