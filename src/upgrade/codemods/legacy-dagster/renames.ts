// Names that were only renamed: identifiers (SolidExecutionContext -> OpExecutionContext, ...),
// context attributes (context.solid_config -> context.op_config, ...) and the "solids" run-config
// key ("ops"). A rename needs no judgment, so it is made wherever the name is used.
//
// Before:                                       After:
//   def f(context: SolidExecutionContext):        def f(context: OpExecutionContext):
//       n = context.solid_config["n"]                 n = context.op_config["n"]
//       context.log.info(context.solid.name)          context.log.info(context.op.name)
//       return {"solids": {"f": {}}}                  return {"ops": {"f": {}}}
import type { Edit, SgNode } from '@ast-grep/napi';
import type { ModuleRewrite } from './module.ts';
import { keywordArgs } from './python-text.ts';

export const RENAMED_NAMES: Record<string, string> = {
  SolidExecutionContext: 'OpExecutionContext',
  SystemComputeExecutionContext: 'OpExecutionContext',
  build_solid_context: 'build_op_context',
  PipelineRun: 'DagsterRun',
  PipelineRunStatus: 'DagsterRunStatus',
  PipelineRunsFilter: 'RunsFilter',
  pipeline_failure_sensor: 'run_failure_sensor',
  PipelineFailureSensorContext: 'RunFailureSensorContext',
  EventMetadata: 'MetadataValue',
  ScheduleExecutionContext: 'ScheduleEvaluationContext',
  SensorExecutionContext: 'SensorEvaluationContext',
};

/**
 * Attributes renamed on an object whose last name says what it is, the first matching row
 * winning (an event is no context): `object` tests that name, `renames` maps old to new.
 */
const ATTRIBUTE_RENAMES: { object: RegExp; renames: Record<string, string> }[] = [
  // A DagsterEvent's.
  {
    object: /event|evt/i,
    renames: {
      solid_name: 'node_name',
      solid_handle: 'node_handle',
      is_pipeline_failure: 'is_job_failure',
      is_pipeline_success: 'is_job_success',
      is_pipeline_event: 'is_job_event',
      pipeline_failure_data: 'job_failure_data',
    },
  },
  // Only a pipeline (now a job) has these: on any object.
  {
    object: /^/,
    renames: { get_pipeline_snapshot: 'get_job_snapshot', get_pipeline_snapshot_id: 'get_job_snapshot_id' },
  },
  // An execution result's.
  { object: /result/i, renames: { event_list: 'all_events', events_for_solid: 'events_for_node' } },
  // A context's (a name containing "context", `ctx`, `_`); HookContext's solid_exception and solid_output_values.
  {
    object: /context|^ctx$|^_$/i,
    renames: {
      solid: 'op',
      solid_config: 'op_config',
      pipeline_run: 'dagster_run',
      pipeline_name: 'job_name',
      solid_def: 'op_def',
      solid_handle: 'op_handle',
      pipeline_def: 'job_def',
      solid_exception: 'op_exception',
      solid_output_values: 'op_output_values',
    },
  },
  // A run's, an event's or a record's pipeline_name is its job_name too (DagsterRun, EventLogEntry).
  { object: /run|event|entry|record/i, renames: { pipeline_name: 'job_name' } },
];
const RENAMED_ATTRIBUTES = [...new Set(ATTRIBUTE_RENAMES.flatMap((row) => Object.keys(row.renames)))];

/** A keyword, its new name, and the callees (a regex) it is renamed in. */
const RENAMED_KEYWORDS: [string, string, string][] = [
  ['solid_config', 'op_config', '(^|\\.)build_(solid|op)_context$'],
  ['pipeline_run_status', 'run_status', '(^|\\.)run_status_sensor$'],
  // 0.14's asset namespace= (key_prefix= since 0.15), and a run status sensor's job to request.
  ['namespace', 'key_prefix', '(^|\\.)(asset|AssetIn|multi_asset|AssetOut)$'],
  ['run_request_job', 'request_job', '(^|\\.)(run_status_sensor|run_failure_sensor)$'],
  ['run_request_jobs', 'request_jobs', '(^|\\.)(run_status_sensor|run_failure_sensor)$'],
  // 0.7's config_field= (config_schema= since 0.9)
  [
    'config_field',
    'config_schema',
    '(^|\\.)(solid|lambda_solid|composite_solid|op|graph|resource|ResourceDefinition|logger|LoggerDefinition|SolidDefinition|OpDefinition|executor|ExecutorDefinition|dagster_type_loader|io_manager|IOManagerDefinition)$',
  ],
];

const SOLIDS_KEY = /["']solids["']/;

/** Whether `text` mentions anything renameEdits renames (without parsing it). */
export function mayRename(text: string): boolean {
  const mentioned = (n: string) => text.includes(n);
  return (
    Object.keys(RENAMED_NAMES).some(mentioned) ||
    RENAMED_ATTRIBUTES.some(mentioned) ||
    RENAMED_KEYWORDS.some(([keyword]) => mentioned(keyword)) ||
    SOLIDS_KEY.test(text) ||
    /multi_asset/.test(text)
  );
}

export function renameEdits(r: ModuleRewrite): Edit[] {
  const edits: Edit[] = [];
  const text = r.source;
  const names = Object.keys(RENAMED_NAMES).filter((n) => text.includes(n));
  if (names.length) {
    for (const id of r.root.findAll({ rule: { kind: 'identifier', regex: `^(${names.join('|')})$` } })) {
      const parent = id.parent();
      if (
        parent?.kind() === 'attribute' &&
        parent.field('attribute')?.range().start.index === id.range().start.index &&
        !/^(dagster|dg)$/.test(parent.field('object')!.text())
      )
        continue;
      if (parent?.kind() === 'keyword_argument' && parent.field('name')?.range().start.index === id.range().start.index)
        continue;
      if (id.inside({ rule: { kind: 'import_from_statement' }, stopBy: 'end' } as never)) continue; // the import pass renames there
      edits.push(id.replace(RENAMED_NAMES[id.text()]!));
    }
  }
  // A string annotation naming one (`context: "SolidExecutionContext"`): @op resolves it when the
  // function is defined, so it becomes the new name itself, which the module then imports.
  // One inside a longer annotation (`"Optional[PipelineRun]"`, `"dagster.PipelineRun"`) is renamed in the string.
  if (names.length)
    for (const str of r.root.findAll({
      rule: { kind: 'string', regex: `\\b(${names.join('|')})\\b`, inside: { kind: 'type', stopBy: 'end' } },
    } as never)) {
      const whole = RENAMED_NAMES[str.text().slice(1, -1)];
      edits.push(
        str.replace(
          whole
            ? `${r.ns}${whole}`
            : str.text().replace(new RegExp(`\\b(${names.join('|')})\\b`, 'g'), (n) => RENAMED_NAMES[n]!),
        ),
      );
    }
  const attributes = RENAMED_ATTRIBUTES.filter((n) => text.includes(n));
  if (attributes.length) {
    for (const attr of r.root.findAll({
      rule: { kind: 'attribute', has: { field: 'attribute', regex: `^(${attributes.join('|')})$` } },
    })) {
      const last = attr.field('object')!.text().split('.').at(-1)!;
      const name = attr.field('attribute')!.text();
      const to = ATTRIBUTE_RENAMES.find((row) => row.renames[name] && row.object.test(last))?.renames[name];
      if (to) edits.push(attr.field('attribute')!.replace(to));
    }
  }
  // Keywords renamed with their function: build_op_context(op_config=...), run_status_sensor(run_status=...).
  for (const [keyword, to, callee] of RENAMED_KEYWORDS) {
    if (!text.includes(keyword)) continue;
    for (const kw of keywordArgs(r.root, `^${keyword}$`, callee)) edits.push(kw.field('name')!.replace(to));
  }
  // 0.14's @multi_asset(outs={"a": Out(asset_key=...)}): AssetOut(key=...) since 0.15.
  if (/multi_asset/.test(text))
    for (const call of r.root.findAll({
      rule: {
        kind: 'call',
        has: { field: 'function', regex: '(^|\\.)Out$' },
        inside: {
          kind: 'pair',
          inside: {
            kind: 'dictionary',
            inside: {
              kind: 'keyword_argument',
              has: { field: 'name', regex: '^outs$' },
              inside: {
                kind: 'argument_list',
                inside: { kind: 'call', has: { field: 'function', regex: '(^|\\.)multi_asset$' } },
              },
            },
          },
        },
      },
    })) {
      const fn = call.field('function')!;
      edits.push(fn.replace(fn.text().replace(/Out$/, 'AssetOut')));
      // AssetOut's first parameter is key_prefix: Out's positional ones are named by their place.
      const OUT_ORDER = ['dagster_type', 'description', 'is_required', 'io_manager_key', 'metadata'];
      let place = 0;
      for (const arg of call
        .field('arguments')
        ?.children()
        .filter((c) => c.isNamed() && c.kind() !== 'comment') ?? [])
        if (arg.kind() === 'keyword_argument') {
          if (arg.field('name')!.text() === 'asset_key') edits.push(arg.field('name')!.replace('key'));
        } else if (OUT_ORDER[place]) edits.push(arg.replace(`${OUT_ORDER[place++]}=${arg.text()}`));
    }
  if (SOLIDS_KEY.test(text)) {
    // A run config's key, where it is written (a dict's key) and where it is read or set
    // (`config["solids"][...]`): renamed in one place only, the other raises KeyError. Not a key
    // whose value is plain data (`{"solids": 3}`), nor one read from what a file gave at run time
    // (the file keeps `solids:`: a TODO).
    for (const key of r.root.findAll({
      rule: {
        kind: 'string',
        regex: '^[uU]?["\']solids["\']$',
        any: [{ inside: { kind: 'pair', field: 'key' } }, { inside: { kind: 'subscript', field: 'subscript' } }],
      },
    })) {
      const parent = key.parent()!;
      if (parent.kind() === 'pair' && DATA.has(String(parent.field('value')?.kind()))) continue;
      const loaded = parent.kind() === 'subscript' && readFromFile(parent.field('value')!);
      if (loaded)
        r.todos.add(
          parent,
          `${loaded}(...)["solids"]`,
          'run config read from a file at run time keeps its solids: key; rename it ops: in that file, then "solids" here to "ops"',
        );
      else edits.push(key.replace('"ops"'));
    }
  }
  return edits;
}

/** Values that are data, not a run config's op entries (a dict, or a name or call that gives one). */
const DATA = new Set([
  'integer',
  'float',
  'string',
  'concatenated_string',
  'true',
  'false',
  'none',
  'list',
  'tuple',
  'set',
  'list_comprehension',
  'set_comprehension',
]);

/** Calls that read a file's (or a string's) data: YAML, JSON, TOML and Dagster's own YAML loaders. */
const LOADER =
  /(^|\.)(safe_load|full_load|unsafe_load|load|loads|load_yaml_from_path|load_yaml_from_globs|load_yaml_from_glob_list)$/;

/**
 * The loader `node` (what a subscript reads from) comes from: a loader's call itself, or a name
 * assigned one in the function (or module) around it, as in `config = yaml.safe_load(f)`.
 */
function readFromFile(node: SgNode): string | undefined {
  let base = node;
  while (base.kind() === 'subscript') base = base.field('value')!;
  const loaderOf = (call: SgNode | null | undefined) => {
    const callee = call?.kind() === 'call' ? call.field('function')!.text() : '';
    return LOADER.test(callee) ? callee : undefined;
  };
  if (base.kind() === 'call') return loaderOf(base);
  if (base.kind() !== 'identifier') return undefined;
  let scope: SgNode | null = base.parent();
  while (scope && !['function_definition', 'module'].includes(String(scope.kind()))) scope = scope.parent();
  if (!scope) return undefined;
  for (const assignment of scope.findAll({
    rule: { kind: 'assignment', has: { field: 'left', regex: `^${base.text()}$` } },
  })) {
    const found = loaderOf(assignment.field('right'));
    if (found) return found;
  }
  return undefined;
}
