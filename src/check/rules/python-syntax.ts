// A module of the pipeline's package that is not Python 3 (a merge that left a conflict marker, a
// half-finished hand edit, code from Python 2): importing it fails, so the code location loads
// nowhere once definitions.py imports it; every other rule reads what the parser recovered of it.
// What tree-sitter's grammar parses (a `return` outside a function, a misplaced __future__ import)
// Python may still refuse: that only Python itself says.
import { pipelineSyntax } from '../python.ts';
import type { PipelineRule, RawFinding } from '../types.ts';

export const pythonSyntax: PipelineRule = {
  id: 'python-syntax',
  scope: 'pipeline',
  severity: 'error',
  title: 'A module of the pipeline that does not parse',
  why: 'A module that is not Python 3 cannot be imported: once definitions.py imports it, directly or through another module (the modules of added_*/ always are), the code location loads in no deployment. One nothing imports yet is broken code waiting to be.',
  fix: "fix the line (python -m py_compile FILE gives Python's own message)",
  async check(pipeline) {
    const findings: RawFinding[] = [];
    for (const path of pipeline.pythonFiles()) {
      const problem = await pipelineSyntax(pipeline.read(path) ?? '', pipeline.name);
      if (problem)
        findings.push({
          file: `${pipeline.rel}/${path}`,
          line: problem.line,
          message: `${path.split('/').pop()} does not parse (${problem.what}): importing it fails, so the code location loads nowhere once definitions.py imports it (added_*/ modules always are)`,
          fix: `fix line ${problem.line} (python -m py_compile ${pipeline.rel}/${path} gives Python's own message)`,
        });
    }
    return findings;
  },
};
