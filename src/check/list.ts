// `pipeline list` as a use case: per pipeline its owner, template, conventions version, and what
// each deployment loads of it, from the same static model as `pipeline check` (answers ->
// buildPipelineSpec, then the graphs, presets, schedules and sensors its code declares ->
// visibility), so nothing is imported.

import { ADDED, ADDED_PRESETS, LEFTOVER, onlyAddedModules } from '../../generators/pipeline/files.ts';
import {
  type Declared,
  type PipelineSpec,
  type TriggerSpec,
  type Visible,
  visibility,
} from '../../generators/pipeline/spec.ts';
import { counted } from '../text.ts';
import { loadPlatformForCheck, PipelineModel, selectPipelines } from './model.ts';
import type { PyCall } from './python.ts';
import { declared as whatItDeclares } from './rules/presets.ts';

export interface ListedPipeline {
  name: string;
  owner: string | null;
  template: string | null;
  conventionsVersion: number;
  /** The deployments it is released to (its answers), in platform.yaml's order. */
  released: string[];
  /** Per deployment of the platform; empty when the answers could not be read. */
  deployments: Record<string, Visible>;
  /** Why the deployments could not be computed (no answers file, unknown template). */
  error?: string;
}

export interface ListReport {
  ok: true;
  root: string;
  deployments: string[];
  pipelines: ListedPipeline[];
}

export async function listReport(root: string, filters: string[] = []): Promise<ListReport> {
  const { platform } = loadPlatformForCheck(root);
  const pipelines: ListedPipeline[] = [];
  for (const { name, dir } of selectPipelines(root, filters)) {
    const model = new PipelineModel(name, dir, platform);
    const { spec, error } = model.spec();
    const leftover = !spec && onlyAddedModules(model.pythonFiles(), name);
    pipelines.push({
      name,
      owner: spec?.answers.owner ?? null,
      template: spec?.answers.template ?? null,
      conventionsVersion: model.recordedVersion,
      released: spec ? platform.deployments.map((d) => d.name).filter((d) => spec.answers.deployments.includes(d)) : [],
      deployments: spec ? visibility(await declaredInCode(model, spec), platform) : {},
      ...(leftover
        ? { error: `holds only modules pipeline add wrote, ${LEFTOVER.what}; pipeline check says what to do` }
        : error
          ? { error }
          : {}),
    });
    model.release();
  }
  return { ok: true, root, deployments: platform.deployments.map((d) => d.name), pipelines };
}

/**
 * The spec with the graphs (any module of the package), presets (presets.py), schedules and sensors its code declares
 * now: `pipeline add` and the pipeline's owners add to them after day one. A kind whose file is
 * missing, or that names something with other than a plain string, keeps what the answers give.
 */
async function declaredInCode(model: PipelineModel, spec: PipelineSpec): Promise<Declared> {
  const calls = async (file: string, name: string) =>
    (await model.python(`${model.pkg}/${file}`))?.calls.filter((c) => c.name === name);
  // The calls of `file` (schedules.py, sensors.py, presets.py, jobs.py), then those of the modules
  // of its package of added ones (added_schedules/, added_sensors/, added_presets/, added_jobs/):
  // conventions v5 has one module per schedule, sensor, preset or graph `pipeline add` added.
  const withAdded = async (added: string, file: string, callee: string): Promise<PyCall[] | undefined> => {
    const modules = model.pythonFiles().filter((path) => path.startsWith(`${model.pkg}/${added}/`));
    const found = await Promise.all([
      calls(file, callee),
      ...modules.map((path) => calls(path.slice(model.pkg.length + 1), callee)),
    ]);
    return found[0] && found.flatMap((list) => list ?? []);
  };
  const str = (call: PyCall, key: string) => call.kwargs.get(key)?.str;
  // The graphs of every module of the package, as check reads them (undefined when one is computed).
  const graphNames = (await whatItDeclares(model)).graphs;
  const presetCalls = await withAdded(ADDED_PRESETS, 'presets.py', 'Preset');
  const declared = presetCalls?.map((c) => ({ name: str(c, 'name'), mode: str(c, 'mode') }));
  const presets = declared?.every((p) => p.name && p.mode) ? (declared as Declared['presets']) : spec.presets;
  const triggers = async (declared: PyCall[] | undefined, fallback: TriggerSpec[]): Promise<TriggerSpec[]> => {
    const found = declared?.map((c) => ({
      name: str(c, 'name'),
      preset: str(c, 'preset'),
      deployments: c.kwargs.get('deployments')?.strings,
    }));
    const read = !found || found.some((t) => !t.name || !t.preset || !t.deployments) ? fallback : found;
    // A trigger of a preset that is not there loads nowhere (Dagster would refuse the module).
    return (read as TriggerSpec[]).filter((t) => presets.some((p) => p.name === t.preset));
  };
  return {
    answers: spec.answers,
    graphs: graphNames?.length ? Object.fromEntries(graphNames.map((g) => [g, g])) : spec.graphs,
    presets,
    schedules: await triggers(await withAdded(ADDED.schedule, 'schedules.py', 'ScheduleSpec'), spec.schedules),
    sensors: await triggers(await withAdded(ADDED.sensor, 'sensors.py', 'SensorSpec'), spec.sensors),
  };
}

const names = (list: string[]) => (list.length ? list.join(', ') : '-');

export function renderList(report: ListReport): string {
  if (report.pipelines.length === 0) return 'no pipelines (pipelines/<name>/ folders); add one with npm init pipeline';
  const width = Math.max(...report.deployments.map((d) => d.length)) + 2;
  const lines: string[] = [];
  for (const p of report.pipelines) {
    lines.push(
      `${p.name}  owner ${p.owner ?? '?'}  template ${p.template ?? '?'}  conventions v${p.conventionsVersion}`,
    );
    if (p.error) lines.push(`  (${p.error})`);
    for (const [deployment, v] of Object.entries(p.deployments)) {
      if (!p.released.includes(deployment)) {
        lines.push(
          `  ${deployment.padEnd(width)}not released (npx pipeline add deployment --pipeline ${p.name} --name ${deployment})`,
        );
        continue;
      }
      lines.push(`  ${deployment.padEnd(width)}jobs: ${names(v.jobs)}`);
      if (v.schedules.length || v.sensors.length)
        lines.push(`  ${''.padEnd(width)}schedules: ${names(v.schedules)}  sensors: ${names(v.sensors)}`);
    }
    lines.push('');
  }
  lines.push(counted(report.pipelines.length, 'pipeline'));
  return lines.join('\n');
}
