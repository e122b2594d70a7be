// Why: teams whose pipelines predate Dagster 1.0 wrote solids, pipelines, modes and presets. This
// codemod rewrites a module to current Dagster (1.13): ops, jobs (or a graph with one job per mode
// and per preset), resources bound per job, presets as job config, schedules and sensors that
// target jobs, Definitions instead of @repository. What it cannot migrate safely it leaves in place
// with a `# TODO(pipeline upgrade): ...` comment and reports; it never drops a mode, preset or
// resource. Python through ast-grep, preset YAML files through the yaml Document API.
import { dirname, join, normalize } from 'node:path';
import type { Edit, SgNode } from '@ast-grep/napi';
import type { Codemod, CodemodContext } from '../../codemod.ts';
import { parsePython } from '../../engines/python.ts';
import { editYamlSource, topLevelPair } from '../../engines/yaml.ts';
import type { FileTree } from '../../tree.ts';
import { type Arg, argNamed, callArgs, calleeName, listItems, positional, stringValue } from './python-text.ts';

const LEGACY = ['solid', 'lambda_solid', 'pipeline', 'composite_solid', 'ModeDefinition', 'PresetDefinition', 'InputDefinition', 'OutputDefinition', 'execute_pipeline', 'repository', 'SolidExecutionContext'];
const NEW = ['op', 'job', 'graph', 'In', 'Out', 'Definitions', 'config_from_files', 'OpExecutionContext'];
const TODO = '# TODO(pipeline upgrade):';

interface Mode {
  name: string;
  /** Python expression of the resource dict, or null for none. */
  resources: string | null;
}
interface Preset {
  name: string;
  mode: string | null;
  config: string;
}
interface Pipeline {
  fn: string;
  name: string;
  modes: Mode[];
  presets: Preset[];
  split: boolean;
}

/** The job variable a pipeline becomes for a mode or preset (or its first mode). */
function jobVar(p: Pipeline, modeOrPreset?: string | null): string {
  if (!p.split) return p.fn;
  const key = modeOrPreset ?? p.modes[0]?.name ?? p.presets[0]!.name;
  return `${p.fn}_${key}`;
}
const allJobVars = (p: Pipeline): string[] => (p.split ? [...p.modes.map((m) => jobVar(p, m.name)), ...p.presets.map((s) => jobVar(p, s.name))] : [p.fn]);

function decoratorCall(decorated: SgNode): { name: string | undefined; call: SgNode | null; decorator: SgNode }[] {
  return decorated
    .children()
    .filter((c) => c.kind() === 'decorator')
    .map((decorator) => {
      const expr = decorator.children().find((c) => c.isNamed())!;
      return { name: calleeName(expr), call: expr.kind() === 'call' ? expr : null, decorator };
    });
}

const functionName = (decorated: SgNode) => decorated.field('definition')?.field('name')?.text() ?? '';

/** InputDefinition("a", T, ...) items as `{"a": In(T, ...)}`. */
function insText(list: SgNode): string {
  return `{${listItems(list)
    .map((item) => {
      const args = callArgs(item);
      const name = stringValue((argNamed(args, 'name') ?? positional(args, 0))?.value);
      const rest = args.filter((a) => a !== argNamed(args, 'name') && a !== positional(args, 0)).map((a) => (a.name === 'dagster_type' ? a.value.text() : a.node.text()));
      return `${JSON.stringify(name)}: In(${rest.join(', ')})`;
    })
    .join(', ')}}`;
}

function outText(node: SgNode): string {
  const items = node.kind() === 'list' ? listItems(node) : [node];
  const outs = items.map((item) => {
    const args = callArgs(item);
    const name = stringValue(argNamed(args, 'name')?.value);
    const rest = args.filter((a) => a.name !== 'name').map((a) => (a.name === 'dagster_type' ? a.value.text() : a.node.text()));
    return { name, text: `Out(${rest.join(', ')})` };
  });
  if (outs.length === 1 && !outs[0]!.name) return outs[0]!.text;
  return `{${outs.map((o) => `${JSON.stringify(o.name ?? 'result')}: ${o.text}`).join(', ')}}`;
}

function opDecorator(call: SgNode | null): string {
  if (!call) return '@op';
  const args = callArgs(call).map((a) => {
    if (a.name === 'input_defs') return `ins=${insText(a.value)}`;
    if (a.name === 'output_defs' || a.name === 'output_def') return `out=${outText(a.value)}`;
    return a.node.text();
  });
  return `@op(${args.join(', ')})`;
}

function readModes(arg: Arg | undefined, modeVars: Map<string, Mode>, todo: (m: string) => void): Mode[] {
  if (!arg) return [];
  return listItems(arg.value).map((item) => {
    if (item.kind() === 'identifier' && modeVars.has(item.text())) return modeVars.get(item.text())!;
    if (item.kind() === 'call' && calleeName(item) === 'ModeDefinition') return modeOf(item);
    todo(`mode ${item.text()} is not a ModeDefinition this codemod can read; bind its resources by hand`);
    return { name: item.text(), resources: item.text() };
  });
}

function modeOf(call: SgNode): Mode {
  const args = callArgs(call);
  return { name: stringValue((argNamed(args, 'name') ?? positional(args, 0))?.value) ?? 'default', resources: argNamed(args, 'resource_defs')?.value.text() ?? null };
}

function readPresets(arg: Arg | undefined, todo: (m: string) => void): Preset[] {
  if (!arg) return [];
  return listItems(arg.value).map((item) => {
    const args = item.kind() === 'call' ? callArgs(item) : [];
    const name = stringValue((argNamed(args, 'name') ?? positional(args, 0))?.value);
    const mode = stringValue(argNamed(args, 'mode')?.value) ?? null;
    const fromFiles = item.kind() === 'call' && item.field('function')?.kind() === 'attribute' && calleeName(item) === 'from_files';
    if (!name) {
      todo(`preset ${item.text().slice(0, 60)} has no literal name; migrate it by hand`);
      return { name: 'preset', mode, config: '{}' };
    }
    if (fromFiles) {
      // Dagster merged the YAML files in order; config_from_files does the same.
      const files = argNamed(args, 'config_files') ?? positional(args, 1);
      return { name, mode, config: `config_from_files(${files?.value.text() ?? '[]'})` };
    }
    return { name, mode, config: (argNamed(args, 'run_config') ?? positional(args, 1))?.value.text() ?? '{}' };
  });
}

function jobKwargs(args: Arg[], extra: string[]): string[] {
  const keep = args
    .filter((a) => a.name && ['name', 'description', 'tags'].includes(a.name))
    .map((a) => a.node.text());
  const hooks = argNamed(args, 'hook_defs');
  return [...keep, ...extra, ...(hooks ? [`hooks=${hooks.value.text()}`] : [])];
}

/** Pass 1: decorators, modes, presets, @repository. Returns the module's pipelines for pass 2. */
async function rewriteDefinitions(source: string, todo: (m: string) => void, withLeaves: boolean): Promise<{ text: string; pipelines: Map<string, Pipeline>; presetFiles: string[] }> {
  const root = (await parsePython(source)).root();
  // Leaf renames can share this pass when no edit here replaces a whole definition around them.
  const edits: Edit[] = withLeaves ? leafEdits(root) : [];
  const pipelines = new Map<string, Pipeline>();
  const presetFiles: string[] = [];
  const modeVars = new Map<string, Mode>();

  for (const stmt of root.children().filter((c) => c.kind() === 'expression_statement')) {
    const assignment = stmt.children()[0];
    const right = assignment?.field('right');
    if (assignment?.kind() === 'assignment' && right?.kind() === 'call' && calleeName(right) === 'ModeDefinition') {
      const mode = modeOf(right);
      modeVars.set(assignment.field('left')!.text(), mode);
      edits.push(right.replace(mode.resources ?? '{}'));
    }
  }

  const schedules: string[] = [];
  const sensors: string[] = [];
  for (const decorated of root.children().filter((c) => c.kind() === 'decorated_definition')) {
    for (const { name, call, decorator } of decoratorCall(decorated)) {
      if (name === 'solid' || name === 'lambda_solid') edits.push(decorator.replace(opDecorator(call)));
      else if (name === 'composite_solid') {
        if (call && callArgs(call).some((a) => a.name === 'input_defs' || a.name === 'output_defs')) todo(`${functionName(decorated)}: composite input_defs/output_defs dropped; the graph takes its inputs from its signature`);
        const kept = call ? callArgs(call).filter((a) => a.name && ['name', 'description'].includes(a.name)).map((a) => a.node.text()) : [];
        edits.push(decorator.replace(kept.length ? `@graph(${kept.join(', ')})` : '@graph'));
      } else if (name === 'schedule' || name === 'daily_schedule' || name === 'hourly_schedule' || name === 'monthly_schedule' || name === 'weekly_schedule') {
        schedules.push(functionName(decorated));
      } else if (name === 'sensor') sensors.push(functionName(decorated));
      else if (name === 'pipeline') {
        const fn = functionName(decorated);
        const args = call ? callArgs(call) : [];
        const modes = readModes(argNamed(args, 'mode_defs'), modeVars, todo);
        const presets = readPresets(argNamed(args, 'preset_defs'), todo);
        presetFiles.push(...presets.filter((p) => p.config.startsWith('config_from_files(')).map((p) => p.config));
        const pipeline: Pipeline = { fn, name: stringValue(argNamed(args, 'name')?.value) ?? fn, modes, presets, split: modes.length > 1 || presets.length > 0 };
        pipelines.set(fn, pipeline);
        const definition = decorated.field('definition')!.text();
        const others = decorated.children().filter((c) => c.kind() === 'decorator' && c.range().start.index !== decorator.range().start.index).map((c) => c.text());
        if (!pipeline.split) {
          const resources = modes[0]?.resources;
          const kwargs = jobKwargs(args, resources ? [`resource_defs=${resources}`] : []);
          edits.push(decorated.replace([...others, kwargs.length ? `@job(${kwargs.join(', ')})` : '@job', definition].join('\n')));
        } else {
          const graphArgs = args.filter((a) => a.name && ['name', 'description'].includes(a.name)).map((a) => a.node.text());
          const tags = argNamed(args, 'tags');
          const hooks = argNamed(args, 'hook_defs');
          const common = [...(tags ? [`tags=${tags.value.text()}`] : []), ...(hooks ? [`hooks=${hooks.value.text()}`] : [])];
          const modeByName = new Map(modes.map((m) => [m.name, m]));
          const lines = [
            '',
            '',
            '',
            `# One job per mode and per preset of the former pipeline ${pipeline.name}.`,
            ...modes.map((m) => `${jobVar(pipeline, m.name)} = ${fn}.to_job(${[`name=${JSON.stringify(`${pipeline.name}_${m.name}`)}`, ...(m.resources ? [`resource_defs=${m.resources}`] : []), ...common].join(', ')})`),
            ...presets.map((p) => {
              const mode = p.mode ? modeByName.get(p.mode) : modes[0];
              if (p.mode && !mode) todo(`${pipeline.name}: preset ${p.name} names mode ${p.mode}, which the pipeline does not define`);
              return `${jobVar(pipeline, p.name)} = ${fn}.to_job(${[`name=${JSON.stringify(`${pipeline.name}_${p.name}`)}`, ...(mode?.resources ? [`resource_defs=${mode.resources}`] : []), `config=${p.config}`, ...common].join(', ')})`;
            }),
          ];
          edits.push(decorated.replace([...others, graphArgs.length ? `@graph(${graphArgs.join(', ')})` : '@graph', definition].join('\n') + lines.join('\n')));
        }
      }
    }
  }

  for (const stmt of root.children().filter((c) => c.kind() === 'expression_statement')) {
    const right = stmt.children()[0]?.field('right');
    const callee = right?.kind() === 'call' ? calleeName(right) : undefined;
    if (callee === 'ScheduleDefinition') schedules.push(stmt.children()[0]!.field('left')!.text());
    if (callee === 'SensorDefinition') sensors.push(stmt.children()[0]!.field('left')!.text());
  }

  // @repository: Definitions with the jobs every pipeline became.
  for (const decorated of root.children().filter((c) => c.kind() === 'decorated_definition')) {
    if (!decoratorCall(decorated).some((d) => d.name === 'repository')) continue;
    const returned = decorated.find({ rule: { kind: 'return_statement' } })?.children().find((c) => c.kind() === 'list');
    if (!returned) {
      todo(`${functionName(decorated)}: @repository does not return a list literal; build Definitions by hand`);
      continue;
    }
    const jobs: string[] = [];
    const kept = { schedules: [] as string[], sensors: [] as string[], unknown: [] as string[] };
    for (const item of listItems(returned)) {
      const name = item.text();
      if (pipelines.has(name)) jobs.push(...allJobVars(pipelines.get(name)!));
      else if (schedules.includes(name)) kept.schedules.push(name);
      else if (sensors.includes(name)) kept.sensors.push(name);
      else kept.unknown.push(name);
    }
    const parts = [`jobs=[${jobs.join(', ')}]`, ...(kept.schedules.length ? [`schedules=[${kept.schedules.join(', ')}]`] : []), ...(kept.sensors.length ? [`sensors=[${kept.sensors.join(', ')}]`] : [])];
    const unknown = kept.unknown.length ? `${TODO} add ${kept.unknown.join(', ')} to these Definitions (jobs, schedules, sensors or assets?)\n` : '';
    if (kept.unknown.length) todo(`${functionName(decorated)}: could not classify ${kept.unknown.join(', ')}`);
    edits.push(decorated.replace(`${unknown}# Formerly the ${functionName(decorated)} repository.\ndefs = Definitions(${parts.join(', ')})`));
  }
  return { text: root.commitEdits(edits), pipelines, presetFiles };
}

/** Renamed names and keys (op_config, OpExecutionContext, the "ops" run-config key). */
function leafEdits(root: SgNode): Edit[] {
  const edits: Edit[] = [];
  const text = root.text();
  // Each search walks the whole tree: only look for what the text mentions.
  if (text.includes('solid_config')) {
    for (const attr of root.findAll({ rule: { kind: 'attribute', has: { field: 'attribute', regex: '^solid_config$' } } })) edits.push(attr.field('attribute')!.replace('op_config'));
  }
  if (text.includes('SolidExecutionContext')) {
    for (const id of root.findAll({ rule: { kind: 'identifier', regex: '^SolidExecutionContext$', not: { inside: { kind: 'import_from_statement', stopBy: 'end' } } } })) edits.push(id.replace('OpExecutionContext'));
  }
  if (/["']solids["']/.test(text)) {
    for (const key of root.findAll({ rule: { kind: 'string', regex: '^["\']solids["\']$', inside: { kind: 'pair', field: 'key' } } })) edits.push(key.replace('"ops"'));
  }
  return edits;
}

/** Pass 3: the leaf renames on their own (after passes that rewrote whole definitions). */
async function renameLeaves(source: string): Promise<string> {
  const root = (await parsePython(source)).root();
  return root.commitEdits(leafEdits(root));
}

/** Pass 2: calls (execute_pipeline, job targets of schedules and sensors, the result API, TODOs). */
async function rewriteExpressions(source: string, pipelines: Map<string, Pipeline>, todo: (m: string) => void): Promise<string> {
  const root = (await parsePython(source)).root();
  const edits: Edit[] = [];

  for (const call of root.findAll({ rule: { kind: 'call', has: { field: 'function', regex: '^execute_pipeline$' } } })) {
    const args = callArgs(call);
    const target = positional(args, 0) ?? argNamed(args, 'pipeline');
    const p = target && pipelines.get(target.value.text());
    if (!p) {
      todo(`execute_pipeline(${target?.value.text() ?? '?'}) targets no pipeline of this module; use job.execute_in_process by hand`);
      continue;
    }
    const which = stringValue(argNamed(args, 'preset')?.value) ?? stringValue(argNamed(args, 'mode')?.value) ?? null;
    const rest = args.filter((a) => a !== target && !['mode', 'preset', 'instance'].includes(a.name ?? '')).map((a) => a.node.text());
    const instance = argNamed(args, 'instance');
    edits.push(call.replace(`${jobVar(p, which)}.execute_in_process(${[...rest, ...(instance ? [instance.node.text()] : [])].join(', ')})`));
  }

  for (const call of root.findAll({ rule: { kind: 'call', has: { field: 'function', kind: 'attribute', has: { field: 'attribute', regex: '^output_value$' } } } })) {
    const inner = call.field('function')!.field('object')!;
    if (inner.kind() !== 'call' || calleeName(inner) !== 'result_for_solid') continue;
    const result = inner.field('function')!.field('object')!.text();
    const node = callArgs(inner)[0]?.node.text() ?? '';
    const output = callArgs(call)[0]?.node.text();
    edits.push(call.replace(`${result}.output_for_node(${[node, ...(output ? [output] : [])].join(', ')})`));
  }

  // Schedules and sensors target jobs, not pipeline names and modes.
  for (const call of root.findAll({ rule: { kind: 'call', has: { field: 'arguments', has: { kind: 'keyword_argument', has: { field: 'name', regex: '^pipeline_name$' } } } } })) {
    const callee = calleeName(call);
    const args = callArgs(call);
    const name = stringValue(argNamed(args, 'pipeline_name')!.value);
    const p = [...pipelines.values()].find((x) => x.name === name || x.fn === name);
    if (!p || (callee && /^(daily|hourly|weekly|monthly)_schedule$/.test(callee))) {
      todo(`${callee}(pipeline_name=${JSON.stringify(name)}): ${p ? `${callee} (a partitioned schedule) was removed in Dagster 1.0; rebuild it with build_schedule_from_partitioned_job` : 'no pipeline of that name in this module'}`);
      const statement = call.parent()?.kind() === 'decorator' ? call.parent()!.parent()! : call;
      const marker = `${TODO} migrate ${callee} by hand (see the upgrade report)`;
      // The TODO goes on the line above, once: a second run finds it there.
      if (statement.prev()?.text() !== marker) {
        const line = statement.range().start;
        edits.push({ startPos: line.index - line.column, endPos: line.index - line.column, insertedText: `${' '.repeat(line.column)}${marker}\n` } as Edit);
      }
      continue;
    }
    const which = stringValue(argNamed(args, 'mode')?.value) ?? null;
    const rewritten = args
      .filter((a) => a.name !== 'mode')
      .map((a) => (a.name === 'pipeline_name' ? `job=${jobVar(p, which)}` : a.name === 'solid_selection' ? `op_selection=${a.value.text()}` : a.node.text()));
    edits.push(call.field('arguments')!.replace(`(${rewritten.join(', ')})`));
  }

  for (const def of root.findAll({ rule: { kind: 'call', has: { field: 'function', regex: '^(InputDefinition|OutputDefinition)$' } } })) {
    todo(`${def.text().slice(0, 50)} outside a solid decorator: migrate it to In/Out by hand`);
  }
  return root.commitEdits(edits);
}

/** The dagster import statement and the names it imports (aliased ones kept as written). */
function dagsterImport(root: SgNode): { statement: SgNode; imported: string[]; aliased: string[] } | undefined {
  const statement = root.children().find((c) => c.kind() === 'import_from_statement' && c.field('module_name')?.text() === 'dagster');
  if (!statement) return undefined;
  const moduleStart = statement.field('module_name')!.range().start.index;
  const imported = statement.children().filter((c) => c.kind() === 'dotted_name' && c.range().start.index !== moduleStart).map((n) => n.text());
  const aliased = statement.children().filter((c) => c.kind() === 'aliased_import').map((n) => n.text());
  return { statement, imported, aliased };
}

/**
 * How often each of `names` is used outside the import statement (keyword names such as job= and
 * attribute names do not count). Only those names are looked at, so the search stays native.
 */
function nameUses(root: SgNode, statement: SgNode, names: string[]): Map<string, number> {
  const uses = new Map<string, number>();
  const wanted = names.filter((n) => /^\w+$/.test(n));
  if (wanted.length === 0) return uses;
  const [from, to] = [statement.range().start.index, statement.range().end.index];
  for (const n of root.findAll({ rule: { kind: 'identifier', regex: `^(${wanted.join('|')})$` } })) {
    const at = n.range().start.index;
    if (at >= from && at < to) continue;
    const parent = n.parent();
    if (parent?.kind() === 'keyword_argument' && parent.field('name')?.range().start.index === at) continue;
    if (parent?.kind() === 'attribute' && parent.field('attribute')?.range().start.index === at) continue;
    uses.set(n.text(), (uses.get(n.text()) ?? 0) + 1);
  }
  return uses;
}

/** The new import statement: without the legacy names no longer used, with the new names used. */
function importText(imported: string[], aliased: string[], used: (name: string) => boolean): string {
  const names = [...new Set([...imported.filter((n) => !LEGACY.includes(n) || used(n)), ...NEW.filter((n) => used(n) && !imported.includes(n))])].sort((a, b) => a.localeCompare(b, 'en', { sensitivity: 'base' }) || a.localeCompare(b));
  const all = [...names, ...aliased];
  const oneLine = `from dagster import ${all.join(', ')}`;
  return oneLine.length <= 100 ? oneLine : `from dagster import (\n${all.map((n) => `    ${n},`).join('\n')}\n)`;
}

/** Pass 4: the dagster import, after the other passes. */
async function rewriteImports(source: string): Promise<string> {
  const root = (await parsePython(source)).root();
  const found = dagsterImport(root);
  if (!found) return source;
  const uses = nameUses(root, found.statement, [...found.imported, ...NEW]);
  const text = importText(found.imported, found.aliased, (n) => (uses.get(n) ?? 0) > 0);
  return found.statement.text() === text ? source : root.commitEdits([found.statement.replace(text)]);
}

/**
 * A module with only solid decorators and renamed names (most modules of a large repo): every
 * edit, the import included, in one parse. The import follows from counting which uses of each
 * name the edits remove and which names they add.
 */
async function rewriteSimple(source: string): Promise<string> {
  const root = (await parsePython(source)).root();
  const edits = leafEdits(root);
  const removed = new Map<string, number>();
  const added = new Set<string>();
  const drop = (name: string, n = 1) => removed.set(name, (removed.get(name) ?? 0) + n);
  for (const decorated of root.children().filter((c) => c.kind() === 'decorated_definition')) {
    for (const { name, call, decorator } of decoratorCall(decorated)) {
      if (name === 'solid' || name === 'lambda_solid') {
        const text = opDecorator(call);
        edits.push(decorator.replace(text));
        drop(name);
        added.add('op');
      } else if (name === 'composite_solid') {
        const kept = call ? callArgs(call).filter((a) => a.name && ['name', 'description'].includes(a.name)).map((a) => a.node.text()) : [];
        edits.push(decorator.replace(kept.length ? `@graph(${kept.join(', ')})` : '@graph'));
        drop(name);
        added.add('graph');
      }
    }
  }
  const renamedContexts = source.includes('SolidExecutionContext') ? root.findAll({ rule: { kind: 'identifier', regex: '^SolidExecutionContext$', not: { inside: { kind: 'import_from_statement', stopBy: 'end' } } } }).length : 0;
  if (renamedContexts) {
    drop('SolidExecutionContext', renamedContexts);
    added.add('OpExecutionContext');
  }
  const found = dagsterImport(root);
  if (found) {
    // A legacy name whose every mention in the text is the import or a use the edits remove is
    // unused afterwards; only when the text leaves doubt (a comment, a string, another use) are
    // the identifiers counted in the tree.
    const mentions = (n: string) => source.match(new RegExp(`\\b${n}\\b`, 'g'))?.length ?? 0;
    const doubtful = found.imported.filter((n) => LEGACY.includes(n) && mentions(n) > 1 + (removed.get(n) ?? 0));
    const uses = doubtful.length ? nameUses(root, found.statement, doubtful) : new Map<string, number>();
    const text = importText(found.imported, found.aliased, (n) => added.has(n) || (LEGACY.includes(n) ? (uses.get(n) ?? 0) - (removed.get(n) ?? 0) > 0 : found.imported.includes(n)));
    if (found.statement.text() !== text) edits.push(found.statement.replace(text));
  }
  return edits.length ? root.commitEdits(edits) : source;
}

/** Preset YAML files: the `solids` run-config key is `ops` since Dagster 1.0. */
function migratePresetFiles(tree: FileTree, module: string, presetConfigs: string[]): number {
  let changes = 0;
  const files = presetConfigs.flatMap((c) => [...c.matchAll(/file_relative_path\(__file__,\s*["']([^"']+)["']\)/g)].map((m) => m[1]!));
  for (const file of new Set(files)) {
    const path = normalize(join(dirname(module), file)).split('\\').join('/');
    changes += editYamlSource(tree, path, (doc) => {
      const key = topLevelPair(doc, 'solids')?.key as { range?: [number, number, number] } | undefined;
      return key?.range ? [{ start: key.range[0], end: key.range[1], text: 'ops' }] : [];
    });
  }
  return changes;
}

const isLegacy = (source: string) => /\bfrom dagster(\.\w+)* import[^\n]*\b(solid|lambda_solid|pipeline|composite_solid|ModeDefinition|PresetDefinition|repository|execute_pipeline)\b|^\s*from dagster import \(|solid_config|pipeline_name=/m.test(source);

export async function migrateModule(tree: FileTree, path: string, ctx: Pick<CodemodContext, 'todo'>): Promise<number> {
  const source = tree.read(path)!;
  if (!isLegacy(source)) return 0;
  const todos: string[] = [];
  const todo = (m: string) => todos.push(m);
  // Each pass parses the module again; a pass with nothing to look for in the text is skipped.
  const wholeDefinitions = /@(pipeline|repository)\b|ModeDefinition|pipeline_name\s*=|execute_pipeline|output_value/.test(source);
  if (!wholeDefinitions && !/InputDefinition|OutputDefinition|_schedule\b/.test(source)) {
    const text = await rewriteSimple(source);
    if (text === source) return 0;
    tree.write(path, text);
    return 1;
  }
  const pass1 = /@(solid|lambda_solid|composite_solid|pipeline|repository)\b|ModeDefinition|(daily|hourly|weekly|monthly)_schedule|ScheduleDefinition|SensorDefinition|@schedule|@sensor/.test(source)
    ? await rewriteDefinitions(source, todo, !wholeDefinitions)
    : { text: source, pipelines: new Map<string, Pipeline>(), presetFiles: [] };
  const leavesDone = pass1.text !== source && !wholeDefinitions;
  const pass2 = /execute_pipeline|output_value|pipeline_name\s*=|InputDefinition|OutputDefinition/.test(pass1.text) ? await rewriteExpressions(pass1.text, pass1.pipelines, todo) : pass1.text;
  const pass3 = !leavesDone && /solid_config|SolidExecutionContext|["']solids["']/.test(pass2) ? await renameLeaves(pass2) : pass2;
  const pass4 = await rewriteImports(pass3);
  for (const m of todos) ctx.todo(`${path}: ${m}`);
  let changes = 0;
  if (pass4 !== source) {
    tree.write(path, pass4);
    changes++;
  }
  changes += migratePresetFiles(tree, path, pass1.presetFiles);
  return changes;
}

export const legacyDagster: Codemod = {
  id: 'legacy-dagster-0x',
  version: 1,
  description: 'Dagster 0.x (solids, pipelines, modes, presets) to current Dagster: ops, jobs, graphs, Definitions',
  async run(tree, ctx) {
    let changes = 0;
    for (const path of tree.list().filter((p) => p.endsWith('.py'))) changes += await migrateModule(tree, path, ctx);
    return changes;
  },
};
