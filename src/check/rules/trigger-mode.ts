// A schedule or sensor that no deployment ever loads: its preset's mode is allowed in none of the
// deployments it names (or the pipeline is not released there), so it silently never runs. Or one
// of a graph or preset the pipeline does not define, which stops the code location loading.
import { parsePython } from '../../upgrade/engines/python.ts';
import type { PipelineModel } from '../model.ts';
import type { PipelineRule, RawFinding } from '../types.ts';
import { declared, loadingDeployments, releasedTo } from './presets.ts';

/** The fields without a default of deployments.py's ScheduleSpec and SensorSpec (dataclasses), as the pipeline has them. */
async function requiredFields(pipeline: PipelineModel): Promise<Record<string, string[]>> {
  const source = pipeline.read(`${pipeline.pkg}/deployments.py`);
  if (!source) return {};
  const required: Record<string, string[]> = {};
  for (const cls of (await parsePython(source)).root().findAll({
    rule: { kind: 'class_definition', has: { field: 'name', regex: '^(ScheduleSpec|SensorSpec)$' } },
  }))
    required[cls.field('name')!.text()] = (cls.field('body')?.children() ?? [])
      .map((statement) => statement.children()[0])
      .filter((a) => a?.kind() === 'assignment' && a.field('type') && !a.field('right'))
      .map((a) => a!.field('left')!.text());
  return required;
}

export const triggerMode: PipelineRule = {
  id: 'trigger-mode',
  scope: 'pipeline',
  severity: 'error',
  title:
    "A schedule or sensor whose preset's mode none of its deployments allow, whose graph the pipeline lacks, or that lacks a field",
  why: 'A deployment loads a schedule or sensor only if it is one of the deployments it names and its modes include the mode of its preset; when none does, it never loads anywhere and never runs, without any error. One that names a graph the pipeline does not define (renamed, or a copy from another pipeline) has no job to launch: the code location fails to load in the deployments it loads in. A ScheduleSpec or SensorSpec without a field it requires (timezone) is a TypeError when its module is imported: in every deployment.',
  fix: "name a deployment whose modes include the preset's mode, or launch a preset whose mode its deployments allow",
  async check(pipeline, ctx) {
    const { presets, triggers, graphs } = await declared(pipeline);
    const required = triggers.length ? await requiredFields(pipeline) : {};
    const released = releasedTo(pipeline, ctx.platform);
    const findings: RawFinding[] = [];
    for (const { file, call, kind } of triggers) {
      const name = call.kwargs.get('name')?.str ?? '?';
      // deployments.py's dataclasses take every field without a default: one left out is a
      // TypeError when schedules.py (sensors.py, an added module) is imported.
      const missing = call.more ? [] : required[call.callee]?.filter((field) => !call.kwargs.has(field));
      if (missing?.length) {
        findings.push({
          file,
          line: call.line,
          message: `${call.callee} ${JSON.stringify(name)} lacks ${missing.join(', ')}, which ${call.callee} requires: the code location fails to load (TypeError) in every deployment`,
          fix: `give it ${missing.map((f) => `${f}=...`).join(', ')}${missing.includes('timezone') ? ` (timezone=${JSON.stringify(ctx.platform.defaultTimezone)}, the platform's default)` : ''}`,
        });
        continue;
      }
      const graph = call.kwargs.get('graph');
      if (graphs && graph?.str !== undefined && !graphs.includes(graph.str)) {
        const named = call.kwargs.get('deployments')?.strings;
        const where = named ? ` (${named.join(', ')})` : '';
        findings.push({
          file,
          line: graph.line,
          message: `${kind} ${JSON.stringify(name)} launches a job of graph ${JSON.stringify(graph.str)}, which the pipeline does not define: the code location fails to load (KeyError) wherever the ${kind} loads${where}`,
          fix: graphs.length
            ? `use one of: ${graphs.join(', ')}`
            : 'define the graph (npx pipeline add job), or remove the trigger',
        });
        continue;
      }
      const presetName = call.kwargs.get('preset')?.str;
      const deployments = call.kwargs.get('deployments')?.strings;
      if (presetName === undefined || deployments === undefined) continue; // computed: cannot tell statically
      const preset = presets.find((p) => p.name === presetName);
      // A preset whose name is computed may be the one: cannot tell statically.
      if (!preset && presets.some((p) => p.name === undefined)) continue;
      if (!preset) {
        findings.push({
          file,
          line: call.kwargs.get('preset')!.line,
          message: `${kind} ${JSON.stringify(name)} launches preset ${JSON.stringify(presetName)}, which presets.py does not define`,
          fix: `use one of: ${presets.map((p) => p.name).join(', ')}`,
        });
        continue;
      }
      if (!preset.mode || !ctx.platform.deployments.some((d) => (d.modes as string[]).includes(preset.mode!))) continue; // preset-mode's finding
      if (loadingDeployments(ctx.platform, released, deployments, preset.mode).length > 0) continue;
      // Named deployments that allow the mode, but the pipeline is not released there.
      const unreleased = ctx.platform.deployments
        .filter((d) => deployments.includes(d.name) && (d.modes as string[]).includes(preset.mode!))
        .map((d) => d.name);
      if (unreleased.length) {
        findings.push({
          file,
          line: call.kwargs.get('deployments')!.line,
          message: `${kind} ${JSON.stringify(name)} launches preset ${presetName} in ${unreleased.join(', ')}, where ${pipeline.name} is not released: it never loads`,
          fix: `release it there (npx pipeline add deployment --pipeline ${pipeline.name} --name ${unreleased[0]}), or name a deployment it is released to`,
        });
        continue;
      }
      const allowing = ctx.platform.deployments
        .filter((d) => (d.modes as string[]).includes(preset.mode!) && released.includes(d.name))
        .map((d) => d.name);
      findings.push({
        file,
        line: call.kwargs.get('deployments')!.line,
        message: `${kind} ${JSON.stringify(name)} launches preset ${presetName} (mode ${preset.mode}), which none of its deployments (${deployments.join(', ') || 'none'}) allow: it never loads`,
        fix: allowing.length
          ? `add a deployment that allows mode ${preset.mode} (${allowing.join(', ')}), or launch another preset`
          : `no deployment this pipeline is released to allows mode ${preset.mode}; launch another preset`,
      });
    }
    return findings;
  },
};
