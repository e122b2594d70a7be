// The `pipeline add` kinds that change a pipeline's recorded answers (a mode, a deployment) render
// its platform-owned files again from the new answers, exactly as the generator, `pipeline check`
// and `pipeline upgrade` render them. A file the change touches must be what the old answers
// render: one edited by hand, or behind the platform, is refused rather than overwritten.
import { InputError } from '../../src/errors.ts';
import type { FileTree } from '../../src/tree/file-tree.ts';
import { ANSWERS_FILE } from '../pipeline/files.ts';
import { firstDifference, renderPlatformOwned } from '../pipeline/owned.ts';
import { buildPipelineSpec, type PipelineAnswers } from '../pipeline/spec.ts';
import type { AddContext } from './context.ts';

/**
 * Writes into `tree` every platform-owned file whose rendering `after` changes; returns their paths
 * (relative to the pipeline). `then` ends the refusal: "restore it or run pipeline upgrade, then <then>".
 */
export function renderOwnedAgain(
  tree: FileTree,
  ctx: AddContext,
  answers: { before: PipelineAnswers; after: PipelineAnswers },
  then: string,
): string[] {
  const render = (a: PipelineAnswers) => renderPlatformOwned(buildPipelineSpec(a, ctx.platform), ctx.platform);
  const old = render(answers.before);
  const changed = [...render(answers.after)].filter(([path, content]) => old.get(path) !== content);
  for (const [path] of changed) {
    const actual = tree.read(path);
    const was = old.get(path);
    if (actual === undefined || was === undefined || firstDifference(actual, was))
      throw new InputError(
        `${ctx.rel}/${path} is not what the platform renders for it (edited by hand, or behind: pipeline check says which); restore it or run pipeline upgrade, then ${then}`,
      );
  }
  for (const [path, content] of changed) tree.write(path, content);
  return changed.map(([path]) => path);
}

/** The text of the pipeline's recorded answers, which `command` edits: refused without them. */
export function recordedAnswersText(tree: FileTree, ctx: AddContext, command: string): string {
  const text = tree.read(ANSWERS_FILE);
  if (text === undefined)
    throw new InputError(
      `${ctx.rel}/${ANSWERS_FILE} does not exist: ${command} needs the recorded answers of a generated pipeline`,
    );
  return text;
}
