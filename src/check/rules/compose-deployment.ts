// The compose deployment runs every pipeline as the deployment docker-compose.platform.yaml names
// in the deployment variable. After that deployment is renamed or removed in platform.yaml, every
// pipeline's conventions.py refuses the old name (UnknownDeploymentError): no code location of the
// compose deployment loads, while pipeline check said nothing.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { COMPOSE_BASE } from '../../../generators/platform/derived.ts';
import type { PlatformRule, RawFinding } from '../types.ts';
import { generatedEnvVars } from './deployment-env-var.ts';

export const composeDeployment: PlatformRule = {
  id: 'compose-deployment',
  scope: 'platform',
  severity: 'error',
  title: `${COMPOSE_BASE} runs the pipelines as a deployment platform.yaml does not have`,
  why: `The compose deployment's services set the deployment variable to a name; each pipeline loads only a deployment platform.yaml has. After a rename, every code location of the compose deployment fails to load (UnknownDeploymentError).`,
  fix: 'set the variable to a deployment of platform.yaml (the new name of a renamed one)',
  check(ctx, pipelines) {
    const path = join(ctx.root, COMPOSE_BASE);
    if (!existsSync(path)) return [];
    const known = ctx.platform.deployments.map((d) => d.name);
    // The variable platform.yaml names, and the names pipelines were generated with (deployment-env-var reports those).
    const variables = new Set([ctx.platform.deploymentEnvVar, ...generatedEnvVars(pipelines)]);
    const findings: RawFinding[] = [];
    for (const [at, line] of readFileSync(path, 'utf8').split('\n').entries()) {
      // `VAR: name` in an environment mapping, or `- VAR=name` in a list; a value from the
      // environment (`$X`, `${X}`) is the deployment's to set.
      const set = /^\s*(?:-\s*)?["']?([A-Za-z_][A-Za-z0-9_]*)["']?\s*[:=]\s*["']?([^\s"'#$]+)["']?\s*(?:#.*)?$/.exec(
        line,
      );
      if (!set || !variables.has(set[1]!) || known.includes(set[2]!)) continue;
      findings.push({
        file: COMPOSE_BASE,
        line: at + 1,
        message: `${COMPOSE_BASE} runs every pipeline as the deployment ${set[2]}, which platform.yaml does not have (renamed or removed?): no code location of the compose deployment loads`,
        fix: `set ${set[1]} to a deployment of platform.yaml (${known.join(', ')}) on this line; the Dagster instance file the services mount is then that deployment's, deployments/<name>/dagster.yaml`,
      });
    }
    return findings;
  },
};
