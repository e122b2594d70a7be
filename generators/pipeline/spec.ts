// From answers to the full description of a pipeline: its presets, jobs, schedules and sensors,
// and what each deployment may load. The templates render this; tests compare it with what
// Dagster actually loads.
import { CONVENTIONS_VERSION, dagsterLibrariesVersion } from '../../src/conventions/version.ts';
import { MODES, type Mode, type PlatformConfig } from '../../src/conventions/platform-config.ts';
import { oneLine } from '../../src/render/literals.ts';
import { cliVersion } from '../../src/paths.ts';
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

  const schedules = answers.schedule === '' ? [] : kind.schedules.flatMap((slot) => triggers(slot.suffix, slot.graph, () => ({ cron: slot.fixedCron ?? answers.schedule, timezone: answers.timezone })));
  const sensors = kind.sensors.flatMap((slot) => triggers(slot.suffix, slot.graph, () => ({ evaluation: slot.evaluation, intervalSeconds: slot.intervalSeconds })));
  return { answers, graphs, presets, schedules, sensors };
}

/** What each of the platform's deployments loads of this pipeline: the table in PLATFORM.md, applied. */
export function visibility(spec: PipelineSpec, platform: PlatformConfig): Record<string, Visible> {
  const out: Record<string, Visible> = {};
  for (const d of platform.deployments) {
    const released = spec.answers.deployments.includes(d.name);
    const allowed = (preset: string) => released && d.modes.includes(spec.presets.find((p) => p.name === preset)!.mode);
    const triggered = (t: TriggerSpec) => t.deployments.includes(d.name) && allowed(t.preset);
    out[d.name] = {
      jobs: Object.values(spec.graphs).flatMap((g) => spec.presets.filter((p) => allowed(p.name)).map((p) => `${g}_${p.name}`)).sort(),
      schedules: spec.schedules.filter(triggered).map((s) => s.name).sort(),
      sensors: spec.sensors.filter(triggered).map((s) => s.name).sort(),
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
    jobTable: Object.values(spec.graphs).flatMap((g) => spec.presets.map((p) => ({ job: `${g}_${p.name}`, preset: p.name, mode: p.mode }))),
  };
}
