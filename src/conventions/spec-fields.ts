// The fields of the dataclasses a pipeline's deployments.py defines, in order: the same from
// conventions v1 to today (test/unit/check-rules.test.ts compares them with the template). A
// positional argument fills the field at its place, as Python binds it: `Preset("prod_full",
// "prod", "...", {...})` is a preset named prod_full, in prod mode.
export const SPEC_FIELDS: Record<string, readonly string[]> = {
  Preset: ['name', 'mode', 'description', 'run_config'],
  ScheduleSpec: ['name', 'graph', 'preset', 'cron', 'timezone', 'deployments'],
  SensorSpec: ['name', 'graph', 'preset', 'deployments', 'evaluation', 'minimum_interval_seconds'],
};
