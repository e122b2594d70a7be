// A pipeline whose recorded conventions version is behind the platform's: the codemods that would
// bring it up are named, so a reviewer knows what `pipeline upgrade` will change.
import { ANSWERS_FILE, LEFTOVER, onlyAddedModules } from '../../../generators/pipeline/files.ts';
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
    if (text === undefined) {
      // Not made by the generator (a legacy package): upgrade migrates its code (legacy-dagster-0x)
      // but cannot give it answers, so "run upgrade" would be printed after every upgrade.
      const file = ['pyproject.toml', 'setup.py', 'setup.cfg'].find((f) => pipeline.read(f) !== undefined);
      const modules = pipeline.pythonFiles();
      if (!file && onlyAddedModules(modules, pipeline.name))
        return [
          {
            file: `${pipeline.rel}/${modules[0]}`,
            line: 1,
            message: `${pipeline.rel} holds only modules pipeline add wrote (${modules.map((m) => m.slice(`src/${pipeline.name}/`.length)).join(', ')}), ${LEFTOVER.what}`,
            fix: LEFTOVER.fix(pipeline.rel),
          },
        ];
      return [
        {
          file: file ? `${pipeline.rel}/${file}` : pipeline.rel,
          line: 1,
          message: `${pipeline.name} is not a pipeline create-pipeline made (no ${ANSWERS_FILE}), so it follows no conventions version; pipeline upgrade migrates its Dagster 0.x code (legacy-dagster-0x), not its layout`,
          fix: `migrate it (npx pipeline upgrade --pipeline ${pipeline.name} --dry-run, then without), then make it a pipeline: npx pipeline new ${pipeline.name}_new --template transform, move its ops, graphs and resources into that one's modules, and remove this folder`,
        },
      ];
    }
    return [
      {
        file: `${pipeline.rel}/${ANSWERS_FILE}`,
        line: yamlLine(text, ['_conventions_version']),
        // The codemods' version (this CLI's, and the platform's own), not platform.yaml's
        // conventions_version: that one moves only once every pipeline has been upgraded.
        message: `${pipeline.name} follows conventions v${from}, and pipeline upgrade brings it to v${target.version}${due.length ? `; codemods due: ${due.join(', ')}` : ''}`,
        fix: `npx pipeline upgrade --pipeline ${pipeline.name} --dry-run, then without --dry-run`,
      },
    ];
  },
};
