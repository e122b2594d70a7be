// Pipelines become jobs (a body's `return x` becomes `x`: a job has no outputs). One mode and
// no preset: @pipeline -> @job(resource_defs=...). Several modes or any preset: @graph, then one
// job per mode and per preset (the preset's config, tags and op selection, bound to its mode's
// resources, executor and loggers). ModeDefinition objects held in variables become their
// resource dicts; PresetDefinition objects become their config.
//
// Before:
//   local = ModeDefinition("local", resource_defs={"db": fake_db}, executor_defs=[in_process_executor])
//   nightly = PresetDefinition.from_files("nightly", [file_relative_path(__file__, "n.yaml")], mode="local", tags={"t": "1"})
//   @pipeline(mode_defs=[local], preset_defs=[nightly])
//   def etl(): ...
// After:
//   local = {"db": fake_db}
//   nightly = config_from_files([file_relative_path(__file__, "n.yaml")])
//   @graph
//   def etl(): ...
//   etl_local = etl.to_job(name="etl_local", resource_defs=local, executor_def=in_process_executor)
//   etl_nightly = etl.to_job(name="etl_nightly", resource_defs=local, config=nightly, tags={"t": "1"}, executor_def=in_process_executor)

import { dirname, join, normalize } from 'node:path';
import type { Edit, SgNode } from '@ast-grep/napi';
import { DAGSTER_EXPORTS } from './dagster-exports.ts';
import { type Facts, jobFor, lookup, type Mode, type ModuleFacts, type Pipeline, type Preset } from './facts.ts';
import { callPiece, fitAt, layoutCall, nodePiece, type Piece, prefixed } from './format.ts';
import type { ModuleRewrite } from './module.ts';
import {
  type Arg,
  argNamed,
  callArgs,
  calleeName,
  lineIndent,
  listItems,
  positional,
  stringValue,
  topLevelAssignments,
  withDecoratorComments,
} from './python-text.ts';
import type { Todos } from './todo.ts';

const MODE_POSITIONS = ['name', 'resource_defs', 'logger_defs', 'executor_defs', 'description'];
const PRESET_POSITIONS = ['name', 'run_config', 'solid_selection', 'mode', 'tags'];
const PRESET_FACTORIES: Record<string, [string, string]> = {
  from_files: ['config_files', 'config_from_files'],
  from_pkg_resources: ['pkg_resource_defs', 'config_from_pkg_resources'],
  from_yaml_strings: ['yaml_strings', 'config_from_yaml_strings'],
};

const OLD_PRESET_KEYWORDS = [
  ['environment_dict', 'run_config'],
  ['environment_files', 'config_files'],
] as const;

const byPosition = (args: Arg[], positions: string[]): Map<string, SgNode> => {
  const out = new Map<string, SgNode>();
  let i = 0;
  for (const a of args) {
    if (a.name) out.set(a.name, a.value);
    else if (a.value.kind() !== 'list_splat' && a.value.kind() !== 'dictionary_splat')
      out.set(positions[i++] ?? `#${i}`, a.value);
  }
  return out;
};

/** executor_defs=[...] -> one executor_def (default_executors add nothing in Dagster 1.x). */
function executorOf(node: SgNode | undefined): { executor: string | null; problem: string | null } {
  if (!node) return { executor: null, problem: null };
  const items: SgNode[] = [];
  const collect = (n: SgNode): boolean => {
    if (n.kind() === 'list')
      return listItems(n).every((i) => {
        if (i.kind() === 'list_splat') return collect(i.children().find((c) => c.isNamed())!);
        items.push(i);
        return true;
      });
    if (n.kind() === 'identifier' && n.text() === 'default_executors') return true;
    if (n.kind() === 'binary_operator' && n.children().some((c) => c.text() === '+'))
      return collect(n.field('left')!) && collect(n.field('right')!);
    return false;
  };
  if (!collect(node))
    return {
      executor: null,
      problem: `executor_defs=${node.text()} could not be read; set the job's executor_def by hand`,
    };
  const chosen = items.filter(
    (i) => !/^(in_process_executor|multiprocess_executor)$/.test(i.text()) || items.length === 1,
  );
  if (chosen.length > 1)
    return {
      executor: chosen[0]!.text(),
      problem: `executor_defs named several executors (${chosen.map((c) => c.text()).join(', ')}); a job has one executor_def, the first was kept`,
    };
  return { executor: chosen[0]?.text() ?? null, problem: null };
}

/** 0.x's mode of a pipeline without mode_defs. */
const DEFAULT_MODE: Mode = { name: 'default', resources: null, executor: null, loggers: null, inline: true };

/** A ModeDefinition(...) call as a mode (its problems noted as TODOs at `at`). */
export function modeOf(call: SgNode, todos: Todos | null, at: SgNode): Mode {
  const args = byPosition(callArgs(call), MODE_POSITIONS);
  const { executor, problem } = executorOf(args.get('executor_defs'));
  if (problem && todos) todos.add(at, 'ModeDefinition', problem);
  // Where a mode stored outputs (S3, GCS): an IO manager now, which nothing here binds for it.
  for (const storage of ['intermediate_storage_defs', 'system_storage_defs'])
    if (args.has(storage) && todos)
      todos.add(
        at,
        `ModeDefinition(${storage}=...)`,
        `${args.get(storage)!.text()} stored outputs; Dagster 1.x stores them with an IO manager: bind one as the "io_manager" resource of this job (s3_pickle_io_manager for S3, gcs_pickle_io_manager for GCS)`,
      );
  return {
    name: stringValue(args.get('name')) ?? 'default',
    resources: args.get('resource_defs')?.text() ?? null,
    executor,
    loggers: args.get('logger_defs')?.text() ?? null,
    inline: true,
    resourcesNode: args.get('resource_defs'),
  };
}

/** A PresetDefinition(...) or PresetDefinition.from_*(...) call as a preset, or a reason it is not one. */
export function presetOf(call: SgNode, module: string, files: Set<string>): Preset | string {
  const fn = call.field('function');
  // PresetDefinition.from_files(...), not dg.PresetDefinition(...) (the class through its module).
  const attribute = fn?.kind() === 'attribute' ? fn.field('attribute')!.text() : null;
  const factory = attribute === 'PresetDefinition' ? null : attribute;
  const positions = factory
    ? ['name', PRESET_FACTORIES[factory]?.[0] ?? '?', 'solid_selection', 'mode', 'tags']
    : PRESET_POSITIONS;
  const args = byPosition(callArgs(call), positions);
  // The names of 0.8 and before: environment_dict (run_config), environment_files (config_files).
  for (const [old, current] of OLD_PRESET_KEYWORDS)
    if (args.has(old) && !args.has(current)) args.set(current, args.get(old)!);
  const name = stringValue(args.get('name'));
  if (!name) return `the preset's name ${args.get('name')?.text() ?? '(none)'} is not a string literal`;
  if (factory && !PRESET_FACTORIES[factory]) return `PresetDefinition.${factory} is not a factory this codemod knows`;
  const preset: Preset = {
    name,
    mode: stringValue(args.get('mode')) ?? null,
    config: args.get('run_config')?.text() ?? '{}',
    tags: args.get('tags')?.text() ?? null,
    opSelection: args.get('solid_selection')?.text() ?? null,
    files: [],
    computed: false,
    configNode: args.get('run_config'),
  };
  if (args.get('mode') && !preset.mode) return `its mode ${args.get('mode')!.text()} is not a string literal`;
  if (factory) {
    const [arg, helper] = PRESET_FACTORIES[factory]!;
    const value = args.get(arg);
    preset.config = `${helper}(${value?.text() ?? '[]'})`;
    preset.factory = { helper, arg: value };
    if (factory !== 'from_yaml_strings') {
      const found = yamlFiles(value, factory, module, files);
      preset.files = found.files;
      preset.computed = found.computed;
    }
  }
  return preset;
}

/** The YAML files a from_files / from_pkg_resources preset reads, when the paths are literals. */
function yamlFiles(
  value: SgNode | undefined,
  factory: string,
  module: string,
  files: Set<string>,
): { files: string[]; computed: boolean } {
  const out: string[] = [];
  let computed = value?.kind() !== 'list';
  for (const item of listItems(value)) {
    let path: string | undefined;
    if (factory === 'from_pkg_resources' && item.kind() === 'tuple') {
      const [pkg, file] = item
        .children()
        .filter((c) => c.isNamed())
        .map((c) => stringValue(c));
      const suffix = pkg && file ? `${pkg.split('.').join('/')}/${file}` : undefined;
      path = suffix ? [...files].find((f) => f === suffix || f.endsWith(`/${suffix}`)) : undefined;
    } else if (item.kind() === 'call' && calleeName(item) === 'file_relative_path') {
      const rel = stringValue(callArgs(item)[1]?.value);
      if (rel)
        path = normalize(join(dirname(module), rel))
          .split('\\')
          .join('/');
    } else if (stringValue(item)) {
      const literal = stringValue(item)!;
      path = [normalize(join(dirname(module), literal)), normalize(literal)]
        .map((p) => p.split('\\').join('/'))
        .find((p) => files.has(p));
    }
    if (path && files.has(path)) out.push(path);
    else computed = true;
  }
  return { files: out, computed };
}

/**
 * Keeps, of the mode lists pass 0 found, those only `mode_defs=` uses (besides imports), each
 * `mode_defs=` of that name importing it from where it is defined: a list another use reads as
 * modes (`[m.name for m in MODES]`), or that a module reaches through a re-export, stays as it was.
 */
export function confirmModeLists(facts: Facts, texts: Map<string, string>): void {
  for (const [path, f] of facts)
    for (const name of [...f.modeLists.keys()]) {
      const word = (re: string, flags = 'g') => new RegExp(re.replaceAll('NAME', name), flags);
      const kept = [...texts].every(([at, text]) => {
        const imports = /^[ \t]*(from\s+\S+\s+)?import\s+(\([^)]*\)|.*)$/gm;
        const importing = (text.match(imports) ?? []).some((i) => word('\\bNAME\\b', '').test(i));
        // Another module's own list of that name is not this one.
        if (at !== path && !importing) return true;
        if (at !== path) {
          const from = facts.get(at)?.imports.get(name)?.[0];
          // Imported from a module that defines a list of that name itself: another list.
          if (from && from !== path && word('^NAME\\s*=', 'm').test(texts.get(from) ?? '')) return true;
          // Imported through a re-export, or by a module not migrated: a use this cannot see.
          if (from !== path) return false;
        }
        const code = text.replace(imports, '');
        const uses = code.match(word('\\bNAME\\b'))?.length ?? 0;
        const asModes = code.match(word('\\bmode_defs\\s*=\\s*NAME\\b'))?.length ?? 0;
        return uses === asModes + (at === path ? 1 : 0);
      });
      if (!kept) f.modeLists.delete(name);
    }
}

/** Pass 0 for one module: its mode and preset variables (other modules' pipelines may use them). */
export function readVariables(root: SgNode, module: string, files: Set<string>, facts: ModuleFacts): void {
  for (const { name, right } of topLevelAssignments(root)) {
    // A list of modes: each one's resources are the list's item (the list holds resource dicts once migrated).
    if (right.kind() === 'list') {
      const items = listItems(right);
      const modes = items.map((item) =>
        item.kind() === 'call' && calleeName(item) === 'ModeDefinition'
          ? modeOf(item, null, item)
          : item.kind() === 'identifier'
            ? facts.modeVars.get(item.text())
            : undefined,
      );
      // Only modes whose every part is named where a job of another module can name it too: the
      // resource dict (`MODES[i]`), and an executor Dagster exports (loggers, or an executor of the
      // team's, would be names of this module the other does not import).
      const portable = (m: Mode | undefined) => m && !m.loggers && (!m.executor || DAGSTER_EXPORTS.has(m.executor));
      if (items.length && modes.every(portable))
        facts.modeLists.set(
          name,
          modes.map((m, i) => ({ ...m!, resources: `${name}[${i}]`, inline: false, resourcesNode: undefined })),
        );
      continue;
    }
    if (right.kind() !== 'call') continue;
    const callee = calleeName(right);
    const base =
      right.field('function')?.kind() === 'attribute' ? right.field('function')!.field('object')!.text() : '';
    if (callee === 'ModeDefinition')
      facts.modeVars.set(name, {
        ...modeOf(right, null, right),
        resources: name,
        inline: false,
        resourcesNode: undefined,
      });
    else if (callee === 'PresetDefinition' || /(^|\.)PresetDefinition$/.test(base)) {
      const preset = presetOf(right, module, files);
      if (typeof preset !== 'string')
        facts.presetVars.set(name, { ...preset, config: name, configNode: undefined, factory: undefined });
    }
  }
}

/** The modes a pipeline's mode_defs name (variables followed through imports). */
function readModes(value: SgNode | undefined, r: ModuleRewrite, facts: Facts, at: SgNode): Mode[] | null {
  if (!value) return [];
  if (value.kind() !== 'list') {
    const name = value.text();
    const list =
      value.kind() === 'identifier' ? topLevelAssignments(r.root).find((a) => a.name === name)?.right : undefined;
    if (list?.kind() !== 'list') {
      // A list of modes imported from another module (mode_defs=MODES): each mode's resources are `MODES[i]`.
      const found = value.kind() === 'identifier' ? lookup(facts, r.path, name, (m) => m.modeLists) : undefined;
      if (!found) return null;
      return (found.value as Mode[]).map((m) => ({ ...m, resources: m.resources!.replace(/^\w+/, name) }));
    }
    value = list;
  }
  const modes: Mode[] = [];
  for (const item of listItems(value)) {
    if (item.kind() === 'call' && calleeName(item) === 'ModeDefinition') modes.push(modeOf(item, r.todos, at));
    else {
      const found = item.kind() === 'identifier' ? lookup(facts, r.path, item.text(), (m) => m.modeVars) : undefined;
      if (found) modes.push({ ...(found.value as Mode), resources: item.text(), resourcesNode: undefined });
      // Not a ModeDefinition this codemod can read (defined outside the package, or built by a call).
      else
        r.todos.add(
          at,
          `mode ${item.text().split('\n')[0]!.slice(0, 40)}`,
          'not a ModeDefinition this codemod can read; add its job by hand with to_job(name=..., resource_defs=its resources)',
        );
    }
  }
  return modes;
}

function readPresets(
  value: SgNode | undefined,
  r: ModuleRewrite,
  facts: Facts,
  files: Set<string>,
  at: SgNode,
): Preset[] | null {
  if (!value) return [];
  if (value.kind() !== 'list') return null;
  const presets: Preset[] = [];
  for (const item of listItems(value)) {
    if (item.kind() === 'identifier') {
      const found = lookup(facts, r.path, item.text(), (m) => m.presetVars);
      if (!found) {
        r.todos.add(
          at,
          `preset ${item.text()}`,
          'not a PresetDefinition this codemod can read; add its job by hand with to_job(config=...)',
        );
        continue;
      }
      presets.push({ ...(found.value as Preset), config: item.text(), configNode: undefined, factory: undefined });
      continue;
    }
    const preset = item.kind() === 'call' ? presetOf(item, r.path, files) : 'it is not a PresetDefinition call';
    if (typeof preset === 'string')
      r.todos.add(
        at,
        `preset ${item.text().split('\n')[0]!.slice(0, 40)}`,
        `${preset}; add its job by hand with to_job(config=...)`,
      );
    else presets.push(preset);
  }
  return presets;
}

/** Pass 0: the pipelines of one module (modes and presets read, jobs not yet named). */
export function readPipelines(r: ModuleRewrite, facts: Facts, files: Set<string>): Pipeline[] {
  const out: Pipeline[] = [];
  for (const decorated of r.root.children().filter((c) => c.kind() === 'decorated_definition')) {
    const decorator = decorated
      .children()
      .find((c) => c.kind() === 'decorator' && calleeName(c.children().find((x) => x.isNamed())!) === 'pipeline');
    if (!decorator) continue;
    const expr = decorator.children().find((x) => x.isNamed())!;
    const args = expr.kind() === 'call' ? callArgs(expr) : [];
    const fn = decorated.field('definition')?.field('name')?.text() ?? '';
    const modes = readModes(argNamed(args, 'mode_defs')?.value, r, facts, decorated);
    const presets = readPresets(argNamed(args, 'preset_defs')?.value, r, facts, files, decorated) ?? [];
    if (modes === null) {
      r.todos.add(
        decorated,
        `@pipeline(mode_defs=${argNamed(args, 'mode_defs')!.value.text().slice(0, 40)})`,
        "the modes could not be read; bind each mode's resources with to_job(resource_defs=...) by hand",
      );
    }
    const name = stringValue((argNamed(args, 'name') ?? positional(args, 0))?.value) ?? fn;
    // Without mode_defs a 0.x pipeline has one mode, "default", which a run without a preset used:
    // beside presets it is a job of its own (a schedule, sensor or run without a preset targets it).
    const readModesList = !argNamed(args, 'mode_defs') && presets.length ? [DEFAULT_MODE] : (modes ?? []);
    out.push({
      module: r.path,
      fn,
      name,
      modes: readModesList,
      presets,
      split: readModesList.length > 1 || presets.length > 0,
      jobs: [],
    });
  }
  return out;
}

/** Keyword arguments every job of a pipeline shares, from the @pipeline call. */
function sharedJobArgs(
  args: Arg[],
  r: ModuleRewrite,
  at: SgNode,
): { tags: string | null; tagsPiece: Piece | null; rest: Piece[] } {
  const rest: Piece[] = [];
  for (const a of args) {
    const value = () => nodePiece(a.value, r.source, r.style);
    if (a.name === 'hook_defs') rest.push(prefixed('hooks=', value()));
    else if (a.name === 'solid_retry_policy') rest.push(prefixed('op_retry_policy=', value()));
    else if (a.name === 'config') rest.push(prefixed('config=', value()));
    else if (a.name && ['input_defs', 'output_defs', 'version_strategy'].includes(a.name))
      r.todos.add(at, `@pipeline(${a.name}=...)`, `a job has no ${a.name}; migrate it by hand`);
  }
  const tags = argNamed(args, 'tags')?.value;
  return { tags: tags?.text() ?? null, tagsPiece: tags ? nodePiece(tags, r.source, r.style) : null, rest };
}

/** Pipeline tags and preset tags in one dict (written out when both are dict literals). */
const mergedTags = (a: string | null, b: string | null): string | null => {
  if (!a || !b) return a ?? b;
  const inner = (t: string) => t.trim().slice(1, -1).trim().replace(/,$/, '');
  return /^\{[\s\S]*\}$/.test(a.trim()) && /^\{[\s\S]*\}$/.test(b.trim()) && !/\n|#/.test(a + b)
    ? `{${[inner(a), inner(b)].filter(Boolean).join(', ')}}`
    : `{**${a}, **${b}}`;
};

/** Arguments that bind a mode: resources, executor, loggers. */
const modeArgs = (m: Mode | undefined, resources: Piece | null): Piece[] => [
  ...(resources ? [prefixed('resource_defs=', resources)] : []),
  ...(m?.executor ? [`executor_def=${m.executor}`] : []),
  ...(m?.loggers ? [`logger_defs=${m.loggers}`] : []),
];

/** Pass 1: @pipeline definitions and the ModeDefinition / PresetDefinition variables. */
export function pipelineEdits(r: ModuleRewrite, facts: Facts): Edit[] {
  const edits: Edit[] = [];
  const mine = facts.get(r.path)!;
  // Each walk below only when the module can hold what it looks for (most hold ops alone).
  // A ModeDefinition(...) held in a variable, or in a list a variable holds: its resource dict.
  const asResources = (call: SgNode) => {
    modeOf(call, r.todos, call); // its TODOs, where it is
    const resources = byPosition(callArgs(call), MODE_POSITIONS).get('resource_defs');
    edits.push(
      call.replace(
        resources
          ? fitAt(
              nodePiece(resources, r.source, r.style),
              lineIndent(r.source, call),
              r.style,
              call.range().start.column,
            )
          : '{}',
      ),
    );
  };
  const isMode = (n: SgNode) => n.kind() === 'call' && calleeName(n) === 'ModeDefinition';
  const variables = /ModeDefinition|PresetDefinition/.test(r.source) ? topLevelAssignments(r.root) : [];
  for (const { name, right } of variables) {
    const mode = mine.modeVars.get(name);
    if (mode && isMode(right)) asResources(right);
    // MODES = [ModeDefinition(...), ...] (mode_defs=MODES): a list of their resource dicts, which 1.x
    // imports (when nothing else uses it as modes: confirmModeLists).
    if (right.kind() === 'list' && mine.modeLists.has(name) && listItems(right).some(isMode))
      for (const item of listItems(right)) if (isMode(item)) asResources(item);
    const preset = mine.presetVars.get(name);
    if (preset && right.kind() === 'call') {
      const full = presetOf(right, r.path, new Set(preset.files));
      if (typeof full !== 'string')
        edits.push(
          right.replace(fitAt(configPiece(full, r), lineIndent(r.source, right), r.style, right.range().start.column)),
        );
    }
  }
  // A @pipeline inside a function (a loader) has no modes to split: it becomes @job in place.
  const loaders = /\bpipeline\b/.test(r.source)
    ? r.root.findAll({
        rule: { kind: 'decorated_definition', inside: { kind: 'function_definition', stopBy: 'end' } },
      })
    : [];
  for (const decorated of loaders) {
    const decorator = decorated
      .children()
      .find((c) => c.kind() === 'decorator' && calleeName(c.children().find((x) => x.isNamed())!) === 'pipeline');
    if (!decorator) continue;
    const expr = decorator.children().find((x) => x.isNamed())!;
    const args = expr.kind() === 'call' ? callArgs(expr) : [];
    if (args.some((a) => !a.name || !['name', 'description', 'tags', 'hook_defs'].includes(a.name))) continue; // the sweep's TODO
    const kwargs = args.map((a) =>
      prefixed(`${a.name === 'hook_defs' ? 'hooks' : a.name}=`, nodePiece(a.value, r.source, r.style)),
    );
    const callee = expr.kind() === 'call' ? expr.field('function')! : expr;
    const head = `@${callee.kind() === 'attribute' ? `${callee.field('object')!.text()}.` : ''}job`;
    edits.push(
      decorator.replace(
        withDecoratorComments(
          decorator,
          kwargs.length ? layoutCall(head, kwargs, decorator.range().start.column, r.style) : head,
        ),
      ),
      ...bodyReturns(decorated),
    );
  }
  const decorations = mine.pipelines.size ? r.root.children().filter((c) => c.kind() === 'decorated_definition') : [];
  for (const decorated of decorations) {
    const fn = decorated.field('definition')?.field('name')?.text() ?? '';
    const p = mine.pipelines.get(fn);
    const decorator = decorated
      .children()
      .find((c) => c.kind() === 'decorator' && calleeName(c.children().find((x) => x.isNamed())!) === 'pipeline');
    if (!p || !decorator) continue;
    const expr = decorator.children().find((x) => x.isNamed())!;
    const callee = expr.kind() === 'call' ? expr.field('function')! : expr;
    const prefix = callee.kind() === 'attribute' ? `${callee.field('object')!.text()}.` : '';
    const args = expr.kind() === 'call' ? callArgs(expr) : [];
    const indent = decorator.range().start.column;
    const shared = sharedJobArgs(args, r, decorated);
    const kept: Piece[] = args
      .filter((a) => a.name && ['name', 'description'].includes(a.name))
      .map((a) => prefixed(`${a.name}=`, nodePiece(a.value, r.source, r.style)));
    const nameArg = positional(args, 0);
    if (nameArg) kept.unshift(`name=${nameArg.value.text()}`);
    if (!p.split) {
      const m = p.modes[0];
      const jobArgs = [
        ...kept,
        ...(shared.tagsPiece ? [prefixed('tags=', shared.tagsPiece)] : []),
        ...modeArgs(m, m?.resourcesNode ? nodePiece(m.resourcesNode, r.source, r.style) : (m?.resources ?? null)),
        ...shared.rest,
      ];
      edits.push(
        decorator.replace(
          withDecoratorComments(
            decorator,
            jobArgs.length ? layoutCall(`@${prefix}job`, jobArgs, indent, r.style) : `@${prefix}job`,
          ),
        ),
        ...bodyReturns(decorated),
      );
      continue;
    }
    edits.push(
      decorator.replace(
        withDecoratorComments(decorator, layoutCall(`@${prefix}graph`, kept, indent, r.style).replace(/\(\)$/, '')),
      ),
    );
    edits.push(...jobLines(p, r, decorated, shared, indent));
  }
  return edits;
}

/** `return add(...)` in a pipeline's body: a @job has no outputs, so the call stays, unreturned. */
function bodyReturns(decorated: SgNode): Edit[] {
  const body = decorated.field('definition')?.field('body')?.children() ?? [];
  return body
    .filter((s) => s.kind() === 'return_statement' && s.children().some((c) => c.isNamed()))
    .map((s) =>
      s.replace(
        s
          .children()
          .find((c) => c.isNamed())!
          .text(),
      ),
    );
}

/** The to_job lines after a split pipeline's graph. */
function jobLines(
  p: Pipeline,
  r: ModuleRewrite,
  decorated: SgNode,
  shared: { tags: string | null; tagsPiece: Piece | null; rest: Piece[] },
  indent: number,
): Edit[] {
  const pad = ' '.repeat(indent);
  const lines: string[] = [];
  const modeByName = new Map(p.modes.map((m) => [m.name, m]));
  // An inline resource dict that several jobs share becomes one variable.
  const uses = new Map<Mode, number>();
  const modeOfJob = p.jobs.map((j) => {
    const preset = j.kind === 'preset' ? p.presets.find((s) => s.name === j.key) : undefined;
    const m = j.kind === 'mode' ? modeByName.get(j.key) : preset?.mode ? modeByName.get(preset.mode) : p.modes[0];
    if (m) uses.set(m, (uses.get(m) ?? 0) + 1);
    return { job: j, mode: m, preset };
  });
  const resources = new Map<Mode, Piece | null>();
  const piece = (node: SgNode | undefined, text: string | null): Piece | null =>
    node ? nodePiece(node, r.source, r.style) : text;
  for (const m of p.modes) {
    if (m.inline && m.resources && (uses.get(m) ?? 0) > 1) {
      const variable = `${p.fn}_${m.name}_resources`;
      lines.push(`${pad}${fitAt(prefixed(`${variable} = `, piece(m.resourcesNode, m.resources)!), indent, r.style)}`);
      resources.set(m, variable);
    } else resources.set(m, piece(m.resourcesNode, m.resources));
  }
  for (const { job, mode, preset } of modeOfJob) {
    if (preset?.mode && !mode)
      r.todos.add(
        decorated,
        `preset ${preset.name}`,
        `names mode ${preset.mode}, which the pipeline does not define; bind its resources by hand`,
      );
    // to_job(op_selection=...) drops the job's config in Dagster 1.13, so the selection is kept for the launcher.
    if (preset?.opSelection)
      r.todos.add(
        decorated,
        `preset ${preset.name}`,
        `it ran only ${preset.opSelection}; its job runs every op: launch it with op_selection=${preset.opSelection} (execute_in_process(op_selection=...)), as to_job(op_selection=...) would drop its config`,
      );
    if (preset?.computed)
      r.todos.add(
        decorated,
        `preset ${preset.name}`,
        'reads run-config files this codemod could not find in the package (a path computed at run time, or a file not there); rename their solids: key to ops:',
      );
    const args: Piece[] = [
      `name=${JSON.stringify(job.name)}`,
      ...modeArgs(mode, mode ? resources.get(mode)! : null),
      ...(preset ? [prefixed('config=', configPiece(preset, r))] : []),
      ...(preset?.tags
        ? [`tags=${mergedTags(shared.tags, preset.tags)}`]
        : shared.tagsPiece
          ? [prefixed('tags=', shared.tagsPiece)]
          : []),
      ...shared.rest,
    ];
    lines.push(pad + layoutCall(`${job.variable} = ${p.fn}.to_job`, args, indent, r.style));
  }
  const end = decorated.range().end.index;
  const text = `\n\n\n${pad}# One job per mode and per preset of the former pipeline ${p.name}.\n${lines.join('\n')}`;
  return [{ startPos: end, endPos: end, insertedText: text } as Edit];
}

/** A preset's config, laid out again where it was written inline. */
function configPiece(preset: Preset, r: ModuleRewrite): Piece {
  if (preset.factory)
    return callPiece(
      // Through the module where the module reads dagster so (`dagster.config_from_files`).
      `${r.ns}${preset.factory.helper}`,
      preset.factory.arg ? [nodePiece(preset.factory.arg, r.source, r.style)] : [],
      r.style,
    );
  return preset.configNode ? nodePiece(preset.configNode, r.source, r.style) : preset.config;
}

/** YAML run-config files of the module's presets (for the solids: -> ops: rename). */
export const presetFiles = (facts: ModuleFacts): string[] => [
  ...new Set(
    [...facts.pipelines.values()]
      .flatMap((p) => p.presets.flatMap((s) => s.files))
      .concat([...facts.presetVars.values()].flatMap((s) => s.files)),
  ),
];
export { jobFor };
