// A pipeline released to, or a schedule or sensor naming, a deployment platform.yaml does not have:
// after a deployment is renamed or removed, nothing of that name loads it, and a code location
// of the renamed deployment loads none of its jobs, schedules or sensors, without any error.
import { ANSWERS_FILE } from '../../../generators/pipeline/files.ts';
import { yamlLine } from '../model.ts';
import type { PipelineRule, RawFinding } from '../types.ts';
import { declared } from './presets.ts';

export const unknownDeployment: PipelineRule = {
  id: 'unknown-deployment',
  scope: 'pipeline',
  severity: 'error',
  title: 'A pipeline, schedule or sensor names a deployment platform.yaml does not have',
  why: 'A deployment renamed or removed in platform.yaml leaves the pipelines released to the old name: the renamed deployment loads none of their jobs, schedules or sensors, and nothing says so.',
  fix: 'use a deployment of platform.yaml (the new name of a renamed one), or drop it',
  async check(pipeline, ctx) {
    const known = ctx.platform.deployments.map((d) => d.name);
    const findings: RawFinding[] = [];
    const released = pipeline.answers?.deployments;
    if (Array.isArray(released)) {
      const text = pipeline.read(ANSWERS_FILE) ?? '';
      for (const [i, name] of released.map(String).entries()) {
        if (known.includes(name)) continue;
        findings.push({
          file: `${pipeline.rel}/${ANSWERS_FILE}`,
          line: yamlLine(text, ['deployments', i]),
          message: `${pipeline.name} is released to ${name}, which platform.yaml does not have (renamed or removed?): no deployment loads it there`,
          fix: `in deployments: of ${ANSWERS_FILE}, name a deployment of platform.yaml (${known.join(', ')}) or drop ${name}; then npx pipeline upgrade --pipeline ${pipeline.name} --allow-dirty renders conventions.py from it`,
        });
      }
    }
    for (const { file, call, kind } of (await declared(pipeline)).triggers) {
      const deployments = call.kwargs.get('deployments')?.strings;
      for (const name of (deployments ?? []).filter((d) => !known.includes(d)))
        findings.push({
          file,
          line: call.kwargs.get('deployments')!.line,
          message: `${kind} ${JSON.stringify(call.kwargs.get('name')?.str ?? '?')} names the deployment ${name}, which platform.yaml does not have (renamed or removed?): it never runs there`,
          fix: `name a deployment of platform.yaml instead (${known.join(', ')}), or drop ${name}`,
        });
    }
    return findings;
  },
};
