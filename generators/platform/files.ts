// The files of a new platform repo: the conventions (platform.yaml), one Dagster instance per
// deployment, the workspaces, compose, CI, README, .gitignore and a package.json pinning this CLI.
import { dagsterLibrariesVersion } from '../../src/conventions/version.ts';
import type { PlatformConfig } from '../../src/conventions/platform-config.ts';
import { cliVersion } from '../../src/paths.ts';
import { type RenderedFile, renderFolders } from '../../src/render/templates.ts';

export const composeNetwork = (platform: PlatformConfig) => `${platform.name}-dagster`;

function platformData(platform: PlatformConfig) {
  return {
    ...platform,
    dagsterLibrariesVersion: dagsterLibrariesVersion(platform.dagsterVersion),
    network: composeNetwork(platform),
    cliVersion: cliVersion(),
  };
}

/** deployments/<name>/dagster.yaml for each deployment. Also used by `pipeline check` to spot drift. */
export function instanceFiles(platform: PlatformConfig): RenderedFile[] {
  return platform.deployments.flatMap((deployment) =>
    renderFolders(['platform/instance'], { ...platformData(platform), deployment }).map((file) => ({
      path: `deployments/${deployment.name}/${file.path}`,
      content: file.content,
    })),
  );
}

/** Files that only exist once there is a pipeline to put in them (an empty CI matrix is invalid). */
const WITH_FIRST_PIPELINE = ['.github/workflows/pipelines.yaml'];

/** The files of a new platform repo, without pipelines. */
export function platformFiles(platform: PlatformConfig): RenderedFile[] {
  return [...renderFolders(['platform/repo'], platformData(platform)), ...instanceFiles(platform)].filter((f) => !WITH_FIRST_PIPELINE.includes(f.path));
}

/** One platform file as the templates make it, for files that pipelines register in. */
export function platformFile(platform: PlatformConfig, path: string): string {
  const file = renderFolders(['platform/repo'], platformData(platform)).find((f) => f.path === path);
  if (!file) throw new Error(`no platform template renders ${path}`);
  return file.content;
}
