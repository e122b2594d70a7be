// The files of one pipeline: the shared templates, overlaid by its kind's own, plus the recorded
// answers file that `pipeline upgrade` reads.

import type { PlatformConfig } from '../../src/conventions/platform-config.ts';
import { CONVENTIONS_VERSION } from '../../src/conventions/version.ts';
import { cliVersion } from '../../src/paths.ts';
import { yamlDocument } from '../../src/render/literals.ts';
import { type RenderedFile, renderFolders } from '../../src/render/templates.ts';
import { type PipelineSpec, renderData } from './spec.ts';

export const ANSWERS_FILE = '.pipeline-answers.yaml';
/** What settles a merge conflict in a pipeline's answers (said where one stops a command). */
export const ANSWERS_CONFLICT = (file: string): string =>
  `git left conflict markers in it: npx pipeline resolve merges both branches' answers (once staged, git checkout -m -- ${file} brings the conflict back first)`;
/**
 * The packages (in the pipeline's package) of the schedules and sensors `pipeline add` adds, one
 * module each, from conventions v5: two branches that each add one merge without a conflict.
 */
export const ADDED = { schedule: 'added_schedules', sensor: 'added_sensors' } as const;
/**
 * The package of the resources `pipeline add resource` adds (from conventions v5, made on first use
 * with resources.py, which gathers them): one module each, so that two branches that each add one
 * merge without a conflict.
 */
export const ADDED_RESOURCES = 'added_resources';
/**
 * The package of the presets `pipeline add preset` adds to a pipeline of conventions v5 (made on
 * first use; presets.py then gathers them): one module each, so that two branches that each add
 * one merge without a conflict.
 */
export const ADDED_PRESETS = 'added_presets';
/** Likewise the graphs `pipeline add job` adds (each with its op), which jobs.py then gathers. */
export const ADDED_JOBS = 'added_jobs';
/** Every package of modules `pipeline add` writes, one module per thing added. */
export const ADDED_PACKAGES: readonly string[] = [...Object.values(ADDED), ADDED_RESOURCES, ADDED_PRESETS, ADDED_JOBS];
/**
 * Whether `files` (a pipelines/<name>/ folder's, relative to it; none empty) are all modules
 * `pipeline add` wrote: what git merges of a branch that added a schedule (a sensor, a job) to a
 * pipeline another branch deleted. No pipeline, and nothing to migrate.
 */
export const onlyAddedModules = (files: readonly string[], name: string): boolean =>
  files.length > 0 &&
  files.every((path) => path.endsWith('.py') && ADDED_PACKAGES.some((pkg) => path.startsWith(`src/${name}/${pkg}/`)));
/** What a folder of onlyAddedModules is, and what to do about it. */
export const LEFTOVER = {
  what: 'no pipeline: what a merge left of a pipeline another branch deleted',
  fix: (folder: string) =>
    `remove the folder (git rm -r ${folder}), or restore the pipeline (git checkout <its last commit> -- ${folder}) if it should stay`,
};
/** The first conventions version with the ADDED packages. */
export const ADDED_SINCE = 5;

export function answersFile(spec: PipelineSpec, platform: PlatformConfig): RenderedFile {
  const { answers } = spec;
  const recorded = {
    _generator: 'create-pipeline',
    _cli_version: cliVersion(),
    _conventions_version: CONVENTIONS_VERSION,
    name: answers.name,
    template: answers.template,
    description: answers.description,
    owner: answers.owner,
    schedule: answers.schedule,
    timezone: answers.timezone,
    deployments: answers.deployments,
    deployment_env_var: platform.deploymentEnvVar,
    ...(answers.template === 'ml' ? { sla_hours: answers.slaHours } : {}),
    ...(answers.modes && Object.keys(answers.modes).length ? { modes: answers.modes } : {}),
  };
  const header =
    '# Recorded by create-pipeline: the answers this pipeline was generated with, and the platform\n' +
    '# conventions version it follows. `pipeline upgrade` reads and updates it; do not edit by hand.\n';
  return { path: ANSWERS_FILE, content: header + yamlDocument(recorded) };
}

/** Every file of the pipeline, relative to pipelines/<name>/. */
export function pipelineFiles(spec: PipelineSpec, platform: PlatformConfig): RenderedFile[] {
  const data = renderData(spec, platform);
  return [
    ...renderFolders(['pipeline/shared', `pipeline/${spec.answers.template}`], data),
    answersFile(spec, platform),
  ];
}
