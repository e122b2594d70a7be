// The presets, schedules, sensors and graphs a pipeline declares (Preset, ScheduleSpec, SensorSpec
// calls, @dg.graph functions), and the modes modes.py defines: what trigger-mode, preset-mode and
// preset-run-config reason about.
import { MODES, type PlatformConfig } from '../../conventions/platform-config.ts';
import type { PipelineModel } from '../model.ts';
import type { PyCall } from '../python.ts';

export interface Declared {
  presets: { file: string; call: PyCall; name?: string; mode?: string }[];
  triggers: { file: string; call: PyCall; kind: 'schedule' | 'sensor' }[];
  /** The keys of modes.py's MODES dict, else the platform's modes. */
  modes: string[];
  /** The names of the package's graphs (`@dg.graph`), or undefined when one is computed. */
  graphs: string[] | undefined;
}

const GRAPH = /^((dg|dagster)\.)?graph$/;
/**
 * A graph made otherwise than by a decorator of the package: built (`GraphDefinition`), or
 * imported from another distribution. Then the graphs are not all known.
 */
const GRAPH_ELSEWHERE =
  /\bGraphDefinition\s*\(|^[ \t]*from[ \t]+(?!\.|dagster\b)[\w.]+[ \t]+import\b(?:[^\n(]*|[ \t]*\([^)]*)graph/im;

/** The deployments the pipeline is released to (its answers), else every deployment of the platform. */
export const releasedTo = (pipeline: PipelineModel, platform: PlatformConfig): string[] =>
  pipeline.spec().spec?.answers.deployments ?? platform.deployments.map((d) => d.name);

/**
 * Where a schedule or sensor of a preset of `mode` loads: the deployments it names that the
 * pipeline is released to and whose modes allow that mode. The same filter deployments.py applies.
 */
export const loadingDeployments = (
  platform: PlatformConfig,
  released: string[],
  named: string[],
  mode: string,
): string[] =>
  platform.deployments
    .filter((d) => named.includes(d.name) && released.includes(d.name) && (d.modes as string[]).includes(mode))
    .map((d) => d.name);

/** What the pipeline declares, read once for every rule that asks. */
export const declared = (pipeline: PipelineModel): Promise<Declared> =>
  pipeline.memo('declared', () => readDeclared(pipeline));

async function readDeclared(pipeline: PipelineModel): Promise<Declared> {
  const out: Declared = { presets: [], triggers: [], modes: [...MODES], graphs: [] };
  for (const path of pipeline.pythonFiles()) {
    const facts = await pipeline.python(path);
    const file = `${pipeline.rel}/${path}`;
    if (GRAPH_ELSEWHERE.test(pipeline.read(path) ?? '')) out.graphs = undefined;
    for (const call of facts?.calls ?? []) {
      if (call.name === 'Preset')
        out.presets.push({ file, call, name: call.kwargs.get('name')?.str, mode: call.kwargs.get('mode')?.str });
      if (call.name === 'ScheduleSpec' || call.name === 'SensorSpec')
        out.triggers.push({ file, call, kind: call.name === 'ScheduleSpec' ? 'schedule' : 'sensor' });
      if (GRAPH.test(call.callee) && call.decorates) {
        const name = call.kwargs.has('name') ? call.kwargs.get('name')!.str : call.decorates;
        out.graphs = name === undefined ? undefined : out.graphs && [...out.graphs, name];
      }
    }
    for (const decorator of facts?.bareDecorators ?? [])
      if (GRAPH.test(decorator.callee)) out.graphs = out.graphs && [...out.graphs, decorator.decorates];
    const modes = path.endsWith('/modes.py') ? facts?.assignments.get('MODES')?.dictKeys : undefined;
    if (modes) out.modes = modes;
  }
  return out;
}
