// The derived files (dg.toml, docker-compose.yaml, the compose workspace) missing or not matching
// pipelines/*/: dg and compose would not load the pipelines that exist.
import { planSync } from '../../sync/sync.ts';
import type { PlatformRule } from '../types.ts';

export const registrationStale: PlatformRule = {
  id: 'registration-stale',
  scope: 'platform',
  severity: 'warning',
  title: 'A derived registration file is missing or stale',
  why: 'dg.toml, docker-compose.yaml and deployments/compose/workspace.yaml list the pipelines for dg and the compose deployment; they are derived from pipelines/*/ and never committed, so after a pull or merge they must be rewritten.',
  fix: 'npx pipeline sync',
  check(ctx) {
    return planSync(ctx.root, ctx.platform)
      .files.filter((f) => f.change === 'create' || f.change === 'update')
      .map((f) => ({
        file: f.path,
        line: 1,
        message:
          f.change === 'create'
            ? `${f.path} is missing: dg and compose do not see the pipelines`
            : `${f.path} is stale: it does not match pipelines/*/`,
      }));
  },
};
