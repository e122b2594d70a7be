// Running pipelines in tests and scripts: execute_pipeline(p, mode=, preset=) becomes the job of
// that mode or preset's execute_in_process(...), solid_selection= becomes op_selection=, and the
// result API reads outputs by node; p.get_preset("x") becomes the preset's job (.run_config and
// .tags read the job's). execute_solid is in solid-execution.ts.
//
// Before:
//   result = execute_pipeline(etl, mode="test", solid_selection=["load"])
//   assert result.result_for_solid("load").output_value() == 3
//   config = etl.get_preset("local").run_config
// After:
//   result = etl_test.execute_in_process(op_selection=["load"])
//   assert result.output_for_node("load") == 3
//   config = etl_local.run_config
import type { Edit, SgNode } from '@ast-grep/napi';
import { type Facts, jobFor, lookup, type Pipeline } from './facts.ts';
import { dictPiece, layoutCall, nodePiece, type Piece, prefixed } from './format.ts';
import type { ModuleRewrite } from './module.ts';
import { argNamed, callArgs, calleeName, lineIndent, positional, stringValue } from './python-text.ts';
import { executeSolid } from './solid-execution.ts';

const RENAMED_ARGS: Record<string, string> = { solid_selection: 'op_selection', environment_dict: 'run_config' };

/** Arguments as written, laid out anew where they move, their 0.x keywords renamed. */
const argPieces = (r: ModuleRewrite, args: ReturnType<typeof callArgs>): Piece[] =>
  args.map((a) =>
    a.name
      ? prefixed(`${RENAMED_ARGS[a.name] ?? a.name}=`, nodePiece(a.value, r.source, r.style))
      : nodePiece(a.value, r.source, r.style),
  );

/** execute_pipeline's parameters in 0.x's order. */
const EXECUTE_POSITIONS = ['pipeline', 'run_config', 'mode', 'preset', 'tags', 'solid_selection', 'instance'];

const isRunConfig = (a: { name: string | null }) => a.name === 'run_config' || a.name === 'environment_dict';
const IN_PROCESS = '"execution": {"config": {"in_process": {}}}';

/**
 * What keeps `execute_pipeline(reconstructable(p), ...)` in one process as 0.x ran it (unless its
 * run config chose multiprocess) once it is `execute_job`, whose default executor is multiprocess
 * and refuses the ephemeral instance: `run_config=` with the in-process executor (added to a dict
 * literal), undefined where nothing is needed (an executor of the mode's own, a persistent instance, an
 * execution key given) or where a TODO says what to add (a run config that is not a literal, a
 * preset's).
 */
function inProcessConfig(
  r: ModuleRewrite,
  call: SgNode,
  args: ReturnType<typeof callArgs>,
  p: Pipeline,
  preset: string | null,
  mode: string | null,
): Piece | undefined {
  const modeName = mode ?? (preset ? p.presets.find((s) => s.name === preset)?.mode : null) ?? p.modes[0]?.name;
  if (p.modes.find((m) => m.name === modeName)?.executor) return undefined;
  // A persistent instance runs a multiprocess executor: nothing to add. One the codemod cannot
  // read (a variable, a fixture) may be ephemeral: a TODO, below.
  const instance = argNamed(args, 'instance');
  const persistent = /\.(get|local_temp)\(.*\)$|^instance_for_test\(/s.test(instance?.value.text() ?? '');
  if (instance && persistent) return undefined;
  const unknown = instance && !/\.ephemeral\(\)$/.test(instance.value.text());
  const config = args.find(isRunConfig);
  const inProcess = prefixed('"execution": ', dictPiece('', [prefixed('"config": ', '{"in_process": {}}')], r.style));
  // A preset's job runs its own config unless given one (which replaces it, not merges): a TODO.
  if (!config && !preset && !unknown) return dictPiece('run_config=', [inProcess], r.style);
  if (config?.value.kind() === 'dictionary' && !unknown) {
    const text = config.value.text();
    if (/["']execution["']\s*:/.test(text)) return undefined;
    // The dict's entries, laid out again; as written after the new one where a comment is in it.
    if (config.value.find({ rule: { kind: 'comment' } }))
      return `run_config={${IN_PROCESS}${text.slice(1).trim() === '}' ? '' : ', '}${text.slice(1).trimStart()}`;
    const entries = config.value.children().filter((c) => c.isNamed());
    return dictPiece(
      'run_config=',
      [
        inProcess,
        ...entries.map((c) =>
          c.kind() === 'pair'
            ? prefixed(`${c.field('key')!.text()}: `, nodePiece(c.field('value')!, r.source, r.style))
            : nodePiece(c, r.source, r.style),
        ),
      ],
      r.style,
    );
  }
  r.todos.add(
    call,
    'execute_pipeline(reconstructable(...))',
    `0.x ran it in process unless its run config chose multiprocess; execute_job's default executor is multiprocess, which an ephemeral instance refuses${unknown ? ` (is ${instance!.value.text()} one?)` : ''}: add ${IN_PROCESS} to its run config${config || unknown ? '' : " (the preset's, given whole: a run config replaces the job's)"}, or pass a persistent instance`,
  );
  return undefined;
}

/**
 * Whether `name` is a job the module defines: at its top (@job, to_job), or as a function decorated
 * @job (a @pipeline an earlier pass made one) in the function that runs it, as a test does.
 */
function isJob(r: ModuleRewrite, facts: Facts, name: SgNode): boolean {
  if (facts.get(r.path)?.jobs.has(name.text())) return true;
  for (let scope = name.parent(); scope; scope = scope.parent()) {
    if (scope.kind() !== 'function_definition') continue;
    return scope
      .field('body')!
      .children()
      .some(
        (c) =>
          c.kind() === 'decorated_definition' &&
          c.field('definition')?.field('name')?.text() === name.text() &&
          c.children().some((d) => d.kind() === 'decorator' && /^@(\w+\.)?job\b/.test(d.text())),
      );
  }
  return false;
}

/** The pipeline a local name refers to (defined here or imported from a module of the tree). */
export function pipelineNamed(facts: Facts, module: string, local: string): Pipeline | undefined {
  return lookup(facts, module, local, (m) => m.pipelines)?.value as Pipeline | undefined;
}

/** A local job variable for `job`, noting that an imported pipeline's job must be imported. */
export function jobVariable(
  r: ModuleRewrite,
  _facts: Facts,
  local: string,
  p: Pipeline,
  preset: string | null,
  mode: string | null,
  needed: Map<string, Set<string>>,
): string | undefined {
  const job = jobFor(p, preset, mode);
  if (!job) return undefined;
  if (p.module === r.path || !p.split) return p.split ? job.variable : local;
  if (!needed.has(local)) needed.set(local, new Set());
  needed.get(local)!.add(job.variable);
  return job.variable;
}

export function executionEdits(r: ModuleRewrite, facts: Facts, needed: Map<string, Set<string>>): Edit[] {
  const edits: Edit[] = [];
  if (
    !/execute_pipeline|execute_solid|result_for_solid|output_for_solid|get_preset|solid_selection|reexecute_pipeline|validate_run_config\(/.test(
      r.source,
    )
  )
    return edits;
  for (const call of r.root.findAll({
    rule: {
      kind: 'call',
      has: {
        field: 'function',
        regex:
          '^(\\w+\\.)?(execute_pipeline|execute_solid|execute_pipeline_iterator|reexecute_pipeline|execute_solids_within_pipeline|execute_solid_within_pipeline)$',
      },
    },
  })) {
    const callee = calleeName(call)!;
    if (callee === 'execute_solid') {
      const translated = executeSolid(r, call);
      if (typeof translated === 'string') r.todos.add(call, callee, translated);
      else edits.push(...translated);
      continue;
    }
    if (callee !== 'execute_pipeline') {
      r.todos.add(
        call,
        callee,
        'run the job with execute_in_process, or execute_job(reconstructable(job), instance) for another process',
      );
      continue;
    }
    // Positional arguments after the pipeline named by their place (`execute_pipeline(p, {...})`).
    const args = callArgs(call).map((a, i) =>
      a.name === null && i > 0 && i < EXECUTE_POSITIONS.length ? { ...a, name: EXECUTE_POSITIONS[i]! } : a,
    );
    const target = positional(args, 0) ?? argNamed(args, 'pipeline');
    // execute_pipeline(reconstructable(p), ...) ran in other processes: execute_job(reconstructable(job), instance)
    const wrapped =
      target?.value.kind() === 'call' && calleeName(target.value) === 'reconstructable'
        ? callArgs(target.value)[0]?.value
        : undefined;
    const name =
      wrapped?.kind() === 'identifier' ? wrapped : target?.value.kind() === 'identifier' ? target.value : undefined;
    const p = name ? pipelineNamed(facts, r.path, name.text()) : undefined;
    const which = (name: string) => {
      const a = argNamed(args, name);
      return a ? (stringValue(a.value) ?? false) : null;
    };
    const preset = which('preset');
    const mode = which('mode');
    // A job already (a module half migrated): execute_pipeline(job, ...) is job.execute_in_process(...).
    if (!p && name && !wrapped && preset === null && mode === null && isJob(r, facts, name)) {
      const pieces = argPieces(
        r,
        args.filter((a) => a !== target),
      );
      edits.push(
        call.replace(
          layoutCall(
            `${name.text()}.execute_in_process`,
            pieces,
            lineIndent(r.source, call),
            r.style,
            '',
            call.range().start.column,
          ),
        ),
      );
      continue;
    }
    if (!p || preset === false || mode === false) {
      r.todos.add(
        call,
        'execute_pipeline',
        `${target ? `${target.value.text()} is not a pipeline this codemod found` : 'no pipeline given'}${preset === false || mode === false ? ' or its mode/preset is not a literal' : ''}; run its job with <job>.execute_in_process(...)`,
      );
      continue;
    }
    const job = jobVariable(r, facts, name!.text(), p, preset, mode, needed);
    if (!job) {
      r.todos.add(
        call,
        'execute_pipeline',
        `${preset ? `preset ${JSON.stringify(preset)}` : `mode ${JSON.stringify(mode)}`} is not one of pipeline ${p.name}'s that this codemod found; run that job with <job>.execute_in_process(...)`,
      );
      continue;
    }
    const indent = lineIndent(r.source, call);
    const restArgs = args.filter((a) => a !== target && !['mode', 'preset'].includes(a.name ?? ''));
    const rest = argPieces(r, restArgs);
    if (wrapped) {
      // A job of to_job is no target of reconstructable() (Dagster raises: it wants a function
      // at module scope that returns the job).
      if (p.split)
        r.todos.add(
          call,
          `reconstructable(${job})`,
          `${job} is made by to_job, which reconstructable() refuses: define def ${job}_def(): return ${p.fn}.to_job(...) at module scope (the same arguments), and pass reconstructable(${job}_def)`,
        );
      const instance = argNamed(args, 'instance') ? [] : [`instance=${r.ns}DagsterInstance.ephemeral()`];
      const inProcess = inProcessConfig(r, call, args, p, preset, mode);
      edits.push(
        call.replace(
          layoutCall(
            `${r.ns}execute_job`,
            [
              `${target!.value.field('function')!.text()}(${job})`,
              ...instance,
              ...(inProcess ? [inProcess] : []),
              ...rest.filter((_, i) => !inProcess || !isRunConfig(restArgs[i]!)),
            ],
            indent,
            r.style,
            '',
            call.range().start.column,
          ),
        ),
      );
    } else
      edits.push(
        call.replace(layoutCall(`${job}.execute_in_process`, rest, indent, r.style, '', call.range().start.column)),
      );
  }
  // validate_run_config(p, config, mode="m"): validate_run_config(p_m, config), the job of that
  // mode; without mode=, of its first mode (0.x's default) where the pipeline became a graph.
  for (const call of r.root.findAll({
    rule: { kind: 'call', has: { field: 'function', regex: '(^|\\.)validate_run_config$' } },
  })) {
    // validate_run_config(pipeline_def, run_config, mode): the mode by its place too.
    const args = callArgs(call).map((a, i) => (a.name === null && i === 2 ? { ...a, name: 'mode' } : a));
    const target = positional(args, 0) ?? argNamed(args, 'pipeline_def') ?? argNamed(args, 'job_def');
    const name = target?.value.kind() === 'identifier' ? target.value.text() : undefined;
    const p = name ? pipelineNamed(facts, r.path, name) : undefined;
    const modeArg = argNamed(args, 'mode');
    if (!modeArg && !p?.split) continue;
    const mode = modeArg ? stringValue(modeArg.value) : null;
    const job = p && mode !== undefined ? jobVariable(r, facts, name!, p, null, mode, needed) : undefined;
    if (!job) {
      r.todos.add(
        call,
        'validate_run_config(mode=...)',
        'modes are gone (one job per mode): validate the config against the job of that mode, validate_run_config(<job>, config)',
      );
      continue;
    }
    const rest = argPieces(
      r,
      args.filter((a) => a !== target && a.name !== 'mode'),
    );
    edits.push(
      call.replace(
        layoutCall(
          call.field('function')!.text(),
          [job, ...rest],
          lineIndent(r.source, call),
          r.style,
          '',
          call.range().start.column,
        ),
      ),
    );
  }
  // result.result_for_solid("x").output_value("out") -> result.output_for_node("x", "out")
  for (const call of r.root.findAll({
    rule: {
      kind: 'call',
      has: {
        field: 'function',
        kind: 'attribute',
        has: { field: 'attribute', regex: '^(output_value|result_for_solid|output_for_solid|get_preset)$' },
      },
    },
  })) {
    const attr = call.field('function')!.field('attribute')!.text();
    const object = call.field('function')!.field('object')!;
    if (attr === 'output_value') {
      if (object.kind() !== 'call' || calleeName(object) !== 'result_for_solid') continue;
      const result = object.field('function')!.field('object')!.text();
      const node = callArgs(object)[0]?.node.text() ?? '';
      const output = callArgs(call)[0]?.node.text();
      edits.push(call.replace(`${result}.output_for_node(${[node, ...(output ? [output] : [])].join(', ')})`));
    } else if (attr === 'output_for_solid') {
      edits.push(call.field('function')!.field('attribute')!.replace('output_for_node'));
    } else if (attr === 'result_for_solid') {
      if (call.parent()?.kind() === 'attribute' && call.parent()!.field('attribute')?.text() === 'output_value')
        continue;
      r.todos.add(
        call,
        'result_for_solid',
        'read outputs with result.output_for_node(name) and events with result.events_for_node(name)',
      );
    } else if (attr === 'get_preset') {
      const edit = presetJob(r, facts, needed, call, object);
      if (typeof edit === 'string')
        r.todos.add(
          call,
          'get_preset',
          `${edit}; presets are jobs now: use the preset's job (its config is the preset's run config)`,
        );
      else edits.push(edit);
    }
  }
  // solid_selection= on calls that now take op_selection=.
  for (const kw of r.root.findAll({
    rule: { kind: 'keyword_argument', has: { field: 'name', regex: '^solid_selection$' } },
  })) {
    const call = kw.parent()?.parent();
    const callee = call?.kind() === 'call' ? calleeName(call) : undefined;
    if (callee && ['execute_in_process', 'to_job', 'execute_job'].includes(callee))
      edits.push(kw.field('name')!.replace('op_selection'));
  }
  return edits;
}

/**
 * p.get_preset("local") -> the preset's job, and .run_config / .tags on it read the job's (a
 * preset's job has its run config as config= and its tags). A reason when there is no such job.
 */
function presetJob(
  r: ModuleRewrite,
  facts: Facts,
  needed: Map<string, Set<string>>,
  call: SgNode,
  object: SgNode,
): Edit | string {
  const p = object.kind() === 'identifier' ? pipelineNamed(facts, r.path, object.text()) : undefined;
  const preset = stringValue(callArgs(call)[0]?.value);
  if (!p || preset === undefined || !p.jobs.some((j) => j.kind === 'preset' && j.key === preset))
    return `${call.text()} is not a preset of a pipeline this codemod found`;
  const job = jobVariable(r, facts, object.text(), p, preset, null, needed)!;
  const parent = call.parent();
  const attr = parent?.kind() === 'attribute' ? parent.field('attribute')!.text() : null;
  if (attr === null) return call.replace(job);
  if (attr === 'run_config' || attr === 'tags') return parent!.replace(`${job}.${attr}`);
  return `its .${attr} has no equivalent on a job`;
}

/** Tags written as a literal (strings, numbers, True/False/None): they read the same in any module. */
const literalTags = (text: string): boolean =>
  !/[A-Za-z_]/.test(text.replace(/("([^"\\]|\\.)*"|'([^'\\]|\\.)*')/g, '').replace(/\b(True|False|None)\b/g, ''));

/**
 * A preset held in a variable (here or imported) became its run config dict: `small.run_config`
 * reads `small`, `.tags` its tags (a literal; else a TODO), `.name` and `.mode` their strings;
 * `.solid_selection` has no home and gets a TODO.
 *   yield RunRequest(run_config=small.run_config, tags=small.tags)
 *   yield RunRequest(run_config=small, tags={"team": "data"})
 */
export function presetVariableEdits(r: ModuleRewrite, facts: Facts): Edit[] {
  const edits: Edit[] = [];
  for (const attr of r.root.findAll({
    rule: {
      kind: 'attribute',
      has: { field: 'attribute', regex: '^(run_config|tags|name|mode|solid_selection)$' },
    },
  })) {
    const object = attr.field('object')!;
    if (object.kind() !== 'identifier') continue;
    const found = lookup(facts, r.path, object.text(), (m) => m.presetVars);
    if (!found || found.value === true) continue;
    const preset = found.value;
    const what = attr.field('attribute')!.text();
    if (what === 'run_config') edits.push(attr.replace(object.text()));
    else if (what === 'name') edits.push(attr.replace(JSON.stringify(preset.name)));
    else if (what === 'mode') edits.push(attr.replace(JSON.stringify(preset.mode ?? 'default')));
    else if (what === 'tags' && (preset.tags === null || literalTags(preset.tags)))
      edits.push(attr.replace(preset.tags ?? '{}'));
    else
      r.todos.add(
        attr,
        `${object.text()}.${what}`,
        `preset ${preset.name} is its run config dict now; ${what === 'tags' ? `its tags (${preset.tags}) went to its job's tags: read them from the job` : 'its op selection went to a TODO at its pipeline: pass op_selection= where it is launched'}`,
      );
  }
  return edits;
}
