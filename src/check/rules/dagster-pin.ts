// A pipeline pinning another Dagster release than the platform: its image and the platform's
// webserver and daemon disagree on the API and the instance schema.
import { dagsterLibrariesVersion } from '../../conventions/version.ts';
import { pyprojectDependencies } from '../model.ts';
import type { PipelineRule, RawFinding } from '../types.ts';

/** Distributions released with dagster's own version number; the other dagster-* libraries follow 0.(minor+16).patch. */
const CORE = new Set([
  'dagster',
  'dagster-webserver',
  'dagster-graphql',
  'dagster-pipes',
  'dagster-shared',
  'dagster-dg-cli',
  'dagster-dg-core',
  'dagster-test',
]);

export const dagsterPin: PipelineRule = {
  id: 'dagster-pin',
  scope: 'pipeline',
  severity: 'error',
  title: "The pipeline's Dagster pin differs from platform.yaml's dagster_version",
  why: 'Every code server runs the Dagster release the platform pins, so the webserver, the daemon and the instance storage agree with it; another release may load, then fail on an API or a schema difference.',
  fix: "pin dagster (and its libraries) to platform.yaml's dagster_version in the pipeline's pyproject.toml",
  check(pipeline, ctx) {
    const text = pipeline.read('pyproject.toml');
    if (text === undefined) return [];
    const findings: RawFinding[] = [];
    for (const dep of pyprojectDependencies(text).all) {
      if (dep.name !== 'dagster' && !dep.name.startsWith('dagster-')) continue;
      const expected = CORE.has(dep.name)
        ? ctx.platform.dagsterVersion
        : dagsterLibrariesVersion(ctx.platform.dagsterVersion);
      const pinned = /==\s*([\w.]+)\s*$/.exec(dep.requirement)?.[1];
      if (pinned === expected) continue;
      findings.push({
        file: `${pipeline.rel}/pyproject.toml`,
        line: dep.line,
        message: pinned
          ? `${dep.name}==${pinned}, but the platform runs ${dep.name}==${expected} (dagster_version ${ctx.platform.dagsterVersion})`
          : `"${dep.requirement}" is not pinned; the platform runs ${dep.name}==${expected}`,
        fix: `pin "${dep.name}==${expected}" in ${pipeline.rel}/pyproject.toml`,
      });
    }
    return findings;
  },
};
