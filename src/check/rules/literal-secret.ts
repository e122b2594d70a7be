// A resource given a secret as a string literal: the secret is in git, and in every image.
import type { PipelineRule, RawFinding } from '../types.ts';

/** A class (CapWords: a resource, a config) rather than a function (`dict`, `make_client`). */
const isClass = (callee: string) => /^[A-Z]/.test(callee.split('.').pop() ?? '');

/**
 * The variable to suggest: the class's name without its kind, then the keyword, in UPPER_SNAKE
 * (`WarehouseResource(password=...)`: WAREHOUSE_PASSWORD, as `pipeline add resource` names them).
 */
export function suggestedVariable(callee: string, keyword: string, siblings: Record<string, string> = {}): string {
  const name = keyword.toUpperCase();
  // The call's other keywords read variables of one prefix (`endpoint=dg.EnvVar("LAKEFS_ENDPOINT")`): that one.
  const prefixes = Object.entries(siblings).map(([kw, variable]) =>
    variable.endsWith(`_${kw.toUpperCase()}`) ? variable.slice(0, -kw.length) : undefined,
  );
  if (prefixes.length && prefixes.every((p) => p !== undefined && p === prefixes[0])) return `${prefixes[0]}${name}`;
  // A class names what the secret is for; a function's name does not.
  const owner = (isClass(callee) ? (callee.split('.').pop() ?? '') : '')
    .replace(/(Resource|Store|Client|IOManager|Manager|Config)$/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toUpperCase();
  return owner && !name.startsWith(`${owner}_`) ? `${owner}_${name}` : name;
}

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
      for (const { name, callee, line, siblings } of (await pipeline.python(path))?.secretLiterals ?? []) {
        findings.push({
          file: `${pipeline.rel}/${path}`,
          line,
          message: `${callee}(${name}=...) is given a string literal: a secret in the repository`,
          // dg.EnvVar is resolved by Dagster in a resource's or config's fields only; elsewhere
          // (a dict, a function's argument) it is the variable's name, a plain string.
          fix: isClass(callee)
            ? `${name}=dg.EnvVar("${suggestedVariable(callee, name, siblings)}") and set that variable in each deployment`
            : `${name}=os.environ["${suggestedVariable(callee, name, siblings)}"] (read when it runs; dg.EnvVar resolves only in a resource's or config's fields) and set that variable in each deployment`,
        });
      }
    }
    return findings;
  },
};
