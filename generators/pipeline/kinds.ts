// The pipeline templates ("kinds"), one per person in PLATFORM.md. Each names its folder under
// templates/pipeline/, its graphs, what its presets configure, and its schedule and sensor slots.
// Everything else (modes, presets, the deployment filter, tests of both) is shared.
import type { Mode } from '../../src/conventions/platform-config.ts';

export type KindId = 'transform' | 'ml' | 'ingest';

export interface ScheduleSlot {
  /** Appended to the pipeline name: `orders` + `_train`. */
  suffix: string;
  graph: string;
  /** Cron used when the slot is not the one `--schedule` sets. */
  fixedCron?: string;
}

export interface SensorSlot {
  suffix: string;
  graph: string;
  evaluation: string;
  intervalSeconds: number;
}

export interface PipelineKind {
  id: KindId;
  title: string;
  /** Who it is for, shown in the template prompt and --help. */
  summary: string;
  defaultDescription: (name: string) => string;
  /** Graph roles to Dagster graph names. */
  graphs: (name: string) => Record<string, string>;
  /** Extra Python requirements beyond dagster. */
  dependencies: string[];
  /** Run config per graph for a preset of `mode`. */
  runConfig: (name: string, mode: Mode) => Record<string, object>;
  /** Default for --schedule ('' means no schedule unless asked). */
  defaultSchedule: string;
  schedules: ScheduleSlot[];
  sensors: SensorSlot[];
  /** A module of the template that adds Definitions (the ML SLA), or null. */
  extraDefinitions: string | null;
}

/**
 * Python requirements of the shared modules, whatever the template: the dev and prod modes' S3Store
 * (storage.py) imports boto3; 1.28 is the first release that reads AWS_ENDPOINT_URL.
 */
export const SHARED_DEPENDENCIES = ['boto3>=1.28'];

export const KINDS: Record<KindId, PipelineKind> = {
  transform: {
    id: 'transform',
    title: 'Python transform',
    summary: 'a Python transform of a warehouse table, on a schedule (for analysts)',
    defaultDescription: (name) => `Daily transform ${name}: revenue of completed orders per day.`,
    graphs: (name) => ({ main: name }),
    dependencies: [],
    runConfig: (name, mode) => ({
      [name]: { ops: { load_source: { config: { table: 'raw/orders.csv', limit: mode === 'local' ? 1000 : 0 } } } },
    }),
    defaultSchedule: '0 6 * * *',
    schedules: [{ suffix: '_daily', graph: 'main' }],
    sensors: [],
    extraDefinitions: null,
  },
  ml: {
    id: 'ml',
    title: 'ML model',
    summary: 'an ML model with train and score jobs, its own dependencies and a freshness SLA (for data scientists)',
    defaultDescription: (name) => `ML model ${name}: trains weekly, scores daily, predictions fresh within the SLA.`,
    graphs: (name) => ({ train: `${name}_train`, score: `${name}_score` }),
    dependencies: ['scikit-learn>=1.5'],
    runConfig: (name) => ({
      [`${name}_train`]: { ops: { train_model: { config: { table: 'features/training.csv' } } } },
      [`${name}_score`]: { ops: { score_rows: { config: { table: 'features/scoring.csv' } } } },
    }),
    defaultSchedule: '0 5 * * *',
    schedules: [
      { suffix: '_train', graph: 'train', fixedCron: '0 3 * * 1' },
      { suffix: '_score', graph: 'score' },
    ],
    sensors: [],
    extraDefinitions: 'sla',
  },
  ingest: {
    id: 'ingest',
    title: 'Event-driven ingestion',
    summary: 'an event-driven ingestion that a sensor starts for each landed file (for engineers)',
    defaultDescription: (name) => `Ingestion ${name}: one run per file that lands under landing/.`,
    graphs: (name) => ({ main: name }),
    dependencies: [],
    runConfig: (name) => ({ [name]: { ops: { ingest_files: { config: { paths: [] } } } } }),
    defaultSchedule: '',
    schedules: [{ suffix: '_catchup', graph: 'main' }],
    sensors: [{ suffix: '_landing', graph: 'main', evaluation: 'new_landing_files', intervalSeconds: 60 }],
    extraDefinitions: null,
  },
};

export const KIND_IDS = Object.keys(KINDS) as KindId[];
