// CI's per-deployment `dg check defs` loops over the deployments platform.yaml had when the
// platform was made: after a deployment is renamed or removed, CI fails every pipeline
// (UnknownDeploymentError); after one is added, CI never checks it. `pipeline upgrade` writes the
// list (src/upgrade/codemods/ci-deployments.ts).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CI_WORKFLOW, staleDeploymentLoops } from '../../upgrade/codemods/ci-deployments.ts';
import type { PlatformRule } from '../types.ts';

export const ciDeployments: PlatformRule = {
  id: 'ci-deployments',
  scope: 'platform',
  severity: 'error',
  title: "CI checks other deployments than platform.yaml's",
  why: "The CI workflow runs dg check defs once per deployment, from a list written when the platform was made. A deployment renamed or removed in platform.yaml fails every pipeline's CI (UnknownDeploymentError); one added is never checked.",
  fix: "npx pipeline upgrade (it writes platform.yaml's deployments into the loop)",
  check(ctx) {
    const path = join(ctx.root, CI_WORKFLOW);
    if (!existsSync(path)) return [];
    const wanted = ctx.platform.deployments.map((d) => d.name);
    return staleDeploymentLoops(readFileSync(path, 'utf8'), ctx.platform).map(({ line, listed }) => {
      const gone = listed.filter((d) => !wanted.includes(d));
      const missing = wanted.filter((d) => !listed.includes(d));
      const what = [
        gone.length ? `${gone.join(', ')} is not one of them any more (every pipeline fails there)` : '',
        missing.length ? `${missing.join(', ')} is never checked` : '',
      ].filter(Boolean);
      return {
        file: CI_WORKFLOW,
        line,
        message: `CI's dg check defs loops over ${listed.join(' ') || 'nothing'}, not platform.yaml's deployments (${wanted.join(' ')})${what.length ? `: ${what.join('; ')}` : ''}`,
        fix: `npx pipeline upgrade writes platform.yaml's deployments into that line (or make it \`for deployment in ${wanted.join(' ')}; do\`)`,
      };
    });
  },
};
