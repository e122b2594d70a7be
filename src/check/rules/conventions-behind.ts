// A pipeline whose recorded conventions version is behind the platform's: the codemods that would
// bring it up are named, so a reviewer knows what `pipeline upgrade` will change.
import { ANSWERS_FILE } from '../../../generators/pipeline/files.ts';
import { yamlLine } from '../model.ts';
import type { PipelineRule } from '../types.ts';

export const conventionsBehind: PipelineRule = {
  id: 'conventions-behind',
  scope: 'pipeline',
  severity: 'warning',
  title: "The pipeline's conventions version is behind the platform's",
  why: "Its platform-owned code predates the platform's conventions (a renamed variable, a new deployment, a Dagster API change), so it may not behave as the rest of the platform does.",
  fix: 'npx pipeline upgrade',
  async check(pipeline, ctx) {
    const target = await ctx.target();
    const from = pipeline.recordedVersion;
    if (from >= target.version) return [];
    const text = pipeline.read(ANSWERS_FILE);
    const due = target.due(from);
    return [
      {
        file: `${pipeline.rel}/${text === undefined ? 'pyproject.toml' : ANSWERS_FILE}`,
        line: text === undefined ? 1 : yamlLine(text, ['_conventions_version']),
        message: `${pipeline.name} follows conventions v${from}, the platform is at v${target.version}${due.length ? `; codemods due: ${due.join(', ')}` : ''}`,
        fix: `npx pipeline upgrade --pipeline ${pipeline.name} --dry-run, then without --dry-run`,
      },
    ];
  },
};
