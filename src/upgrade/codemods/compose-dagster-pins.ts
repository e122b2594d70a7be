// Why: the compose deployment's webserver and daemon run the Dagster release platform.yaml names
// (deployments/compose/Dockerfile pins it, and Dagster's libraries). After dagster_version moves,
// the pipelines' pins move with `pipeline upgrade` (its platform-yaml step); this image must too, or
// the webserver and the code servers run different releases.
//
// It is not a conventions version: it runs whenever a pin of that Dockerfile is exactly what an
// earlier platform.yaml's dagster_version gave it; a pin the team chose stays.

import type { PlatformConfig } from '../../conventions/platform-config.ts';
import { FileTree } from '../../tree/file-tree.ts';
import { movePlatformPins } from '../pins.ts';
import type { AnyVersionStep } from '../types.ts';

export const COMPOSE_DAGSTER_PINS = { id: 'compose-dagster-pins' } as const;
const DOCKERFILE = 'deployments/compose/Dockerfile';

/** The step, planned in memory; null when the image pins no release an earlier platform.yaml set. */
export function planComposeDagsterPins(root: string, platform: PlatformConfig): AnyVersionStep | null {
  const tree = new FileTree(root);
  const text = tree.read(DOCKERFILE);
  if (text === undefined) return null;
  const moved = movePlatformPins(text, 'Dockerfile', platform, root);
  if (moved === undefined) return null;
  tree.write(DOCKERFILE, moved);
  return {
    id: COMPOSE_DAGSTER_PINS.id,
    tree,
    todos: [],
    summary: (written) =>
      `\nplatform: ${COMPOSE_DAGSTER_PINS.id}: ${DOCKERFILE} ${written ? 'pins' : 'would pin'} Dagster ${platform.dagsterVersion} (the webserver's and daemon's image)`,
    message: `chore(upgrade): the compose image runs Dagster ${platform.dagsterVersion}\n\nplatform.yaml's dagster_version moved.\nMade by pipeline upgrade.`,
  };
}
