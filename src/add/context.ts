// What `pipeline add` needs to know about the pipeline it adds to, read from its files without
// running Python: the platform, the pipeline's deployments, its graphs, presets and schedules.
import { join, relative, resolve, sep } from 'node:path';
import type { SgNode } from '@ast-grep/napi';
import type { AddContext, PresetFact } from '../../generators/add/context.ts';
import { decorated, graphOpsOf, unreadGraphNames } from '../../generators/add/graph-ops.ts';
import {
  ADDED,
  ADDED_JOBS,
  ADDED_PRESETS,
  ADDED_RESOURCES,
  ANSWERS_CONFLICT,
  ANSWERS_FILE,
} from '../../generators/pipeline/files.ts';
import { findPlatformRoot, loadPlatformConfig, PLATFORM_FILE } from '../conventions/platform-config.ts';
import { SPEC_FIELDS } from '../conventions/spec-fields.ts';
import { InputError } from '../errors.ts';
import { FileTree } from '../tree/file-tree.ts';
import { recoverBeforeReading } from '../tree/transaction.ts';
import { argumentValue, importedAs, keywordValue, parsePython } from '../upgrade/engines/python.ts';
import { stringOrConstant, stringValue } from '../upgrade/engines/python-strings.ts';
import { findPipelines } from '../upgrade/runner.ts';
import { parseYamlFile } from '../yaml/read.ts';

export type { AddContext, PresetFact } from '../../generators/add/context.ts';

/** The pipeline named by --pipeline, else the one whose folder holds cwd; a one-line error otherwise. */
export async function loadAddContext(cwd: string, name: string | undefined): Promise<AddContext> {
  const root = findPlatformRoot(cwd);
  if (!root)
    throw new InputError(
      `no ${PLATFORM_FILE} in ${cwd} or any folder above it; run pipeline add inside a platform repo`,
    );
  // What a killed command left half-written is put back before anything is read.
  recoverBeforeReading(root);
  const platform = loadPlatformConfig(root);
  const all = findPipelines(root).map((p) => p.name);
  const inside = relative(join(root, 'pipelines'), resolve(cwd)).split(sep)[0];
  const pipeline = name ?? (inside && !inside.startsWith('..') && all.includes(inside) ? inside : undefined);
  if (!pipeline)
    throw new InputError(
      `which pipeline? run pipeline add inside pipelines/<name>/ or pass --pipeline NAME (there are: ${all.join(', ') || 'none'})`,
    );
  if (!all.includes(pipeline))
    throw new InputError(
      `--pipeline ${pipeline} is not a pipeline of this platform (there are: ${all.join(', ') || 'none'}); pass one of those, or make it first with npx pipeline new ${pipeline}`,
    );
  const dir = join(root, 'pipelines', pipeline);
  const pkg = `src/${pipeline}`;
  const tree = new FileTree(dir);
  const read = (path: string) => tree.read(path);
  const answers = (parseYamlFile(read(ANSWERS_FILE) ?? '', `pipelines/${pipeline}/${ANSWERS_FILE}`, ANSWERS_CONFLICT) ??
    {}) as Record<string, unknown>;
  const known = platform.deployments.map((d) => d.name);
  // Whether the packages of added presets and graphs exist is read now, with everything else the
  // answers are checked against: made by another command while a person answers, they count as a
  // file that changed (nothing is written, and the command says so), not as one seen half new.
  for (const added of [ADDED_PRESETS, ADDED_JOBS]) tree.exists(`${pkg}/${added}/__init__.py`);
  // resources.py, and the modules of added_resources/ it gathers (one per resource added since v5).
  const resourceFiles = [`${pkg}/resources.py`, ...pythonIn(tree, `${pkg}/${ADDED_RESOURCES}`)];
  const deployments = Array.isArray(answers.deployments)
    ? known.filter((d) => (answers.deployments as unknown[]).includes(d))
    : known;
  return {
    root,
    platform,
    pipeline,
    rel: `pipelines/${pipeline}`,
    pkg,
    tree,
    deployments,
    // jobs.py's, then those of added_jobs/ (one module per graph added since conventions v5), then
    // those of any other module of the package (a team's graphs.py), as check reads them.
    graphs: await inEach(packageModules(tree, pkg, 'jobs.py', ADDED_JOBS), (path) => graphsOf(read(path))),
    graphsUnread: await inEach(packageModules(tree, pkg, 'jobs.py', ADDED_JOBS), async (path) => {
      const source = read(path);
      return source === undefined ? [] : unreadGraphNames((await parsePython(source)).root());
    }),
    // presets.py's, then those of added_presets/ (one module per preset added since conventions v5),
    // then those of any other module (presets a team moved out of presets.py), as check reads them.
    presets: await inEach(packageModules(tree, pkg, 'presets.py', ADDED_PRESETS), (path) => presetsOf(read(path))),
    modes: await dictKeys(read(`${pkg}/modes.py`), 'MODES'),
    answers,
    schedules: await inEach([`${pkg}/schedules.py`, ...addedModules(tree, pkg, 'schedule')], (path) =>
      callNames(read(path), 'ScheduleSpec'),
    ),
    sensors: await inEach([`${pkg}/sensors.py`, ...addedModules(tree, pkg, 'sensor')], (path) =>
      callNames(read(path), 'SensorSpec'),
    ),
    // definitions.py merges the evaluation functions of sensors.py and of every added module.
    sensorNames: await inEach([`${pkg}/sensors.py`, ...addedModules(tree, pkg, 'sensor')], (path) =>
      topLevelNames(read(path)),
    ),
    graphOps: await graphOpsOf(
      [`${pkg}/jobs.py`, `${pkg}/ops.py`, ...pythonIn(tree, `${pkg}/${ADDED_JOBS}`)].map((path) => read(path)),
    ),
    jobsNames: await topLevelNames(read(`${pkg}/jobs.py`)),
    opsNames: await topLevelNames(read(`${pkg}/ops.py`)),
    resources: await inEach(resourceFiles, async (path) =>
      (await callsOf(read(path), 'Binding')).map((c) => stringValue(keywordValue(c, 'key') ?? c) ?? '').filter(Boolean),
    ),
    resourcesNames: await inEach(resourceFiles, (path) => topLevelNames(read(path))),
  };
}

/** The Python files of a folder of the tree (a package of added modules). */
const pythonIn = (tree: FileTree, folder: string): string[] =>
  tree.list(`${folder}/`).filter((path) => path.endsWith('.py'));

/** Every module of the package: `first`, then those of `added`/, then the others. */
const packageModules = (tree: FileTree, pkg: string, first: string, added: string): string[] => [
  ...new Set([`${pkg}/${first}`, ...pythonIn(tree, `${pkg}/${added}`), ...pythonIn(tree, pkg)]),
];

/** The modules of added_schedules/ or added_sensors/ (conventions v5): one per schedule or sensor `pipeline add` added. */
export const addedModules = (tree: FileTree, pkg: string, kind: keyof typeof ADDED): string[] =>
  pythonIn(tree, `${pkg}/${ADDED[kind]}`);

/** `read` of every path, concatenated. */
const inEach = async <T>(paths: string[], read: (path: string) => Promise<T[]>): Promise<T[]> =>
  (await Promise.all(paths.map(read))).flat();

/** Calls of `callee` (as `X(...)` or `mod.X(...)`) in a file. */
export async function callsOf(source: string | undefined, callee: string): Promise<SgNode[]> {
  if (source === undefined) return [];
  const root = (await parsePython(source)).root();
  // Under the names the module imports it as too (`from .deployments import Preset as P`).
  const names = [callee, ...importedAs(root, callee)].join('|');
  return root.findAll({ rule: { kind: 'call', has: { field: 'function', regex: `(^|\\.)(${names})$` } } });
}

/** A field of a Preset, ScheduleSpec or SensorSpec call, by keyword or by its place. */
const specField = (call: SgNode, callee: string, field: string) => argumentValue(call, field, SPEC_FIELDS[callee]);

async function callNames(source: string | undefined, callee: string): Promise<string[]> {
  return (await callsOf(source, callee))
    .map((c) => stringOrConstant(specField(c, callee, 'name')) ?? '')
    .filter(Boolean);
}

async function presetsOf(source: string | undefined): Promise<PresetFact[]> {
  return (await callsOf(source, 'Preset')).flatMap((call) => {
    const name = stringOrConstant(specField(call, 'Preset', 'name'));
    const mode = stringOrConstant(specField(call, 'Preset', 'mode'));
    // The indentation of the line the call starts on: its fields are 4 columns further in
    // (`        Preset(` in presets.py's list, `PRESET = Preset(` in a module of added_presets/).
    const start = call.range().start;
    const line = source!.slice(start.index - start.column, start.index);
    const column = line.length - line.trimStart().length;
    // Copied into a module of its own by add preset: only a dict of literals reads the same there
    // (a name such as `_FULL`, or `os.environ[...]`, is not defined in the new module).
    const config = specField(call, 'Preset', 'run_config');
    const copyable = config?.kind() === 'dictionary' && !config.find({ rule: { kind: 'identifier' } });
    return name && mode ? [{ name, mode, runConfig: copyable ? config.text() : undefined, column }] : [];
  });
}

/** The graphs of jobs.py: `@dg.graph(name="x")` gives x, a graph without a name its function's name. */
async function graphsOf(source: string | undefined): Promise<string[]> {
  if (source === undefined) return [];
  return decorated((await parsePython(source)).root(), 'graph').map((graph) => graph.name);
}

/** The string keys of the dict literal assigned to `name` at the top of a module. */
async function dictKeys(source: string | undefined, name: string): Promise<string[]> {
  if (source === undefined) return [];
  const root = (await parsePython(source)).root();
  const assignment = root
    .children()
    .map((s) => s.children()[0])
    .find((n) => n?.kind() === 'assignment' && n.field('left')?.text() === name);
  const dict = assignment?.field('right');
  if (dict?.kind() !== 'dictionary') return [];
  return dict
    .children()
    .filter((c) => c.kind() === 'pair')
    .map((p) => stringValue(p.field('key') ?? p) ?? '')
    .filter(Boolean);
}

/** Names a module defines at the top level: functions, classes, assignments, imports. */
async function topLevelNames(source: string | undefined): Promise<string[]> {
  if (source === undefined) return [];
  const root = (await parsePython(source)).root();
  const names: string[] = [];
  for (const statement of root.children()) {
    const node =
      statement.kind() === 'decorated_definition'
        ? statement.field('definition')
        : statement.kind() === 'expression_statement'
          ? statement.children()[0]
          : statement;
    if (!node) continue;
    if (node.kind() === 'function_definition' || node.kind() === 'class_definition')
      names.push(node.field('name')?.text() ?? '');
    else if (node.kind() === 'assignment') names.push(node.field('left')?.text() ?? '');
    else if (node.kind() === 'import_statement' || node.kind() === 'import_from_statement') {
      for (const n of node.findAll({ rule: { any: [{ kind: 'aliased_import' }, { kind: 'dotted_name' }] } })) {
        if (n.kind() === 'aliased_import') names.push(n.field('alias')?.text() ?? '');
        else if (n.parent()?.kind() !== 'aliased_import' && n !== node.field('module_name'))
          names.push(n.text().split('.')[0]!);
      }
    }
  }
  return names.filter(Boolean);
}
