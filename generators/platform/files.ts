// The files of a new platform repo: the conventions (platform.yaml), one Dagster instance per
// deployment, compose's platform services, CI, README, .gitignore and a package.json pinning this CLI.

import type { PlatformConfig } from '../../src/conventions/platform-config.ts';
import { dagsterLibrariesVersion, RUFF_VERSION } from '../../src/conventions/version.ts';
import { cliVersion } from '../../src/paths.ts';
import { type RenderedFile, renderFolders } from '../../src/render/templates.ts';

export const composeNetwork = (platform: PlatformConfig) => `${platform.name}-dagster`;

function platformData(platform: PlatformConfig) {
  return {
    ...platform,
    dagsterLibrariesVersion: dagsterLibrariesVersion(platform.dagsterVersion),
    network: composeNetwork(platform),
    cliVersion: cliVersion(),
    ruffVersion: RUFF_VERSION,
  };
}

/** deployments/<name>/dagster.yaml for each deployment. Also used by `pipeline check` to spot drift. */
export function instanceFiles(platform: PlatformConfig): RenderedFile[] {
  return platform.deployments.flatMap((deployment) =>
    renderFolders(['platform/instance'], {
      ...platformData(platform),
      deployment,
      objectStore: deployment.modes.some((m) => m === 'dev' || m === 'prod'),
    }).map((file) => ({
      path: `deployments/${deployment.name}/${file.path}`,
      content: file.content,
    })),
  );
}

/** The files of a new platform repo, without pipelines (the derived files are `pipeline sync`'s, see derived.ts). */
export function platformFiles(platform: PlatformConfig): RenderedFile[] {
  return [...renderFolders(['platform/repo'], platformData(platform)), ...instanceFiles(platform)];
}
