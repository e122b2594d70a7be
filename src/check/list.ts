// `pipeline list` as a use case: per pipeline its owner, template, conventions version, and what
// each deployment loads of it, from the same static model as `pipeline check` (answers ->
// buildPipelineSpec -> visibility), so nothing is imported.
import { type Visible, visibility } from '../../generators/pipeline/spec.ts';
import { loadPlatformForCheck, PipelineModel, selectPipelines } from './model.ts';

export interface ListedPipeline {
  name: string;
  owner: string | null;
  template: string | null;
  conventionsVersion: number;
  /** Per deployment of the platform; empty when the answers could not be read. */
  deployments: Record<string, Visible>;
  /** Why the deployments could not be computed (no answers file, unknown template). */
  error?: string;
}

export interface ListReport {
  root: string;
  deployments: string[];
  pipelines: ListedPipeline[];
}

export function listReport(root: string, filters: string[] = []): ListReport {
  const { platform } = loadPlatformForCheck(root);
  const pipelines = selectPipelines(root, filters).map(({ name, dir }): ListedPipeline => {
    const model = new PipelineModel(name, dir, platform);
    const { spec, error } = model.spec();
    return {
      name,
      owner: spec?.answers.owner ?? null,
      template: spec?.answers.template ?? null,
      conventionsVersion: model.recordedVersion,
      deployments: spec ? visibility(spec, platform) : {},
      ...(error ? { error } : {}),
    };
  });
  return { root, deployments: platform.deployments.map((d) => d.name), pipelines };
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
      lines.push(`  ${deployment.padEnd(width)}jobs: ${names(v.jobs)}`);
      if (v.schedules.length || v.sensors.length)
        lines.push(`  ${''.padEnd(width)}schedules: ${names(v.schedules)}  sensors: ${names(v.sensors)}`);
    }
    lines.push('');
  }
  lines.push(`${report.pipelines.length} pipeline${report.pipelines.length === 1 ? '' : 's'}`);
  return lines.join('\n');
}
