// `pipeline add deployment`: releases an existing pipeline to another deployment of platform.yaml
// (one added after the pipeline was made, or one it was made without, such as prod after a trial
// in dev). The deployment is recorded in .pipeline-answers.yaml, and the platform-owned files are
// rendered again from the answers (conventions.py lists the deployments the pipeline is released
// to), exactly as `pipeline check` and `pipeline upgrade` render them.
import { isSeq, parseDocument } from 'yaml';
import { InputError } from '../../src/errors.ts';
import { type AnswersOf, defineQuestions } from '../../src/options/question.ts';
import { plural } from '../../src/text.ts';
import type { FileTree } from '../../src/tree/file-tree.ts';
import { ANSWERS_FILE } from '../pipeline/files.ts';
import { answersFromRecord } from '../pipeline/spec.ts';
import type { AddContext } from './context.ts';
import { recordedAnswersText, renderOwnedAgain } from './owned.ts';

/** The deployments of platform.yaml the pipeline is not released to, in platform.yaml's order. */
const releasable = (ctx: AddContext) =>
  ctx.platform.deployments.map((d) => d.name).filter((d) => !ctx.deployments.includes(d));

export const DEPLOYMENT_QUESTIONS = defineQuestions<AddContext>().ask({
  key: 'name',
  flag: 'name',
  kind: 'select',
  valueName: 'deployment',
  help: 'The deployment of platform.yaml to release the pipeline to, one it is not released to yet',
  message: 'Release it to which deployment?',
  choices: (ctx) =>
    releasable(ctx).map((d) => ({
      value: d,
      description: `modes ${ctx.platform.deployments.find((x) => x.name === d)!.modes.join(', ')}`,
    })),
  default: (ctx) => {
    const names = releasable(ctx);
    if (names.length === 0)
      throw new InputError(
        `${ctx.pipeline} is released to every deployment of platform.yaml already (${ctx.deployments.join(', ')}); add a deployment under deployments: there first`,
      );
    throw new InputError(`--name is required without a terminal; pass one of: ${names.join(', ')}`);
  },
  parse: (raw, ctx) => {
    const name = raw.trim();
    const known = ctx.platform.deployments.map((d) => d.name);
    if (!known.includes(name))
      throw new InputError(
        `--name ${name || '""'} is not a deployment of platform.yaml (${known.join(', ')}); pass one of those, or add it under deployments: there first`,
      );
    if (ctx.deployments.includes(name))
      throw new InputError(`--name ${name}: ${ctx.pipeline} is released to ${name} already`);
    return name;
  },
});

export async function addDeployment(
  tree: FileTree,
  ctx: AddContext,
  answers: AnswersOf<typeof DEPLOYMENT_QUESTIONS>,
): Promise<{ added: string[]; notes: string[] }> {
  const { name } = answers;
  const text = recordedAnswersText(tree, ctx, 'pipeline add deployment');
  const doc = parseDocument(text);
  const list = doc.get('deployments');
  if (!isSeq(list))
    throw new InputError(
      `${ctx.rel}/${ANSWERS_FILE} has no deployments: list, so ${ctx.pipeline} is released to every deployment already`,
    );
  const before = answersFromRecord(ctx.answers, ctx.pipeline, ctx.platform);
  // In platform.yaml's order; a name platform.yaml no longer has keeps its place (pipeline check reports it).
  const order = ctx.platform.deployments.map((d) => d.name);
  const recorded = before.deployments;
  const at = recorded.findIndex((d) => order.includes(d) && order.indexOf(d) > order.indexOf(name));
  const deployments = at < 0 ? [...recorded, name] : [...recorded.slice(0, at), name, ...recorded.slice(at)];
  const rendered = renderOwnedAgain(tree, ctx, { before, after: { ...before, deployments } }, 'add the deployment');
  // The answers file through the YAML Document API: its header, comments and layout stay.
  list.items.splice(at < 0 ? list.items.length : at, 0, doc.createNode(name));
  tree.write(ANSWERS_FILE, doc.toString());

  const deployment = ctx.platform.deployments.find((d) => d.name === name)!;
  const loads = ctx.presets.filter((p) => (deployment.modes as string[]).includes(p.mode));
  const notes: string[] = [];
  if (loads.length === 0) {
    const mode = deployment.modes[0]!;
    const missing = ctx.modes.includes(mode)
      ? ''
      : `pipeline add mode --pipeline ${ctx.pipeline} --name ${mode}, then `;
    notes.push(
      `no preset of ${ctx.pipeline} has a mode ${name} allows (${deployment.modes.join(', ')}), so no job of it loads there yet: ${missing}pipeline add preset --pipeline ${ctx.pipeline} --mode ${mode} --name ${mode}_full`,
    );
  } else
    notes.push(
      `in ${name} it loads the jobs of ${plural(loads.length, 'preset')} ${loads.map((p) => p.name).join(', ')}`,
    );
  if (deployment.daemon)
    notes.push(
      `schedules and sensors run only in the deployments they name: pipeline add schedule --pipeline ${ctx.pipeline} --deployments ${name} ... gives it one there`,
    );
  return {
    added: [`deployment ${name} (released there): recorded in ${ANSWERS_FILE}, ${rendered.join(', ')} rendered again`],
    notes,
  };
}
