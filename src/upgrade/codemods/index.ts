// The codemods this CLI ships, in the order they run (by version, then as listed).
import type { Codemod } from '../codemod.ts';
import { legacyDagster } from './legacy-dagster/index.ts';
import { answersDeploymentEnvVar } from './v2-answers-deployment-env-var.ts';
import { conventionsTag } from './v2-conventions-tag.ts';
import { conventionsVersion, recordConventionsVersion } from './v3-conventions-version.ts';
import { dgProject } from './v3-dg-project.ts';
import { s3Store } from './v3-s3-store.ts';
import { ruffFormat } from './v4-ruff-format.ts';
import { addedModules } from './v5-added-modules.ts';

export const BUILTIN_CODEMODS: Codemod[] = [
  legacyDagster,
  conventionsTag,
  answersDeploymentEnvVar,
  dgProject,
  s3Store,
  conventionsVersion,
  ruffFormat,
  recordConventionsVersion(4),
  addedModules,
  recordConventionsVersion(5),
];
