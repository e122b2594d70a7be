// A preset whose run config no longer fits the code: an op renamed or removed while a preset still
// configures it, a config field renamed, a value of another type, a graph renamed. Dagster checks
// each job's run config when the code location loads: it then loads nowhere.
import { missingRequired, runConfigProblem } from '../../../generators/add/graph-ops.ts';
import { parsePython } from '../../upgrade/engines/python.ts';
import { COMPUTED, literalOf, PyFloat, type PyLiteral } from '../../upgrade/engines/python-literals.ts';
import { pipelineGraphOps } from '../python.ts';
import type { PipelineRule, RawFinding } from '../types.ts';
import { declared } from './presets.ts';

/** The value of a run_config keyword's text (a dict literal, as presets.py writes it), or COMPUTED. */
async function runConfigOf(text: string): Promise<PyLiteral> {
  const statement = (await parsePython(text)).root().children()[0];
  const expression = statement?.kind() === 'expression_statement' ? statement.children()[0] : undefined;
  return expression ? literalOf(expression) : COMPUTED;
}

const withConsequence = (problem: string | undefined) =>
  problem && `${problem}; Dagster refuses the job's config, and the code location loads nowhere`;

export const presetRunConfig: PipelineRule = {
  id: 'preset-run-config',
  scope: 'pipeline',
  severity: 'error',
  title: "A preset's run config that the pipeline's graphs do not take",
  why: "Every job is built with its preset's run config for its graph, and Dagster checks it when the code location loads: an op the graph does not call (renamed or removed since), a config field the op's config class does not have, a value of another type, or a field without a default that the preset does not give, and the code location loads nowhere. A graph the pipeline does not have gets its config dropped unseen.",
  fix: "make the preset's run_config name the graph's ops and their config fields as the code has them now",
  async check(pipeline) {
    const { presets, graphs } = await declared(pipeline);
    if (presets.length === 0) return [];
    // The ops, graphs and config classes of every module of the package, read once for all presets.
    const graphOps = await pipelineGraphOps(
      pipeline.pythonFiles().map((path) => pipeline.read(path) ?? ''),
      pipeline.name,
    );
    const findings: RawFinding[] = [];
    for (const { file, call, name } of presets) {
      const runConfig = call.kwargs.get('run_config');
      // No run_config: every graph gets none (Preset.config_for gives {}).
      const value = runConfig ? await runConfigOf(runConfig.text) : {};
      if (value === null || typeof value !== 'object' || Array.isArray(value) || value instanceof PyFloat) continue;
      const preset = JSON.stringify(name ?? '?');
      const found = (problem: string, fix: string) =>
        findings.push({ file, line: runConfig?.line ?? call.line, message: `preset ${preset}: ${problem}`, fix });
      const wrong = new Set<string>();
      for (const [graph, config] of Object.entries(value)) {
        const problem =
          graphs && !graphs.includes(graph)
            ? `configures graph ${JSON.stringify(graph)}, which the pipeline does not define (its graphs: ${graphs.join(', ') || 'none'}): no job gets that config`
            : graphOps[graph] && withConsequence(runConfigProblem(graph, config, graphOps[graph]));
        if (!problem) continue;
        wrong.add(graph);
        found(
          problem,
          graphs?.includes(graph)
            ? `change the run_config of preset ${preset} to what graph ${graph} takes now`
            : `key the run_config by one of: ${graphs?.join(', ')}`,
        );
      }
      // A field without a default that the preset does not give: Dagster refuses its job.
      for (const [graph, ops] of Object.entries(graphOps)) {
        const missing = !wrong.has(graph) && missingRequired(graph, value[graph], ops);
        if (missing)
          found(
            withConsequence(missing)!,
            `give it in the run_config of preset ${preset}, or a default in its config class`,
          );
      }
    }
    return findings;
  },
};
