// The presets, schedules and sensors a pipeline declares (Preset, ScheduleSpec, SensorSpec calls),
// and the modes modes.py defines: what trigger-mode and preset-mode reason about.
import { MODES } from '../../conventions/platform-config.ts';
import type { PipelineModel } from '../model.ts';
import type { PyCall } from '../python.ts';

export interface Declared {
  presets: { file: string; call: PyCall; name?: string; mode?: string }[];
  triggers: { file: string; call: PyCall; kind: 'schedule' | 'sensor' }[];
  /** The keys of modes.py's MODES dict, else the platform's modes. */
  modes: string[];
}

export async function declared(pipeline: PipelineModel): Promise<Declared> {
  const out: Declared = { presets: [], triggers: [], modes: [...MODES] };
  for (const path of pipeline.pythonFiles()) {
    const facts = await pipeline.python(path);
    const file = `${pipeline.rel}/${path}`;
    for (const call of facts?.calls ?? []) {
      if (call.callee === 'Preset')
        out.presets.push({ file, call, name: call.kwargs.get('name')?.str, mode: call.kwargs.get('mode')?.str });
      if (call.callee === 'ScheduleSpec' || call.callee === 'SensorSpec')
        out.triggers.push({ file, call, kind: call.callee === 'ScheduleSpec' ? 'schedule' : 'sensor' });
    }
    const modes = path.endsWith('/modes.py') ? facts?.assignments.get('MODES')?.dictKeys : undefined;
    if (modes) out.modes = modes;
  }
  return out;
}
