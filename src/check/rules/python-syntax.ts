// A module of the pipeline's package that is not Python 3 (a merge that left a conflict marker, a
// half-finished hand edit, code from Python 2): importing the package fails, so the code location
// loads nowhere, and every other rule reads what the parser could recover of it.
import { pipelineSyntax } from '../python.ts';
import type { PipelineRule, RawFinding } from '../types.ts';

export const pythonSyntax: PipelineRule = {
  id: 'python-syntax',
  scope: 'pipeline',
  severity: 'error',
  title: 'A module of the pipeline that does not parse',
  why: "Dagster imports every module of the pipeline's package when the code location loads: one that is not Python 3 stops it loading, in every deployment.",
  fix: "fix the line (python -m py_compile FILE gives Python's own message)",
  async check(pipeline) {
    const findings: RawFinding[] = [];
    for (const path of pipeline.pythonFiles()) {
      const problem = await pipelineSyntax(pipeline.read(path) ?? '', pipeline.name);
      if (problem)
        findings.push({
          file: `${pipeline.rel}/${path}`,
          line: problem.line,
          message: `${path.split('/').pop()} does not parse (${problem.what}): the code location loads nowhere`,
          fix: `fix line ${problem.line} (python -m py_compile ${pipeline.rel}/${path} gives Python's own message)`,
        });
    }
    return findings;
  },
};
