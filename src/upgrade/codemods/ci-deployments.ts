// Why: CI's per-deployment `dg check defs` (the test job of .github/workflows/pipelines.yaml) loops
// over the deployments platform.yaml had when the platform was made. After a deployment is added,
// renamed or removed, CI checked a deployment that no longer exists (every pipeline failed with
// UnknownDeploymentError) or never checked the new one. `pipeline upgrade`, which renders every
// pipeline's conventions.py from the new platform.yaml, writes the new list there too.
//
// It is not a conventions version: it runs whenever the loop lists other deployments than
// platform.yaml. Only the loop the template writes is changed, on its own line (a shell line in a
// YAML block, like the Dockerfile's pins: changed line by line, the rest byte for byte).

import type { PlatformConfig } from '../../conventions/platform-config.ts';
import { FileTree } from '../../tree/file-tree.ts';
import type { AnyVersionStep } from '../types.ts';

export const CI_DEPLOYMENTS = { id: 'ci-deployments' } as const;
export const CI_WORKFLOW = '.github/workflows/pipelines.yaml';
/** The loop the workflow template writes (templates/platform/repo/.github/workflows/pipelines.yaml.hbs). */
const LOOP = /^(\s*for deployment in )([a-z0-9_ ]*)(; do\s*)$/;

/** The workflow's deployment loops that list other deployments than platform.yaml: line (1-based), listed, and the line as it should be. */
export function staleDeploymentLoops(
  text: string,
  platform: PlatformConfig,
): { line: number; listed: string[]; fixed: string }[] {
  const wanted = platform.deployments.map((d) => d.name);
  return text.split('\n').flatMap((line, at) => {
    const loop = LOOP.exec(line);
    if (!loop) return [];
    const listed = loop[2]!.split(' ').filter(Boolean);
    if (listed.join(' ') === wanted.join(' ')) return [];
    return [{ line: at + 1, listed, fixed: `${loop[1]}${wanted.join(' ')}${loop[3]}` }];
  });
}

/** The step, planned in memory; null when CI's loop already lists platform.yaml's deployments (or there is none). */
export function planCiDeployments(root: string, platform: PlatformConfig): AnyVersionStep | null {
  const tree = new FileTree(root);
  const text = tree.read(CI_WORKFLOW);
  if (text === undefined) return null;
  const stale = staleDeploymentLoops(text, platform);
  if (stale.length === 0) return null;
  const lines = text.split('\n');
  for (const { line, fixed } of stale) lines[line - 1] = fixed;
  tree.write(CI_WORKFLOW, lines.join('\n'));
  const names = platform.deployments.map((d) => d.name).join(' ');
  return {
    id: CI_DEPLOYMENTS.id,
    tree,
    todos: [],
    summary: (written) =>
      `\nplatform: ${CI_DEPLOYMENTS.id}: ${CI_WORKFLOW} ${written ? 'checks' : 'would check'} platform.yaml's deployments (${names})`,
    message: `chore(upgrade): CI checks platform.yaml's deployments\n\nplatform.yaml's deployments changed.\nMade by pipeline upgrade.`,
  };
}
