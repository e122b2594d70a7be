// Every deployment of platform.yaml runs Dagster with the instance config in
// deployments/<name>/dagster.yaml. After a deployment is added or renamed, the new one has none
// until `pipeline upgrade` renders it, and the old one's file stays for a deployment that no longer
// exists (src/upgrade/codemods/deployment-instances.ts).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PLATFORM_FILE } from '../../conventions/platform-config.ts';
import { instanceDrift, instancePath } from '../../upgrade/codemods/deployment-instances.ts';
import { yamlLine } from '../model.ts';
import type { PlatformRule } from '../types.ts';

export const deploymentInstances: PlatformRule = {
  id: 'deployment-instances',
  scope: 'platform',
  severity: 'error',
  title: 'A deployment without its Dagster instance config, or a config without its deployment',
  why: 'Dagster in each deployment (its webserver, daemon and runs) reads deployments/<name>/dagster.yaml: run storage, launcher, coordinator. A deployment added to platform.yaml has none until it is rendered; a renamed or removed one leaves a file nothing runs.',
  fix: 'npx pipeline upgrade (it renders the missing ones, and removes the generated file of a deployment platform.yaml no longer has)',
  check(ctx) {
    const { missing, gone } = instanceDrift(ctx.root, ctx.platform);
    const text = missing.length ? readFileSync(join(ctx.root, PLATFORM_FILE), 'utf8') : '';
    return [
      ...missing.map((deployment) => ({
        file: PLATFORM_FILE,
        line: yamlLine(text, ['deployments', deployment]),
        message: `the deployment ${deployment} has no ${instancePath(deployment)}: Dagster there has no instance config (run storage, run launcher)`,
        fix: `npx pipeline upgrade renders it from platform.yaml`,
      })),
      ...gone.map((deployment) => ({
        file: instancePath(deployment),
        line: 1,
        message: `${deployment} is not a deployment of platform.yaml (renamed or removed?): nothing runs with this instance config`,
        fix: `npx pipeline upgrade removes it when it is as generated; else remove deployments/${deployment}/ by hand`,
      })),
    ];
  },
};
