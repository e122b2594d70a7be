// Why: every deployment of platform.yaml runs its Dagster webserver and daemon with the instance
// config in deployments/<name>/dagster.yaml (storage, run launcher, run coordinator), rendered from
// platform.yaml when the platform was made. After a deployment was added or renamed, nothing wrote
// its file: the new deployment had no instance config, and the renamed one's old folder stayed,
// rendered for a deployment that no longer exists. `pipeline upgrade` now writes what is missing,
// renders again a file an earlier platform.yaml rendered (its launcher or daemon changed), and
// removes the file of a deployment platform.yaml no longer has, when it is as an earlier
// platform.yaml rendered it (one edited by hand stays, with a TODO).
//
// It is not a conventions version: it runs whenever the files differ from platform.yaml's.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { COMPOSE_BASE } from '../../../generators/platform/derived.ts';
import { instanceFiles } from '../../../generators/platform/files.ts';
import type { PlatformConfig } from '../../conventions/platform-config.ts';
import { pastPlatforms } from '../../conventions/platform-history.ts';
import { FileTree } from '../../tree/file-tree.ts';
import type { AnyVersionStep } from '../types.ts';

export const DEPLOYMENT_INSTANCES = { id: 'deployment-instances' } as const;
const DEPLOYMENTS_DIR = 'deployments';
const INSTANCE = 'dagster.yaml';

export const instancePath = (deployment: string): string => `${DEPLOYMENTS_DIR}/${deployment}/${INSTANCE}`;

/** The deployments that have a deployments/<name>/dagster.yaml on disk. */
export function instanceFolders(root: string): string[] {
  const dir = join(root, DEPLOYMENTS_DIR);
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(dir, e.name, INSTANCE)))
    .map((e) => e.name)
    .sort();
}

/**
 * The instance folders read by their path whatever platform.yaml says, so never a renamed
 * deployment's leftovers: the compose files mount deployments/compose/ (its Dockerfile, workspace
 * and dagster.yaml), and `pipeline sandbox` copies deployments/sandbox/dagster.yaml.
 */
function readByPath(root: string): (deployment: string) => boolean {
  const composePath = join(root, COMPOSE_BASE);
  const compose = existsSync(composePath) ? readFileSync(composePath, 'utf8') : '';
  return (deployment) => deployment === 'sandbox' || compose.includes(`deployments/${deployment}/`);
}

/**
 * The deployments of platform.yaml without an instance file, and the instance files of deployments
 * it no longer has (those read by path aside).
 */
export function instanceDrift(root: string, platform: PlatformConfig): { missing: string[]; gone: string[] } {
  const wanted = platform.deployments.map((d) => d.name);
  const present = instanceFolders(root);
  const used = readByPath(root);
  return {
    missing: wanted.filter((d) => !present.includes(d)),
    gone: present.filter((d) => !wanted.includes(d) && !used(d)),
  };
}

/** Every rendering of an instance file by an earlier platform.yaml on HEAD's history (path -> texts). */
function pastRenderings(root: string): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const past of pastPlatforms(root))
    for (const file of instanceFiles(past.config)) {
      if (!out.has(file.path)) out.set(file.path, new Set());
      out.get(file.path)!.add(file.content);
    }
  return out;
}

/** The step, planned in memory; null when every deployment's instance file is platform.yaml's. */
export function planDeploymentInstances(root: string, platform: PlatformConfig): AnyVersionStep | null {
  const tree = new FileTree(root);
  const today = instanceFiles(platform);
  const { gone } = instanceDrift(root, platform);
  const differing = today.filter((f) => tree.read(f.path) !== f.content);
  if (differing.length === 0 && gone.length === 0) return null;
  // The history is read only when a file differs (most upgrades find every file as it should be).
  let past: Map<string, Set<string>> | undefined;
  const earlier = (path: string, text: string) => (past ??= pastRenderings(root)).get(path)?.has(text) ?? false;
  const written: string[] = [];
  const todos: string[] = [];
  const remove: string[] = [];
  for (const file of differing) {
    const text = tree.read(file.path);
    if (text === undefined || earlier(file.path, text)) {
      tree.write(file.path, file.content);
      written.push(file.path);
    }
    // Edited by hand, or rendered by an earlier release's template: kept, with what to do.
    else
      todos.push(
        `${file.path} is not what platform.yaml renders, nor what an earlier platform.yaml rendered (edited by hand, or by an earlier release): it was kept; move a change of yours into platform.yaml, then delete the file and run npx pipeline upgrade to render it`,
      );
  }
  for (const deployment of gone) {
    const path = instancePath(deployment);
    if (earlier(path, tree.read(path)!)) remove.push(path);
    else
      todos.push(
        `${path} is for ${deployment}, which platform.yaml no longer has (renamed or removed?), and is not what an earlier platform.yaml rendered (edited by hand?): it was kept; remove deployments/${deployment}/ once nothing runs there`,
      );
  }
  if (written.length === 0 && remove.length === 0 && todos.length === 0) return null;
  return {
    id: DEPLOYMENT_INSTANCES.id,
    tree,
    remove,
    todos,
    summary: (done) =>
      [
        `\nplatform: ${DEPLOYMENT_INSTANCES.id}: ${
          [
            ...(written.length
              ? [`${written.join(', ')} ${done ? 'rendered' : 'would be rendered'} from platform.yaml`]
              : []),
            ...(remove.length
              ? [`${remove.join(', ')} ${done ? 'removed' : 'would be removed'} (no such deployment in platform.yaml)`]
              : []),
          ].join('; ') || 'every instance file left as it is'
        }`,
        ...todos.map((t) => `  TODO: ${t}`),
      ].join('\n'),
    message:
      "chore(upgrade): each deployment's Dagster instance follows platform.yaml\n\nplatform.yaml's deployments changed.\nMade by pipeline upgrade.",
  };
}
