// The Dagster 0.x names this codemod knows: removed in 1.0 (each with what replaces it, for the
// TODO when a use is left), renamed, and the public names that dagster.core.* imports move to.
import { DAGSTER_EXPORTS } from './dagster-exports.ts';
import { RENAMED_NAMES } from './renames.ts';

/** Dagster's public submodules, which DAGSTER_EXPORTS lists too: not names to import from it. */
const DAGSTER_MODULES = new Set(['components', 'deprecated', 'preview', 'version']);

export const REMOVED: Record<string, string> = {
  solid: 'use @op',
  lambda_solid: 'use @op',
  composite_solid: 'use @graph',
  pipeline: 'use @job, or @graph and to_job per mode',
  ModeDefinition: 'pass its resources as resource_defs= of a job (to_job or @job)',
  PresetDefinition: "pass its run config as a job's config=",
  InputDefinition: 'use ins={"name": In(type)} on @op',
  OutputDefinition: 'use out=Out(type) on @op',
  DynamicOutputDefinition: 'use out=DynamicOut(type) on @op',
  execute_pipeline: 'use job.execute_in_process(...)',
  execute_pipeline_iterator: 'use job.execute_in_process(...)',
  reexecute_pipeline: 'use execute_job(reconstructable(job), instance, reexecution_options=...)',
  execute_solid: 'call the op directly, with build_op_context() for its context',
  execute_solids_within_pipeline: 'use job.execute_in_process(op_selection=...)',
  execute_solid_within_pipeline: 'use job.execute_in_process(op_selection=...)',
  PipelineDefinition: 'use GraphDefinition(...).to_job() or @job',
  SolidDefinition: 'use OpDefinition (ins= and outs= dicts instead of input_defs/output_defs)',
  CompositeSolidDefinition: 'use GraphDefinition',
  SolidInvocation: 'use NodeInvocation',
  PipelineExecutionResult: 'use ExecuteInProcessResult',
  SolidExecutionResult: "use the job result's output_for_node / events_for_node",
  PartitionSetDefinition: 'partition the job (partitions_def=) and use build_schedule_from_partitioned_job',
  PartitionScheduleDefinition: 'use build_schedule_from_partitioned_job',
  daily_schedule: 'partition the job with DailyPartitionsDefinition and use build_schedule_from_partitioned_job',
  hourly_schedule: 'partition the job with HourlyPartitionsDefinition and use build_schedule_from_partitioned_job',
  weekly_schedule: 'partition the job with WeeklyPartitionsDefinition and use build_schedule_from_partitioned_job',
  monthly_schedule: 'partition the job with MonthlyPartitionsDefinition and use build_schedule_from_partitioned_job',
  date_partition_range: 'use a TimeWindowPartitionsDefinition',
  identity_partition_selector: 'use build_schedule_from_partitioned_job',
  create_offset_partition_selector: 'use build_schedule_from_partitioned_job',
  EventMetadataEntry: 'use metadata={"label": MetadataValue.text(...)}',
  default_executors: 'a job has one executor_def (multi_or_in_process_executor by default)',
  Materialization: 'use AssetMaterialization(asset_key=..., metadata=...)',
  ExecutionTargetHandle: 'use reconstructable(job)',
  SystemStorageDefinition: 'use an IO manager (io_manager / fs_io_manager)',
  system_storage: 'use an IO manager (io_manager / fs_io_manager)',
  fs_system_storage: 'use fs_io_manager',
  mem_system_storage: 'use mem_io_manager',
  IntermediateStorageDefinition: 'use an IO manager',
  intermediate_storage: 'use an IO manager',
  fs_intermediate_storage: 'use fs_io_manager',
  AssetGroup: 'use Definitions(assets=...)',
  build_assets_job: 'use define_asset_job',
  dagster_type_materializer: 'use an IO manager',
  DagsterTypeMaterializer: 'use an IO manager',
  root_input_manager: 'use @input_manager',
  schedules: 'list each ScheduleDefinition in Definitions(schedules=[...])',
  SystemCronScheduler: 'the daemon runs schedules; remove the scheduler',
  RootInputManagerDefinition: 'use InputManagerDefinition',
  // 0.10's first name for IO managers (the same handle_output and load_input).
  ObjectManager: 'use IOManager (the same handle_output and load_input)',
  object_manager: 'use @io_manager',
  ObjectManagerDefinition: 'use IOManagerDefinition',
};

/** Names a dagster import may lose when no use is left. */
export const LEGACY = new Set([
  ...Object.keys(REMOVED),
  ...Object.keys(RENAMED_NAMES),
  'repository',
  'RepositoryDefinition',
]);

/** Names the codemod may add to the dagster import when its code uses them. */
export const NEW = [
  'op',
  'job',
  'graph',
  'In',
  'Out',
  'DynamicOut',
  'GraphOut',
  'GraphIn',
  'AssetOut',
  // A mode's executor, written on a job in a module that imported the mode.
  'in_process_executor',
  'multiprocess_executor',
  'Definitions',
  'config_from_files',
  'config_from_pkg_resources',
  'config_from_yaml_strings',
  'MetadataValue',
  'execute_job',
  'DagsterInstance',
  'reconstructable',
  'daily_partitioned_config',
  'hourly_partitioned_config',
  'weekly_partitioned_config',
  'monthly_partitioned_config',
  'build_schedule_from_partitioned_job',
  'PartitionedConfig',
  'StaticPartitionsDefinition',
  'GraphDefinition',
  ...new Set(Object.values(RENAMED_NAMES)),
];

const PUBLIC_NAMES = new Set(
  'DagsterInstance DagsterEventType EventRecordsFilter RunsFilter DagsterRun DagsterRunStatus InitResourceContext OpExecutionContext DagsterType PythonObjectDagsterType TypeCheck Output DynamicOutput AssetKey AssetMaterialization ExpectationResult Failure RetryRequested DagsterEvent EventLogEntry InputContext OutputContext IOManager io_manager fs_io_manager mem_io_manager build_input_context build_output_context DagsterError DagsterInvariantViolationError DagsterExecutionStepExecutionError DagsterTypeCheckDidNotPass check_dagster_type Field Noneable Permissive Selector StringSource IntSource BoolSource Array Enum EnumValue Shape resource ResourceDefinition logger LoggerDefinition multiprocess_executor in_process_executor execute_job reconstructable file_relative_path DagsterLogManager get_dagster_logger HookContext SensorEvaluationContext ScheduleEvaluationContext RunRequest SkipReason DefaultScheduleStatus DefaultSensorStatus TableSchema TableRecord TableColumn MetadataValue build_init_resource_context build_op_context InitLoggerContext usable_as_dagster_type make_python_type_usable_as_dagster_type dagster_type_loader DagsterTypeLoader RetryPolicy Backoff Jitter Nothing ConfigMapping configured ScheduleDefinition SensorDefinition RunFailureSensorContext run_failure_sensor HookDefinition success_hook failure_hook AssetObservation EventLogRecord InputManager input_manager IOManagerDefinition'.split(
    ' ',
  ),
);

/**
 * Public dagster names that legacy code imported from dagster.core.* or dagster.utils: these, and
 * any name Dagster 1.13 exports at its top (`from dagster.core.asset_defs import asset`).
 */
export const PUBLIC: ReadonlySet<string> = new Set([
  ...[...DAGSTER_EXPORTS].filter((n) => !DAGSTER_MODULES.has(n)),
  ...PUBLIC_NAMES,
]);
