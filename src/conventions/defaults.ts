import type { PlatformConfig } from './platform-config.ts';
import { CONVENTIONS_VERSION, DAGSTER_VERSION } from './version.ts';

export interface PlatformAnswers {
  name: string;
  timezone: string;
  owners: string[];
  lakefsRepository: string;
  productionRef: string;
}

/** The platform config a new platform repo starts with: the deployments table of PLATFORM.md. */
export function defaultPlatformConfig(answers: PlatformAnswers): PlatformConfig {
  return {
    name: answers.name,
    conventionsVersion: CONVENTIONS_VERSION,
    dagsterVersion: DAGSTER_VERSION,
    deploymentEnvVar: 'PIPELINE_DEPLOYMENT',
    defaultDeployment: 'local',
    defaultTimezone: answers.timezone,
    owners: answers.owners.map((name) => ({ name })),
    deployments: [
      { name: 'local', modes: ['local'], runLauncher: 'default', daemon: false },
      { name: 'compose', modes: ['local', 'dev'], runLauncher: 'docker', daemon: true },
      { name: 'dev', modes: ['local', 'dev'], runLauncher: 'ecs', daemon: true },
      { name: 'prod', modes: ['prod'], runLauncher: 'ecs', daemon: true },
      { name: 'sandbox', modes: ['local', 'sandbox'], runLauncher: 'default', daemon: false },
    ],
    runningByDefaultIn: ['prod'],
    sandbox: {
      backend: 'lakefs',
      repository: answers.lakefsRepository,
      productionRef: answers.productionRef,
      protectedBranches: [answers.productionRef],
      branchPrefix: 'sbx-',
      branchEnvVar: 'PIPELINE_SANDBOX_BRANCH',
    },
  };
}
