// A Python module of the pipeline that does not parse: the code location fails to load in every
// deployment, and every other rule reads what it can of a broken tree.
import { parseError } from '../../upgrade/codemods/legacy-dagster/verify.ts';
import type { PipelineRule, RawFinding } from '../types.ts';

export const pythonSyntax: PipelineRule = {
  id: 'python-syntax',
  scope: 'pipeline',
  severity: 'error',
  title: 'A Python module that does not parse',
  why: 'Dagster imports every module of the package when the code location loads: one syntax error (a keyword used as a name, a missing bracket, a positional argument after a keyword one) and no job of the pipeline loads anywhere.',
  fix: 'fix the syntax at that line (python -m py_compile FILE shows the same)',
  async check(pipeline) {
    const findings: RawFinding[] = [];
    for (const path of pipeline.pythonFiles()) {
      const source = pipeline.read(path);
      if (source === undefined) continue;
      const problem = await parseError(source);
      if (problem)
        findings.push({
          file: `${pipeline.rel}/${path}`,
          line: problem.line,
          message: `it does not parse: ${problem.what}`,
        });
    }
    return findings;
  },
};
