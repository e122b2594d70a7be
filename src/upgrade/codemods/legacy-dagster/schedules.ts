// Schedules and sensors target jobs: pipeline_name= (and mode=) becomes job= the job of that mode
// (job_name= when the pipeline lives in another module). Partitioned schedules (@daily_schedule
// and its siblings) and PartitionSetDefinition get a TODO that says how to rebuild them.
//
// Before:
//   @schedule(cron_schedule="0 2 * * *", pipeline_name="etl", mode="prod")
// After:
//   @schedule(cron_schedule="0 2 * * *", job=etl_prod)
import type { Edit, SgNode } from '@ast-grep/napi';
import { type Facts, importPathFor, jobFor, type Pipeline } from './facts.ts';
import { layoutCall, nodePiece, prefixed } from './format.ts';
import type { ModuleRewrite } from './module.ts';
import { argNamed, callArgs, calleeName, lineIndent, stringValue } from './python-text.ts';

const PARTITIONED = /^(daily|hourly|weekly|monthly)_schedule$/;
const PARTITIONS: Record<string, string> = { daily: 'DailyPartitionsDefinition', hourly: 'HourlyPartitionsDefinition', weekly: 'WeeklyPartitionsDefinition', monthly: 'MonthlyPartitionsDefinition' };

/** A pipeline by its name (or function name), in this module first, then anywhere in the tree. */
function pipelineByName(facts: Facts, module: string, name: string): Pipeline | undefined {
  const all = [...(facts.get(module)?.pipelines.values() ?? []), ...[...facts].filter(([m]) => m !== module).flatMap(([, f]) => [...f.pipelines.values()])];
  return all.find((p) => p.name === name) ?? all.find((p) => p.fn === name);
}

export function scheduleEdits(r: ModuleRewrite, facts: Facts, needed: Map<string, Set<string>>, files: Set<string>): Edit[] {
  const edits: Edit[] = [];
  if (/PartitionSetDefinition/.test(r.source)) {
    for (const call of r.root.findAll({ rule: { kind: 'call', has: { field: 'function', regex: '^(\\w+\\.)?PartitionSetDefinition$' } } })) {
      r.todos.add(call, 'PartitionSetDefinition', 'partition the job instead (to_job(partitions_def=..., config=a partitioned config)) and schedule it with build_schedule_from_partitioned_job');
    }
  }
  if (!/pipeline_name\s*=|_schedule\b/.test(r.source)) return edits;
  for (const decorator of r.root.findAll({ rule: { kind: 'decorator' } })) {
    const expr = decorator.children().find((c) => c.isNamed())!;
    const name = calleeName(expr);
    if (!name || !PARTITIONED.test(name)) continue;
    const translated = partitionedSchedule(r, facts, needed, decorator, expr, name, files);
    if (typeof translated !== 'string') {
      edits.push(...translated);
      continue;
    }
    const cadence = name.split('_')[0]!;
    const start = expr.kind() === 'call' ? argNamed(callArgs(expr), 'start_date')?.value.text() : undefined;
    r.todos.add(decorator, `@${name}`, `${translated}; give the job partitions_def=${PARTITIONS[cadence]}(start_date=${start ?? '...'}) (its config from this function via ${cadence}_partitioned_config) and schedule it with build_schedule_from_partitioned_job(job)`);
  }
  for (const call of r.root.findAll({ rule: { kind: 'call', has: { field: 'arguments', has: { kind: 'keyword_argument', has: { field: 'name', regex: '^pipeline_name$' } } } } })) {
    const callee = calleeName(call);
    if (!callee || PARTITIONED.test(callee) || callee === 'PartitionSetDefinition') continue;
    if (!['schedule', 'sensor', 'ScheduleDefinition', 'SensorDefinition', 'asset_sensor', 'RunRequest'].includes(callee)) {
      r.todos.add(call, `${callee}(pipeline_name=...)`, 'target a job (job= or job_name=) instead of a pipeline');
      continue;
    }
    const args = callArgs(call);
    const pipelineName = stringValue(argNamed(args, 'pipeline_name')!.value);
    const p = pipelineName ? pipelineByName(facts, r.path, pipelineName) : undefined;
    const modeArg = argNamed(args, 'mode');
    const mode = modeArg ? stringValue(modeArg.value) : null;
    if (!p || mode === undefined) {
      r.todos.add(call, `${callee}(pipeline_name=${argNamed(args, 'pipeline_name')!.value.text()})`, `${p ? 'its mode is not a literal' : 'no pipeline of that name was found'}; target its job with job= by hand`);
      continue;
    }
    const job = jobFor(p, null, mode ?? null)!;
    // The job by name when this module defines or imports it, else by its name as a string.
    const imported = [...facts.get(r.path)!.imports].find(([, [module, original]]) => module === p.module && original === p.fn)?.[0];
    if (imported && p.split) {
      if (!needed.has(imported)) needed.set(imported, new Set());
      needed.get(imported)!.add(job.variable);
    }
    let jobRef = p.module === r.path ? job.variable : imported ? (p.split ? job.variable : imported) : undefined;
    if (jobRef === undefined && !r.root.children().some((c) => topLevelName(c) === job.variable)) {
      // Named only by string before: import the job from its module, so this module loads on its own.
      const key = `from:${importPathFor(r.path, p.module, files)}`;
      if (!needed.has(key)) needed.set(key, new Set());
      needed.get(key)!.add(job.variable);
      jobRef = job.variable;
    }
    const local = jobRef !== undefined;
    const indent = lineIndent(r.source, call);
    const solidSelection = argNamed(args, 'solid_selection');
    if (solidSelection) r.todos.add(call, `${callee}(solid_selection=...)`, 'schedules and sensors run whole jobs: make a job with to_job(op_selection=...) and target it');
    const rewritten = args
      .filter((a) => a.name !== 'mode' && a.name !== 'solid_selection')
      .map((a) => (a.name === 'pipeline_name' ? (local ? `job=${jobRef}` : `job_name=${JSON.stringify(job.name)}`) : a.name ? prefixed(`${a.name === 'environment_dict' ? 'run_config' : a.name}=`, nodePiece(a.value, r.source, r.style)) : nodePiece(a.value, r.source, r.style)));
    const decorator = call.parent()?.kind() === 'decorator' ? call.parent()! : null;
    if (decorator) edits.push(decorator.replace(layoutCall(`@${call.field('function')!.text()}`, rewritten, decorator.range().start.column, r.style)));
    else edits.push(call.replace(layoutCall(call.field('function')!.text(), rewritten, indent, r.style, '', call.range().start.column)));
  }
  return edits;
}

const SUPPORTED = new Set(['pipeline_name', 'start_date', 'execution_time', 'execution_timezone', 'execution_day_of_week', 'execution_day_of_month', 'mode', 'name', 'description', 'default_status']);
const OFFSET = /^partition_(days|hours|weeks|months)_offset$/;

/** `time(6, 45)` / `datetime.time(hour=6)` as [hour, minute], or null. */
function timeOf(node: SgNode | undefined): [number, number] | null {
  if (!node) return [0, 0];
  if (node.kind() !== 'call' || calleeName(node) !== 'time') return null;
  const args = callArgs(node);
  const int = (a: { value: SgNode } | undefined) => (a === undefined ? 0 : /^\d+$/.test(a.value.text()) ? Number(a.value.text()) : NaN);
  const [h, m] = [int(argNamed(args, 'hour') ?? args.filter((a) => !a.name)[0]), int(argNamed(args, 'minute') ?? args.filter((a) => !a.name)[1])];
  return Number.isNaN(h) || Number.isNaN(m) || args.some((a) => a.name && !['hour', 'minute'].includes(a.name)) || args.filter((a) => !a.name).length > 2 ? null : [h, m];
}

/**
 * @daily_schedule(pipeline_name=..., start_date=..., execution_time=time(h, m)) def f(date): ...
 * becomes a partitioned config (the same function, given the partition's start and end), the job
 * partitioned by it, and f as build_schedule_from_partitioned_job(that job, at the same time).
 * A reason instead (the caller writes a TODO) when something has no exact equivalent.
 */
function partitionedSchedule(r: ModuleRewrite, facts: Facts, needed: Map<string, Set<string>>, decorator: SgNode, expr: SgNode, name: string, files: Set<string>): Edit[] | string {
  const decorated = decorator.parent()!;
  const fn = decorated.field('definition');
  if (decorated.parent()?.kind() !== 'module' || fn?.kind() !== 'function_definition' || expr.kind() !== 'call') return 'it is not a module-level function';
  if (decorated.children().filter((c) => c.kind() === 'decorator').length !== 1) return 'it has other decorators';
  const args = callArgs(expr);
  const odd = args.find((a) => !a.name || (!SUPPORTED.has(a.name) && !(OFFSET.test(a.name) && a.value.text() === '1')));
  if (odd) return `${odd.name ?? odd.node.text()}${odd.name ? '=' : ''} has no exact equivalent`;
  const cadence = name.split('_')[0]!;
  const pipelineName = stringValue(argNamed(args, 'pipeline_name')?.value);
  const modeArg = argNamed(args, 'mode');
  const mode = modeArg ? stringValue(modeArg.value) : null;
  const at = timeOf(argNamed(args, 'execution_time')?.value);
  const start = argNamed(args, 'start_date');
  const params = fn.field('parameters')!.children().filter((c) => c.isNamed());
  if (!pipelineName || mode === undefined || !at || !start) return 'its pipeline_name, mode, start_date or execution_time is not a literal this codemod can read';
  if (params.length !== 1 || !['identifier', 'typed_parameter'].includes(String(params[0]!.kind()))) return 'its function does not take exactly the date';
  const p = pipelineByName(facts, r.path, pipelineName);
  const job = p && jobFor(p, null, mode ?? null);
  if (!p || !job) return `no pipeline named ${pipelineName} was found`;
  // The job to partition, as this module can name it: defined above, or imported.
  let ref: string | undefined;
  if (p.module === r.path) {
    const defined = r.root.children().find((c) => topLevelName(c) === job.variable);
    if (defined && defined.range().start.index < decorated.range().start.index) ref = job.variable;
  } else {
    const local = [...facts.get(r.path)!.imports].find(([, [module, original]]) => module === p.module && original === p.fn)?.[0];
    if (local && p.split) {
      if (!needed.has(local)) needed.set(local, new Set());
      needed.get(local)!.add(job.variable);
      ref = job.variable;
    } else if (local) ref = local;
    else if (!r.root.children().some((c) => topLevelName(c) === job.variable)) {
      // Named only by string before: import the job from its module.
      const key = `from:${importPathFor(r.path, p.module, files)}`;
      if (!needed.has(key)) needed.set(key, new Set());
      needed.get(key)!.add(job.variable);
      ref = job.variable;
    }
  }
  if (!ref) return `its job ${job.variable} is not defined above it or imported here`;
  const fnName = fn.field('name')!.text();
  const scheduleName = stringValue(argNamed(args, 'name')?.value) ?? fnName;
  const tz = argNamed(args, 'execution_timezone');
  const configArgs = [`start_date=${start.value.text()}`, ...(tz ? [`timezone=${tz.value.text()}`] : [])];
  const when = [
    ...(cadence !== 'hourly' ? [`hour_of_day=${at[0]}`] : []),
    `minute_of_hour=${at[1]}`,
    ...(argNamed(args, 'execution_day_of_week') ? [`day_of_week=${argNamed(args, 'execution_day_of_week')!.value.text()}`] : []),
    ...(argNamed(args, 'execution_day_of_month') ? [`day_of_month=${argNamed(args, 'execution_day_of_month')!.value.text()}`] : []),
  ];
  const rest = args.filter((a) => a.name === 'description' || a.name === 'default_status').map((a) => `${a.name}=${a.value.text()}`);
  const base = `${ref}_${cadence}`;
  const jobVar = r.root.children().some((c) => topLevelName(c) === base) ? `${base}_job` : base;
  const lines = [
    '',
    '',
    '',
    `# The former @${name} ${fnName}: a partitioned job, and its schedule.`,
    layoutCall(`${jobVar} = ${ref}.graph.to_job`, [`name=${JSON.stringify(`${job.name}_${cadence}`)}`, `resource_defs=${ref}.resource_defs`, `config=${fnName}_partitions`], 0, r.style),
    layoutCall(`${fnName} = ${r.ns}build_schedule_from_partitioned_job`, [jobVar, `name=${JSON.stringify(scheduleName)}`, ...when, ...rest], 0, r.style),
  ];
  return [
    decorator.replace(layoutCall(`@${r.ns}${cadence}_partitioned_config`, configArgs, decorator.range().start.column, r.style)),
    fn.field('name')!.replace(`${fnName}_partitions`),
    params[0]!.replace(`${params[0]!.text()}, _end`),
    { startPos: decorated.range().end.index, endPos: decorated.range().end.index, insertedText: lines.join('\n') } as Edit,
  ];
}

function topLevelName(c: SgNode): string | undefined {
  const def = c.kind() === 'decorated_definition' ? c.field('definition') : c;
  if (def?.kind() === 'function_definition' || def?.kind() === 'class_definition') return def.field('name')?.text();
  const left = c.kind() === 'expression_statement' && c.children()[0]?.kind() === 'assignment' ? c.children()[0]!.field('left') : null;
  return left?.kind() === 'identifier' ? left.text() : undefined;
}
