// Two schedules or sensors of one name (Dagster loads them under one namespace), or two presets of
// one name (two jobs <graph>_<preset> of one name): the code location does not load anywhere.
import type { PipelineRule, RawFinding } from '../types.ts';

/** The calls that name a definition, and the namespace each name lives in. */
const NAMESPACE: Record<string, 'schedules and sensors' | 'presets'> = {
  ScheduleSpec: 'schedules and sensors',
  SensorSpec: 'schedules and sensors',
  Preset: 'presets',
};

export const duplicateName: PipelineRule = {
  id: 'duplicate-name',
  scope: 'pipeline',
  severity: 'error',
  title: 'Two schedules, sensors or presets of one name',
  why: 'Dagster refuses a code location with two schedules or sensors of one name ("Duplicate definition found"), and two presets of one name make two jobs of one name: the pipeline loads in no deployment. A merge of two branches that each added one, or a generator run twice, makes it.',
  fix: 'rename one of them (a schedule or sensor also by the name other code refers to)',
  async check(pipeline) {
    const findings: RawFinding[] = [];
    const first = new Map<string, string>();
    for (const path of pipeline.pythonFiles()) {
      for (const call of (await pipeline.python(path))?.calls ?? []) {
        const namespace = NAMESPACE[call.name];
        const named = call.kwargs.get('name');
        const name = named?.str;
        if (!namespace || !name) continue;
        const key = `${namespace}:${name}`;
        const where = `${pipeline.rel}/${path}:${named!.line}`;
        const earlier = first.get(key);
        if (earlier === undefined) {
          first.set(key, where);
          continue;
        }
        findings.push({
          file: `${pipeline.rel}/${path}`,
          line: named!.line,
          message: `${call.name}(name=${JSON.stringify(name)}) reuses a name of the pipeline's ${namespace}, first at ${earlier}: the code location does not load`,
          fix: `rename this ${call.name === 'Preset' ? 'preset' : call.name === 'SensorSpec' ? 'sensor' : 'schedule'}`,
        });
      }
    }
    return findings;
  },
};
