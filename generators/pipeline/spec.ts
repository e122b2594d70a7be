// From answers to the full description of a pipeline: its presets, jobs, schedules and sensors,
// and what each deployment may load. The templates render this; tests compare it with what
// Dagster actually loads.

import { MODES, type Mode, type PlatformConfig } from '../../src/conventions/platform-config.ts';
import { CONVENTIONS_VERSION, dagsterLibrariesVersion } from '../../src/conventions/version.ts';
import { cliVersion } from '../../src/paths.ts';
import { oneLine } from '../../src/render/literals.ts';
import { KINDS, type KindId, SHARED_DEPENDENCIES } from './kinds.ts';

export interface PipelineAnswers {
  name: string;
  template: KindId;
  description: string;
  owner: string;
  /** Cron for the pipeline's main schedule; '' for none. */
  schedule: string;
  timezone: string;
  /** The deployments the pipeline is released to. */
  deployments: string[];
  /** ML only: how old predictions may get before the freshness check fails. */
  slaHours: number;
  /** Modes of the platform's own added with `pipeline add mode`: name -> the built-in mode its resources are like. */
  modes?: Record<string, ModeLike>;
}

/** The built-in modes a platform's own mode may take its resources from. */
export const MODE_LIKES = ['local', 'dev', 'prod'] as const;
export type ModeLike = (typeof MODE_LIKES)[number];

const isKindId = (value: unknown): value is KindId => typeof value === 'string' && value in KINDS;

/** The answers a pipeline recorded (.pipeline-answers.yaml, parsed), completed as the generator would. */
export function answersFromRecord(a: Record<string, unknown>, name: string, platform: PlatformConfig): PipelineAnswers {
  if (!isKindId(a.template))
    throw new Error(`template ${JSON.stringify(a.template)} is not one of ${Object.keys(KINDS).join(', ')}`);
  const modes =
    a.modes !== null && typeof a.modes === 'object' && !Array.isArray(a.modes)
      ? Object.fromEntries(Object.entries(a.modes).map(([k, v]) => [k, String(v) as ModeLike]))
      : undefined;
  return {
    name: String(a.name ?? name),
    template: a.template,
    description: String(a.description ?? ''),
    owner: String(a.owner ?? ''),
    schedule: String(a.schedule ?? ''),
    timezone: String(a.timezone ?? platform.defaultTimezone),
    deployments: Array.isArray(a.deployments) ? a.deployments.map(String) : platform.deployments.map((d) => d.name),
    slaHours: Number(a.sla_hours ?? 26),
    ...(modes && Object.keys(modes).length ? { modes } : {}),
  };
}

export interface PresetSpec {
  name: string;
  mode: Mode;
  description: string;
  runConfig: Record<string, object>;
}

export interface TriggerSpec {
  name: string;
  graph: string;
  preset: string;
  deployments: string[];
}
export interface ScheduleSpec extends TriggerSpec {
  cron: string;
  timezone: string;
}
export interface SensorSpec extends TriggerSpec {
  evaluation: string;
  intervalSeconds: number;
}

export interface PipelineSpec {
  answers: PipelineAnswers;
  graphs: Record<string, string>;
  presets: PresetSpec[];
  schedules: ScheduleSpec[];
  sensors: SensorSpec[];
}

export interface Visible {
  jobs: string[];
  schedules: string[];
  sensors: string[];
}

const PRESET_NAMES: Record<Mode, [string, string]> = {
  local: ['local_sample', 'Bundled sample data and local files; no network, no secrets.'],
  sandbox: ['sandbox', "The sandbox's own lakeFS branch, made from the production ref."],
  dev: ['dev_full', 'All data, in the dev account.'],
  prod: ['prod_full', 'All data, in production.'],
};
/** Daemon deployments run schedules and sensors on real data: the most production-like mode they allow. */
const TRIGGER_MODES: Mode[] = ['prod', 'dev'];

export function presetName(mode: Mode): string {
  return PRESET_NAMES[mode][0];
}

export function buildPipelineSpec(answers: PipelineAnswers, platform: PlatformConfig): PipelineSpec {
  const kind = KINDS[answers.template];
  const graphs = kind.graphs(answers.name);
  const released = platform.deployments.filter((d) => answers.deployments.includes(d.name));
  const modes = MODES.filter((mode) => released.some((d) => d.modes.includes(mode)));
  // (A platform's own modes get no preset here: a pipeline adds one with `pipeline add preset`.)
  const presets = modes.map((mode) => ({
    name: presetName(mode),
    mode,
    description: PRESET_NAMES[mode][1],
    runConfig: kind.runConfig(answers.name, mode),
  }));

  // Group the daemon deployments by the mode their schedules and sensors launch.
  const groups = new Map<Mode, string[]>();
  for (const d of released.filter((d) => d.daemon)) {
    const mode = TRIGGER_MODES.find((m) => d.modes.includes(m));
    if (mode) groups.set(mode, [...(groups.get(mode) ?? []), d.name]);
  }
  const triggers = <T>(suffix: string, graph: string, extra: (mode: Mode) => T) =>
    [...groups].map(([mode, deployments]) => ({
      name: `${answers.name}${suffix}${mode === 'prod' ? '' : `_${mode}`}`,
      graph: graphs[graph]!,
      preset: presetName(mode),
      deployments,
      ...extra(mode),
    }));

  const schedules =
    answers.schedule === ''
      ? []
      : kind.schedules.flatMap((slot) =>
          triggers(slot.suffix, slot.graph, () => ({
            cron: slot.fixedCron ?? answers.schedule,
            timezone: answers.timezone,
          })),
        );
  const sensors = kind.sensors.flatMap((slot) =>
    triggers(slot.suffix, slot.graph, () => ({ evaluation: slot.evaluation, intervalSeconds: slot.intervalSeconds })),
  );
  return { answers, graphs, presets, schedules, sensors };
}

/** What each of the platform's deployments loads of this pipeline: the table in PLATFORM.md, applied. */
/** What visibility() reads of a pipeline: where it is released, its graphs, presets and triggers. */
export interface Declared {
  answers: Pick<PipelineAnswers, 'deployments'>;
  graphs: Record<string, string>;
  presets: Pick<PresetSpec, 'name' | 'mode'>[];
  schedules: TriggerSpec[];
  sensors: TriggerSpec[];
}

export function visibility(spec: Declared, platform: PlatformConfig): Record<string, Visible> {
  const out: Record<string, Visible> = {};
  for (const d of platform.deployments) {
    const released = spec.answers.deployments.includes(d.name);
    const allowed = (preset: string) => released && d.modes.includes(spec.presets.find((p) => p.name === preset)!.mode);
    const triggered = (t: TriggerSpec) => t.deployments.includes(d.name) && allowed(t.preset);
    out[d.name] = {
      jobs: Object.values(spec.graphs)
        .flatMap((g) => spec.presets.filter((p) => allowed(p.name)).map((p) => `${g}_${p.name}`))
        .sort(),
      schedules: spec.schedules
        .filter(triggered)
        .map((s) => s.name)
        .sort(),
      sensors: spec.sensors
        .filter(triggered)
        .map((s) => s.name)
        .sort(),
    };
  }
  return out;
}

/** The data every pipeline template renders with. */
export function renderData(spec: PipelineSpec, platform: PlatformConfig): Record<string, unknown> {
  const { answers } = spec;
  const kind = KINDS[answers.template];
  return {
    pkg: answers.name,
    distribution: answers.name.replace(/_/g, '-'),
    description: answers.description,
    summary: oneLine(answers.description),
    owner: answers.owner,
    template: answers.template,
    cli: { version: cliVersion() },
    conventionsVersion: CONVENTIONS_VERSION,
    platform: {
      deploymentEnvVar: platform.deploymentEnvVar,
      defaultDeployment: platform.defaultDeployment,
      deployments: platform.deployments.map((d) => ({ name: d.name, modes: d.modes })),
      runningByDefaultIn: platform.runningByDefaultIn,
      sandbox: platform.sandbox,
      dagsterVersion: platform.dagsterVersion,
      dagsterLibrariesVersion: dagsterLibrariesVersion(platform.dagsterVersion),
    },
    deployments: answers.deployments,
    graphs: spec.graphs,
    presets: spec.presets,
    schedules: spec.schedules,
    sensors: spec.sensors,
    dependencies: [...SHARED_DEPENDENCIES, ...kind.dependencies],
    features: { extraDefinitions: kind.extraDefinitions },
    slaHours: answers.slaHours,
    extraModes: Object.entries(answers.modes ?? {}).map(([name, like]) => ({
      name,
      like,
      s3: like !== 'local',
      bucketEnv: `PIPELINE_${name.toUpperCase()}_BUCKET`,
    })),
    jobTable: Object.values(spec.graphs).flatMap((g) =>
      spec.presets.map((p) => ({ job: `${g}_${p.name}`, preset: p.name, mode: p.mode })),
    ),
  };
}
