// Why: teams whose pipelines predate Dagster 1.0 wrote solids, pipelines, modes and presets. This
// codemod rewrites their package to current Dagster (1.13): ops, jobs (or a graph with one job per
// mode and per preset), resources bound per job, presets as job config, schedules and sensors that
// target jobs, one Definitions per module instead of @repository. What it cannot translate stays
// in place under a `# TODO(pipeline upgrade): ...` comment, and every such comment is reported
// (file:line: construct: what to do). Every file it writes is parsed again first: a module whose
// output does not parse fails the pipeline, which is then left exactly as it was.
//
// One file per construct family, each with its Before/After: ops.ts (solids), pipelines.ts
// (pipelines, modes, presets, executors), execution.ts (execute_pipeline, results) and
// solid-execution.ts (execute_solid), schedules.ts, partitions.ts (partition sets),
// repositories.ts and early-repositories.ts (0.7's RepositoryDefinition and @schedules),
// metadata.ts, renames.ts, run-config.ts (run-config keys 1.x refuses), imports.ts, sweep.ts
// (what is left gets a TODO), preset-files.ts (YAML run config). facts.ts holds what is learned
// about the package first, so a module can be resolved against pipelines defined in another.
import type { Edit, SgNode } from '@ast-grep/napi';
import type { FileTree } from '../../../tree/file-tree.ts';
import type { Codemod } from '../../codemod.ts';
import { parsePython } from '../../engines/python.ts';
import { parseError, python2Construct } from '../../engines/python-parses.ts';
import { unaliased } from './aliases.ts';
import { earlyRepositoryEdits } from './early-repositories.ts';
import { executionEdits, presetVariableEdits } from './execution.ts';
import { emptyFacts, type Facts, nameJobs, readImports } from './facts.ts';
import { fromLf, type Style, styleFor, toLf } from './format.ts';
import { importEdits, madeUnusedEdits } from './imports.ts';
import { LEGACY } from './legacy-names.ts';
import { metadataEdits } from './metadata.ts';
import { type ModuleRewrite, namespaceOf } from './module.ts';
import { opEdits } from './ops.ts';
import { partitionEdits } from './partitions.ts';
import { confirmModeLists, pipelineEdits, presetFiles, readPipelines, readVariables } from './pipelines.ts';
import { migrateRunConfigFiles } from './preset-files.ts';
import { calleeName, topLevelAssignments, topLevelNames } from './python-text.ts';
import { mayRename, renameEdits } from './renames.ts';
import { repositoryEdits } from './repositories.ts';
import { EXECUTOR_NAMED, mayHoldRunConfigKeys, runConfigEdits } from './run-config.ts';
import { scheduleEdits } from './schedules.ts';
import { sweep } from './sweep.ts';
import { reportTodos, Todos } from './todo.ts';

const LEGACY_TEXT = new RegExp(
  `\\b(${[...LEGACY].join('|')})\\b|solid_config|(config_field|namespace|run_request_jobs?)\\s*=|\\bOut\\(asset_key|pipeline_name\\s*=|\\.(pipeline_run|pipeline_name|pipeline_def|mode_def|solid_def|solid_handle|solid_exception|solid_name|is_pipeline_\\w+)\\b|materializer\\s*=|solid_selection|metadata_entries|result_for_solid|dagster\\.(core|utils|experimental)\\b|["']solids["']|["'](intermediate_)?storage["']\\s*:|["']execution["']\\s*:\\s*\\{\\s*["'](multiprocess|in_process)["']`,
);
// A run config's keys as 0.x wrote them (a solid's config, an executor's or a storage's).
const RUN_CONFIG_TEXT = /["'](solids|storage|intermediate_storage|execution)["']\s*:/;
// A module of Dagster 0.x: it imports dagster and mentions a legacy name, or (a fragment that
// relied on another module's imports) it decorates with @solid / @pipeline and reads solid_config.
const isLegacy = (source: string) =>
  (/^\s*(from dagster(\.\w+)* import|import dagster)/m.test(source) && LEGACY_TEXT.test(source)) ||
  (/^@(solid|lambda_solid|composite_solid|pipeline)\b/m.test(source) && /solid_config|@pipeline\b/.test(source));

/** The tree's Python modules. */
const py = (tree: FileTree) => tree.list().filter((p) => p.endsWith('.py'));

/** Keeps the outermost of overlapping edits (a later pass or run does the inner ones). */
function disjoint(edits: Edit[]): Edit[] {
  const sorted = [...edits].sort(
    (a, b) =>
      a.startPos - b.startPos ||
      (a.endPos === a.startPos ? -1 : 0) - (b.endPos === b.startPos ? -1 : 0) ||
      b.endPos - a.endPos,
  );
  const out: Edit[] = [];
  let end = -1;
  for (const e of sorted) {
    if (e.startPos < end) continue;
    out.push(e);
    end = Math.max(end, e.endPos);
  }
  return out;
}

interface Module {
  path: string;
  text: string;
  crlf: boolean;
  style: Style;
  /** TODOs found while learning (a mode or preset it cannot read), written by pass 1. */
  learned?: Todos;
}

/**
 * A family of edits folded into the pass before it: made on the same parse when `when(text)` holds
 * for the pass's result and none of its edits overlaps the pass's (then the order cannot matter).
 */
interface Fold {
  when: (text: string) => boolean;
  edit: (r: ModuleRewrite) => Edit[];
}

/**
 * One pass over a module: parse, collect a family's edits (and its TODOs), commit them. Returns
 * whether `fold` was made too (one parse fewer).
 */
async function pass(
  m: Module,
  edit: (r: ModuleRewrite) => Edit[],
  todos?: Todos,
  fold?: Fold,
  depth?: number,
): Promise<boolean> {
  const root = (await parsePython(m.text)).root();
  const r: ModuleRewrite = {
    path: m.path,
    source: m.text,
    root,
    style: m.style,
    todos: todos ?? new Todos(m.text),
    ns: namespaceOf(m.text),
  };
  r.todos.width = m.style.width;
  const proposed = [...edit(r), ...r.todos.edits];
  const edits = disjoint(proposed);
  const text = edits.length ? root.commitEdits(edits) : m.text;
  // An edit inside another one was left out (`execute_pipeline(p)` inside the chain
  // `execute_pipeline(p).result_for_solid("x").output_value()`): the pass again, on what it wrote,
  // makes it (twice at most; a pass with TODOs or a fold of its own is not repeated).
  if (edits.length < proposed.length && !todos && !fold && (depth ?? 0) < 2 && text !== m.text) {
    m.text = text;
    return pass(m, edit, undefined, undefined, (depth ?? 0) + 1);
  }
  if (fold?.when(text)) {
    const more = fold.edit(r);
    // The pass's edits first: where two start and end together, the pass's wins, as it would in sequence.
    const all = disjoint([...edits, ...more]);
    if (all.length === edits.length + more.length) {
      if (all.length) m.text = root.commitEdits(all);
      return true;
    }
  }
  m.text = text;
  return false;
}

/** Pass 0: what each module defines (pipelines, modes, presets, schedules, sensors, imports). */
async function learn(tree: FileTree, modules: Module[]): Promise<Facts> {
  const files = new Set(tree.list());
  const facts: Facts = new Map();
  const roots = new Map<string, SgNode>();
  for (const m of modules) {
    const root = (await parsePython(m.text)).root();
    roots.set(m.path, root);
    const f = emptyFacts();
    f.imports = readImports(root, m.path, files);
    // Each walk only when the text can hold what it looks for (most modules hold ops alone).
    if (/ModeDefinition|PresetDefinition/.test(m.text)) readVariables(root, m.path, files, f);
    const decorations = /schedule|sensor|job/.test(m.text) ? root.children() : [];
    for (const decorated of decorations.filter((c) => c.kind() === 'decorated_definition')) {
      const name = decorated.field('definition')?.field('name')?.text() ?? '';
      for (const d of decorated.children().filter((c) => c.kind() === 'decorator')) {
        const callee = calleeName(d.children().find((x) => x.isNamed())!) ?? '';
        if (/schedule$/.test(callee)) f.schedules.add(name);
        if (/sensor$/.test(callee)) f.sensors.add(name);
        if (callee === 'job') f.jobs.add(name);
      }
    }
    const defined = /ScheduleDefinition|build_schedule_from_partitioned_job|SensorDefinition|to_job|define_asset_job/;
    for (const { name, right } of defined.test(m.text) ? topLevelAssignments(root) : []) {
      const callee = right.kind() === 'call' ? calleeName(right) : undefined;
      if (callee === 'ScheduleDefinition' || callee === 'build_schedule_from_partitioned_job') f.schedules.add(name);
      if (callee === 'SensorDefinition') f.sensors.add(name);
      if (callee === 'to_job' || callee === 'define_asset_job') f.jobs.add(name);
    }
    facts.set(m.path, f);
  }
  // The package's texts only when a mode list was found (most packages have none).
  if ([...facts.values()].some((f) => f.modeLists.size))
    confirmModeLists(facts, new Map(py(tree).map((p) => [p, tree.read(p) ?? ''])));
  // Pipelines after every module's mode and preset variables are known (they may be imported).
  for (const m of modules) {
    const root = roots.get(m.path)!;
    const r: ModuleRewrite = {
      path: m.path,
      source: m.text,
      root,
      style: m.style,
      todos: new Todos(m.text),
      ns: namespaceOf(m.text),
    };
    r.todos.width = m.style.width;
    m.learned = r.todos;
    const pipelines = /\bpipeline\b/.test(m.text) ? readPipelines(r, facts, files) : [];
    const taken = new Set(pipelines.length ? topLevelNames(root) : []);
    for (const p of pipelines) {
      nameJobs(p, taken);
      facts.get(m.path)!.pipelines.set(p.fn, p);
    }
  }
  return facts;
}

/**
 * The modules that hold a run config the legacy modules name by a name imported from there:
 * `run_config=LOCAL` (a preset's, or a run's), `from .run_configs import LOCAL`.
 */
async function heldRunConfigModules(modules: Module[], facts: Facts): Promise<Set<string>> {
  const out = new Set<string>();
  for (const m of modules) {
    const imports = facts.get(m.path)?.imports;
    if (!imports?.size || !m.text.includes('run_config')) continue;
    const named = new Set<string>();
    for (const p of facts.get(m.path)!.pipelines.values()) for (const s of p.presets) named.add(s.config);
    const root = (await parsePython(m.text)).root();
    for (const kw of root.findAll({
      rule: { kind: 'keyword_argument', has: { field: 'name', regex: '^run_config$' } },
    }))
      if (kw.field('value')?.kind() === 'identifier') named.add(kw.field('value')!.text());
    for (const name of named) {
      const from = imports.get(name);
      if (from) out.add(from[0]);
    }
  }
  return out;
}

const executorOf = new WeakMap<FileTree, boolean>();
/**
 * Whether a module of the tree names an executor (a mode's, or a job's already migrated): a run
 * config's executor key may then be for it, whose config has another shape than the default's.
 * Read once per tree, when its first module is migrated.
 */
function namesAnExecutor(tree: FileTree): boolean {
  let named = executorOf.get(tree);
  if (named === undefined) {
    named = tree.list().some((p) => p.endsWith('.py') && EXECUTOR_NAMED.test(tree.read(p) ?? ''));
    executorOf.set(tree, named);
  }
  return named;
}

/** Passes 1-6 on one module; its TODOs are reported by the caller from the final text. */
async function rewrite(m: Module, facts: Facts, files: Set<string>, executorNamed = false): Promise<void> {
  const needed = new Map<string, Set<string>>();
  // The module as it came, for the imports the passes leave unused (a cache hit: learn parsed it).
  const original = { text: m.text, root: (await parsePython(m.text)).root() };
  const has = (re: RegExp, text = m.text) => re.test(text);
  const executions =
    /execute_|result_for_solid|output_for_solid|get_preset|solid_selection|pipeline_name\s*=|_schedule\b|PartitionSetDefinition|create_schedule_definition|validate_run_config\(/;
  const repositories = /@(\w+\.)?repository\b/;
  const early = /RepositoryDefinition|@(\w+\.)?schedules\b/;
  // The renames need no other family's result: when passes 2-4 will not run, they are made on pass
  // 1's parse. Renames are local and idempotent, so any left (in text pass 1 wrote) get their own pass.
  const renamesFolded: Fold = {
    when: (text) => ![executions, repositories, early].some((re) => has(re, text)),
    edit: (r) => renameEdits(r),
  };
  let folded = false;
  if (
    has(
      /@(\w+\.)?(solid|lambda_solid|composite_solid|pipeline)\b|ModeDefinition|PresetDefinition|EventMetadataEntry|metadata_entries/,
    )
  ) {
    folded = await pass(
      m,
      (r) => [...opEdits(r), ...pipelineEdits(r, facts), ...metadataEdits(r)],
      m.learned,
      renamesFolded,
    );
  }
  if (has(executions)) {
    await pass(m, (r) => [
      ...executionEdits(r, facts, needed),
      ...scheduleEdits(r, facts, needed, files),
      ...partitionEdits(r, facts, needed, files),
    ]);
  }
  // A preset held in a variable (here or in a module this one imports) is its run config dict now.
  if (has(/\.(run_config|tags|name|mode|solid_selection)\b/) && [...facts.values()].some((f) => f.presetVars.size))
    await pass(m, (r) => presetVariableEdits(r, facts));
  if (has(repositories)) await pass(m, (r) => repositoryEdits(r, facts, needed));
  if (has(early)) await pass(m, (r) => earlyRepositoryEdits(r));
  if (mayHoldRunConfigKeys(m.text)) await pass(m, (r) => runConfigEdits(r, facts, executorNamed));
  if (!folded || mayRename(m.text)) await pass(m, (r) => renameEdits(r));
  await pass(m, (r) => importEdits(r, needed, original.root));
  if (m.text !== original.text) await pass(m, (r) => madeUnusedEdits(r, original.root));
  await pass(m, (r) => {
    sweep(r);
    return [];
  });
}

export async function migrateModule(
  tree: FileTree,
  path: string,
  facts: Facts,
  learnedModule?: Module,
): Promise<boolean> {
  const source = tree.read(path)!;
  const { text, crlf, bom } = toLf(source);
  const m: Module = learnedModule ?? { path, text, crlf, style: styleFor(tree, path) };
  await rewrite(m, facts, new Set(tree.list()), namesAnExecutor(tree));
  if (m.text === text) return false;
  const problem = await parseError(m.text);
  if (problem)
    throw new Error(
      `${path}:${problem.line}: the migrated code does not parse (${problem.what}); the pipeline was left as it was, migrate this module by hand`,
    );
  tree.write(path, fromLf(m.text, crlf, bom));
  return true;
}

export const legacyDagster: Codemod = {
  id: 'legacy-dagster-0x',
  version: 1,
  description: 'Dagster 0.x (solids, pipelines, modes, presets) to current Dagster: ops, jobs, graphs, Definitions',
  async run(tree, ctx) {
    const files = py(tree);
    /** A module to migrate, or undefined (with a report line) when it cannot be read as Python 3. */
    const prepared = async (path: string): Promise<Module | undefined> => {
      const { text, crlf } = toLf(tree.read(path)!);
      // PEP 263: a coding line other than UTF-8's (`# -*- coding: latin-1 -*-`), whose bytes are not UTF-8.
      const coding = /^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)/m.exec(text.split('\n', 2).join('\n'))?.[1];
      if (coding && !/^utf[-_]?8/i.test(coding) && text.includes('\uFFFD')) {
        ctx.todo(
          `${path}:1: module: it is not UTF-8 (its coding line says ${coding}), which the codemod reads; save it as UTF-8 (and drop the coding line), then run again, or migrate it by hand`,
        );
        return undefined;
      }
      const problem = (await parseError(text)) ?? (await python2Construct(text));
      if (problem) {
        ctx.todo(
          `${path}:${problem.line}: module: it does not parse as Python 3 (${problem.what}); migrate it by hand`,
        );
        return undefined;
      }
      return { path, text: await unaliased(text), crlf, style: styleFor(tree, path) };
    };
    const modules: Module[] = [];
    for (const path of files) {
      const m = isLegacy(tree.read(path)!) ? await prepared(path) : undefined;
      if (m) modules.push(m);
    }
    let changes = 0;
    if (modules.length) {
      let facts = await learn(tree, modules);
      // Run config a legacy module imports from one that imports nothing of Dagster (`LOCAL =
      // {"solids": ...}` in run_configs.py), named as a preset's or a run's run config: that
      // module's keys are migrated as the importing module's own. (Only then: a module of other
      // data, `{"solids": ...}` of a chemistry lab, is not run config.)
      const held = [...(await heldRunConfigModules(modules, facts))].filter(
        (p) => files.includes(p) && !modules.some((m) => m.path === p) && RUN_CONFIG_TEXT.test(tree.read(p) ?? ''),
      );
      for (const path of held) {
        const m = await prepared(path);
        if (m) modules.push(m);
      }
      if (held.length) facts = await learn(tree, modules);
      for (const m of modules) if (await migrateModule(tree, m.path, facts, m)) changes++;
      for (const f of facts.values()) changes += migrateRunConfigFiles(tree, presetFiles(f));
    }
    // Every TODO left in the package (its preset YAML files too), this run's and earlier runs', is
    // reported where it is.
    const yaml = tree.list().filter((p) => /\.ya?ml$/.test(p));
    for (const path of [...files, ...yaml]) for (const t of reportTodos(path, tree.read(path) ?? '')) ctx.todo(t);
    return changes;
  },
};
