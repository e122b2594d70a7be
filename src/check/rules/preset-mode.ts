// A preset bound to a mode that modes.py does not define: every job of that preset fails to build.
import type { PipelineRule, RawFinding } from '../types.ts';
import { declared } from './presets.ts';

export const presetMode: PipelineRule = {
  id: 'preset-mode',
  scope: 'pipeline',
  severity: 'error',
  title: 'A preset naming an unknown mode',
  why: 'A preset is bound to one mode (a set of resources in modes.py); a mode that modes.py or the platform does not know makes build_jobs fail when the code location loads, in every deployment.',
  fix: 'bind the preset to one of the modes in modes.py (local, sandbox, dev, prod, and those added with pipeline add mode)',
  async check(pipeline) {
    const { presets, modes } = await declared(pipeline);
    const known = modes;
    const findings: RawFinding[] = [];
    for (const { file, call, name, mode } of presets) {
      if (mode === undefined || known.includes(mode)) continue;
      findings.push({
        file,
        line: call.kwargs.get('mode')!.line,
        message: `preset ${JSON.stringify(name ?? '?')} names mode ${JSON.stringify(mode)}, which is not a mode of this pipeline (${known.join(', ')})`,
        fix: `use one of: ${known.join(', ')}`,
      });
    }
    return findings;
  },
};
