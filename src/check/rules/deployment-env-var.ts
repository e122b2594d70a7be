// The platform's own deployments must set the variable platform.yaml names: after
// deployment_env_var is renamed, `pipeline upgrade` renders every conventions.py with the new
// name, and a deployment that still sets the old one loads the default (local) deployment's jobs:
// no production jobs, no schedules, no error.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { COMPOSE_BASE } from '../../../generators/platform/derived.ts';
import type { PipelineModel } from '../model.ts';
import type { PlatformRule, RawFinding } from '../types.ts';

/** The repo's files that set the variable for a deployment: the compose deployment's services, and CI's `dg check defs` per deployment. */
const SETTERS = [COMPOSE_BASE, '.github/workflows/pipelines.yaml'];

/** The deployment variables the pipelines were generated with (each one's answers record it), once each. */
export const generatedEnvVars = (pipelines: PipelineModel[]): string[] => [
  ...new Set(pipelines.map((p) => p.answers?.deployment_env_var).filter((v): v is string => typeof v === 'string')),
];

export const deploymentEnvVar: PlatformRule = {
  id: 'deployment-env-var',
  scope: 'platform',
  severity: 'error',
  title: "A platform file does not set platform.yaml's deployment_env_var",
  why: "Every pipeline reads its deployment from the variable platform.yaml names (deployment_env_var). A file that sets another one (the old name, after a rename) runs every pipeline as the default deployment: the compose deployment and CI's per-deployment check load the local jobs only, without any error.",
  fix: 'set the variable platform.yaml names where the file sets the old one (and in every deployment outside this repo: task definitions, Helm values)',
  check(ctx, pipelines) {
    const wanted = ctx.platform.deploymentEnvVar;
    // The names pipelines were generated with: where the file still sets one, that is the line to change.
    const older = generatedEnvVars(pipelines).filter((v) => v !== wanted);
    const findings: RawFinding[] = [];
    const word = (name: string) => new RegExp(`(^|[^A-Za-z0-9_])${name}([^A-Za-z0-9_]|$)`);
    for (const file of SETTERS) {
      const path = join(ctx.root, file);
      if (!existsSync(path)) continue;
      const lines = readFileSync(path, 'utf8').split('\n');
      // Every line that still sets an old name: one renamed, another left, still runs as the default.
      const stale = lines.flatMap((line, at) => {
        const old = older.find((name) => word(name).test(line));
        return old ? [{ at, old }] : [];
      });
      for (const { at, old } of stale)
        findings.push({
          file,
          line: at + 1,
          message: `${file} sets ${old}, the name before platform.yaml's deployment_env_var ${wanted}: what it runs there loads the ${ctx.platform.defaultDeployment} deployment's jobs only`,
          fix: `rename ${old} to ${wanted} on this line (and wherever a deployment outside this repo sets it)`,
        });
      if (stale.length || lines.some((line) => word(wanted).test(line))) continue;
      findings.push({
        file,
        line: 1,
        message: `${file} never sets ${wanted}, platform.yaml's deployment_env_var: what it runs loads the ${ctx.platform.defaultDeployment} deployment's jobs only`,
        fix: `set ${wanted} to the deployment's name in the environment it gives the pipelines`,
      });
    }
    return findings;
  },
};
