// A resource given a secret as a string literal: the secret is in git, and in every image.
import type { PipelineRule, RawFinding } from '../types.ts';

export const literalSecret: PipelineRule = {
  id: 'literal-secret',
  scope: 'pipeline',
  severity: 'error',
  title: 'A resource reads a secret from a string literal',
  why: 'Secrets never appear in the repository: resources read them from the environment (dg.EnvVar), which each deployment sets from its own secret store.',
  fix: 'read it from the environment: NAME=dg.EnvVar("ENV_VAR")',
  async check(pipeline) {
    const findings: RawFinding[] = [];
    for (const path of pipeline.pythonFiles()) {
      for (const { name, callee, line } of (await pipeline.python(path))?.secretLiterals ?? []) {
        findings.push({
          file: `${pipeline.rel}/${path}`,
          line,
          message: `${callee}(${name}=...) is given a string literal: a secret in the repository`,
          fix: `${name}=dg.EnvVar("${name.toUpperCase()}") and set that variable in each deployment`,
        });
      }
    }
    return findings;
  },
};
