// Partition sets: PartitionSetDefinition(partition_fn=, run_config_fn_for_partition=,
// tags_fn_for_partition=) becomes a PartitionedConfig over the same partitions, each run's config
// and tags from the same functions given the same Partition objects; when it is a module-level
// variable, the pipeline's job partitioned by it follows. create_schedule_definition on a set,
// and sets this cannot translate exactly (date_partition_range, solid_selection=), get a TODO.
//
// Before:
//   days = PartitionSetDefinition(name="days", pipeline_name="etl", partition_fn=get_days,
//                                 run_config_fn_for_partition=config_for)
// After:
//   days = PartitionedConfig(
//       partitions_def=StaticPartitionsDefinition([p.name for p in get_days()]),
//       run_config_for_partition_key_fn=lambda key: config_for(next(p for p in get_days() if p.name == key)),
//   )
//   etl_days = etl.graph.to_job(name="etl_days", resource_defs=etl.resource_defs, config=days)
import type { Edit, SgNode } from '@ast-grep/napi';
import type { Facts } from './facts.ts';
import { callPiece, layoutCall, type Piece, prefixed, type Style } from './format.ts';
import type { ModuleRewrite } from './module.ts';
import { argNamed, callArgs, calleeName, enclosingStatement, lineIndent, stringValue } from './python-text.ts';
import { cached, partitionTarget, topLevelName } from './schedules.ts';

const KNOWN = new Set([
  'name',
  'pipeline_name',
  'partition_fn',
  'run_config_fn_for_partition',
  'tags_fn_for_partition',
  'mode',
]);

export function partitionEdits(
  r: ModuleRewrite,
  facts: Facts,
  needed: Map<string, Set<string>>,
  files: Set<string>,
): Edit[] {
  const edits: Edit[] = [];
  if (!/PartitionSetDefinition|create_schedule_definition/.test(r.source)) return edits;
  for (const call of r.root.findAll({
    rule: { kind: 'call', has: { field: 'function', regex: '^(\\w+\\.)?PartitionSetDefinition$' } },
  })) {
    const translated = partitionSet(r, facts, needed, files, call);
    if (typeof translated === 'string') r.todos.add(call, 'PartitionSetDefinition', translated);
    else edits.push(...translated);
  }
  for (const call of r.root.findAll({
    rule: {
      kind: 'call',
      has: { field: 'function', kind: 'attribute', has: { field: 'attribute', regex: '^create_schedule_definition$' } },
    },
  })) {
    r.todos.add(
      call,
      'create_schedule_definition',
      'schedule the partitioned job instead: build_schedule_from_partitioned_job(job) for time partitions, else a @schedule(job=...) returning RunRequest(partition_key=...) for the partition its partition_selector chose',
    );
  }
  return edits;
}

/** The PartitionedConfig (and the partitioned job), or the reason for a TODO. */
function partitionSet(
  r: ModuleRewrite,
  facts: Facts,
  needed: Map<string, Set<string>>,
  files: Set<string>,
  call: SgNode,
): Edit[] | string {
  const args = callArgs(call);
  const odd = args.find((a) => !a.name || !KNOWN.has(a.name));
  if (odd)
    return `${odd.name ?? odd.node.text()}${odd.name ? '=' : ''} has no exact equivalent; partition the job with to_job(config=PartitionedConfig(...)) by hand`;
  const partitionFn = argNamed(args, 'partition_fn')?.value;
  if (partitionFn?.kind() === 'call' && calleeName(partitionFn) === 'date_partition_range')
    return 'date partitions: use daily_partitioned_config(start_date=...) (or hourly_, weekly_, monthly_) on a function of (start, end), and give it to the job with to_job(config=...)';
  if (partitionFn?.kind() !== 'identifier')
    return 'its partition_fn is not a function name: name it (def) and run this codemod again, or give the job to_job(config=PartitionedConfig(...))';
  const partitions = `${partitionFn.text()}()`;
  const pick = `next(p for p in ${partitions} if p.name == key)`;
  const fn = (node: SgNode) =>
    ['identifier', 'attribute'].includes(String(node.kind())) ? node.text() : `(${node.text()})`;
  const runConfig = argNamed(args, 'run_config_fn_for_partition')?.value;
  const tags = argNamed(args, 'tags_fn_for_partition')?.value;
  const fields: Piece[] = [
    prefixed(
      'partitions_def=',
      callPiece(`${r.ns}StaticPartitionsDefinition`, [`[p.name for p in ${partitions}]`], r.style),
    ),
    runConfig
      ? lambdaCall('run_config_for_partition_key_fn=lambda key: ', fn(runConfig), pick, r.style)
      : 'run_config_for_partition_key_fn=lambda _key: {}',
    ...(tags ? [lambdaCall('tags_for_partition_key_fn=lambda key: ', fn(tags), pick, r.style)] : []),
  ];
  const edits: Edit[] = [
    call.replace(
      layoutCall(
        `${r.ns}PartitionedConfig`,
        fields,
        lineIndent(r.source, call),
        r.style,
        '',
        call.range().start.column,
      ),
    ),
  ];
  // The job it partitions, after a module-level `name = PartitionSetDefinition(...)`.
  const statement = enclosingStatement(call);
  const variable = statement.parent()?.kind() === 'module' ? topLevelName(statement) : undefined;
  const pipelineName = stringValue(argNamed(args, 'pipeline_name')?.value);
  const modeArg = argNamed(args, 'mode');
  const mode = modeArg ? stringValue(modeArg.value) : null;
  // Returned by a loader function: the config is what the function returns.
  const loader =
    statement.kind() === 'return_statement'
      ? statement.ancestors().find((a) => a.kind() === 'function_definition')
      : undefined;
  const config = variable ?? (loader ? `${loader.field('name')!.text()}()` : 'this config');
  const why = variable ? undefined : loader ? 'a function returns it' : 'it is not a module-level variable';
  const target =
    why ??
    (pipelineName && mode !== undefined
      ? partitionTarget(r, facts, needed, files, pipelineName, mode, statement)
      : 'its pipeline_name or mode is not a literal');
  if (typeof target === 'string') {
    r.todos.add(
      call,
      'PartitionSetDefinition',
      `${target}; partition the job${pipelineName ? ` ${pipelineName}` : ''} with to_job(config=${config})`,
    );
    return edits;
  }
  const setName = stringValue(argNamed(args, 'name')?.value) ?? variable!;
  const jobVar = `${target.base}_${/^\w+$/.test(setName) ? setName : variable}`;
  const lines = [
    '',
    '',
    '',
    `# The former partition set ${variable}: its pipeline's job, partitioned.`,
    layoutCall(
      `${jobVar} = ${target.ref}.graph.to_job`,
      [
        `name=${JSON.stringify(`${target.jobName}_${setName}`)}`,
        `resource_defs=${target.ref}.resource_defs`,
        `config=${variable}`,
      ],
      0,
      r.style,
    ),
  ];
  edits.push({
    startPos: statement.range().end.index,
    endPos: statement.range().end.index,
    insertedText: lines.join('\n'),
  } as Edit);
  if (target.loader) edits.push(...cached(r, target.loader));
  return edits;
}

/** `prefix` + `head(arg)`, its parenthesis split as black splits it when the line is too long. */
function lambdaCall(prefix: string, head: string, arg: string, style: Style): Piece {
  return {
    flat: `${prefix}${head}(${arg})`,
    at: (i) => `${prefix}${layoutCall(head, [arg], i, style, '', i + prefix.length)}`,
  };
}
