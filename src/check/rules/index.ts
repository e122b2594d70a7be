// Every rule of `pipeline check`, in the order findings are reported.
import type { Rule } from '../types.ts';
import { addedModuleName } from './added-module-name.ts';
import { ciDeployments } from './ci-deployments.ts';
import { composeDeployment } from './compose-deployment.ts';
import { conventionsBehind } from './conventions-behind.ts';
import { dagsterPin } from './dagster-pin.ts';
import { deploymentEnvVar } from './deployment-env-var.ts';
import { deploymentInstances } from './deployment-instances.ts';
import { duplicateName } from './duplicate-name.ts';
import { folderName } from './folder-name.ts';
import { jobOwner } from './job-owner.ts';
import { literalSecret } from './literal-secret.ts';
import { missingDependency } from './missing-dependency.ts';
import { platformOwnedEdited } from './platform-owned-edited.ts';
import { presetMode } from './preset-mode.ts';
import { presetRunConfig } from './preset-run-config.ts';
import { pythonSyntax } from './python-syntax.ts';
import { registrationStale } from './registration-stale.ts';
import { sandboxConfig } from './sandbox-config.ts';
import { scheduleTimezone } from './schedule-timezone.ts';
import { triggerMode } from './trigger-mode.ts';
import { unknownDeployment } from './unknown-deployment.ts';
import { unknownOwner } from './unknown-owner.ts';

export const RULES: Rule[] = [
  conventionsBehind,
  folderName,
  platformOwnedEdited,
  registrationStale,
  deploymentEnvVar,
  composeDeployment,
  ciDeployments,
  deploymentInstances,
  missingDependency,
  scheduleTimezone,
  jobOwner,
  triggerMode,
  duplicateName,
  addedModuleName,
  unknownDeployment,
  unknownOwner,
  presetMode,
  presetRunConfig,
  literalSecret,
  sandboxConfig,
  dagsterPin,
  pythonSyntax,
];
