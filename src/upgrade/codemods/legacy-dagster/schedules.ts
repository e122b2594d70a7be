// Schedules and sensors target jobs: pipeline_name= (and mode=) becomes job= the job of that mode
// (job_name= when the pipeline lives in another module). Partitioned schedules (@daily_schedule
// and its siblings) become a partitioned config, the job partitioned by it, and
// build_schedule_from_partitioned_job; partition_days_offset=n (and its siblings) becomes
// end_offset=1-n, execution_day_of_week= day_of_week=; weekly and monthly ones get the day_offset
// that keeps 0.x's partitions (stepped from start_date). What has no exact equivalent gets a TODO.
//
// Before:
//   @schedule(cron_schedule="0 2 * * *", pipeline_name="etl", mode="prod")
//   @daily_schedule(pipeline_name="etl", start_date=datetime(2021, 1, 1), partition_days_offset=0)
//   def today(date): ...
// After:
//   @schedule(cron_schedule="0 2 * * *", job=etl_prod)
//   @daily_partitioned_config(start_date=datetime(2021, 1, 1), end_offset=1)
//   def today_partitions(date, _end): ...
//   etl_daily = etl.graph.to_job(name="etl_daily", resource_defs=etl.resource_defs, config=today_partitions)
//   today = build_schedule_from_partitioned_job(etl_daily, name="today", hour_of_day=0, minute_of_hour=0)
import type { Edit, SgNode } from '@ast-grep/napi';
import { type Facts, importPathFor, jobFor, type Pipeline, relativeImportPath } from './facts.ts';
import { layoutCall, nodePiece, prefixed } from './format.ts';
import type { ModuleRewrite } from './module.ts';
import { argNamed, callArgs, calleeName, lineIndent, stringValue, withDecoratorComments } from './python-text.ts';

const PARTITIONED = /^(daily|hourly|weekly|monthly)_schedule$/;
const PARTITIONS: Record<string, string> = {
  daily: 'DailyPartitionsDefinition',
  hourly: 'HourlyPartitionsDefinition',
  weekly: 'WeeklyPartitionsDefinition',
  monthly: 'MonthlyPartitionsDefinition',
};

/** A pipeline by its name (or function name), in this module first, then anywhere in the tree. */
function pipelineByName(facts: Facts, module: string, name: string): Pipeline | undefined {
  const all = [
    ...(facts.get(module)?.pipelines.values() ?? []),
    ...[...facts].filter(([m]) => m !== module).flatMap(([, f]) => [...f.pipelines.values()]),
  ];
  return all.find((p) => p.name === name) ?? all.find((p) => p.fn === name);
}

export function scheduleEdits(
  r: ModuleRewrite,
  facts: Facts,
  needed: Map<string, Set<string>>,
  files: Set<string>,
): Edit[] {
  const edits: Edit[] = [];
  if (!/pipeline_name\s*=|_schedule\b/.test(r.source)) return edits;
  const made = new Set<string>(); // the names of the partitioned jobs made so far
  for (const decorator of r.root.findAll({ rule: { kind: 'decorator' } })) {
    const expr = decorator.children().find((c) => c.isNamed())!;
    const name = calleeName(expr);
    if (!name || !PARTITIONED.test(name)) continue;
    const translated = partitionedSchedule(r, facts, needed, decorator, expr, name, files, made);
    if (typeof translated !== 'string') {
      // Two schedules of one loader: its cache decorator and import once.
      edits.push(
        ...translated.filter(
          (e) =>
            !edits.some((o) => o.startPos === e.startPos && o.endPos === e.endPos && o.insertedText === e.insertedText),
        ),
      );
      continue;
    }
    const cadence = name.split('_')[0]!;
    const start = expr.kind() === 'call' ? argNamed(callArgs(expr), 'start_date')?.value.text() : undefined;
    r.todos.add(
      decorator,
      `@${name}`,
      `${translated}; give the job partitions_def=${PARTITIONS[cadence]}(start_date=${start ?? '...'}) (its config from this function via ${cadence}_partitioned_config) and schedule it with build_schedule_from_partitioned_job(job)`,
    );
  }
  for (const call of r.root.findAll({
    rule: {
      kind: 'call',
      has: { field: 'arguments', has: { kind: 'keyword_argument', has: { field: 'name', regex: '^pipeline_name$' } } },
    },
  })) {
    const callee = calleeName(call);
    if (!callee || PARTITIONED.test(callee) || callee === 'PartitionSetDefinition') continue;
    if (
      !['schedule', 'sensor', 'ScheduleDefinition', 'SensorDefinition', 'asset_sensor', 'RunRequest'].includes(callee)
    ) {
      r.todos.add(
        call,
        `${callee}(pipeline_name=...)`,
        'target a job (job= or job_name=) instead of a pipeline',
        'earlier',
      );
      continue;
    }
    const args = callArgs(call);
    const pipelineName = stringValue(argNamed(args, 'pipeline_name')!.value);
    const p = pipelineName ? pipelineByName(facts, r.path, pipelineName) : undefined;
    const modeArg = argNamed(args, 'mode');
    const mode = modeArg ? stringValue(modeArg.value) : null;
    // A pipeline outside the package, imported here under its name: its module's job keeps that name.
    const byName =
      !p &&
      pipelineName !== undefined &&
      mode === null &&
      r.root
        .children()
        .some(
          (c) =>
            c.range().end.index < call.range().start.index &&
            (topLevelName(c) === pipelineName || importsName(c, pipelineName)),
        );
    if ((!p && !byName) || mode === undefined) {
      r.todos.add(
        call,
        `${callee}(pipeline_name=${argNamed(args, 'pipeline_name')!.value.text()})`,
        `${p ? 'its mode is not a literal' : 'no pipeline of that name was found'}; target its job with job= by hand`,
        'earlier',
      );
      continue;
    }
    const job = p ? jobFor(p, null, mode ?? null) : { name: pipelineName!, variable: pipelineName! };
    if (!job) {
      r.todos.add(
        call,
        `${callee}(mode=${JSON.stringify(mode)})`,
        `mode ${JSON.stringify(mode)} is not one of pipeline ${pipelineName}'s that this codemod found; target its job with job= by hand`,
        'earlier',
      );
      continue;
    }
    const jobRef = p ? pipelineJobRef(r, facts, needed, files, p, job.variable) : pipelineName;
    const local = jobRef !== undefined;
    const indent = lineIndent(r.source, call);
    const solidSelection = argNamed(args, 'solid_selection');
    if (solidSelection)
      r.todos.add(
        call,
        `${callee}(solid_selection=...)`,
        'schedules and sensors run whole jobs: make a job with to_job(op_selection=...) and target it',
      );
    const rewritten = args
      .filter((a) => a.name !== 'mode' && a.name !== 'solid_selection')
      .map((a) =>
        a.name === 'pipeline_name'
          ? local
            ? `job=${jobRef}`
            : `job_name=${JSON.stringify(job.name)}`
          : a.name
            ? prefixed(
                `${a.name === 'environment_dict' ? 'run_config' : a.name}=`,
                nodePiece(a.value, r.source, r.style),
              )
            : nodePiece(a.value, r.source, r.style),
      );
    const decorator = call.parent()?.kind() === 'decorator' ? call.parent()! : null;
    if (decorator)
      edits.push(
        decorator.replace(
          withDecoratorComments(
            decorator,
            layoutCall(`@${call.field('function')!.text()}`, rewritten, decorator.range().start.column, r.style),
          ),
        ),
      );
    else
      edits.push(
        call.replace(
          layoutCall(call.field('function')!.text(), rewritten, indent, r.style, '', call.range().start.column),
        ),
      );
  }
  return edits;
}

/** How this module names a found pipeline's job: defined here, imported (as its job), or imported now. */
function pipelineJobRef(
  r: ModuleRewrite,
  facts: Facts,
  needed: Map<string, Set<string>>,
  files: Set<string>,
  p: Pipeline,
  variable: string,
): string | undefined {
  const imported = [...facts.get(r.path)!.imports].find(
    ([, [module, original]]) => module === p.module && original === p.fn,
  )?.[0];
  if (imported && p.split) {
    if (!needed.has(imported)) needed.set(imported, new Set());
    needed.get(imported)!.add(variable);
  }
  const jobRef = p.module === r.path ? variable : imported ? (p.split ? variable : imported) : undefined;
  if (jobRef !== undefined || r.root.children().some((c) => topLevelName(c) === variable)) return jobRef;
  // Named only by string before: import the job from its module, so this module loads on its own.
  importJob(r, needed, files, p, variable);
  return variable;
}

/**
 * Notes that the module must import `variable` from `p`'s module (`from:<module>` in `needed`):
 * relatively when the module already imports its own package that way, as isort keeps them.
 */
function importJob(
  r: ModuleRewrite,
  needed: Map<string, Set<string>>,
  files: Set<string>,
  p: Pipeline,
  variable: string,
): void {
  const relative = r.root
    .children()
    .some((c) => c.kind() === 'import_from_statement' && c.field('module_name')?.kind() === 'relative_import');
  const key = `from:${(relative && relativeImportPath(r.path, p.module, files)) || importPathFor(r.path, p.module, files)}`;
  if (!needed.has(key)) needed.set(key, new Set());
  needed.get(key)!.add(variable);
}

const SUPPORTED = new Set([
  'pipeline_name',
  'start_date',
  'execution_time',
  'execution_timezone',
  'execution_day_of_week',
  'execution_day_of_month',
  'mode',
  'name',
  'description',
  'default_status',
]);
const OFFSET = /^partition_(days|hours|weeks|months)_offset$/;

/**
 * 0.x stepped weekly and monthly partitions from start_date itself (a Monday start: Monday to
 * Monday); 1.x splits them at day_offset (the weekday, 0 = Sunday; the day of the month, 1 by
 * default). The offset that keeps the same partitions, read from a literal date(Y, M, D) or
 * datetime(Y, M, D, ...); null when the start is not one.
 */
export function startDayOffset(cadence: string, start: SgNode): number | null {
  const call = start.kind() === 'call' ? start : undefined;
  const callee = call ? calleeName(call) : undefined;
  if (!call || !callee || !/^(datetime\.)?(datetime|date)$/.test(callee)) return null;
  const ymd = callArgs(call)
    .filter((a) => a.name === null)
    .slice(0, 3)
    .map((a) => (/^\d+$/.test(a.value.text()) ? Number(a.value.text()) : Number.NaN));
  if (ymd.length < 3 || ymd.some(Number.isNaN)) return null;
  const [y, m, d] = ymd as [number, number, number];
  return cadence === 'weekly' ? new Date(Date.UTC(y, m - 1, d)).getUTCDay() : d;
}

/**
 * The day a weekly or monthly schedule runs: execution_day_of_week= (0.x's default 0, Sunday) and
 * execution_day_of_month= (default 1) as day_of_week= and day_of_month=. Written out too when 0.x's
 * default differs from the partitions' day_offset, which 1.x would run on instead.
 */
function executionDay(cadence: string, args: ReturnType<typeof callArgs>, dayOffset: number | undefined): string[] {
  const [key, fallback] = cadence === 'weekly' ? ['day_of_week', 0] : cadence === 'monthly' ? ['day_of_month', 1] : [];
  if (!key) return [];
  const given = argNamed(args, `execution_${key}`);
  if (given) return [`${key}=${given.value.text()}`];
  return dayOffset !== undefined && dayOffset !== fallback ? [`${key}=${fallback}`] : [];
}

/** `time(6, 45)` / `datetime.time(hour=6)` as [hour, minute], or null. */
function timeOf(node: SgNode | undefined): [number, number] | null {
  if (!node) return [0, 0];
  if (node.kind() !== 'call' || calleeName(node) !== 'time') return null;
  const args = callArgs(node);
  const int = (a: { value: SgNode } | undefined) =>
    a === undefined ? 0 : /^\d+$/.test(a.value.text()) ? Number(a.value.text()) : NaN;
  const [h, m] = [
    int(argNamed(args, 'hour') ?? args.filter((a) => !a.name)[0]),
    int(argNamed(args, 'minute') ?? args.filter((a) => !a.name)[1]),
  ];
  return Number.isNaN(h) ||
    Number.isNaN(m) ||
    args.some((a) => a.name && !['hour', 'minute'].includes(a.name)) ||
    args.filter((a) => !a.name).length > 2
    ? null
    : [h, m];
}

/**
 * @daily_schedule(pipeline_name=..., start_date=..., execution_time=time(h, m)) def f(date): ...
 * becomes a partitioned config (the same function, given the partition's start and end), the job
 * partitioned by it, and f as build_schedule_from_partitioned_job(that job, at the same time).
 * A reason instead (the caller writes a TODO) when something has no exact equivalent.
 */
function partitionedSchedule(
  r: ModuleRewrite,
  facts: Facts,
  needed: Map<string, Set<string>>,
  decorator: SgNode,
  expr: SgNode,
  name: string,
  files: Set<string>,
  made: Set<string>,
): Edit[] | string {
  const decorated = decorator.parent()!;
  const fn = decorated.field('definition');
  // At module level, or in a function's body (a lazy loader); not in a class.
  const scope =
    decorated.parent()?.kind() === 'block' ? decorated.parent()!.parent()?.kind() : decorated.parent()?.kind();
  if (
    !['module', 'function_definition'].includes(String(scope)) ||
    fn?.kind() !== 'function_definition' ||
    expr.kind() !== 'call'
  )
    return 'it is not at module level or in a function';
  if (decorated.children().filter((c) => c.kind() === 'decorator').length !== 1) return 'it has other decorators';
  const args = callArgs(expr);
  const odd = args.find(
    (a) => !a.name || (!SUPPORTED.has(a.name) && !(OFFSET.test(a.name) && /^\d+$/.test(a.value.text()))),
  );
  if (odd) return `${odd.name ?? odd.node.text()}${odd.name ? '=' : ''} has no exact equivalent`;
  const cadence = name.split('_')[0]!;
  const pipelineName = stringValue(argNamed(args, 'pipeline_name')?.value);
  const modeArg = argNamed(args, 'mode');
  const mode = modeArg ? stringValue(modeArg.value) : null;
  const at = timeOf(argNamed(args, 'execution_time')?.value);
  const start = argNamed(args, 'start_date');
  const params = fn
    .field('parameters')!
    .children()
    .filter((c) => c.isNamed());
  if (!pipelineName || mode === undefined || !at || !start)
    return 'its pipeline_name, mode, start_date or execution_time is not a literal this codemod can read';
  if (params.length !== 1 || !['identifier', 'typed_parameter'].includes(String(params[0]!.kind())))
    return 'its function does not take exactly the date';
  const target = partitionTarget(r, facts, needed, files, pipelineName, mode ?? null, decorated);
  if (typeof target === 'string') return target;
  const { ref, jobName } = target;
  const fnName = fn.field('name')!.text();
  const scheduleName = stringValue(argNamed(args, 'name')?.value) ?? fnName;
  const tz = argNamed(args, 'execution_timezone');
  // 0.x ran the partition `offset` periods back (1 by default: yesterday's); 1.x runs the last
  // partition, which end_offset=n moves n periods forward: end_offset = 1 - offset.
  const offset = args.find((a) => a.name && OFFSET.test(a.name));
  const endOffset = offset ? 1 - Number(offset.value.text()) : 0;
  const dayOffset = cadence === 'weekly' || cadence === 'monthly' ? startDayOffset(cadence, start.value) : undefined;
  if (dayOffset === null)
    return `its start_date is not a literal date, and 1.x splits ${cadence} partitions at a fixed day (day_offset), where 0.x stepped from start_date`;
  const configArgs = [
    `start_date=${start.value.text()}`,
    ...(tz ? [`timezone=${tz.value.text()}`] : []),
    ...(endOffset ? [`end_offset=${endOffset}`] : []),
    ...(dayOffset !== undefined && dayOffset !== (cadence === 'weekly' ? 0 : 1) ? [`day_offset=${dayOffset}`] : []),
  ];
  const when = [
    ...(cadence !== 'hourly' ? [`hour_of_day=${at[0]}`] : []),
    `minute_of_hour=${at[1]}`,
    ...executionDay(cadence, args, dayOffset),
  ];
  const rest = args
    .filter((a) => a.name === 'description' || a.name === 'default_status')
    .map((a) => `${a.name}=${a.value.text()}`);
  // A second schedule of one cadence on one job: a job of its own, named after the schedule
  // (Definitions refuses two jobs of one name).
  const suffix = made.has(`${jobName}_${cadence}`) ? fnName : cadence;
  made.add(`${jobName}_${suffix}`);
  const base = `${target.base}_${suffix}`;
  const jobVar = r.root.children().some((c) => topLevelName(c) === base) ? `${base}_job` : base;
  // Inside a function (a lazy loader), the same lines at its indentation.
  const indent = decorated.range().start.column;
  const pad = ' '.repeat(indent);
  const lines = [
    ...(indent ? ['', ''] : ['', '', '']),
    `${pad}# The former @${name} ${fnName}: a partitioned job, and its schedule.`,
    pad +
      layoutCall(
        `${jobVar} = ${ref}.graph.to_job`,
        [
          `name=${JSON.stringify(`${jobName}_${suffix}`)}`,
          `resource_defs=${ref}.resource_defs`,
          `config=${fnName}_partitions`,
        ],
        indent,
        r.style,
      ),
    pad +
      layoutCall(
        `${fnName} = ${r.ns}build_schedule_from_partitioned_job`,
        [jobVar, `name=${JSON.stringify(scheduleName)}`, ...when, ...rest],
        indent,
        r.style,
      ),
  ];
  return [
    decorator.replace(
      withDecoratorComments(
        decorator,
        layoutCall(`@${r.ns}${cadence}_partitioned_config`, configArgs, decorator.range().start.column, r.style),
      ),
    ),
    fn.field('name')!.replace(`${fnName}_partitions`),
    params[0]!.replace(`${params[0]!.text()}, _end`),
    {
      startPos: decorated.range().end.index,
      endPos: decorated.range().end.index,
      insertedText: lines.join('\n'),
    } as Edit,
    ...(target.loader ? cached(r, target.loader) : []),
  ];
}

/**
 * The job a partitioned schedule or partition set partitions, as this module can name it: a
 * pipeline this codemod found (defined above, or imported), else a name the module imports or
 * defines under the pipeline's name (a module outside the package, migrated on its own). A reason
 * when there is none.
 */
export function partitionTarget(
  r: ModuleRewrite,
  facts: Facts,
  needed: Map<string, Set<string>>,
  files: Set<string>,
  pipelineName: string,
  mode: string | null,
  at: SgNode,
): { ref: string; jobName: string; base: string; loader?: SgNode } | string {
  const p = pipelineByName(facts, r.path, pipelineName);
  const job = p && jobFor(p, null, mode);
  const before = (c: SgNode) => c.range().start.index < at.range().start.index;
  if (p && !job)
    return `mode ${JSON.stringify(mode)} is not one of pipeline ${pipelineName}'s (its jobs: ${p.jobs.map((j) => j.variable).join(', ')}); partition the job of the mode it should run`;
  if (!p || !job) {
    const named =
      !mode &&
      r.root.children().some((c) => before(c) && (topLevelName(c) === pipelineName || importsName(c, pipelineName)));
    const loader = mode ? undefined : loaderOf(r, pipelineName, before);
    if (named || loader)
      return {
        ref: loader ? `${loaderName(loader)}()` : pipelineName,
        jobName: pipelineName,
        base: pipelineName,
        loader,
      };
    return `no pipeline named ${pipelineName} was found`;
  }
  const found = { ref: job.variable, jobName: job.name, base: job.variable };
  if (p.module === r.path) {
    const defined = r.root.children().find((c) => topLevelName(c) === job.variable);
    if (defined && before(defined)) return found;
    const loader = loaderOf(r, job.variable, before);
    return loader
      ? { ...found, ref: `${loaderName(loader)}()`, loader }
      : `its job ${job.variable} is not defined above it`;
  }
  const local = [...facts.get(r.path)!.imports].find(
    ([, [module, original]]) => module === p.module && original === p.fn,
  )?.[0];
  if (local && p.split) {
    if (!needed.has(local)) needed.set(local, new Set());
    needed.get(local)!.add(job.variable);
    return found;
  }
  if (local) return { ...found, ref: local, base: local };
  if (r.root.children().some((c) => topLevelName(c) === job.variable))
    return `its job ${job.variable} is not imported here`;
  // Named only by string before: import the job from its module.
  importJob(r, needed, files, p, job.variable);
  return found;
}

/** def load_x(): @pipeline def x(): ... return x (a lazy repository's loader): load_x, defined above. */
function loaderOf(r: ModuleRewrite, name: string, before: (c: SgNode) => boolean): SgNode | undefined {
  const def = (c: SgNode) => (c.kind() === 'decorated_definition' ? c.field('definition')! : c);
  const body = (c: SgNode) => def(c).field('body')?.children() ?? [];
  return r.root.children().find(
    (c) =>
      before(c) &&
      def(c).kind() === 'function_definition' &&
      body(c).some(
        (s) =>
          s.kind() === 'return_statement' &&
          s
            .children()
            .find((x) => x.isNamed())
            ?.text() === name,
      ) &&
      body(c).some((s) => topLevelName(s) === name),
  );
}

/**
 * A loader the partitioned job calls as well as the repository: cached, so both get the same job
 * (two calls would make two graphs of one name, which Definitions refuses).
 */
export function cached(r: ModuleRewrite, loader: SgNode): Edit[] {
  if (loader.kind() === 'decorated_definition' && /@functools\.cache\b/.test(loader.text())) return [];
  const at = (n: SgNode) => n.range().start.index;
  const edits = [{ startPos: at(loader), endPos: at(loader), insertedText: `@functools.cache\n` } as Edit];
  if (/^import functools\s*$/m.test(r.source)) return edits;
  // import functools among the plain imports, in isort's order, else before the first import.
  const plain = r.root.children().filter((c) => c.kind() === 'import_statement');
  const after = plain.find((c) => c.text() > 'import functools');
  const first =
    after ?? (plain.length ? undefined : r.root.children().find((c) => c.kind() === 'import_from_statement'));
  const pos = first ? at(first) : plain.length ? plain.at(-1)!.range().end.index + 1 : 0;
  edits.push({
    startPos: pos,
    endPos: pos,
    insertedText: `import functools\n${!first && !plain.length ? '\n' : ''}`,
  } as Edit);
  return edits;
}

const loaderName = (loader: SgNode) =>
  (loader.kind() === 'decorated_definition' ? loader.field('definition')! : loader).field('name')!.text();

/** `from x import name` (or `import name`) at the top of the module. */
function importsName(c: SgNode, name: string): boolean {
  if (c.kind() !== 'import_from_statement' || c.field('module_name')?.text().startsWith('dagster')) return false;
  return c
    .children()
    .some((n) =>
      n.kind() === 'aliased_import'
        ? n.field('alias')?.text() === name
        : n.kind() === 'dotted_name' &&
          n.text() === name &&
          n.range().start.index !== c.field('module_name')!.range().start.index,
    );
}

export function topLevelName(c: SgNode): string | undefined {
  const def = c.kind() === 'decorated_definition' ? c.field('definition') : c;
  if (def?.kind() === 'function_definition' || def?.kind() === 'class_definition') return def.field('name')?.text();
  const left =
    c.kind() === 'expression_statement' && c.children()[0]?.kind() === 'assignment'
      ? c.children()[0]!.field('left')
      : null;
  return left?.kind() === 'identifier' ? left.text() : undefined;
}
